"""wrong: predict: leaves out the hidden activation, so the network is linear.
cause: no relu on the hidden layer
"""


def predict(params, x):
    """The forward pass for one example."""
    hidden = params["w1"] @ x + params["b1"]
    return params["w2"] @ hidden + params["b2"]
