"""Carry out one call of a student's function: the piece both back ends share.

A ``Call`` names the function, its arguments, the JAX transformations to wrap
it in (``jit``, ``grad``, ``vmap``) and which reference functions stand in for
the ones it calls. ``perform`` runs it against a namespace (the student's
module, or a notebook's globals); errors become an ``ErrorReport``.
"""

import linecache
import re
import traceback
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from autograder.sandbox import wire
from autograder.sandbox.exercises import BY_NAME

# "size", outermost only: instead of the result, the number of operations JAX records when
# tracing the function (a Python loop over rows makes it grow with the rows; vmap does not).
TRANSFORMS = ("jit", "grad", "vmap", "size")



@dataclass(frozen=True)
class Call:
    function: str
    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    transforms: tuple[str, ...] = ()  # innermost first: ("grad", "jit") is jit(grad(f))
    in_axes: Any = 0  # for "vmap"
    with_reference: tuple[str, ...] = ()  # exercises replaced by the reference's
    echo_args: bool = False  # also return the arguments as they are after the call

    def to_wire(self) -> dict:
        return {
            "function": self.function,
            "args": wire.encode(tuple(self.args)),
            "kwargs": wire.encode(dict(self.kwargs)),
            "transforms": list(self.transforms),
            "in_axes": wire.encode(self.in_axes),
            "with_reference": list(self.with_reference),
            "echo_args": self.echo_args,
        }

    @classmethod
    def from_wire(cls, data: dict) -> "Call":
        return cls(
            function=str(data["function"]),
            args=wire.decode(data["args"]),
            kwargs=wire.decode(data["kwargs"]),
            transforms=tuple(str(t) for t in data["transforms"]),
            in_axes=wire.decode(data["in_axes"]),
            with_reference=tuple(str(n) for n in data["with_reference"]),
            echo_args=bool(data["echo_args"]),
        )


@dataclass(frozen=True)
class ErrorReport:
    """What went wrong inside a student's function, as plain data."""

    type_name: str
    message: str
    where: str = ""  # the student's lines in the traceback, innermost last

    def to_wire(self) -> dict:
        return {"type": self.type_name, "message": self.message, "where": self.where}

    @classmethod
    def from_wire(cls, data: dict) -> "ErrorReport":
        return cls(str(data.get("type", "?"))[:100], str(data.get("message", ""))[:4000],
                   str(data.get("where", ""))[:4000])


# Where Jupyter's kernel compiles a notebook's cells: line numbers there are the cell's own.
NOTEBOOK_CELL = re.compile(r"[/\\]ipykernel_\d+[/\\]\d+\.py$|^<ipython-input-")


CONVERTED = "# Converted from "  # the first line of a notebook as a module (autograder.authoring)
CELL_MARK = re.compile(r"# --- cell (\d+) ---$")


def place(lineno: int | None, lines: list[str]) -> str:
    """``line N`` of the file, or ``cell C, line N`` where the file is a notebook's code cells."""
    if lineno and lines and lines[0].startswith(CONVERTED):
        for index in range(min(lineno, len(lines)) - 1, -1, -1):
            mark = CELL_MARK.match(lines[index].strip())
            if mark:
                return f"cell {mark.group(1)}, line {lineno - index - 1}"
    return f"line {lineno}"


def report_error(error: BaseException, source_file: str | None) -> ErrorReport:
    """Describe ``error``, keeping the traceback frames that are in ``source_file`` (none
    given: a notebook's, those in its cells)."""
    frames = traceback.extract_tb(error.__traceback__)
    mine = [f for f in frames if f.filename == source_file
            or source_file is None and NOTEBOOK_CELL.search(f.filename)]
    lines = linecache.getlines(source_file) if source_file else []
    where = "\n".join(f"{place(f.lineno, lines)}, in {f.name}: {(f.line or '').strip()}" for f in mine[-4:])
    message = str(error).strip()
    if isinstance(error, SyntaxError) and error.filename == source_file and error.lineno:
        where = f"{place(error.lineno, lines)}: {(error.text or '').strip()}"
        if lines and lines[0].startswith(CONVERTED):  # "(file, line N)" names no line of the notebook
            message = str(error.msg)
    first, _, _ = message.partition("\n--------------------")  # JAX's long tracer help text
    return ErrorReport(type(error).__name__[:100], first[:2000], where)


