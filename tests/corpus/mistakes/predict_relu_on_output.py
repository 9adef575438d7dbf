"""wrong: predict: applies relu to the output layer too, so it never outputs a negative number.
cause: relu to the output
"""


def predict(params, x):
    """The forward pass for one example."""
    hidden = relu(params["w1"] @ x + params["b1"])
    return relu(params["w2"] @ hidden + params["b2"])
