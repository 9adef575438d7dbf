"""Name the mistake, not the test: which known wrong variant reproduces a student's answer.

Each function here builds a suite check's ``hint``. It is called only after the plain
comparison has failed, with what the student's function returned; it then computes the
answers of the classic wrong versions of that exercise (a missing bias, sum for mean, an
extra axis, a reused key, a changed module constant, ...) from the reference's answer, the
reference fixture or a few lines of numpy, and returns the cause of the first that matches.
When none does, the test's own hint stands. Errors (a Python ``if``, ``vmap`` without
``in_axes``) are named from their message by ``autograder.judge.feedback.explain``.
"""

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.judge.checks import diagnose, xor_data
from autograder.judge.feedback import Hint
from autograder.judge.submissions import SubmissionError
from autograder.sandbox.exercises import DEFAULT_SIZES, SIZE_PARAMETERS, network_shapes

Variants = dict[str, Callable[[], Any]]  # cause -> the answer that mistake would give


def _named(fallback: str, expected: Callable[[], Any], causes: Callable[[Any, Any], str]) -> Hint:
    """A hint that asks ``causes(got, expected)`` and falls back to ``fallback``."""

    def name(got: Any) -> str:
        try:
            return causes(got, expected()) or fallback
        except Exception:  # a variant that cannot be computed (no reference in a release) names nothing
            return fallback

    return name


# ---------------------------------------------------------------- shapes, dtypes, factors

def shape_cause(got: Any, expected: Any, column: str = "") -> str:
    """What is wrong with the shape of ``got`` when its numbers are ``expected``'s, or ''."""
    if not isinstance(got, np.ndarray) or not isinstance(expected, np.ndarray):
        return ""
    g, e = got.shape, expected.shape
    if g == e:
        return ""
    if got.size == expected.size and _close(got.reshape(e), expected):
        if g in ((*e, 1), (1, *e)):
            return column or (f"your result has an extra axis of length 1: shape {g} instead of {e}. "
                              "Drop the reshape, [None] or [:, None].")
        if tuple(d for d in e if d != 1) == g:
            return (f"you dropped an axis of length 1 (squeeze, ravel or [0]?): the result must keep "
                    f"shape {e}.")
        return f"your numbers are right but arranged as {g} (flattened or reshaped?); keep shape {e}."
    if len(g) == 2 and g == e[::-1] and _close(got.T, expected):
        return f"your result is transposed: shape {g} instead of {e}."
    return ""


def dtype_cause(got: Any, expected: Any) -> str:
    if isinstance(got, np.ndarray) and isinstance(expected, np.ndarray) and got.dtype != expected.dtype:
        return (f"your result is {got.dtype}, not {expected.dtype}: do not convert it (astype, "
                "np.float16); jnp operations on float32 inputs stay float32.")
    return ""


def factor(got: Any, expected: Any) -> float | None:
    """The number c with got == c * expected (arrays or dicts of them), or None."""
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return None
        pairs = [(got[k], expected[k]) for k in expected]
    else:
        pairs = [(got, expected)]
    if not all(isinstance(g, np.ndarray) and np.shape(g) == np.shape(e) for g, e in pairs):
        return None
    g = np.concatenate([np.ravel(a).astype(np.float64) for a, _ in pairs])
    e = np.concatenate([np.ravel(b).astype(np.float64) for _, b in pairs])
    if not e.size or not np.any(e) or not np.all(np.isfinite(g)):
        return None
    c = float(g @ e / (e @ e))
    return c if _close(g, c * e) else None


def _close(got: Any, expected: Any) -> bool:
    return bool(np.allclose(np.asarray(got, np.float64), np.asarray(expected, np.float64),
                            rtol=1e-3, atol=1e-5))


def _about(c: float | None, value: float) -> bool:
    return c is not None and abs(c - value) <= 1e-3 * max(1.0, abs(value))


# ---------------------------------------------------------------- relu

