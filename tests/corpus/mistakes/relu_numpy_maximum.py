"""wrong: relu: uses numpy's np.maximum, which cannot trace under jax.jit, jax.grad or jax.vmap.
cause: numpy
"""

import numpy as np


def relu(x):
    """Rectified linear unit."""
    return np.maximum(x, 0.0)
