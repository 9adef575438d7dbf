"""wrong: loss: squares the mean error instead of taking the mean of the squared errors.
cause: squared the mean
"""


def loss(params, x, y):
    """Squared error of the prediction for one example."""
    return jnp.mean(predict(params, x) - y) ** 2
