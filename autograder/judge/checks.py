"""The assertions the graded suites are made of, named assert_<what>_<property>.

Each compares what the submission returned with what was expected and, when
they differ, raises ``Feedback`` saying what was called, what came back,
what was expected and, where one is known, the likely mistake.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.judge.feedback import Feedback, Hint, fail, likely, show
from autograder.judge.seeds import FIXED
from autograder.sandbox.exercises import DEFAULT_SIZES, XOR_INPUTS, XOR_LABELS, network_shapes
from autograder.sandbox.wire import Opaque

RTOL, ATOL = 1e-4, 1e-5  # float32, with matmuls at full precision
_seed = [FIXED]  # every random input of this grading comes from it (autograder.judge.seeds)


def use_seed(seed: int) -> None:
    _seed[0] = seed


def seed() -> int:
    return _seed[0]


def rng(salt: int) -> np.random.Generator:
    """A generator for one test's inputs: the same numbers for the same seed, on every machine."""
    return np.random.default_rng([_seed[0], salt])


def random_array(salt: int, shape: tuple[int, ...], low: float = -2.0, high: float = 2.0,
                 away_from_zero: float = 0.0) -> np.ndarray:
    values = rng(salt).uniform(low, high, size=shape).astype(np.float32)
    if away_from_zero:
        values = np.where(np.abs(values) < away_from_zero,
                          np.copysign(away_from_zero, values), values).astype(np.float32)
    return values


def listed(values: np.ndarray) -> str:
    """A small array as the list a student would type: ``[-2.3104, 0.5]``."""
    return "[" + ", ".join(f"{v:.4g}" for v in np.asarray(values, dtype=np.float64).ravel()) + "]"


def assert_is_array(got: Any, called: str) -> np.ndarray:
    if not isinstance(got, np.ndarray):
        what = got if isinstance(got, Opaque) else type(got).__name__
        how = ("map predict over the rows with jax.vmap(predict, in_axes=(None, 0))(params, X), which "
               "returns one array (a loop or a list comprehension makes a list; jnp.stack would join it)"
               if "batched_predict" in called else
               "build the result with jnp (jnp.stack, jnp.array) so that it is a jax.Array")
        raise Feedback(f"Called {called}\n  got: {show(got)}\n  expected an array, not {what}.",
                       cause=f"you returned a {type(got).__name__} where an array belongs; {how}.")
    return got


def numbers(value: Any) -> Any:
    """A list or tuple of numbers as one array, anything else as it is: for a test of their
    values (another test pays for the list)."""
    if isinstance(value, list | tuple) and value and all(
            isinstance(v, float | int) or isinstance(v, np.ndarray) and v.size == 1 for v in value):
        return np.asarray([np.asarray(v).reshape(()) for v in value])
    return value


def indexed(called: str, index: str) -> str:
    """``called`` with ``[index]`` after the call itself, before any words about its inputs:
    ``update(params, x, y)['b1'] for sizes (1, 2, 3)``, not ``... (1, 2, 3)['b1']``."""
    depth = 0
    for i, char in enumerate(called):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ")" and depth == 0 and called[i + 1:i + 2] != "(":  # jax.jit(f)(x): both
            end = i + 1
            while end < len(called) and called[end] == "[":  # after the indices it has already
                end = called.index("]", end) + 1
            return f"{called[:end]}[{index}]{called[end:]}"
    return f"{called}[{index}]"


def assert_shape(got: Any, shape: tuple[int, ...], called: str, hint: Hint = "") -> np.ndarray:
    array = assert_is_array(got, called)
    if array.shape != tuple(shape):
        raise Feedback(f"Called {called}\n  got shape:      {array.shape}\n  expected shape: "
                       f"{tuple(shape)}", cause=likely(hint, got))
    return array


def assert_dtype(got: Any, dtype: str, called: str) -> None:
    array = assert_is_array(got, called)
    if str(array.dtype) != dtype:
        raise Feedback(f"Called {called}\n  got dtype {array.dtype}, expected {dtype}.",
                       cause=f"the result was made {array.dtype}: do not convert it (astype) and build "
                       "arrays with jnp (float32 by default), not Python or numpy float64 values.")


