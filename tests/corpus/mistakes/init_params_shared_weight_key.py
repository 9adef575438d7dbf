"""wrong: init_params: splits two keys: one shared by w1 and w2, one by b1 and b2.
cause: share a key
"""


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    """Draw the starting parameters."""
    k_w, k_b = jax.random.split(key)
    return {
        "w1": scale * jax.random.normal(k_w, (n_hidden, input_dims)),
        "b1": scale * jax.random.normal(k_b, (n_hidden,)),
        "w2": scale * jax.random.normal(k_w, (output_dims, n_hidden)),
        "b2": scale * jax.random.normal(k_b, (output_dims,)),
    }