def relu(x: np.ndarray, fallback: str = "") -> Hint:
    x64 = np.asarray(x, np.float64)
    variants = {
        "you returned the absolute value: negative inputs must become 0, not positive.":
            lambda: np.abs(x64),
        "that is a leaky relu (a small slope below 0); relu gives exactly 0 for every negative input.":
            lambda: np.where(x64 > 0, x64, 0.01 * x64),
        "jnp.minimum keeps the negative part; relu keeps the positive part: jnp.maximum(x, 0.0).":
            lambda: np.minimum(x64, 0.0),
        "you capped the output at 1 (jnp.clip?); relu lets every positive input through unchanged.":
            lambda: np.clip(x64, 0.0, 1.0),
    }

    def causes(got: Any, expected: np.ndarray) -> str:
        return (shape_cause(got, expected) or dtype_cause(got, expected)
                or diagnose(got, variants, rtol=1e-3))

    return _named(fallback, lambda: np.maximum(x, np.zeros((), x.dtype)), causes)


def relu_gradient(x: np.ndarray, fallback: str = "") -> Hint:
    """For jax.grad of the summed relu: each wrong relu has its own slopes."""
    x64 = np.asarray(x, np.float64)
    variants = {
        "your slope is -1 below 0, as for the absolute value: relu is flat (slope 0) below 0.":
            lambda: np.sign(x64),
        "your slope below 0 is not 0 (a leaky relu?): relu is flat there, max(0, x).":
            lambda: np.where(x64 > 0, 1.0, 0.01),
        "your slope is 1 below 0 and 0 above: that is jnp.minimum; relu is jnp.maximum(x, 0.0).":
            lambda: (x64 < 0).astype(np.float64),
        "your slope is 0 above 1 (a cap at 1?): relu passes every positive input through, slope 1.":
            lambda: ((x64 > 0) & (x64 < 1)).astype(np.float64),
    }
    return _named(fallback, lambda: None, lambda got, _: diagnose(got, variants, rtol=1e-3))


# ---------------------------------------------------------------- init_params

def _split(key: np.ndarray, n: int) -> list:
    import jax  # lazy: ~1.5 s, for the few diagnoses that draw; the suites import this module

    return list(jax.random.split(np.asarray(key), n))


def _draws(keys: list, shapes: dict[str, tuple], normal: bool = True) -> dict[str, np.ndarray]:
    import jax  # lazy: as in _split

    draw = jax.random.normal if normal else jax.random.uniform
    return {name: np.asarray(draw(k, shape)) for k, (name, shape) in zip(keys, shapes.items(), strict=True)}


SCALE_CHANGED = ("with the default scale your arrays are {c:g} times the reference's: the module constant "
                 "SCALE was changed ({got:g} instead of {want:g}). The tutorial's SCALE = 0.01 and "
                 "STEP_SIZE = 0.01 fail to learn XOR for about half the seeds (docs/tutorial.md): "
                 "keep the kit's constants as they are.")


def init_params(reference: Any, key: np.ndarray, fallback: str = "", **kwargs: Any) -> Hint:
    """For ``init_params(key, **kwargs)``."""
    d_in, hidden, d_out = (kwargs.get(name, default) for name, default in
                           zip(SIZE_PARAMETERS, DEFAULT_SIZES, strict=True))
    shapes = network_shapes((d_in, hidden, d_out))

    def causes(got: Any, expected: dict) -> str:
        for name, shape in shapes.items():
            cause = isinstance(got, dict) and param_shape_cause(name, got.get(name), shape)
            if cause:
                return cause
        keys = _split(key, 4)
        scale = factor(expected, _draws(keys, shapes))  # the reference's scale
        c = factor(got, _draws(keys, shapes))
        if c is not None and scale is not None and not _about(c, scale):
            if _about(c, 1.0):
                return "you did not multiply by scale: every array is scale * jax.random.normal(...)."
            if "scale" not in kwargs:
                return SCALE_CHANGED.format(c=c / scale, got=c, want=scale)
            return f"your arrays are {c / scale:g} times the reference's: multiply by scale once."
        k1, k2 = _split(key, 2)
        wrong: Variants = {
            "all four arrays come from one key, reused: split it with jax.random.split(key, 4) and "
            "give each array its own key.": lambda: _draws([key] * 4, shapes),
            "two arrays share a key (w1 and w2 from one, b1 and b2 from another): reusing a key gives "
            "correlated numbers. Split into four keys, one per array.":
                lambda: _draws([k1, k2, k1, k2], shapes),
            "you split the key again before each array; split once: k_w1, k_b1, k_w2, k_b2 = "
            "jax.random.split(key, 4).": lambda: _draws(_sequential(key), shapes),
            "you drew from jax.random.uniform; the parameters are normal: jax.random.normal.":
                lambda: _draws(keys, shapes, normal=False),
        }
        drawn = {(i, name): _draws([keys[i]], {name: shape})[name]
                 for i in range(4) for name, shape in shapes.items()}
        for order in itertools.permutations(range(4)):
            if order != (0, 1, 2, 3):
                wrong[f"the four keys are used in another order ({_order(order)}): unpack them as k_w1, "
                      "k_b1, k_w2, k_b2 = jax.random.split(key, 4)."] = (
                    lambda order=order: {name: drawn[i, name] for i, name in zip(order, shapes, strict=True)})
        for cause, make in wrong.items():
            if _about(factor(got, make()), scale or 1.0):
                return cause
        return ""

    return _named(fallback, lambda: reference.run("init_params", key, **kwargs), causes)


