"""wrong: update: scales the gradient by step_size ** 2 instead of step_size.
cause: step_size ** 2
"""


def update(params, x, y, step_size=STEP_SIZE):
    """One step of gradient descent on ``loss``."""
    grads = jax.grad(loss)(params, x, y)
    return jax.tree.map(lambda p, g: p - step_size**2 * g, params, grads)
