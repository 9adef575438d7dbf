"""wrong: relu: clips to [0, 1] instead of [0, inf), so inputs above 1 are capped at 1.
cause: capped the output at 1
"""


def relu(x):
    """Rectified linear unit."""
    return jnp.clip(x, 0.0, 1.0)
