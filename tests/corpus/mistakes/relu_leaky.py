"""wrong: relu: implements a leaky ReLU (slope 0.01 for negative inputs) instead of max(0, x).
cause: leaky
"""


def relu(x):
    """Rectified linear unit."""
    return jnp.where(x > 0, x, 0.01 * x)