def _sequential(key: np.ndarray) -> list:
    keys = []
    for _ in range(4):
        key, sub = _split(key, 2)
        keys.append(sub)
    return keys


def _order(order: tuple[int, ...]) -> str:
    names = ("k_w1", "k_b1", "k_w2", "k_b2")
    return ", ".join(names[i] for i in order)


def param_shape_cause(name: str, got: Any, shape: tuple[int, ...]) -> str:
    if not isinstance(got, np.ndarray) or got.shape == shape:
        return ""
    if len(shape) == 2 and got.shape == shape[::-1]:
        return (f"{name} has the transposed shape {got.shape}; it is {shape} (rows: the layer it "
                f"feeds), so that {name} @ x works without a transpose.")
    if got.shape == () and len(shape) == 1:
        return f"{name} is a single number; it is a vector of shape {shape}, one bias per unit."
    return (f"{name} has shape {got.shape}, not {shape}: take its sizes from the arguments (input_dims, "
            "n_hidden, output_dims); nothing hard-coded.")


def param_shape(name: str, shape: tuple[int, ...], fallback: str) -> Hint:
    """For the shape of ``params[name]`` alone."""
    return lambda got: param_shape_cause(name, got, shape) or fallback


# ---------------------------------------------------------------- predict and batched_predict

def _forward(params: dict, x: np.ndarray, act: Callable = lambda h: np.maximum(h, 0.0),
             b1: bool = True) -> np.ndarray:
    p = {k: np.asarray(v, np.float64) for k, v in params.items()}
    return p["w2"] @ act(p["w1"] @ np.asarray(x, np.float64) + (p["b1"] if b1 else 0.0)) + p["b2"]


COLUMN = ("you return a column (an extra axis of length 1): w2 @ h with h of shape (n_hidden,) is "
          "already (output_dims,), so leave out the reshape, [:, None] or [None].")


def predict(reference: Any, params: dict, x: np.ndarray, fallback: str = "") -> Hint:
    def causes(got: Any, expected: np.ndarray) -> str:
        shape = got.shape if isinstance(got, np.ndarray) else None
        if shape == () and expected.shape[0:1] and _close(got, expected[0]):
            return ("you returned only the first output unit, as a number; return all of them, "
                    "shape (output_dims,).")
        if shape == (1,) and expected.shape not in ((1,), ()):
            return ("you reshaped the output to (1,), which only fits one output unit; w2 @ h + b2 "
                    "already has shape (output_dims,).")
        wrong: Variants = {
            "your output is off by exactly b2: add the output bias, w2 @ h + b2.":
                lambda: expected - params["b2"],
            "the hidden layer misses its bias b1: relu(w1 @ x + b1), with + b1 inside the relu.":
                lambda: _forward(params, x, b1=False),
            "there is no relu on the hidden layer, so the network is linear (and cannot learn XOR): "
            "h = relu(w1 @ x + b1).": lambda: _forward(params, x, act=lambda h: h),
            "you applied relu to the output too; only the hidden layer goes through relu.":
                lambda: np.maximum(expected, 0.0),
            "the hidden layer uses a sigmoid; the exercise asks for relu.":
                lambda: _forward(params, x, act=lambda h: 1 / (1 + np.exp(-h))),
            "a weight is transposed: w1 is (n_hidden, input_dims), so compute w1 @ x, not x @ w1.":
                lambda: _forward(dict(params, w1=params["w1"].T), x),
            "a weight is transposed: w2 is (output_dims, n_hidden), so compute w2 @ h, not h @ w2.":
                lambda: _forward(dict(params, w2=params["w2"].T), x),
        }
        return (shape_cause(got, expected, COLUMN) or dtype_cause(got, expected)
                or diagnose(got, wrong, rtol=1e-3))

    return _named(fallback, lambda: reference.run("predict", params, x), causes)


