"""wrong: init_params: forgets to multiply by scale, so every parameter has standard deviation 1.
cause: multiply by scale
"""


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    """Draw the starting parameters."""
    k_w1, k_b1, k_w2, k_b2 = jax.random.split(key, 4)
    return {
        "w1": jax.random.normal(k_w1, (n_hidden, input_dims)),
        "b1": jax.random.normal(k_b1, (n_hidden,)),
        "w2": jax.random.normal(k_w2, (output_dims, n_hidden)),
        "b2": jax.random.normal(k_b2, (output_dims,)),
    }
