"""wrong: init_params: re-splits the key before each array instead of one split into 4.
cause: split the key again
"""


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    """Draw the starting parameters."""
    key, k_w1 = jax.random.split(key)
    key, k_b1 = jax.random.split(key)
    key, k_w2 = jax.random.split(key)
    key, k_b2 = jax.random.split(key)
    return {
        "w1": scale * jax.random.normal(k_w1, (n_hidden, input_dims)),
        "b1": scale * jax.random.normal(k_b1, (n_hidden,)),
        "w2": scale * jax.random.normal(k_w2, (output_dims, n_hidden)),
        "b2": scale * jax.random.normal(k_b2, (output_dims,)),
    }
