"""hostile: zero: replies with dicts whose 60,000 int keys all collide in a hash table

An int's hash is its value modulo 2**61 - 1, the same in every process, so keys that are
multiples of it all land in one slot: a decoder that built a dict from them would compare
each key with every other (quadratic; minutes of the judge's time, off the submission's
clock). The file wraps the child's encoder so that every value it sends back is such a dict.
"""

import sys

SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500

sys.modules["__main__"].Guard.__call__ = lambda self, event, args: None
wire = sys.modules.get("autograder.sandbox.wire")
COLLIDING = {"dict": [[{"int": str(k * (2**61 - 1))}, {"int": "0"}] for k in range(60_000)]}
if wire is not None:
    wire.encode = lambda value, depth=0: COLLIDING
    sys.modules["__main__"].wire = wire


def relu(x):
    return x


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    return {}


def predict(params, x):
    return x


def batched_predict(params, X):
    return X


def loss(params, x, y):
    return 0.0


def update(params, x, y, step_size=STEP_SIZE):
    return params


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    return params, []
