"""correct: init_params indexes a list of split keys and update uses jax.tree_util.tree_map."""


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    """Draw the starting parameters, one key per array."""
    keys = list(jax.random.split(key, 4))
    return {
        "w1": scale * jax.random.normal(keys[0], (n_hidden, input_dims)),
        "b1": scale * jax.random.normal(keys[1], (n_hidden,)),
        "w2": scale * jax.random.normal(keys[2], (output_dims, n_hidden)),
        "b2": scale * jax.random.normal(keys[3], (output_dims,)),
    }


def update(params, x, y, step_size=STEP_SIZE):
    """One step of gradient descent with jax.tree_util.tree_map."""
    grads = jax.grad(loss)(params, x, y)
    return jax.tree_util.tree_map(lambda p, g: p - step_size * g, params, grads)
