"""wrong: loss: converts the result with float(), which fails under jax.jit and jax.grad.
cause: float()
"""


def loss(params, x, y):
    """Squared error of the prediction for one example."""
    return float(jnp.mean((predict(params, x) - y) ** 2))
