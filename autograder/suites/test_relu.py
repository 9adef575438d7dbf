"""relu(x): elementwise max(0, x), for any shape, under jit, grad and vmap."""

import numpy as np
import pytest

from autograder.judge import diagnosis
from autograder.judge.checks import assert_close, assert_dtype, assert_shape, listed, random_array

pytestmark = pytest.mark.relu


@pytest.mark.points(1)
def test_negative_inputs_become_zero(submission):
    x = -random_array(1, (5,), 0.01, 3.0)
    assert_close(submission.run("relu", x), np.zeros(5, np.float32), f"relu({listed(x)})",
                 hint=diagnosis.relu(x, "relu keeps only the positive part: every negative number "
                                     "becomes 0."))


@pytest.mark.points(1)
def test_positive_inputs_pass_through_unchanged(submission):
    x = random_array(2, (5,), 0.01, 3.0)
    assert_close(submission.run("relu", x), x, f"relu({listed(x)})",
                 hint=diagnosis.relu(x, "positive numbers must come back exactly as they went in."))


@pytest.mark.points(1)
def test_keeps_the_shape_and_dtype_of_any_input(submission):
    for salt, shape in enumerate([(), (5,), (3, 4), (2, 3, 4)]):
        x = random_array(salt, shape)
        called = f"relu(x) with x of shape {shape}"
        got = assert_shape(submission.run("relu", x), shape, called,
                           hint=diagnosis.relu(x, "relu works elementwise: do not flatten, sum or reshape."))
        assert_dtype(got, "float32", called)


@pytest.mark.points(1)
def test_matches_the_reference_on_random_inputs(submission, reference):
    x = random_array(10, (3, 4))
    assert_close(submission.run("relu", x), reference.run("relu", x), "relu(x), x random (3, 4)",
                 hint=diagnosis.relu(x))


@pytest.mark.points(1)
def test_works_under_jit(submission, reference):
    x = random_array(11, (3, 4))
    assert_close(submission.run("relu", x, transforms=("jit",)), reference.run("relu", x),
                 "jax.jit(relu)(x)", hint=diagnosis.relu(x))


@pytest.mark.points(1)
def test_gradient_is_one_above_zero_and_zero_below(submission, reference):
    # Never at 0: relu has no derivative there.
    x = random_array(12, (8,), away_from_zero=0.1)
    assert_close(submission.run("relu", x, transforms=("grad",)),
                 reference.run("relu", x, transforms=("grad",)),
                 "jax.grad(lambda x: relu(x).sum())(x), x away from 0", hint=diagnosis.relu_gradient(x))


@pytest.mark.points(1)
def test_works_under_vmap(submission, reference):
    x = random_array(13, (5, 3))
    assert_close(submission.run("relu", x, transforms=("vmap",)), reference.run("relu", x),
                 "jax.vmap(relu)(x)", hint=diagnosis.relu(x))
