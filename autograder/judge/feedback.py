"""Plain-language feedback: what was called, what came back, what was expected, why."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.judge.described import describe
from autograder.judge.results_file import (
    BUDGET,
    CRASHED,
    IMPORT,
    MISSING,
    NOT_IMPLEMENTED,
    RAISED,
    TIMEOUT,
)
from autograder.judge.submissions import SubmissionError
from autograder.sandbox.wire import Opaque

# Error types students meet, with the likely mistake behind each.
HINTS = {
    "TracerBoolConversionError": (
        "a Python `if` (or max(), min(), `and`, `or`, `while`) cannot decide for an array: "
        "under jax.jit (and jax.grad, jax.vmap) its values are not known while JAX traces your "
        "function. Compute with array functions instead: jnp.maximum or jnp.where."),
    "ConcretizationTypeError": (
        "you turned a traced array into a Python value (float(), int(), bool(), .item() or "
        "an `if`). Under jax.jit the values are not known yet: keep everything as jnp arrays."),
    "TracerArrayConversionError": (
        "you called a numpy function (np.something) on an array JAX is tracing. Use the "
        "jax.numpy version (jnp.something): numpy cannot see inside jax.jit or jax.grad."),
    "TracerIntegerConversionError": (
        "you used a traced array as a Python integer (an index, a range or a shape). Under "
        "jax.jit the value is not known yet."),
    "NonConcreteBooleanIndexError": (
        "you indexed with a boolean mask (x[x < 0] or x.at[x < 0].set(0)): under jax.jit the "
        "number of entries it picks is not known while JAX traces your function. Compute the "
        "whole array instead: jnp.where(x < 0, 0.0, x) or jnp.maximum(x, 0.0)."),
    "KeyError": "you looked up a key that is not there: params has exactly 'w1', 'b1', 'w2', 'b2'.",
    "RecursionError": "your function calls itself without end.",
    "ZeroDivisionError": "you divided by zero.",
}
# Errors known by their message rather than their type: (words in the message, hint).
MESSAGE_HINTS = (
    ("truth value of an", HINTS["TracerBoolConversionError"]),
    ("cannot reshape array", (
        "a reshape to a fixed shape does not fit these layer sizes: read every size from the arrays, "
        "and reshape nothing that already has its shape (w2 @ h + b2 is (output_dims,)).")),
    ("vmap got inconsistent sizes", (
        "jax.vmap mapped axis 0 of every argument, params too (the default in_axes=0). Only the "
        "rows of X are mapped: jax.vmap(predict, in_axes=(None, 0))(params, X).")),
)
# train's loop bound under jax.jit: epochs became a traced array (the argument was not static).
STATIC_EPOCHS = (
    "your train is compiled with jax.jit and loops range(epochs) (or makes an array of epochs "
    "entries), but under jax.jit epochs is a traced array, not a number. Make it static: "
    "@functools.partial(jax.jit, static_argnames=\"epochs\"), or loop in Python and jit only the "
    "step (jax.jit(update)).")
# APIs that older JAX code (and tutorials) use and that JAX has since removed: their replacements.
REMOVED_APIS = {
    "tree_map": "jax.tree.map", "tree_multimap": "jax.tree.map", "tree_leaves": "jax.tree.leaves",
    "tree_flatten": "jax.tree.flatten", "tree_unflatten": "jax.tree.unflatten",
    "tree_structure": "jax.tree.structure", "tree_transpose": "jax.tree.transpose",
    "tree_reduce": "jax.tree.reduce",
}
_REMOVED = re.compile(r"module 'jax(?:\.\w+)*' has no attribute '(\w+)'")
SHAPE_WORDS = ("dot_general", "matmul", "Incompatible shapes", "shapes", "broadcast")
SHAPE_HINT = ("the shapes do not fit together. Check the docstring's shapes: w1 is "
              "(n_hidden, input_dims), so `w1 @ x` takes x of shape (input_dims,).")
# batched_predict's shape errors come from mapping the wrong axis: predict gets no row.
ROWS_HINT = ("predict received something other than one row of X: map over the rows (axis 0) "
             "and nothing else, jax.vmap(predict, in_axes=(None, 0))(params, X).")


CAUSE = "Likely cause: "  # how a failure's likely cause begins, on a line of its own


class Feedback(AssertionError):
    """A graded check failed; the message is for the student. ``cause``, the likely mistake,
    is its last line ("Likely cause: ..."), and a field of its own for the report to group by."""

    def __init__(self, message: str, cause: str = "") -> None:
        super().__init__(message + (f"\n{CAUSE}{cause}" if cause else ""))
        self.cause = cause


@dataclass(frozen=True)
class Failure:
    """A failed test: the text a student reads, and its parts as fields (the plugin keeps them in
    results.json's extra_data; the report groups and the class statuses read them, not the text)."""

    kind: str
    text: str
    error: str = ""  # the type of the error a call raised
    mine: tuple[str, ...] = ()  # the student's lines in its traceback
    cause: str = ""  # the likely mistake
    line: int | None = None  # an import failure's line of the module
    summary: str = ""  # an import failure in one line: "SyntaxError: invalid syntax"
    reason: str = ""  # a stop's (timeout, budget, crashed): what stopped the call

    def fields(self) -> dict[str, Any]:
        """The parts results.json keeps beside the text (empty ones left out)."""
        found = {"error": self.error, "mine": list(self.mine), "cause": self.cause, "line": self.line,
                 "summary": self.summary, "reason": self.reason}
        return {k: v for k, v in found.items() if v not in ("", [], None)}


def failure_of(error: SubmissionError, exercise: str) -> Failure:
    """A call that did not return, as a Failure: its student-facing text and its parts.

    The text's first line names the call; the rest depends only on the error, so the report can
    show one entry for the same error in several tests (autograder.judge.report).
    """
    report = error.report
    called = f"Called {describe(error.call)}" if error.call else "Importing your module"
    message = scrub(report.message)
    if error.kind == "import":
        line = import_line(message, report.where)
        summary = _WHERE.sub("", f"{report.type_name}: {message}".split("\n")[0]).strip()
        return Failure(IMPORT, "Your module could not be imported, so none of its functions could be graded: "
                       f"{report.type_name}: {message}" + _where(report.where),
                       error=report.type_name, line=line, summary=summary)
    if error.kind in (TIMEOUT, BUDGET, CRASHED):
        return Failure(error.kind, f"{called}\n  {message}.", reason=message)
    if report.type_name == "NotImplementedError":
        name = error.call.function if error.call else exercise
        if name != exercise:
            return Failure(NOT_IMPLEMENTED, f"{exercise} could not be checked: it needs your {name}, "
                           "which is not implemented yet.")
        return Failure(NOT_IMPLEMENTED, f"{name} is not implemented yet: replace the "
                       f"`raise NotImplementedError(...)` line in {name}() with your code.")
    if report.type_name == "LookupError":
        return Failure(MISSING, f"{report.message}. Define it with exactly the name and parameters "
                       "of the exercise.")
    hint = error_hint(report.type_name, message, error.call.function if error.call else exercise)
    text = f"{called}\n  it raised {report.type_name}: {message}" + _where(report.where)
    mine = tuple(line for line in report.where.splitlines() if line.startswith(("line ", "cell ")))
    return Failure(RAISED, text + (f"\n{CAUSE}{hint}" if hint else ""), error=report.type_name,
                   mine=mine, cause=hint)


def explain(error: SubmissionError, exercise: str) -> str:
    """A student-facing message for a call that did not return (``failure_of``'s text)."""
    return failure_of(error, exercise).text


# Where a module's import failed, as the sandbox reports it: "(xor_net.py, line 58)" in a
# SyntaxError's message (the sandbox names the module as it imported it), else the first
# module-level frame of the traceback.
_WHERE = re.compile(r"\(xor_net\.py, line (\d+)\)")
_MODULE_FRAME = re.compile(r"line (\d+), in <module>")


def import_line(message: str, where: str) -> int | None:
    found = _WHERE.search(message.split("\n")[0]) or _MODULE_FRAME.search(where)
    return int(found.group(1)) if found else None


def error_hint(type_name: str, message: str, exercise: str) -> str:
    """The likely mistake behind an error, from its type or its message ('' if unknown)."""
    removed = _REMOVED.search(message)
    if removed and removed.group(1) in REMOVED_APIS:
        return (f"jax.{removed.group(1)} was removed from JAX (older tutorials still use it); "
                f"write {REMOVED_APIS[removed.group(1)]} instead.")
    if exercise == "train" and type_name in ("ConcretizationTypeError", "TracerIntegerConversionError"):
        return STATIC_EPOCHS
    for words, hint in MESSAGE_HINTS:
        if words in message:
            return hint
    hint = HINTS.get(type_name, "")
    if not hint and type_name in ("TypeError", "ValueError") and any(w in message for w in SHAPE_WORDS):
        hint = ROWS_HINT if exercise == "batched_predict" else SHAPE_HINT
    return hint


# A file path in an error message: the grader's own files are none of the student's business,
# and the student's file is named by its name alone.
_PATH = re.compile(r"(?:/[\w.+-]+)+\.py(?::\d+)?")
_TRACING = re.compile(r"\s*The error occurred while tracing the function [^\n]*?(?:\.(?=\s|$)|$)", re.M)
GRADER_PARTS = ("autograder", "site-packages", "/lib/python")


def scrub(message: str) -> str:
    """``message`` without the machine's paths: JAX's 'while tracing the function ... at PATH'
    sentences go when they point into the grader; a path into the kit or a library keeps only
    its part from the package on (autograder/..., jax/...), any other only its file name."""
    message = _TRACING.sub(lambda m: "" if any(p in m.group(0) for p in GRADER_PARTS) else m.group(0),
                           message)

    def short(match: re.Match) -> str:
        path = match.group(0)
        if "site-packages/" in path:
            return path.rsplit("site-packages/", 1)[1]
        if "/autograder/" in path:
            return "autograder/" + path.rsplit("/autograder/", 1)[1]
        return path.rsplit("/", 1)[-1]

    return _PATH.sub(short, message).strip()


def _where(where: str) -> str:
    return "\nIn your code:\n  " + where.replace("\n", "\n  ") if where else ""


SHOWN_CHARS = 600  # a value's rendering in a message, at most (a return value may be huge)


def show(value: Any) -> str:
    """A short, readable rendering of a value for a message."""
    text = _render(value)
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]}... ({len(text)} characters)"


def number(value: float, digits: int = 4) -> str:
    """``value`` with ``digits`` decimals, never as -0.0000."""
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def _render(value: Any) -> str:
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":  # -0.0 and tiny negatives would print as -0.
            value = np.where(np.round(value, 5) == 0, np.zeros((), value.dtype), value)
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


# A test's hint: its own text, or a diagnosis that names the mistake behind what came back
# (autograder.judge.diagnosis), asked only once the comparison has failed.
Hint = str | Callable[[Any], str]


def likely(hint: Hint, got: Any) -> str:
    """The hint's text for ``got`` ('' for none): a Feedback's ``cause``."""
    return hint(got) if callable(hint) else hint


def fail(called: str, got: Any, expected: Any, hint: Hint = "") -> None:
    message = f"Called {called}\n  got:      {show(got)}\n  expected: {show(expected)}"
    raise Feedback(message, cause=likely(hint, got))
