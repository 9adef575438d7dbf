"""wrong: predict: reshapes the output to (1,), which assumes a single output unit.
cause: reshape
"""


def predict(params, x):
    """The forward pass for one example."""
    hidden = relu(params["w1"] @ x + params["b1"])
    return (params["w2"] @ hidden + params["b2"]).reshape((1,))
