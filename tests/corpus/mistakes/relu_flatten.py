"""wrong: relu: flattens the result to 1-D, so inputs of two or more dimensions lose their shape.
cause: flattened
"""


def relu(x):
    """Rectified linear unit."""
    return jnp.maximum(x, 0.0).reshape(-1)
