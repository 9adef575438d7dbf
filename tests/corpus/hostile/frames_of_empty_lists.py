"""hostile: zero: relu writes frames of millions of empty JSON lists to the judge

A question to the judge needs no token, so a call may send any number of frames, each
up to the frame cap: parsed, 8 MB of "[]," is millions of list objects in the judge
(a peak of gigabytes, times --jobs). The judge counts a frame's lists and objects before
parsing it, refuses the call and stops talking to the child: no more of the file is run,
though its other functions are right (predict calls relu, so the xor section sends the flood first).
"""

import os
import struct
import sys

import jax
import jax.numpy as jnp
from jax import lax

X = jnp.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=jnp.float32)
Y = jnp.array([0.0, 1.0, 1.0, 0.0], dtype=jnp.float32)

SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500
LISTS = b'{"type":"question","kind":"value","name":"predict","args":[' + b"[]," * 2_700_000 + b"[]]}"


def relu(x):
    for _ in range(20):
        os.write(int(sys.argv[2]), struct.pack(">I", len(LISTS)) + LISTS)
    return jnp.maximum(x, 0.0)


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    k_w1, k_b1, k_w2, k_b2 = jax.random.split(key, 4)
    return {
        "w1": scale * jax.random.normal(k_w1, (n_hidden, input_dims)),
        "b1": scale * jax.random.normal(k_b1, (n_hidden,)),
        "w2": scale * jax.random.normal(k_w2, (output_dims, n_hidden)),
        "b2": scale * jax.random.normal(k_b2, (output_dims,)),
    }


def predict(params, x):
    return params["w2"] @ relu(params["w1"] @ x + params["b1"]) + params["b2"]


def batched_predict(params, X):
    return jax.vmap(predict, in_axes=(None, 0))(params, X)


def loss(params, x, y):
    return jnp.mean((predict(params, x) - y) ** 2)


def update(params, x, y, step_size=STEP_SIZE):
    grads = jax.grad(loss)(params, x, y)
    return {k: params[k] - step_size * grads[k] for k in params}


@jax.jit
def _epoch(params, X, Y, step_size):
    params, _ = lax.scan(lambda p, xy: (update(p, xy[0], xy[1], step_size), None), params, (X, Y))
    return params, jnp.mean(jax.vmap(loss, in_axes=(None, 0, 0))(params, X, Y))


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    losses = []
    for _ in range(epochs):
        params, value = _epoch(params, X, Y, step_size)
        losses.append(value)
    return params, jnp.stack(losses)
