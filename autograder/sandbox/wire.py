"""Plain data between the judge and the sandbox: JSON, with arrays as raw bytes.

Nothing here can run code while loading: arrays are rebuilt with
``np.frombuffer`` from an allowed numeric dtype, never unpickled. Values the
wire cannot carry travel as an ``Opaque`` description (its type and repr).
"""

import base64
import json
import math
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

ALLOWED_DTYPES = frozenset(
    ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
     "float16", "float32", "float64"]
)
MAX_REPR = 300
HEADER = struct.Struct(">I")  # every message: its length, then that much JSON
MAX_MESSAGE = 64 << 20


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
        return {"int": str(value)}
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, dict):
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
        if dtype not in ALLOWED_DTYPES:
            return {"opaque": type_name(value), "text": f"array of dtype {dtype}, shape {array.shape}"}
        data = base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")
        return {"array": {"dtype": dtype, "shape": list(array.shape), "data": data,
                          "type": type_name(value)}}
    try:
        text = repr(value)[:MAX_REPR]
    except Exception:
        text = "(repr failed)"
    return {"opaque": type_name(value), "text": text}


def decode(data: Any) -> Any:
    """Rebuild what ``encode`` described; arrays come back as read-only numpy arrays."""
    if data is None or isinstance(data, bool):
        return data
    if not isinstance(data, dict) or len(data) != 1 and "opaque" not in data:
        raise ValueError(f"not a wire value: {str(data)[:100]}")
    if "array" in data:
        spec = data["array"]
        dtype = spec["dtype"]
        if dtype not in ALLOWED_DTYPES:
            raise ValueError(f"dtype {dtype!r} is not allowed on the wire")
        shape = tuple(int(n) for n in spec["shape"])
        array = np.frombuffer(base64.b64decode(spec["data"]), dtype=dtype)
        if array.size != math.prod(shape):
            raise ValueError("array data does not match its shape")
        return array.reshape(shape)
    if "opaque" in data:
        return Opaque(str(data["opaque"]), str(data.get("text", "")))
    (tag, body), = data.items()
    if tag == "str":
        return str(body)
    if tag == "int":
        return int(body)
    if tag == "float":
        return float(body)
    if tag == "dict":
        return {_hashable(decode(k)): decode(v) for k, v in body}
    if tag == "list":
        return [decode(v) for v in body]
    if tag == "tuple":
        return tuple(decode(v) for v in body)
    raise ValueError(f"unknown wire tag {tag!r}")


def _hashable(key: Any) -> Any:
    return key if isinstance(key, str | int | float | bool | tuple | type(None)) else str(key)


def dumps(message: dict) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode()


def loads(raw: bytes) -> dict:
    message = json.loads(raw)
    if not isinstance(message, dict):
        raise ValueError("a message must be a JSON object")
    return message


def read_message(stream: Any) -> dict | None:
    """The next framed message from a binary stream, or None at its end."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    if size > MAX_MESSAGE:
        raise ValueError("message too large")
    return loads(stream.read(size))


def framed(message: dict) -> bytes:
    """``message`` as it travels: its length, then its JSON."""
    raw = dumps(message)
    return HEADER.pack(len(raw)) + raw


def write_message(stream: Any, message: dict) -> None:
    stream.write(framed(message))
    stream.flush()
