"""wrong: relu: decides with a Python `if`, which fails on arrays and under jax.jit.
cause: python `if`, jnp.maximum
"""


def relu(x):
    """Rectified linear unit."""
    if x > 0:
        return x
    return jnp.zeros_like(x)
