"""correct: train as a plain Python loop over a jitted update and a jitted loss."""


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    """Per-example gradient descent in a Python loop; returns ``(params, losses)``."""
    step = jax.jit(update)
    row_loss = jax.jit(loss)
    n = X.shape[0]
    losses = []
    for _ in range(epochs):
        for j in range(n):
            params = step(params, X[j], Y[j], step_size)
        losses.append(sum(row_loss(params, X[j], Y[j]) for j in range(n)) / n)
    return params, jnp.array(losses, dtype=jnp.float32)
