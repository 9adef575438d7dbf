"""wrong: update: writes into the argument dict and returns it, changing the caller's params.
cause: new dict
"""


def update(params, x, y, step_size=STEP_SIZE):
    """One step of gradient descent on ``loss``."""
    grads = jax.grad(loss)(params, x, y)
    for k in params:
        params[k] = params[k] - step_size * grads[k]
    return params
