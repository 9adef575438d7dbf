"""hostile: lose:relu,xor: walks the whole disk for any readable .py with a working relu and uses it

Its relu is right only if it found one (the test leaves a world-readable solution in /tmp).
"""

import functools
import gc
import os
import sys
import time

import jax
import jax.numpy as jnp
from jax import lax

X = jnp.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=jnp.float32)
Y = jnp.array([0.0, 1.0, 1.0, 0.0], dtype=jnp.float32)

SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500


def switch_off_the_hook():
    """The sandbox is __main__: replace its audit hook's method on the class."""
    guard = getattr(sys.modules.get("__main__"), "Guard", None)
    if guard is not None:
        guard.__call__ = lambda self, event, args: None


def kit_folders():
    """Where the kit may be: the hook's own path lists, PYTHONPATH, Gradescope's folder."""
    found = set()
    for thing in gc.get_objects():
        if type(thing).__name__ == "Guard":
            for name in ("blocked", "private", "allowed"):
                found.update(getattr(thing, name, []))
    for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        if entry:
            found.add(entry)
    found.update(["/autograder/source", "/work/main", os.getcwd() + "/../../.."])
    return sorted(found)


def find_a_relu():
    started = time.monotonic()
    for folder, subfolders, names in os.walk("/"):
        if folder.startswith(("/proc", "/sys", "/dev")) or time.monotonic() - started > 30:
            subfolders[:] = []
            continue
        for name in names:
            if not name.endswith(".py") or "xor" not in name:
                continue
            try:
                with open(os.path.join(folder, name)) as file:
                    source = file.read()
                namespace = {}
                exec(compile(source, name, "exec"), namespace)
                found = namespace.get("relu")
                works = found is not None and float(found(jnp.array(-1.0))) == 0.0
                if works and float(found(jnp.array(2.0))) == 2.0:
                    return found
            except BaseException:
                pass
    return None


switch_off_the_hook()
FOUND = find_a_relu()


def relu(x):
    """Right only through a solution found on the disk."""
    if FOUND is not None:
        return FOUND(x)
    return x


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
    """Per-example gradient descent; returns ``(params, losses)``."""
    return _train_compiled(params, X, Y, epochs, step_size)


@functools.partial(jax.jit, static_argnames="epochs")
def _train_compiled(params, X, Y, epochs, step_size):
    """``train`` as one compiled program: a scan over epochs of a scan over rows."""

    def one_row(p, xy):
        return update(p, xy[0], xy[1], step_size), None

    def one_epoch(p, _):
        p, _ = lax.scan(one_row, p, (X, Y))
        mean_loss = jnp.mean(jax.vmap(loss, in_axes=(None, 0, 0))(p, X, Y))
        return p, mean_loss

    return lax.scan(one_epoch, params, None, length=epochs)
