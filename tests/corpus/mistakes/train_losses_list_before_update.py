"""wrong: train: measures each epoch's loss before its updates, and returns the losses as a list.
cause: array, before each epoch
"""


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    """Per-example gradient descent in a Python loop; returns ``(params, losses)``."""
    step = jax.jit(update)
    mean_loss = jax.jit(lambda p: jnp.mean(jax.vmap(loss, in_axes=(None, 0, 0))(p, X, Y)))
    losses = []
    for _ in range(epochs):
        losses.append(mean_loss(params))
        for j in range(X.shape[0]):
            params = step(params, X[j], Y[j], step_size)
    return params, losses
