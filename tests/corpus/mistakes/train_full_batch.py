"""wrong: train: takes one full-batch step per epoch instead of one update per row.
cause: for each row j in order
"""


@functools.partial(jax.jit, static_argnames="epochs")
def _train_compiled(params, X, Y, epochs, step_size):
    """``train`` as one compiled program."""

    def one_epoch(p, _):
        def batch_loss(q):
            return jnp.mean(jax.vmap(loss, in_axes=(None, 0, 0))(q, X, Y))

        grads = jax.grad(batch_loss)(p)
        p = jax.tree.map(lambda a, g: a - step_size * g, p, grads)
        return p, batch_loss(p)

    return lax.scan(one_epoch, params, None, length=epochs)
