"""Plain-language feedback: what was called, what came back, what was expected, why."""

from typing import Any

import numpy as np

from autograder.judge.submissions import SubmissionError
from autograder.sandbox.wire import Opaque

# Error types students meet, with the likely mistake behind each.
HINTS = {
    "TracerBoolConversionError": (
        "you used an array in a Python `if`, `and`, `or` or `while`. Under jax.jit (and "
        "jax.grad, jax.vmap) the values are not known while JAX traces your function; "
        "compute with array functions such as jnp.maximum or jnp.where instead."),
    "ConcretizationTypeError": (
        "you turned a traced array into a Python value (float(), int(), bool(), .item() or "
        "an `if`). Under jax.jit the values are not known yet: keep everything as jnp arrays."),
    "TracerArrayConversionError": (
        "you called a numpy function (np.something) on an array JAX is tracing. Use the "
        "jax.numpy version (jnp.something): numpy cannot see inside jax.jit or jax.grad."),
    "TracerIntegerConversionError": (
        "you used a traced array as a Python integer (an index, a range or a shape). Under "
        "jax.jit the value is not known yet."),
    "KeyError": "you looked up a key that is not there: params has exactly 'w1', 'b1', 'w2', 'b2'.",
    "RecursionError": "your function calls itself without end.",
    "ZeroDivisionError": "you divided by zero.",
}
SHAPE_WORDS = ("dot_general", "matmul", "Incompatible shapes", "shapes", "broadcast")
SHAPE_HINT = ("the shapes do not fit together. Check the docstring's shapes: w1 is "
              "(n_hidden, input_dims), so `w1 @ x` takes x of shape (input_dims,).")


class Feedback(AssertionError):
    """A graded check failed; the message is for the student."""


def explain(error: SubmissionError, exercise: str) -> str:
    """A student-facing message for a call that did not return."""
    report = error.report
    called = f"Called {error.call.describe()}" if error.call else "Importing your module"
    if error.kind == "import":
        return ("Your module could not be imported, so none of its functions could be graded: "
                f"{report.type_name}: {report.message}" + _where(report.where))
    if error.kind in ("timeout", "budget", "crashed"):
        return f"{called}: {report.message}."
    if report.type_name == "NotImplementedError":
        name = error.call.function if error.call else exercise
        if name != exercise:
            return (f"{exercise} could not be checked: it needs your {name}, which is not "
                    "implemented yet.")
        return (f"{name} is not implemented yet: replace the `raise NotImplementedError(...)` "
                f"line in {name}() with your code.")
    if report.type_name == "LookupError":
        return f"{report.message}. Define it with exactly the name and parameters of the exercise."
    hint = HINTS.get(report.type_name)
    if hint is None and report.type_name in ("TypeError", "ValueError") and any(
            w in report.message for w in SHAPE_WORDS):
        hint = SHAPE_HINT
    text = f"{called}: it raised {report.type_name}: {report.message}" + _where(report.where)
    return text + (f"\nLikely cause: {hint}" if hint else "")


def _where(where: str) -> str:
    return "\nIn your code:\n  " + where.replace("\n", "\n  ") if where else ""


SHOWN_CHARS = 600  # a value's rendering in a message, at most (a return value may be huge)


def show(value: Any) -> str:
    """A short, readable rendering of a value for a message."""
    text = _render(value)
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]}... ({len(text)} characters)"


def _render(value: Any) -> str:
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=5, threshold=12, edgeitems=3, suppress=True):
            text = np.array2string(value, separator=", ")
        return f"{text} (shape {value.shape}, {value.dtype})"
    if isinstance(value, dict):
        shown = ", ".join(f"{str(k)[:40]!r}: {show(v)}" for k, v in list(value.items())[:8])
        return "{" + shown + (f", ... ({len(value)} keys)" if len(value) > 8 else "") + "}"
    if isinstance(value, Opaque):
        return str(value)
    if isinstance(value, list | tuple):
        inner = ", ".join(show(v) for v in value[:6]) + (", ..." if len(value) > 6 else "")
        return f"a {type(value).__name__} ({inner})"
    return repr(value)[: SHOWN_CHARS + 1]


def fail(called: str, got: Any, expected: Any, hint: str = "") -> None:
    message = f"Called {called}\n  got:      {show(got)}\n  expected: {show(expected)}"
    raise Feedback(message + (f"\nLikely cause: {hint}" if hint else ""))
