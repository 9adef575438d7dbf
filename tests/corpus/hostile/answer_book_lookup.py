"""hostile: notabove:shape_only_zeros: looks each call up in a release's answer book

The tests fill ANSWERS from a fresh release; a call not found gets zeros of the right shape.

With the same inputs in the release's self-check and in the official grade, this used to
score 48/100 with nothing solved.
"""

import hashlib
import json

import jax.numpy as jnp
import numpy as np

from autograder.sandbox import wire
from autograder.sandbox.calls import Call

SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500
ANSWERS: dict = {}  # call key -> encoded answer, as autograder.judge.answers keeps them
DEFAULTS = {"init_params": {"input_dims": 2, "n_hidden": 16, "output_dims": 1, "scale": SCALE},
            "update": {"step_size": STEP_SIZE}, "train": {"epochs": EPOCHS, "step_size": STEP_SIZE}}


def look_up(function, args, kwargs):
    """The recorded answer to this call, trying each way the test may have passed kwargs."""
    args = tuple(_plain(a) for a in args)
    given = {k: _plain(v) for k, v in kwargs.items()}
    for passed in (given, {k: v for k, v in given.items() if DEFAULTS.get(function, {}).get(k) != v}, {}):
        data = Call(function, args, passed).to_wire()
        data.pop("with_reference")
        key = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]
        if key in ANSWERS:
            return wire.decode(ANSWERS[key])
    return None


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return np.asarray(value)  # a traced value raises here: the call then runs untraced


def _jnp(value):
    if isinstance(value, dict):
        return {k: _jnp(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return tuple(_jnp(v) for v in value)
    return jnp.asarray(value)


def answer(function, zeros, *args, **kwargs):
    found = look_up(function, args, kwargs)
    return zeros() if found is None else _jnp(found)


def relu(x):
    return answer("relu", lambda: jnp.zeros_like(x), x)


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    return answer("init_params", lambda: {
        "w1": jnp.zeros((n_hidden, input_dims)), "b1": jnp.zeros((n_hidden,)),
        "w2": jnp.zeros((output_dims, n_hidden)), "b2": jnp.zeros((output_dims,))},
        key, input_dims=input_dims, n_hidden=n_hidden, output_dims=output_dims, scale=scale)


def predict(params, x):
    return answer("predict", lambda: jnp.zeros(params["b2"].shape), params, x)


def batched_predict(params, X):
    return answer("batched_predict", lambda: jnp.zeros((X.shape[0], params["b2"].shape[0])), params, X)


def loss(params, x, y):
    return answer("loss", lambda: jnp.zeros(()), params, x, y)


def update(params, x, y, step_size=STEP_SIZE):
    return answer("update", lambda: {k: jnp.zeros_like(v) for k, v in params.items()},
                  params, x, y, step_size=step_size)


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    return answer("train", lambda: (dict(params), jnp.zeros((epochs,))),
                  params, X, Y, epochs=epochs, step_size=step_size)
