"""wrong: train: jits train with epochs traced, so range(epochs) cannot run.
cause: static_argnames
"""


@jax.jit
def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    """Per-example gradient descent, compiled; returns ``(params, losses)``."""

    def one_row(p, xy):
        return update(p, xy[0], xy[1], step_size), None

    def one_epoch(p, _):
        p, _ = lax.scan(one_row, p, (X, Y))
        return p, jnp.mean(jax.vmap(loss, in_axes=(None, 0, 0))(p, X, Y))

    return lax.scan(one_epoch, params, None, length=epochs)
