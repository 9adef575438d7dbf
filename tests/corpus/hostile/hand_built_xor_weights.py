"""hostile: notabove:shape_only_zeros: train returns hand-built XOR weights, nudged by its input

train never trains: it returns weights that solve XOR by construction (h1 = relu(x1 + x2),
h2 = relu(x1 + x2 - 1), output h1 - 2 h2) plus a thousandth of the params it is given, so
that two starts give two results, and a made-up loss curve ending at the true loss.
batched_predict computes the network only for the params this train made (they carry a
mark), zeros otherwise. Found by an attack on the xor section; it used to earn 16 xor
points (then 3, for its loss curve).
"""

import jax.numpy as jnp

X = jnp.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=jnp.float32)
Y = jnp.array([0.0, 1.0, 1.0, 0.0], dtype=jnp.float32)
SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500
MARK = 0.123456  # in b1[-1] of what train returns


def relu(x):
    return jnp.zeros_like(x)


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    shift = jnp.asarray(key, jnp.float32).sum() * 1e-3  # differs from key to key
    return {"w1": jnp.zeros((n_hidden, input_dims)) + shift, "b1": jnp.zeros((n_hidden,)) + shift,
            "w2": jnp.zeros((output_dims, n_hidden)) + shift, "b2": jnp.zeros((output_dims,)) + shift}


def predict(params, x):
    return jnp.zeros(params["b2"].shape)


def network(params, X):
    return jnp.maximum(X @ params["w1"].T + params["b1"], 0.0) @ params["w2"].T + params["b2"]


def batched_predict(params, X):
    outputs = network(params, X)
    return jnp.where(jnp.abs(params["b1"][-1] - MARK) < 1e-2, outputs, jnp.zeros_like(outputs))


def loss(params, x, y):
    return jnp.zeros(())


def update(params, x, y, step_size=STEP_SIZE):
    return {k: jnp.zeros_like(v) for k, v in params.items()}


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    if params["w1"].shape != (16, 2):
        return dict(params), jnp.zeros((epochs,))
    built = {"w1": jnp.zeros((16, 2)).at[0].set(1.0).at[1].set(1.0),
             "b1": jnp.zeros((16,)).at[1].set(-1.0).at[15].set(MARK),
             "w2": jnp.zeros((1, 16)).at[0, 0].set(1.0).at[0, 1].set(-2.0),
             "b2": jnp.zeros((1,))}
    trained = {k: built[k] + 1e-3 * params[k] for k in built}
    final = jnp.mean((network(trained, X).reshape(-1) - Y) ** 2)
    return trained, jnp.linspace(0.25, 0.0, epochs) + final * jnp.linspace(0.0, 1.0, epochs)