def predict_gradient(reference: Any, params: dict, x: np.ndarray, fallback: str = "") -> Hint:
    """For jax.grad of the summed predict: a parameter the output ignores gets no gradient."""

    def causes(got: Any, expected: dict) -> str:
        if not isinstance(got, dict):
            return ""
        unused = [k for k in ("b2", "b1", "w2", "w1") if isinstance(got.get(k), np.ndarray)
                  and not np.any(got[k]) and np.any(expected[k])]
        if unused:
            return (f"your output does not depend on {unused[0]} (its gradient is 0): the forward pass "
                    "is w2 @ relu(w1 @ x + b1) + b2, every parameter in it.")
        return ""

    return _named(fallback, lambda: reference.run("predict", params, x, transforms=("grad",)), causes)


def batched_predict(reference: Any, params: dict, X: np.ndarray, fallback: str = "") -> Hint:
    def causes(got: Any, expected: np.ndarray) -> str:
        n, k = expected.shape
        shape = got.shape if isinstance(got, np.ndarray) else None
        if shape == (n,) and _close(got, expected[:, 0]):
            if k == 1:
                return ("you dropped the output axis (squeeze, [0] or [:, 0]?): the result is "
                        "(n, output_dims), even when output_dims is 1.")
            return "you kept only output unit 0 of each row; row i is all of predict(params, X[i])."
        if shape in ((k,), (1, k)) and n > 1 and _close(got.ravel(), expected[0]):
            return "you predicted only the first row of X; map predict over all its rows."
        if shape == (k, n) != (n, k) and _close(got.T, expected):
            return ("rows and output units are swapped (out_axes=1?): row i of the result is "
                    "predict(params, X[i]), so keep the default out_axes=0.")
        return shape_cause(got, expected) or dtype_cause(got, expected)

    return _named(fallback, lambda: reference.run("batched_predict", params, X), causes)


def loop_note(submission: Any, params: dict, X: np.ndarray) -> str:
    """A note for a batched_predict that is right but loops over the rows in Python: the program
    JAX records for it grows with the number of rows, where one made by jax.vmap does not."""
    counts = []
    for rows in (X, np.concatenate([X, X])):
        try:
            counts.append((len(rows), submission.run("batched_predict", params, rows, transforms=("size",))))
        except SubmissionError:
            return ""  # not traceable as it is (the other tests say why): nothing to compare
    (n0, c0), (n1, c1) = counts
    if not all(isinstance(c, int) for c in (c0, c1)) or c1 <= c0:
        return ""
    return (f"Note: your batched_predict is right, and keeps its points, but it loops in Python: JAX "
            f"recorded {c0} operations for {n0} rows and {c1} for {n1}. The exercise asks for "
            "jax.vmap(predict, in_axes=(None, 0)): vmap turns predict into one program for a whole "
            "batch, whatever its size, traced and compiled once and computing all rows together, "
            "where a Python loop records one copy of predict per row, so every new batch size "
            "means a longer program to compile.")


# ---------------------------------------------------------------- loss

