"""Hidden tests: one per exercise, on layer sizes and inputs the public tests never use.

They count towards the grade like any other test, but students see them only once
the grades are published (Gradescope visibility "after_published"), and the
student release (``python -m autograder release``) leaves this module out. They
catch code fitted to the public tests: sizes hard-coded, an axis dropped when it
has length 1, a loss that only works for one output.
"""

import pytest

from autograder.judge import diagnosis
from autograder.judge.checks import (
    assert_close,
    assert_shape,
    key,
    numbers,
    random_array,
    random_key_numbers,
    random_params,
)
from autograder.suites.test_train import TRAIN_TOL, unpack

pytestmark = pytest.mark.hidden
SIZE_HINT = "read every size from the arguments and arrays; nothing may be fixed to 2, 16 or 1."


@pytest.mark.relu
@pytest.mark.points(1)
def test_empty_and_five_axis_inputs(submission, reference):
    for salt, shape in enumerate([(0,), (2, 1, 3, 1, 2)]):
        x = random_array(900 + salt, shape)
        called = f"relu(x) with x of shape {shape}"
        assert_shape(submission.run("relu", x), shape, called, hint=diagnosis.relu(
            x, "relu works elementwise on arrays of any shape, even empty ones."))
        assert_close(submission.run("relu", x), reference.run("relu", x), called, hint=diagnosis.relu(x))


@pytest.mark.init_params
@pytest.mark.points(2)
def test_one_unit_layers_and_seven_outputs(submission, reference):
    for seed, (d_in, hidden, d_out) in zip(random_key_numbers(306, 2), ((1, 1, 1), (5, 3, 7)),
                                           strict=True):
        kwargs = {"input_dims": d_in, "n_hidden": hidden, "output_dims": d_out}
        assert_close(submission.run("init_params", key(seed), **kwargs),
                     reference.run("init_params", key(seed), **kwargs),
                     f"init_params(PRNGKey({seed}), {d_in}, {hidden}, {d_out})",
                     hint=diagnosis.init_params(reference, key(seed), SIZE_HINT, **kwargs))


@pytest.mark.predict
@pytest.mark.points(2)
def test_one_hidden_unit_and_five_outputs(submission, reference):
    for salt, sizes in enumerate([(1, 1, 1), (6, 2, 5)]):
        params = random_params(sizes, seed=30 + salt)
        x = random_array(910 + salt, (sizes[0],))
        assert_close(submission.run("predict", params, x), reference.run("predict", params, x),
                     f"predict(params, x) for sizes {sizes}",
                     hint=diagnosis.predict(reference, params, x, SIZE_HINT))


@pytest.mark.batched_predict
@pytest.mark.points(2)
def test_thirty_three_rows_of_one_input(submission, reference):
    params = random_params((1, 3, 2), seed=32)
    X = random_array(920, (33, 1))
    assert_close(submission.run("batched_predict", params, X),
                 reference.run("batched_predict", params, X),
                 "batched_predict(params, X) for sizes (1, 3, 2), X of shape (33, 1)",
                 hint=diagnosis.batched_predict(reference, params, X, "map over the rows of X, "
                                                "whatever their number and length."))


@pytest.mark.loss
@pytest.mark.points(2)
def test_five_outputs_and_a_one_unit_network(submission, reference):
    for salt, sizes in enumerate([(2, 3, 5), (1, 1, 1)]):
        params = random_params(sizes, seed=33 + salt)
        x, y = random_array(930 + 2 * salt, (sizes[0],)), random_array(931 + 2 * salt, (sizes[2],))
        assert_close(submission.run("loss", params, x, y), reference.run("loss", params, x, y),
                     f"loss(params, x, y) for sizes {sizes}",
                     hint=diagnosis.loss(params, x, y, "the mean over however many "
                                         "output units there are."))


@pytest.mark.update
@pytest.mark.points(2)
def test_one_input_three_outputs(submission, reference):
    params = random_params((1, 2, 3), seed=35)
    x, y = random_array(940, (1,)), random_array(941, (3,))
    assert_close(submission.run("update", params, x, y, step_size=0.05),
                 reference.run("update", params, x, y, step_size=0.05),
                 "update(params, x, y, step_size=0.05) for sizes (1, 2, 3)",
                 hint=diagnosis.update(reference, params, x, y, 0.05, SIZE_HINT))


@pytest.mark.train
@pytest.mark.points(2)
def test_two_outputs_three_rows_of_four_inputs(submission, reference):
    params = random_params((4, 3, 2), seed=36)
    X, Y = random_array(950, (3, 4)), random_array(951, (3, 2), 0.0, 1.0)
    called = "train(params, X, Y, epochs=3, step_size=0.1) for sizes (4, 3, 2), Y of shape (3, 2)"
    got = unpack(submission.run("train", params, X, Y, epochs=3, step_size=0.1), called)
    expected = reference.run("train", params, X, Y, epochs=3, step_size=0.1)
    assert_close(got[0], expected[0], called + "[0] (params)", **TRAIN_TOL,
                 hint=diagnosis.train_params(reference, params, X, Y, 3, 0.1, SIZE_HINT))
    assert_close(numbers(got[1]), expected[1], called + "[1] (losses)", **TRAIN_TOL,
                 hint=diagnosis.train_losses(reference, params, X, Y, 3, 0.1, SIZE_HINT))
