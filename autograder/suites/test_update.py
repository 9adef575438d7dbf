"""update(params, x, y, step_size): one gradient-descent step on loss, returning a new dict."""

import numpy as np
import pytest

from autograder.judge import diagnosis
from autograder.judge.checks import (
    assert_arrays_like,
    assert_close,
    random_array,
    random_params,
    shapes_of,
)
from autograder.judge.feedback import Feedback
from autograder.sandbox.exercises import DEFAULT_SIZES

pytestmark = pytest.mark.update
KEYS = {"w1": None, "b1": None, "w2": None, "b2": None}


def example(reference, sizes=DEFAULT_SIZES, seed=15, salt=170):
    params = random_params(sizes, seed=seed)
    return params, random_array(salt, (sizes[0],)), random_array(salt + 1, (sizes[2],))


def step_hint(reference, params, x, y, step_size):
    """Names the mistake when the result is a known wrong step (computed only on a failure)."""
    return diagnosis.update(reference, params, x, y, step_size,
                            "new = params[k] - step_size * jax.grad(loss)(params, x, y)[k], for every k.")


@pytest.mark.points(1)
def test_returns_a_dict_with_the_same_keys_and_shapes(submission, reference):
    params, x, y = example(reference, (3, 5, 2))
    assert_arrays_like(submission.run("update", params, x, y), shapes_of(params), "update(params, x, y)")


@pytest.mark.points(3)
def test_takes_one_gradient_step(submission, reference):
    params, x, y = example(reference)
    got = submission.run("update", params, x, y, step_size=0.1)
    expected = reference.run("update", params, x, y, step_size=0.1)
    assert_close(got, expected, "update(params, x, y, step_size=0.1)",
                 hint=step_hint(reference, params, x, y, 0.1))


@pytest.mark.points(2)
def test_honours_step_size(submission, reference):
    params, x, y = example(reference, seed=16)
    for step_size in (0.5, 0.0):
        got = submission.run("update", params, x, y, step_size=step_size)
        assert_close(got, reference.run("update", params, x, y, step_size=step_size),
                     f"update(params, x, y, step_size={step_size})",
                     hint=step_hint(reference, params, x, y, step_size))


@pytest.mark.points(2)
def test_leaves_its_argument_unchanged(submission):
    params = {"w1": random_array(180, (3, 2)), "b1": random_array(181, (3,)),
              "w2": random_array(182, (1, 3)), "b2": random_array(183, (1,))}
    x, y = random_array(184, (2,)), random_array(185, (1,))
    new, (after, _, _, _) = submission.run("update", params, x, y, 0.5, echo_args=True)
    assert_arrays_like(new, shapes_of(params), "update(params, x, y, 0.5)")
    if not isinstance(after, dict) or set(after) != set(params) or not all(
            np.array_equal(np.asarray(after[k]), params[k]) for k in params):
        raise Feedback("Called update(params, x, y, 0.5): afterwards the params dict you were "
                       "given had changed.", cause="you wrote into params[k] (or used "
                       "params.update). Build and return a new dict instead.")


@pytest.mark.points(2)
def test_works_under_jit(submission, reference):
    params, x, y = example(reference, (4, 7, 3), seed=17, salt=190)
    assert_close(submission.run("update", params, x, y, step_size=0.2, transforms=("jit",)),
                 reference.run("update", params, x, y, step_size=0.2),
                 "jax.jit(update)(params, x, y, step_size=0.2)", hint=step_hint(reference, params, x, y, 0.2))


@pytest.mark.points(2)
def test_matches_for_other_layer_sizes(submission, reference):
    params, x, y = example(reference, (4, 7, 3), seed=18, salt=200)
    got = submission.run("update", params, x, y, step_size=0.3)
    assert_close(got, reference.run("update", params, x, y, step_size=0.3),
                 "update(params, x, y, step_size=0.3) for sizes (4, 7, 3)",
                 hint=step_hint(reference, params, x, y, 0.3))
