"""wrong: relu: casts the result to float16, so the dtype is not float32 and precision is lost.
cause: float16
"""


def relu(x):
    """Rectified linear unit."""
    return jnp.maximum(x, 0.0).astype(jnp.float16)
