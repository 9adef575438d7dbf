"""wrong: predict: returns only the first output unit, as shape () instead of (output_dims,).
cause: only the first output unit
"""


def predict(params, x):
    """The forward pass for one example."""
    hidden = relu(params["w1"] @ x + params["b1"])
    return (params["w2"] @ hidden + params["b2"])[0]
