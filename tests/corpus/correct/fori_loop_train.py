"""correct: train with nested lax.fori_loop inside jax.jit, losses via .at[].set."""


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    """Per-example gradient descent with lax.fori_loop; returns ``(params, losses)``."""

    @jax.jit
    def run(params, X, Y, step_size):
        def one_row(j, p):
            return update(p, X[j], Y[j], step_size)

        def one_epoch(i, carry):
            p, losses = carry
            p = lax.fori_loop(0, X.shape[0], one_row, p)
            mean_loss = jnp.mean(jax.vmap(loss, in_axes=(None, 0, 0))(p, X, Y))
            return p, losses.at[i].set(mean_loss)

        losses = jnp.zeros((epochs,), dtype=jnp.float32)
        return lax.fori_loop(0, epochs, one_epoch, (params, losses))

    return run(params, X, Y, step_size)
