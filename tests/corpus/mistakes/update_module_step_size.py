"""wrong: update: steps by the module's STEP_SIZE, not by its step_size argument.
cause: step_size argument, STEP_SIZE
"""


def update(params, x, y, step_size=STEP_SIZE):
    """One step of gradient descent on ``loss``."""
    grads = jax.grad(loss)(params, x, y)
    return jax.tree.map(lambda p, g: p - STEP_SIZE * g, params, grads)
