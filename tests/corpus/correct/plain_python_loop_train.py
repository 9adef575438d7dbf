"""correct: train as a plain Python loop over update and loss, nothing jitted (slow but right)."""


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    """Per-example gradient descent in a Python loop; returns ``(params, losses)``."""
    n = X.shape[0]
    losses = []
    for _ in range(epochs):
        for j in range(n):
            params = update(params, X[j], Y[j], step_size)
        losses.append(sum(loss(params, X[j], Y[j]) for j in range(n)) / n)
    return params, jnp.array(losses, dtype=jnp.float32)
