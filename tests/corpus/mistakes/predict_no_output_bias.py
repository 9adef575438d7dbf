"""wrong: predict: forgets to add the output bias b2.
cause: off by exactly b2
"""


def predict(params, x):
    """The forward pass for one example."""
    hidden = relu(params["w1"] @ x + params["b1"])
    return params["w2"] @ hidden
