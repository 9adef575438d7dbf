"""hostile: notabove:shape_only_zeros: init_params fills each array with its own constant

No randomness at all: w1 is all 1, b1 all 2, w2 all 3, b2 all 4, whatever the key. Found by an
attack: it used to earn "every array has its own key", which only compared the arrays.
"""

import jax.numpy as jnp

SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500


def relu(x):
    return jnp.zeros_like(x)


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    return {"w1": jnp.full((n_hidden, input_dims), 1.0), "b1": jnp.full((n_hidden,), 2.0),
            "w2": jnp.full((output_dims, n_hidden), 3.0), "b2": jnp.full((output_dims,), 4.0)}


def predict(params, x):
    return jnp.zeros(params["b2"].shape)


def batched_predict(params, X):
    return jnp.zeros((X.shape[0], params["b2"].shape[0]))


def loss(params, x, y):
    return jnp.zeros(())


def update(params, x, y, step_size=STEP_SIZE):
    return {k: jnp.zeros_like(v) for k, v in params.items()}


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    return dict(params), jnp.zeros((epochs,))
