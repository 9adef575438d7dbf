"""wrong: predict: returns a column, shape (output_dims, 1), instead of (output_dims,).
cause: column
"""


def predict(params, x):
    """The forward pass for one example, as a column."""
    hidden = relu(params["w1"] @ x + params["b1"])
    return (params["w2"] @ hidden + params["b2"]).reshape(-1, 1)
