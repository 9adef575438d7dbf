"""Values between the judge and the sandbox: JSON, with arrays as raw bytes.

Nothing here can run code while loading: arrays are rebuilt with ``np.frombuffer`` from
an allowed numeric dtype, never unpickled. Values the wire cannot carry travel as an
``Opaque`` description (its type and repr). ``decode`` reads what a submission sent, so it
is bounded: nesting depth, string keys only (an int key's hash is chosen by whoever
writes it, so many colliding keys would make a dict quadratic), array ranks and sizes.
The messages that carry these values are autograder.sandbox.protocol's.
"""

import base64
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

ALLOWED_DTYPES = frozenset(
    ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
     "float16", "float32", "float64"]
)
MAX_REPR = 300
MAX_DEPTH = 24  # encode describes deeper values as opaque at 20
MAX_RANK = 8


@dataclass(frozen=True)
class Opaque:
    """A value that is not plain data: what it was, as text."""

    type_name: str
    text: str

    def __str__(self) -> str:
        return f"<{self.type_name}: {self.text}>"


def type_name(value: Any) -> str:
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _is_array(value: Any) -> bool:
    return hasattr(value, "__array__") and hasattr(value, "shape") and hasattr(value, "dtype")


def encode(value: Any, depth: int = 0) -> Any:
    """A JSON-ready description of ``value`` (arrays, dicts, sequences, numbers)."""
    if depth > 20:
        return {"opaque": "nesting", "text": "nested more than 20 levels deep"}
    if value is None or isinstance(value, bool | str):
        return value if not isinstance(value, str) else {"str": value[:10_000]}
    if isinstance(value, int):
        return {"int": str(value)} if abs(value) < 10 ** 100 else {"opaque": "int", "text": "a huge int"}
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            return {"opaque": type_name(value), "text": "a dict whose keys are not all strings"}
        return {"dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        tag = "tuple" if isinstance(value, tuple) else "list"
        return {tag: [encode(v, depth + 1) for v in value]}
    if _is_array(value):
        try:
            array = np.asarray(value)
        except Exception as error:  # a tracer that leaked out, a deleted buffer...
            return {"opaque": type_name(value), "text": f"could not be read: {error}"[:MAX_REPR]}
        dtype = str(array.dtype)
        if dtype not in ALLOWED_DTYPES or array.ndim > MAX_RANK:
            return {"opaque": type_name(value), "text": f"array of dtype {dtype}, shape {array.shape}"}
        data = base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")
        return {"array": {"dtype": dtype, "shape": list(array.shape), "data": data,
                          "type": type_name(value)}}
    try:
        text = repr(value)[:MAX_REPR]
    except Exception:
        text = "(repr failed)"
    return {"opaque": type_name(value), "text": text}


def decode(data: Any, depth: int = 0) -> Any:
    """Rebuild what ``encode`` described; arrays come back as read-only numpy arrays. Raises
    ValueError for anything ``encode`` would not have written."""
    if depth > MAX_DEPTH:
        raise ValueError(f"a value nested more than {MAX_DEPTH} levels deep")
    if data is None or isinstance(data, bool):
        return data
    if not isinstance(data, dict) or len(data) != 1 and "opaque" not in data:
        raise ValueError(f"not a wire value: {str(data)[:100]}")
    if "array" in data:
        return _array(data["array"])
    if "opaque" in data:
        return Opaque(_string(data["opaque"])[:MAX_REPR], _string(data.get("text", ""))[:MAX_REPR])
    (tag, body), = data.items()
    if tag in ("str", "int", "float"):
        text = _string(body)
        return text if tag == "str" else int(text) if tag == "int" else float(text)
    if not isinstance(body, list):
        raise ValueError(f"the {tag!r} of a wire value is not a list")
    if tag == "dict":
        pairs = [(decode(k, depth + 1), decode(v, depth + 1)) for k, v in body]
        if not all(isinstance(k, str) for k, _ in pairs):
            raise ValueError("a dict key that is not a string")
        return dict(pairs)
    if tag == "list":
        return [decode(v, depth + 1) for v in body]
    if tag == "tuple":
        return tuple(decode(v, depth + 1) for v in body)
    raise ValueError(f"unknown wire tag {str(tag)[:40]!r}")


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("a wire string that is not a string")
    return value


def _array(spec: Any) -> np.ndarray:
    if not isinstance(spec, dict):
        raise ValueError("an array description that is not an object")
    dtype, shape = spec.get("dtype"), spec.get("shape")
    if dtype not in ALLOWED_DTYPES:
        raise ValueError(f"dtype {str(dtype)[:40]!r} is not allowed on the wire")
    if not isinstance(shape, list) or len(shape) > MAX_RANK or not all(
            type(n) is int and 0 <= n < 1 << 32 for n in shape):
        raise ValueError("an array shape that is not a short list of sizes")
    array = np.frombuffer(base64.b64decode(_string(spec.get("data")), validate=True), dtype=dtype)
    if array.size != math.prod(shape):
        raise ValueError("array data does not match its shape")
    return array.reshape(shape)
