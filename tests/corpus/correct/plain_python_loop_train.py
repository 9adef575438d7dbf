"""correct: train as a plain Python loop over update and loss, nothing jitted (slow but right)."""

import jax
import jax.numpy as jnp

X = jnp.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=jnp.float32)
Y = jnp.array([0.0, 1.0, 1.0, 0.0], dtype=jnp.float32)

SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500


def relu(x):
    """Rectified linear unit, applied elementwise: ``max(0, x)``."""
    return jnp.maximum(x, 0.0)


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    """Draw the starting parameters, one key per array."""
    k_w1, k_b1, k_w2, k_b2 = jax.random.split(key, 4)
    return {
        "w1": scale * jax.random.normal(k_w1, (n_hidden, input_dims)),
        "b1": scale * jax.random.normal(k_b1, (n_hidden,)),
        "w2": scale * jax.random.normal(k_w2, (output_dims, n_hidden)),
        "b2": scale * jax.random.normal(k_b2, (output_dims,)),
    }


def predict(params, x):
    """The forward pass for one example: ``w2 @ relu(w1 @ x + b1) + b2``."""
    hidden = relu(params["w1"] @ x + params["b1"])
    return params["w2"] @ hidden + params["b2"]


def batched_predict(params, X):
    """``predict`` for every row of ``X``, through ``jax.vmap``."""
    return jax.vmap(predict, in_axes=(None, 0))(params, X)


def loss(params, x, y):
    """Mean squared error of the prediction for one example."""
    return jnp.mean((predict(params, x) - y) ** 2)


def update(params, x, y, step_size=STEP_SIZE):
    """One step of gradient descent on ``loss``; returns a new dict."""
    grads = jax.grad(loss)(params, x, y)
    return jax.tree.map(lambda p, g: p - step_size * g, params, grads)


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    """Per-example gradient descent in a Python loop; returns ``(params, losses)``."""
    n = X.shape[0]
    losses = []
    for _ in range(epochs):
        for j in range(n):
            params = update(params, X[j], Y[j], step_size)
        losses.append(sum(loss(params, X[j], Y[j]) for j in range(n)) / n)
    return params, jnp.array(losses, dtype=jnp.float32)
