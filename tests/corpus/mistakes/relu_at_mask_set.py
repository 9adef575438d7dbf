"""wrong: relu: sets the negative entries with a boolean mask, x.at[x < 0].set(0), which jax.jit cannot trace.
cause: boolean mask, jnp.where
"""


def relu(x):
    """Rectified linear unit, applied elementwise: ``max(0, x)``."""
    return x.at[x < 0].set(0.0)
