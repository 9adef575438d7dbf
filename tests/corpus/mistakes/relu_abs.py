"""wrong: relu: returns the absolute value, so negative inputs come out positive instead of zero.
cause: absolute value
"""


def relu(x):
    """Rectified linear unit."""
    return jnp.abs(x)
