"""wrong: loss: forgets to square the error, returning the mean signed difference.
cause: forgot to square
"""


def loss(params, x, y):
    """Squared error of the prediction for one example."""
    return jnp.mean(predict(params, x) - y)
