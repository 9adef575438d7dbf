"""wrong: update: updates only the weights w1 and w2 and returns the biases unchanged.
cause: biases
"""


def update(params, x, y, step_size=STEP_SIZE):
    """One step of gradient descent on ``loss``."""
    grads = jax.grad(loss)(params, x, y)
    return {
        "w1": params["w1"] - step_size * grads["w1"],
        "b1": params["b1"],
        "w2": params["w2"] - step_size * grads["w2"],
        "b2": params["b2"],
    }
