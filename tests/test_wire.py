"""What crosses from the sandbox is plain data: nothing is unpickled, odd values stay inert."""

import numpy as np
import pytest

from autograder.sandbox.wire import Opaque, decode, encode


def test_arrays_dicts_and_tuples_round_trip():
    value = {"w": np.arange(6, dtype=np.float32).reshape(2, 3), "t": (1, 2.5, None, True)}
    back = decode(encode(value))
    np.testing.assert_array_equal(back["w"], value["w"])
    assert back["w"].dtype == np.float32 and back["t"] == (1, 2.5, None, True)


def test_object_arrays_and_unknown_objects_become_opaque():
    assert isinstance(decode(encode(np.array([object()]))), Opaque)
    assert isinstance(decode(encode(lambda: 1)), Opaque)


def test_forged_dtypes_are_refused():
    with pytest.raises(ValueError):
        decode({"array": {"dtype": "object", "shape": [1], "data": ""}})
    with pytest.raises(ValueError):
        decode({"array": {"dtype": "float32", "shape": [10], "data": ""}})
