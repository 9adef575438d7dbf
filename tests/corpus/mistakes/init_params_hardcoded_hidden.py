"""wrong: init_params: hard-codes 16 hidden units, ignoring the n_hidden argument.
cause: arguments
"""


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    """Draw the starting parameters."""
    k_w1, k_b1, k_w2, k_b2 = jax.random.split(key, 4)
    return {
        "w1": scale * jax.random.normal(k_w1, (16, input_dims)),
        "b1": scale * jax.random.normal(k_b1, (16,)),
        "w2": scale * jax.random.normal(k_w2, (output_dims, 16)),
        "b2": scale * jax.random.normal(k_b2, (output_dims,)),
    }
