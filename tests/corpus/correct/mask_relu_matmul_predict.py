"""correct: relu as x * (x > 0), predict via jnp.matmul, update as a dict comprehension."""


def relu(x):
    """Rectified linear unit as a multiplication by a mask."""
    return x * (x > 0)


def predict(params, x):
    """The forward pass for one example, with jnp.matmul."""
    hidden = relu(jnp.matmul(params["w1"], x) + params["b1"])
    return jnp.matmul(params["w2"], hidden) + params["b2"]


def update(params, x, y, step_size=STEP_SIZE):
    """One step of gradient descent, building a new dict."""
    grads = jax.grad(loss)(params, x, y)
    return {k: params[k] - step_size * grads[k] for k in params}
