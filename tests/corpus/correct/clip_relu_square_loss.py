"""correct: relu via jnp.clip with only a lower bound and loss via jnp.square."""


def relu(x):
    """Rectified linear unit: clip from below at zero."""
    return jnp.clip(x, min=0.0)


def loss(params, x, y):
    """Mean squared error, with jnp.square."""
    return jnp.mean(jnp.square(predict(params, x) - y))
