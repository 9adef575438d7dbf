"""wrong: loss: returns the vector of squared errors, shape (output_dims,), not their mean.
cause: one squared error per output unit
"""


def loss(params, x, y):
    """Squared error of the prediction for one example."""
    return (predict(params, x) - y) ** 2