def loss(params: dict, x: np.ndarray, y: np.ndarray, fallback: str = "") -> Hint:
    """For ``loss(params, x, y)``; the variants come from the forward pass in numpy."""

    def causes(got: Any, _: None) -> str:
        d = _forward(params, x) - np.asarray(y, np.float64)
        wrong: Variants = {
            "you summed the squared errors; the loss is their mean over the output units "
            "(jnp.mean, not jnp.sum).": lambda: np.sum(d ** 2) if d.size > 1 else None,
            "you multiplied by 1/2; the loss is mean((predict(params, x) - y) ** 2), no factor.":
                lambda: 0.5 * np.mean(d ** 2),
            "your loss is |prediction - y|, the error without its square (an absolute value or a "
            "square root?): mean((predict(params, x) - y) ** 2).":
                lambda: np.abs(d[0]) if d.size == 1 else None,
            "you took the absolute error; square it: mean((predict(params, x) - y) ** 2).":
                lambda: np.mean(np.abs(d)),
            "you forgot to square the errors: mean((predict(params, x) - y) ** 2).": lambda: np.mean(d),
            "you took the square root of the mean (RMSE); the loss is the mean squared error itself.":
                lambda: np.sqrt(np.mean(d ** 2)),
            "you squared the mean error; take the mean of the squared errors.": lambda: np.mean(d) ** 2,
            "y became a column, so broadcasting paired every output with every target; subtract y "
            "as it is, shape (output_dims,).":
                lambda: np.mean((d[None, :] + np.ravel(y)[None, :] - np.ravel(y)[:, None]) ** 2),
            "you returned one squared error per output unit; average them into one number (jnp.mean).":
                lambda: d ** 2,
        }
        return diagnose(got, {c: (lambda m=m: np.asarray(m())) for c, m in wrong.items()}, rtol=1e-3)

    return _named(fallback, lambda: None, causes)


def loss_gradient(reference: Any, params: dict, x: np.ndarray, y: np.ndarray, fallback: str = "") -> Hint:
    outputs = int(np.shape(params["b2"])[0])

    def causes(got: Any, expected: dict) -> str:
        c = factor(got, expected)
        if outputs > 1 and _about(c, outputs):
            return (f"your gradient is {outputs} times the reference's, as from a sum over the "
                    f"{outputs} output units: the loss is their mean (jnp.mean, not jnp.sum).")
        if _about(c, 0.5):
            return "your gradient is half the reference's: the loss has no factor 1/2."
        return ""

    return _named(fallback, lambda: reference.run("loss", params, x, y, transforms=("grad",)), causes)


# ---------------------------------------------------------------- update

def update(reference: Any, params: dict, x: np.ndarray, y: np.ndarray, step_size: float,
           fallback: str = "") -> Hint:
    keys = ("w1", "b1", "w2", "b2")

    def causes(got: Any, expected: dict) -> str:
        grads = reference.run("loss", params, x, y, transforms=("grad",))

        def stepped(factor: float, moved: tuple[str, ...] = keys, by: dict = grads) -> dict:
            return {k: params[k] - (factor * by[k] if k in moved else 0) for k in params}

        return diagnose(got, {
            "you added the gradient: gradient descent subtracts step_size * gradient.":
                lambda: stepped(-step_size),
            "you scaled the gradient by step_size ** 2; the step is step_size * gradient.":
                lambda: stepped(step_size ** 2) if step_size not in (0.0, 1.0) else None,
            "only the weights moved: update the biases b1 and b2 as well.":
                lambda: stepped(step_size, ("w1", "w2")),
            "you returned the step (step_size * gradient) instead of the new parameters "
            "params[k] - step_size * gradient[k].": lambda: {k: step_size * grads[k] for k in keys},
            "you returned the gradient instead of the new parameters params[k] - step_size * "
            "gradient[k].": lambda: grads,
            "nothing changed: apply the step to every parameter.": lambda: params,
            "you differentiated predict, not the loss: the gradient is jax.grad(loss)(params, x, y).":
                lambda: stepped(step_size, by=reference.run("predict", params, x, transforms=("grad",))),
        }) or fixed_step(got, params, grads, step_size)

    return _named(fallback, lambda: None, causes)


def fixed_step(got: Any, params: dict, grads: dict, step_size: float) -> str:
    """A step of another size than step_size along the right gradient: a fixed learning rate."""
    if not (isinstance(got, dict) and set(got) == set(params)
            and all(isinstance(got[k], np.ndarray) for k in params)):
        return ""
    moved = {k: np.asarray(params[k], np.float64) - got[k] for k in params}
    c = factor(moved, {k: np.asarray(v, np.float64) for k, v in grads.items()})
    if c is None or c <= 0 or _about(c, step_size):
        return ""
    return (f"you did not use the step_size argument: your step is {c:.3g} times the gradient whatever "
            "step_size says (a fixed number, or the module's STEP_SIZE?). Use the argument.")


