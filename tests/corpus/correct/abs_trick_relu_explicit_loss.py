"""correct: relu as (x + |x|) / 2 and loss as the mean of the error multiplied by itself."""


def relu(x):
    """Rectified linear unit: (x + |x|) / 2."""
    return (x + jnp.abs(x)) / 2


def loss(params, x, y):
    """Mean squared error, written out."""
    err = predict(params, x) - y
    return jnp.mean(err * err)
