"""predict(params, x): w2 @ relu(w1 @ x + b1) + b2 for one example, any layer sizes."""

import numpy as np
import pytest

from autograder.judge import diagnosis
from autograder.judge.checks import SIZES, assert_close, assert_shape, random_array, random_params
from autograder.sandbox.exercises import XOR_INPUTS

pytestmark = pytest.mark.predict
SIZE_HINT = "read the sizes from the arrays (w1 is (n_hidden, input_dims)); hard-code nothing."


@pytest.mark.points(2)
def test_output_shape_is_output_dims(submission, reference):
    for sizes in SIZES:
        params = random_params(sizes)
        x = random_array(20, (sizes[0],))
        got = submission.run("predict", params, x)
        assert_shape(got, (sizes[2],), f"predict(params, x) for sizes {sizes}",
                     hint=diagnosis.predict(reference, params, x, SIZE_HINT))


@pytest.mark.points(2)
def test_matches_the_reference_on_the_xor_inputs(submission, reference):
    params = random_params(seed=1)
    for x in XOR_INPUTS:
        x = np.array(x, dtype=np.float32)
        assert_close(submission.run("predict", params, x), reference.run("predict", params, x),
                     f"predict(params, {x.tolist()}), 2-16-1 params from PRNGKey(1)",
                     hint=diagnosis.predict(reference, params, x,
                                            "the forward pass is w2 @ relu(w1 @ x + b1) + b2."))


@pytest.mark.points(2)
def test_matches_the_reference_for_other_layer_sizes(submission, reference):
    for salt, sizes in enumerate(SIZES[1:]):
        params = random_params(sizes, seed=2)
        x = random_array(21 + salt, (sizes[0],))
        assert_close(submission.run("predict", params, x), reference.run("predict", params, x),
                     f"predict(params, x) for sizes {sizes}",
                     hint=diagnosis.predict(reference, params, x, SIZE_HINT))


@pytest.mark.points(2)
def test_uses_relu_on_the_hidden_layer_only(submission, reference):
    params = random_params((3, 5, 2), seed=3, scale=2.0)
    for salt in range(3):
        x = random_array(30 + salt, (3,), -3.0, 3.0)
        assert_close(submission.run("predict", params, x), reference.run("predict", params, x),
                     "predict(params, x) where some hidden units are negative and outputs can be",
                     hint=diagnosis.predict(reference, params, x, "apply relu to w1 @ x + b1, and "
                                            "nothing to the output layer."))


@pytest.mark.points(2)
def test_works_under_jit(submission, reference):
    params = random_params((3, 5, 2), seed=4)
    x = random_array(40, (3,))
    assert_close(submission.run("predict", params, x, transforms=("jit",)),
                 reference.run("predict", params, x), "jax.jit(predict)(params, x)",
                 hint=diagnosis.predict(reference, params, x))


@pytest.mark.points(2)
def test_gradient_matches_the_reference(submission, reference):
    params = random_params((3, 5, 2), seed=5)
    x = random_array(50, (3,))
    assert_close(submission.run("predict", params, x, transforms=("grad",)),
                 reference.run("predict", params, x, transforms=("grad",)),
                 "jax.grad(lambda p: predict(p, x).sum())(params)",
                 hint=diagnosis.predict_gradient(reference, params, x, "jax.grad follows your forward "
                                                 "pass: once predict's values are right, so is this."))