# ---------------------------------------------------------------- train

def train_params(reference: Any, params: dict, X: np.ndarray, Y: np.ndarray, epochs: int,
                 step_size: float, fallback: str = "") -> Hint:
    def run(X_: np.ndarray, Y_: np.ndarray, epochs_: int = epochs, step: float = step_size) -> dict:
        return reference.run("train", params, X_, Y_, epochs=epochs_, step_size=step)[0]

    def causes(got: Any, _: None) -> str:
        return diagnose(got, {
            "the rows went in reverse order: update with X[0], Y[0] first, then X[1], ...":
                lambda: run(X[::-1].copy(), Y[::-1].copy()),
            "you ran one epoch too few (range(epochs - 1)?).": lambda: run(X, Y, epochs - 1),
            "you ran one epoch too many.": lambda: run(X, Y, epochs + 1),
            "you did not pass step_size on to update.": lambda: run(X, Y, step=0.1),
            "you ignored the epochs argument (a fixed number of epochs?).": lambda: run(X, Y, 500),
        }, rtol=1e-3)

    return _named(fallback, lambda: None, causes)


def train_losses(reference: Any, params: dict, X: np.ndarray, Y: np.ndarray, epochs: int,
                 step_size: float, fallback: str = "") -> Hint:
    rows = len(X)

    def causes(got: Any, expected: np.ndarray) -> str:
        if not isinstance(got, np.ndarray):
            return ""
        if got.shape == (epochs * rows,):
            return ("you recorded a loss after every row (one per step); record one per epoch: the "
                    "mean over all rows of loss(params, X[j], Y[j]) after that epoch's updates.")
        if got.shape == (epochs - 1,):
            return "one loss is missing: you ran one epoch too few (range(epochs - 1)?)."
        if got.shape == expected.shape and _close(got[1:], expected[:-1]):
            return "you measured the loss before each epoch's updates; measure it after."
        if _about(factor(got, expected), rows):
            return "you summed the per-row losses; losses[i] is their mean over the rows."
        return shape_cause(got, expected)

    return _named(fallback, lambda: reference.run("train", params, X, Y, epochs=epochs,
                                                  step_size=step_size)[1], causes)


# ---------------------------------------------------------------- xor: which function broke training

DESCENT_STEP = 0.1  # the step of the update checked in first_wrong


def first_wrong(submission: Any, start: dict, trained: dict, fallback: str = "",
                reference: Any = None, init_key: int | None = None) -> str:
    """The likely cause (a Feedback's ``cause``) of a training that went wrong: the student's
    functions checked on its values in the order the network is built from them (init_params
    only when the start was the student's own, PRNGKey(init_key)), and the first that is wrong
    named; train when all the others are right."""
    finite = all(np.all(np.isfinite(np.asarray(v))) for v in trained.values())
    params = {k: np.asarray(v, np.float32) for k, v in (trained if finite else start).items()}
    first = {k: np.asarray(v, np.float32) for k, v in start.items()}
    checks: list[tuple[str, Callable[[], str]]] = [
        ("relu", lambda: _check_relu(submission, params)),
        ("predict", lambda: _check_predict(submission, params)),
        ("batched_predict", lambda: _check_batched_predict(submission, params)),
        ("loss", lambda: _check_loss(submission, params)),
        ("update", lambda: _check_update(submission, first)),
    ]
    if init_key is not None and reference is not None:
        checks.insert(1, ("init_params", lambda: _check_init(submission, reference, start, init_key)))
    for name, check in checks:
        try:
            wrong = check()
        except SubmissionError as error:
            first = error.report.message.strip().splitlines()[0][:200] if error.report.message.strip() else ""
            wrong = f"it raised {error.report.type_name}: {first}"
        if wrong:
            return (f"your {name}, the first of your functions that is wrong on the "
                    f"values of this training (checked in the order the network is built from them): "
                    f"{wrong}. Its own section says what to fix.")
    checked = ", ".join(name for name, _ in checks)
    return (f"your train; {checked} give the right values here, so the training loop "
            f"is what goes wrong. " + (fallback[:1].upper() + fallback[1:] or "For each epoch, for each row "
                                      "j in order: params = update(params, X[j], Y[j], step_size)."))


