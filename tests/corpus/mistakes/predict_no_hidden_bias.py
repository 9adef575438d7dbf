"""wrong: predict: forgets to add the hidden bias b1 before the relu.
cause: b1
"""


def predict(params, x):
    """The forward pass for one example."""
    hidden = relu(params["w1"] @ x)
    return params["w2"] @ hidden + params["b2"]