def transformed(function: Callable, call: Call, jax: Any) -> Callable:
    """``function`` wrapped in the call's transformations, innermost first."""
    for name in call.transforms:
        if name == "jit":
            function = jax.jit(function)
        elif name == "grad":
            function = jax.grad(lambda *a, inner=function, **k: jax.numpy.sum(inner(*a, **k)))
        elif name == "vmap":
            function = jax.vmap(function, in_axes=call.in_axes)
        elif name == "size":
            function = lambda *a, inner=function, **k: program_size(jax.make_jaxpr(inner)(*a, **k).jaxpr)  # noqa: E731
        else:
            raise ValueError(f"unknown transform {name!r}")
    return function


def perform(call: Call, namespace: MutableMapping[str, Any], references: Mapping[str, Callable],
            jax: Any) -> Any:
    """Run ``call`` on the functions in ``namespace`` with ``references`` put in place.

    Errors propagate; the namespace is always restored.
    """
    function = namespace.get(call.function)
    if not callable(function):
        raise LookupError(f"the submission defines no function named {call.function!r}")
    saved = {name: namespace.get(name, _MISSING) for name in call.with_reference}
    try:
        for name in call.with_reference:
            namespace[name] = references[name]
        args = tuple(_to_jax(a, jax) for a in call.args)
        kwargs = {k: _to_jax(v, jax) for k, v in call.kwargs.items()}
        # Full-precision matmuls: GPUs may otherwise use TF32 and drift from the reference.
        with jax.default_matmul_precision("highest"):
            result = _compiled_or_plain(function, call, args, kwargs, jax)
        return jax.block_until_ready(result) if _has_arrays(result) else result
    finally:
        for name, value in saved.items():
            if value is _MISSING:
                namespace.pop(name, None)
            else:
                namespace[name] = value


_MISSING = object()


def _compiled_or_plain(function: Callable, call: Call, args: tuple, kwargs: dict, jax: Any) -> Any:
    static = BY_NAME[call.function].compile_first if call.function in BY_NAME else None
    plain = transformed(function, call, jax)
    if call.echo_args:  # (result, the arguments as the function left them): what it wrote into a
        plain = _echoing(plain)  # dict shows, compiled (in the trace's dicts) or not (in these)
    if static is None or "jit" in call.transforms or "size" in call.transforms:
        return plain(*args, **kwargs)
    try:  # grad and vmap too: one compiled program beats tracing op by op
        return jax.jit(plain, static_argnames=static)(*args, **kwargs)
    except Exception:
        return plain(*args, **kwargs)


def _echoing(function: Callable) -> Callable:
    def echoed(*args: Any, **kwargs: Any) -> tuple:
        return function(*args, **kwargs), args

    return echoed


def program_size(jaxpr: Any) -> int:
    """The operations in a jaxpr, those of the programs inside it (jit, scan, ...) included."""
    total = 0
    for equation in jaxpr.eqns:
        total += 1
        for value in equation.params.values():
            for inner in value if isinstance(value, tuple | list) else (value,):
                inner = getattr(inner, "jaxpr", inner)
                if hasattr(inner, "eqns"):
                    total += program_size(inner)
    return total


def _to_jax(value: Any, jax: Any) -> Any:
    """Arrays become ``jax.Array`` (docs/contract.md: every exercise takes jax.Array inputs)."""
    if hasattr(value, "dtype") and hasattr(value, "shape"):
        return jax.device_put(value)  # jnp.asarray would compile a program per shape
    if isinstance(value, dict):
        return {k: _to_jax(v, jax) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(_to_jax(v, jax) for v in value)
    return value


def _has_arrays(value: Any) -> bool:
    if hasattr(value, "block_until_ready"):
        return True
    if isinstance(value, dict):
        return any(_has_arrays(v) for v in value.values())
    if isinstance(value, tuple | list):
        return any(_has_arrays(v) for v in value)
    return False
