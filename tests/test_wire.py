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


def test_dict_keys_must_be_strings_so_no_key_can_be_made_to_collide():
    """An int's hash is chosen by whoever writes it (multiples of 2**61 - 1 share one slot):
    the judge's decoder takes string keys only, and the child's encoder sends others opaque."""
    colliding = {"dict": [[{"int": str(k * (2**61 - 1))}, {"int": "0"}] for k in range(1000)]}
    with pytest.raises(ValueError, match="not a string"):
        decode(colliding)
    assert isinstance(decode(encode({1: 2})), Opaque)


def test_decoding_is_bounded_in_depth_and_shape():
    deep: dict = {"int": "1"}
    for _ in range(40):
        deep = {"list": [deep]}
    with pytest.raises(ValueError, match="levels deep"):
        decode(deep)
    for shape in ([-1, -4], [1] * 9, [2.0, 2.0]):
        with pytest.raises(ValueError):
            decode({"array": {"dtype": "float32", "shape": shape, "data": "AAAAAAAAAAAAAAAAAAAAAA=="}})
