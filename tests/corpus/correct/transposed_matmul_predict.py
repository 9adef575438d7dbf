"""correct: predict multiplies from the left with transposed weights, x @ w1.T and hidden @ w2.T."""


def predict(params, x):
    """The forward pass for one example, row-vector style."""
    hidden = relu(x @ params["w1"].T + params["b1"])
    return hidden @ params["w2"].T + params["b2"]
