"""wrong: loss: multiplies the mean squared error by 1/2.
cause: 1/2
"""


def loss(params, x, y):
    """Squared error of the prediction for one example."""
    return 0.5 * jnp.mean((predict(params, x) - y) ** 2)