def _differs(got: Any, expected: np.ndarray) -> bool:
    return not (isinstance(got, np.ndarray) and got.size == expected.size
                and np.allclose(np.asarray(got, np.float64).reshape(expected.shape), expected,
                                rtol=1e-3, atol=1e-4))


def _check_relu(submission: Any, params: dict) -> str:
    X, _ = xor_data()
    z = (X @ params["w1"].T + params["b1"]).astype(np.float32)
    got = submission.run("relu", z, with_reference=())
    if _differs(got, np.maximum(z, 0.0).astype(np.float64)):
        return "relu of the hidden layer's inputs is not max(0, x)"
    return ""


def _check_init(submission: Any, reference: Any, start: dict, seed: int) -> str:
    expected = reference.run("init_params", np.array([0, seed], dtype=np.uint32))
    if any(_differs(start.get(k), np.asarray(v, np.float64)) for k, v in expected.items()):
        return f"init_params(PRNGKey({seed})) is not the reference's start"
    return ""


def _check_predict(submission: Any, params: dict) -> str:
    X, _ = xor_data()
    for x in X:
        got = submission.run("predict", params, x, with_reference=())
        expected = _forward(params, x)
        if _differs(got, expected):
            shown = got if not isinstance(got, np.ndarray) else np.round(got.astype(np.float64), 4)
            return (f"predict(params, {x.astype(int).tolist()}) returned {shown}, while w2 @ relu(w1 @ x + "
                    f"b1) + b2 is {np.round(expected, 4)}")
    return ""


def _check_batched_predict(submission: Any, params: dict) -> str:
    X, _ = xor_data()
    got = submission.run("batched_predict", params, X, with_reference=())
    if _differs(got, np.stack([_forward(params, x) for x in X])):
        return "batched_predict(params, X) on the four XOR inputs is not predict of each row"
    return ""


def _check_loss(submission: Any, params: dict) -> str:
    X, Y = xor_data()
    for x, y in zip(X, Y, strict=True):
        got = submission.run("loss", params, x, np.asarray(y, np.float32), with_reference=())
        expected = np.asarray(np.mean((_forward(params, x) - y) ** 2))
        if _differs(got, expected):
            return f"loss(params, {x.astype(int).tolist()}, {y:g}) is not mean((predict(params, x) - y) ** 2)"
    return ""


def _check_update(submission: Any, params: dict) -> str:
    X, Y = xor_data()
    x, y = X[1], Y[1]
    got = submission.run("update", params, x, np.asarray(y, np.float32), step_size=DESCENT_STEP,
                         with_reference=())
    grads = _loss_gradient(params, x, y)
    expected = {k: params[k].astype(np.float64) - DESCENT_STEP * grads[k] for k in params}
    ascent = {k: params[k].astype(np.float64) + DESCENT_STEP * grads[k] for k in params}
    if not isinstance(got, dict) or set(got) != set(expected):
        return f"update(params, x, y, step_size={DESCENT_STEP}) did not return a dict of w1, b1, w2, b2"
    if not any(_differs(got[k], expected[k]) for k in expected):
        return ""
    if not any(_differs(got[k], ascent[k]) for k in ascent):
        return (f"update(params, x, y, step_size={DESCENT_STEP}) added the gradient, so every step "
                "climbs the loss: gradient descent subtracts step_size * gradient")
    return f"update(params, x, y, step_size={DESCENT_STEP}) is not params - step_size * jax.grad(loss)"


def _loss_gradient(params: dict, x: np.ndarray, y: float) -> dict[str, np.ndarray]:
    """The gradient of mean((w2 @ relu(w1 @ x + b1) + b2 - y) ** 2), by hand, in float64."""
    p = {k: np.asarray(v, np.float64) for k, v in params.items()}
    x = np.asarray(x, np.float64)
    pre = p["w1"] @ x + p["b1"]
    hidden = np.maximum(pre, 0.0)
    out = p["w2"] @ hidden + p["b2"]
    d_out = 2.0 * (out - y) / out.size
    d_pre = (p["w2"].T @ d_out) * (pre > 0)
    return {"w1": np.outer(d_pre, x), "b1": d_pre, "w2": np.outer(d_out, hidden), "b2": d_out}
