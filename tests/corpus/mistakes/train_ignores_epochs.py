"""wrong: train: loops a hard-coded 500 epochs instead of the epochs argument.
cause: ignored the epochs argument
"""


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    """Per-example gradient descent; returns ``(params, losses)``."""
    step = jax.jit(update)
    mean_loss = jax.jit(lambda p: jnp.mean(jax.vmap(loss, in_axes=(None, 0, 0))(p, X, Y)))
    losses = []
    for _ in range(500):
        for j in range(X.shape[0]):
            params = step(params, X[j], Y[j], step_size)
        losses.append(mean_loss(params))
    return params, jnp.stack(losses)
