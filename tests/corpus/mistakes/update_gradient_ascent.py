"""wrong: update: adds the gradient instead of subtracting it (gradient ascent).
cause: added the gradient
"""


def update(params, x, y, step_size=STEP_SIZE):
    """One step of gradient descent on ``loss``."""
    grads = jax.grad(loss)(params, x, y)
    return jax.tree.map(lambda p, g: p + step_size * g, params, grads)
