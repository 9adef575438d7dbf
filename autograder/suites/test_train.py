"""train(params, X, Y, epochs, step_size): per-row updates in order, losses after each epoch."""

import pytest

from autograder.judge import diagnosis
from autograder.judge.checks import (
    assert_arrays_like,
    assert_close,
    assert_is_array,
    assert_shape,
    numbers,
    random_array,
    random_params,
    shapes_of,
    xor_data,
)
from autograder.judge.feedback import Feedback

pytestmark = pytest.mark.train
TRAIN_TOL = {"rtol": 1e-3, "atol": 1e-5}  # a few hundred steps of float32 rounding


def setup(reference, seed=19):
    X, Y = xor_data()
    return random_params(seed=seed), X, Y


def unpack(got, called: str) -> tuple:
    if not isinstance(got, tuple | list) or len(got) != 2:
        raise Feedback(f"Called {called}: got {type(got).__name__}, expected a tuple "
                       "(params, losses).")
    return got[0], got[1]


def train_hint(reference, params, X, Y, epochs, step_size):
    """Names the mistake when the trained params are a known wrong training (computed only on a failure)."""
    return diagnosis.train_params(reference, params, X, Y, epochs, step_size, "for each epoch, for each "
                                  "row j in order: params = update(params, X[j], Y[j], step_size).")


@pytest.mark.points(2)
def test_returns_params_and_losses(submission, reference):
    params, X, Y = setup(reference)
    called = "train(params, X, Y, epochs=4, step_size=0.1)"
    new, losses = unpack(submission.run("train", params, X, Y, epochs=4, step_size=0.1), called)
    assert_arrays_like(new, shapes_of(params), called + "[0] (params)")
    assert_is_array(losses, called + "[1] (losses)")


@pytest.mark.points(2)
def test_losses_have_one_entry_per_epoch(submission, reference):
    params, X, Y = setup(reference)
    for epochs in (4, 7):
        called = f"train(params, X, Y, epochs={epochs}, step_size=0.1)"
        _, losses = unpack(submission.run("train", params, X, Y, epochs=epochs, step_size=0.1),
                           called)
        assert_shape(losses, (epochs,), called + "[1] (losses)",
                     hint=diagnosis.train_losses(reference, params, X, Y, epochs, 0.1, "record one "
                                                 "mean loss per epoch, as an array (jnp.array(losses))."))


def assert_trains_like_the_reference(submission, reference, params, X, Y, epochs: int,
                                     step_size: float, data: str = "") -> None:
    """The student's trained params equal the reference's, with a diagnosis if not."""
    called = f"train(params, X, Y, epochs={epochs}, step_size={step_size}){data}"
    got = unpack(submission.run("train", params, X, Y, epochs=epochs, step_size=step_size), called)
    expected = reference.run("train", params, X, Y, epochs=epochs, step_size=step_size)
    assert_close(got[0], expected[0], called + "[0] (params)",
                 hint=train_hint(reference, params, X, Y, epochs, step_size), **TRAIN_TOL)


@pytest.mark.points(2)
def test_matches_the_reference_for_a_few_epochs(submission, reference):
    assert_trains_like_the_reference(submission, reference, *setup(reference, seed=20), 7, 0.1)


@pytest.mark.points(2)
def test_honours_epochs_and_step_size(submission, reference):
    assert_trains_like_the_reference(submission, reference, *setup(reference, seed=21), 4, 0.05)


@pytest.mark.points(2)
def test_updates_rows_one_at_a_time_in_order(submission, reference):
    X = random_array(210, (5, 3), 0.0, 1.0)
    Y = random_array(211, (5,), 0.0, 1.0)
    assert_trains_like_the_reference(submission, reference, random_params((3, 6, 1), seed=22),
                                     X, Y, 4, 0.1, " on 5 random rows of 3 inputs")


@pytest.mark.points(2)
def test_losses_are_the_mean_loss_after_each_epoch(submission, reference):
    params, X, Y = setup(reference, seed=23)
    called = "train(params, X, Y, epochs=4, step_size=0.1)"
    got = unpack(submission.run("train", params, X, Y, epochs=4, step_size=0.1), called)
    expected = reference.run("train", params, X, Y, epochs=4, step_size=0.1)
    hint = diagnosis.train_losses(reference, params, X, Y, 4, 0.1, "losses[i] is the mean over all "
                                  "rows of loss(params, X[j], Y[j]), measured after epoch i's updates.")
    assert_close(numbers(got[1]), expected[1], called + "[1] (losses)", hint=hint, **TRAIN_TOL)
