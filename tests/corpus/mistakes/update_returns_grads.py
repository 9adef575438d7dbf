"""wrong: update: returns the scaled gradients instead of the updated parameters.
cause: instead of the new parameters
"""


def update(params, x, y, step_size=STEP_SIZE):
    """One step of gradient descent on ``loss``."""
    grads = jax.grad(loss)(params, x, y)
    return jax.tree.map(lambda g: step_size * g, grads)
