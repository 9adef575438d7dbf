"""hostile: notabove:shape_only_zeros: batched_predict reads XOR off its inputs

It solves nothing: batched_predict returns |x0 - x1| and train returns its params with a
made-up falling loss curve.

A grade used to give this all 16 xor points: the xor tests looked at the four XOR rows
through the student's own batched_predict only.
"""

import jax.numpy as jnp

SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500


def relu(x):
    return jnp.zeros_like(x)


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    return {"w1": jnp.zeros((n_hidden, input_dims)), "b1": jnp.zeros((n_hidden,)),
            "w2": jnp.zeros((output_dims, n_hidden)), "b2": jnp.zeros((output_dims,))}


def predict(params, x):
    return jnp.zeros(params["b2"].shape)


def batched_predict(params, X):
    differ = jnp.abs(X[:, 0] - X[:, 1])  # 1 exactly where the inputs differ
    return differ[:, None] * jnp.ones((1, params["b2"].shape[0]))


def loss(params, x, y):
    return jnp.zeros(())


def update(params, x, y, step_size=STEP_SIZE):
    return {k: jnp.zeros_like(v) for k, v in params.items()}


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    return dict(params), 0.25 * jnp.exp(-jnp.arange(epochs) / 20.0)
