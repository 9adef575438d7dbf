"""wrong: predict: computes x @ w1 instead of w1 @ x (shape error unless input_dims == n_hidden).
cause: w1 @ x
"""


def predict(params, x):
    """The forward pass for one example."""
    hidden = relu(x @ params["w1"] + params["b1"])
    return params["w2"] @ hidden + params["b2"]
