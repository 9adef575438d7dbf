"""How a call of a student's function is described to the student, in the judge's words:
``train(params, X, Y, epochs=4) with params: a 2-16-1 network's parameters; X: the four XOR inputs``.

The judge's side only: the sandbox carries a ``Call`` as data and never words it. The door
(autograder.launch.door) is handed the description for its messages about a call.
"""

from typing import Any

from autograder.sandbox.calls import Call
from autograder.sandbox.exercises import BY_NAME, XOR_INPUTS


def describe(call: Call) -> str:
    """The call as a student would write it, then what its arguments held:
    ``train(params, X, Y, epochs=4) with params: a 2-16-1 network's parameters; X: ...``."""
    names = BY_NAME[call.function].parameters if call.function in BY_NAME else ()
    parts, held = [], []
    for i, value in enumerate(call.args):
        name = names[i] if i < len(names) else f"argument {i + 1}"
        inline = _inline(value)
        parts.append(inline if inline is not None else name)
        if inline is None:
            held.append(f"{name}: {readable(name, value)}")
    for name, value in call.kwargs.items():
        inline = _inline(value)
        parts.append(f"{name}={inline if inline is not None else name}")
        if inline is None:
            held.append(f"{name}: {readable(name, value)}")
    return f"{_transformed(call)}({', '.join(parts)})" + (" with " + "; ".join(held) if held else "")


def _transformed(call: Call) -> str:
    """The function in its transformations, as a student would write them: ``jax.jit(predict)``."""
    text = call.function
    for name in call.transforms:
        if name == "vmap":
            text = f"jax.vmap({text}, in_axes={call.in_axes!r})"
        elif name == "grad":
            text = f"jax.grad({text})" if call.function in ("loss",) else f"jax.grad(sum of {text})"
        elif name == "size":
            text = f"the operations JAX records for {text}"
        else:
            text = f"jax.{name}({text})"
    return text


def _inline(value: Any) -> str | None:
    """A value short enough to write in the call itself: a number or a PRNG key."""
    if isinstance(value, bool | int | float):
        return repr(value)
    if getattr(value, "dtype", None) is not None and str(value.dtype) == "uint32" and value.shape == (2,):
        return f"PRNGKey({int(value[1])})" if int(value[0]) == 0 else None
    if getattr(value, "shape", None) == () and getattr(value, "dtype", None) is not None:
        return f"{float(value):g}"
    return None


def readable(name: str, value: Any) -> str:
    """What an argument holds, in words: a network's sizes, rows of inputs, a few numbers."""
    if isinstance(value, dict) and {"w1", "w2"} <= set(value) and hasattr(value["w1"], "shape"):
        w1, w2 = value["w1"], value["w2"]
        if len(w1.shape) == 2 and len(w2.shape) == 2:
            return f"a {w1.shape[1]}-{w1.shape[0]}-{w2.shape[0]} network's parameters"
    shape = getattr(value, "shape", None)
    if shape is not None and hasattr(value, "dtype"):
        if len(shape) == 2 and value.tolist() == [list(row) for row in XOR_INPUTS]:
            return "the four XOR inputs"
        if len(shape) == 2 and name == "X":
            rows = "row" if shape[0] == 1 else "rows"
            return f"{shape[0]} random {rows} of {shape[1]} input{'s' if shape[1] != 1 else ''}"
        if value.size <= 4:
            return "[" + ", ".join(f"{float(v):g}" for v in value.reshape(-1)) + "]"
        return f"random numbers of shape {tuple(shape)}"
    return summarize(value)


def summarize(value: Any) -> str:
    """A short description of an argument: arrays by shape, dicts by keys."""
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        if getattr(value, "size", 99) <= 4:
            flat = ", ".join(f"{float(v):g}" for v in value.reshape(-1)) if value.size else ""
            return f"array([{flat}], shape={tuple(value.shape)})"
        return f"array(shape={tuple(value.shape)}, dtype={value.dtype})"
    if isinstance(value, dict):
        shown = ", ".join(f"{k!r}: {summarize(v)}" for k, v in list(value.items())[:8])
        return "{" + shown + (f", ... ({len(value)} keys)" if len(value) > 8 else "") + "}"
    if isinstance(value, tuple | list):
        return "(" + ", ".join(summarize(v) for v in value) + ")"
    return repr(value)
