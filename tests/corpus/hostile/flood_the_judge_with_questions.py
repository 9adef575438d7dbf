"""hostile: zero: writes questions to the judge at import and never reads the answers

The child holds the pipe to the judge (its descriptor is on its command line). A judge that
wrote its answers without a deadline would block for ever once the pipe filled: no report.
"""

import json
import os
import struct
import sys

SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500


def flood():
    question = json.dumps({"type": "question", "kind": "value", "name": "predict", "args": None}).encode()
    frame = struct.pack(">I", len(question)) + question
    for _ in range(100_000):
        os.write(int(sys.argv[2]), frame)


flood()

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
    raise NotImplementedError("relu: not implemented yet. Replace this line with your code.")


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
    raise NotImplementedError("init_params: not implemented yet. Replace this line with your code.")


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
    raise NotImplementedError("predict: not implemented yet. Replace this line with your code.")


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
    raise NotImplementedError("batched_predict: not implemented yet. Replace this line with your code.")


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
    raise NotImplementedError("loss: not implemented yet. Replace this line with your code.")


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
    raise NotImplementedError("update: not implemented yet. Replace this line with your code.")


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
    raise NotImplementedError("train: not implemented yet. Replace this line with your code.")
