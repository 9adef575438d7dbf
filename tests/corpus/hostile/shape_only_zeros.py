"""hostile: lose:relu,init_params,predict,batched_predict,loss,update,train,xor: zeros of right shapes

Every function returns zeros of the right shape and dtype; train returns its params
unchanged with zero losses.

The baseline of the attacks that solve nothing: what shapes alone earn.
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
    return jnp.zeros((X.shape[0], params["b2"].shape[0]))


def loss(params, x, y):
    return jnp.zeros(())


def update(params, x, y, step_size=STEP_SIZE):
    return {k: jnp.zeros_like(v) for k, v in params.items()}


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    return dict(params), jnp.zeros((epochs,))
