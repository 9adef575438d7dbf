"""wrong: train: returns the losses as a Python list instead of an array of shape (epochs,).
cause: list
"""


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    """Per-example gradient descent; returns ``(params, losses)``."""
    step = jax.jit(update)
    mean_loss = jax.jit(lambda p: jnp.mean(jax.vmap(loss, in_axes=(None, 0, 0))(p, X, Y)))
    losses = []
    for _ in range(epochs):
        for j in range(X.shape[0]):
            params = step(params, X[j], Y[j], step_size)
        losses.append(mean_loss(params))
    return params, losses
