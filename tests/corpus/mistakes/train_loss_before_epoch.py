"""wrong: train: records each epoch's mean loss before that epoch's updates, not after.
cause: before each epoch
"""


@functools.partial(jax.jit, static_argnames="epochs")
def _train_compiled(params, X, Y, epochs, step_size):
    """``train`` as one compiled program."""

    def one_row(p, xy):
        return update(p, xy[0], xy[1], step_size), None

    def one_epoch(p, _):
        mean_loss = jnp.mean(jax.vmap(loss, in_axes=(None, 0, 0))(p, X, Y))
        p, _ = lax.scan(one_row, p, (X, Y))
        return p, mean_loss

    return lax.scan(one_epoch, params, None, length=epochs)
