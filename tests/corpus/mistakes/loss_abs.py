"""wrong: loss: uses the mean absolute error instead of the mean squared error.
cause: absolute error
"""


def loss(params, x, y):
    """Squared error of the prediction for one example."""
    return jnp.mean(jnp.abs(predict(params, x) - y))
