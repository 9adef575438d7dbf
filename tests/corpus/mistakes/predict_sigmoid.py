"""wrong: predict: uses a sigmoid hidden activation instead of relu.
cause: sigmoid
"""


def predict(params, x):
    """The forward pass for one example."""
    hidden = jax.nn.sigmoid(params["w1"] @ x + params["b1"])
    return params["w2"] @ hidden + params["b2"]