def assert_close(got: Any, expected: Any, called: str, hint: Hint = "", rtol: float = RTOL,
                 atol: float = ATOL) -> None:
    """Arrays (or dicts of arrays) equal to within rtol/atol, with matching shapes."""
    if callable(hint) and isinstance(expected, dict | tuple):  # a diagnosis looks at the whole answer
        whole, hint = hint, lambda _: whole(got)
    if isinstance(expected, dict):
        assert_same_keys(got, expected, called)
        for key in expected:
            assert_close(got[key], expected[key], indexed(called, repr(key)), hint, rtol, atol)
        return
    if isinstance(expected, tuple):
        if not isinstance(got, tuple | list) or len(got) != len(expected):
            fail(called, got, expected, hint)
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            assert_close(g, e, indexed(called, str(i)), hint, rtol, atol)
        return
    array = assert_is_array(got, called)
    expected = np.asarray(expected)
    assert np.all(np.isfinite(expected)), f"grader bug: the expected value of {called} is not finite"
    if array.shape != expected.shape:
        assert_shape(array, expected.shape, called, hint)
    if not np.allclose(array, expected, rtol=rtol, atol=atol, equal_nan=False):
        tolerance = f" (tolerance: rtol={rtol:g}, atol={atol:g})"
        fail(called + tolerance, array, expected, hint)


def assert_same_keys(got: Any, expected: dict, called: str) -> dict:
    if not isinstance(got, dict):
        raise Feedback(f"Called {called}\n  got: {show(got)}\n  expected a dict with keys "
                       f"{sorted(expected)}.", cause=f"you returned a {type(got).__name__}; "
                       "return a dict, so that every array is found by its name.")
    if set(got) != set(expected):
        extra, missing = sorted(map(str, set(got) - set(expected))), sorted(set(expected) - set(got))
        cause = (f"the dict has keys beyond these ({', '.join(extra)}); return exactly {sorted(expected)}"
                 if extra else f"keys are missing ({', '.join(missing)})")
        raise Feedback(f"Called {called}\n  got keys:      {show(sorted(map(str, got)))}\n  expected keys: "
                       f"{sorted(expected)} (exactly these).", cause=f"{cause}.")
    return got


def assert_arrays_like(got: Any, shapes: dict[str, tuple[int, ...]], called: str,
                       hint: Hint = "") -> dict:
    """A dict with exactly the keys of ``shapes``, each an array of its shape: what a test of
    a property of params (keys, dtype, purity) may look at, so that it pays only for arrays."""
    got = assert_same_keys(got, shapes, called)
    for name, shape in shapes.items():
        assert_shape(got[name], shape, indexed(called, repr(name)), hint)
    return got


def shapes_of(params: dict) -> dict[str, tuple[int, ...]]:
    return {name: np.shape(value) for name, value in params.items()}


def diagnose(got: Any, candidates: dict[str, Callable[[], Any]], rtol: float = RTOL) -> str:
    """The hint of the first known mistake that reproduces ``got``, or ''."""
    for hint, make in candidates.items():
        try:
            if _close_tree(got, make(), rtol):
                return hint
        except Exception:
            continue
    return ""


def _close_tree(got: Any, expected: Any, rtol: float = RTOL) -> bool:
    if isinstance(expected, dict):
        return isinstance(got, dict) and set(got) == set(expected) and all(
            _close_tree(got[k], expected[k], rtol) for k in expected)
    if isinstance(expected, tuple):
        return isinstance(got, tuple | list) and len(got) == len(expected) and all(
            _close_tree(g, e, rtol) for g, e in zip(got, expected, strict=True))
    return (isinstance(got, np.ndarray) and got.shape == np.shape(expected)
            and bool(np.allclose(got, expected, rtol=rtol, atol=ATOL)))


# (input_dims, n_hidden, output_dims): the XOR network, an odd one, and a square one in
# which reused keys show (arrays of one shape drawn from one key are equal).
SIZES = [DEFAULT_SIZES, (3, 5, 2), (4, 4, 4)]


def key(i: int) -> np.ndarray:
    """``jax.random.PRNGKey(i)`` as plain data (a raw uint32 key)."""
    return np.array([0, i], dtype=np.uint32)


XOR_KEYS = 1000  # docs/contract.md: training from PRNGKey(i) reproduces XOR for every i below this


def random_key_numbers(salt: int, count: int = 1) -> list[int]:
    """``count`` different numbers for PRNGKey, drawn from this grading's seed; below
    XOR_KEYS, so that training from any of them must reproduce XOR."""
    return [int(i) for i in rng(salt).choice(XOR_KEYS, size=count, replace=False)]


def random_params(sizes: tuple[int, int, int] = DEFAULT_SIZES, seed: int = 0,
                  scale: float = 0.5) -> dict:
    """Normal random parameters of the given sizes, for the tests of the other exercises."""
    draw = rng(1000 + seed)
    return {k: (scale * draw.standard_normal(shape)).astype(np.float32)
            for k, shape in network_shapes(sizes).items()}


def xor_data() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR inputs and their targets (the module's X and Y), as float32 arrays."""
    return np.array(XOR_INPUTS, dtype=np.float32), np.array(XOR_LABELS, dtype=np.float32)
