"""wrong: relu: uses jnp.minimum instead of jnp.maximum, keeping only the negative part.
cause: jnp.minimum
"""


def relu(x):
    """Rectified linear unit."""
    return jnp.minimum(x, 0.0)
