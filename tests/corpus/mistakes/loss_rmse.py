"""wrong: loss: takes the square root of the mean squared error (RMSE).
cause: square root
"""


def loss(params, x, y):
    """Squared error of the prediction for one example."""
    return jnp.sqrt(jnp.mean((predict(params, x) - y) ** 2))
