"""wrong: predict: multiplies with numpy's np.dot, which fails under jax.jit, jax.grad, jax.vmap.
cause: numpy
"""

import numpy as np


def predict(params, x):
    """The forward pass for one example."""
    hidden = relu(np.dot(params["w1"], x) + params["b1"])
    return np.dot(params["w2"], hidden) + params["b2"]
