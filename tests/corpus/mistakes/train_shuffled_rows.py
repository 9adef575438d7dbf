"""wrong: train: shuffles the rows each epoch instead of visiting them in order.
cause: in order
"""


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    """Per-example gradient descent; returns ``(params, losses)``."""
    step = jax.jit(update)
    mean_loss = jax.jit(lambda p: jnp.mean(jax.vmap(loss, in_axes=(None, 0, 0))(p, X, Y)))
    losses = []
    for i in range(epochs):
        order = jax.random.permutation(jax.random.PRNGKey(i), X.shape[0])
        for j in order:
            params = step(params, X[j], Y[j], step_size)
        losses.append(mean_loss(params))
    return params, jnp.stack(losses)
