"""wrong: init_params: draws all four arrays from the same key, as the old tutorial did.
cause: one key, reused
"""


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    """Draw the starting parameters."""
    return {
        "w1": scale * jax.random.normal(key, (n_hidden, input_dims)),
        "b1": scale * jax.random.normal(key, (n_hidden,)),
        "w2": scale * jax.random.normal(key, (output_dims, n_hidden)),
        "b2": scale * jax.random.normal(key, (output_dims,)),
    }
