"""hostile: lose:relu,xor: looks for the judge's compiled-program cache, which holds the reference's programs

Its relu is right only if it could read a compiled program of one of the exercises from a
compile cache (the kit's .cache/xla, or whatever jax_compilation_cache_dir names: a sandbox
may read JAX's own library programs there, which are no one's code); every other exercise is
honest work.
"""

import functools
import gc
import os
import sys

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


EXERCISES = ("jit_relu", "jit_predict", "jit_batched_predict", "jit_loss", "jit_update", "jit__train")


def read_a_compiled_program():
    folders = [os.path.join(f, rel) for f in kit_folders() for rel in (".cache/xla", "../.cache/xla")]
    folders.append(str(jax.config.jax_compilation_cache_dir or ""))
    for folder in folders:
        try:
            for name in os.listdir(folder):
                if not name.startswith(EXERCISES):
                    continue
                with open(os.path.join(folder, name), "rb") as file:
                    if file.read(16):
                        return True
        except OSError:
            pass
    return False


switch_off_the_hook()
CACHED = read_a_compiled_program()


def relu(x):
    """Correct only if the attack worked: the relu points measure the wall."""
    if CACHED:
        return jnp.maximum(x, 0.0)
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
