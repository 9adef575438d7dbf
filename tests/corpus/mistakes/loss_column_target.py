"""wrong: loss: reshapes y to a column, so broadcasting pairs every output with every target.
cause: column
"""


def loss(params, x, y):
    """Squared error of the prediction for one example."""
    return jnp.mean((predict(params, x) - jnp.reshape(y, (-1, 1))) ** 2)
