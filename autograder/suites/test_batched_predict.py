"""batched_predict(params, X): predict for every row of X, shape (n, output_dims), via vmap."""

import pytest

from autograder.judge import diagnosis
from autograder.judge.checks import assert_close, assert_shape, random_array, random_params, xor_data
from autograder.sandbox.exercises import DEFAULT_SIZES

pytestmark = pytest.mark.batched_predict


@pytest.mark.points(2)
def test_output_shape_is_n_by_output_dims(submission, reference):
    for n, sizes in ((4, DEFAULT_SIZES), (7, (3, 5, 3)), (1, (2, 4, 2))):
        params = random_params(sizes)
        X = random_array(60 + n, (n, sizes[0]))
        got = submission.run("batched_predict", params, X)
        assert_shape(got, (n, sizes[2]), f"batched_predict(params, X) with X of shape "
                     f"{(n, sizes[0])}", hint=diagnosis.batched_predict(
                         reference, params, X, "keep the output axis: row i is predict(params, X[i]),"
                         " of shape (output_dims,); do not squeeze or flatten."))


@pytest.mark.points(2)
def test_each_row_matches_predict_on_the_xor_inputs(submission, reference, request):
    params = random_params(seed=6)
    X, _ = xor_data()
    assert_close(submission.run("batched_predict", params, X),
                 reference.run("batched_predict", params, X),
                 "batched_predict(params, X) on the four XOR inputs",
                 hint=diagnosis.batched_predict(reference, params, X, "map predict over the rows: "
                                                "jax.vmap(predict, in_axes=(None, 0))."))
    note = diagnosis.loop_note(submission, params, X)  # right, but a Python loop: no points lost
    if note:
        request.node.user_properties.append(("output", note))


@pytest.mark.points(2)
def test_matches_for_other_layer_sizes(submission, reference):
    params = random_params((3, 5, 3), seed=7)
    X = random_array(70, (7, 3))
    assert_close(submission.run("batched_predict", params, X),
                 reference.run("batched_predict", params, X),
                 "batched_predict(params, X) for sizes (3, 5, 3), X of shape (7, 3)",
                 hint=diagnosis.batched_predict(reference, params, X))


@pytest.mark.points(2)
def test_works_under_jit(submission, reference):
    params = random_params((3, 5, 3), seed=8)
    X = random_array(80, (7, 3))
    assert_close(submission.run("batched_predict", params, X, transforms=("jit",)),
                 reference.run("batched_predict", params, X), "jax.jit(batched_predict)(params, X)",
                 hint=diagnosis.batched_predict(reference, params, X))
