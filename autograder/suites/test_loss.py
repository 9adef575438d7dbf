"""loss(params, x, y): a scalar, the mean squared error of predict(params, x) against y."""

import numpy as np
import pytest

from autograder.judge import diagnosis
from autograder.judge.checks import (
    assert_close,
    assert_shape,
    random_array,
    random_params,
)
from autograder.judge.feedback import Feedback, number, show

pytestmark = pytest.mark.loss


@pytest.mark.points(1)
def test_returns_a_scalar(submission, reference):
    params = random_params((3, 5, 2), seed=9)
    x, y = random_array(90, (3,)), random_array(91, (2,))
    got = submission.run("loss", params, x, y)
    assert_shape(got, (), "loss(params, x, y) with 2 outputs", hint=diagnosis.loss(
        params, x, y, "average over the output units so the loss is one number (jnp.mean)."))


@pytest.mark.points(2)
def test_matches_the_reference_on_the_xor_data(submission, reference):
    params = random_params(seed=10)
    for x, y in (([0, 1], 1.0), ([1, 1], 0.0)):
        x = np.array(x, dtype=np.float32)
        y = np.array([y], dtype=np.float32)
        assert_close(submission.run("loss", params, x, y), reference.run("loss", params, x, y),
                     f"loss(params, {x.tolist()}, {y.tolist()})",
                     hint=diagnosis.loss(params, x, y,
                                         "the loss is mean((predict(params, x) - y) ** 2)."))


@pytest.mark.points(2)
def test_averages_over_several_output_units(submission, reference):
    params = random_params((3, 5, 3), seed=11)
    x, y = random_array(110, (3,)), random_array(111, (3,))
    assert_close(submission.run("loss", params, x, y), reference.run("loss", params, x, y),
                 "loss(params, x, y) with 3 output units",
                 hint=diagnosis.loss(params, x, y, "the mean of the squared errors, "
                                     "not their sum (jnp.mean, not jnp.sum)."))


@pytest.mark.points(1)
def test_accepts_a_scalar_target(submission, reference):
    params = random_params(seed=12)
    x, y = np.array([1, 0], dtype=np.float32), np.float32(1.0)
    got = submission.run("loss", params, x, np.asarray(y))
    assert_close(got, reference.run("loss", params, x, np.asarray(y)), "loss(params, [1, 0], 1.0)",
                 hint=diagnosis.loss(params, x, np.asarray(y)))


@pytest.mark.points(2)
def test_gradient_matches_the_reference(submission, reference):
    params = random_params((3, 5, 2), seed=13)
    x, y = random_array(130, (3,)), random_array(131, (2,))
    assert_close(submission.run("loss", params, x, y, transforms=("grad",)),
                 reference.run("loss", params, x, y, transforms=("grad",)),
                 "jax.grad(loss)(params, x, y)",
                 hint=diagnosis.loss_gradient(reference, params, x, y, "jax.grad follows your loss: "
                                              "once its values are right (the other loss tests say "
                                              "how), so is its gradient, if it is built from jnp "
                                              "operations only."))


@pytest.mark.points(1)
def test_gradient_agrees_with_finite_differences(submission, reference):
    params = {k: np.asarray(v, dtype=np.float32) for k, v in {
        "w1": random_array(140, (5, 3)), "b1": random_array(141, (5,)),
        "w2": random_array(142, (2, 5)), "b2": random_array(143, (2,))}.items()}
    x, y = random_array(144, (3,)), random_array(145, (2,))
    grads = submission.run("loss", params, x, y, transforms=("grad",))
    if not isinstance(grads, dict) or set(grads) != set(params):
        raise Feedback(f"jax.grad(loss)(params, x, y) gave {show(grads)}, expected a dict like params.")
    for k, v in params.items():
        assert_shape(grads[k], v.shape, f"jax.grad(loss)(params, x, y)[{k!r}]")
    eps = 1e-2

    def value(who, p: dict) -> float:
        got = assert_shape(who.run("loss", p, x, y), (), "loss(params, x, y)",
                           hint="the loss must be one number (a scalar array).")
        return float(got)

    def slopes(who, direction: dict, gradient: dict) -> tuple[float, float]:
        """(finite difference, gradient) slopes of ``who``'s loss along ``direction``."""
        plus = {k: v + eps * direction[k] for k, v in params.items()}
        minus = {k: v - eps * direction[k] for k, v in params.items()}
        along = sum(float(np.sum(np.asarray(gradient[k], np.float64) * direction[k])) for k in params)
        return (value(who, plus) - value(who, minus)) / (2 * eps), along

    mine, right = value(submission, params), value(reference, params)
    if not np.isclose(mine, right, rtol=1e-3, atol=1e-5):  # a constant loss agrees with its own slope
        raise Feedback(f"loss(params, x, y) returned {number(mine, 5)}, where the mean squared error is "
                       f"{number(right, 5)}: this test checks the gradient of a loss whose value is right.",
                       cause="the value of your loss is wrong; the value tests of loss name the "
                       "mistake, and this one passes once they do.")
    expected = reference.run("loss", params, x, y, transforms=("grad",))
    for direction in smooth_directions(params, x, eps):
        slope, predicted = slopes(submission, direction, grads)
        # A central difference is off by terms in eps ** 2 where the loss curves: the reference's
        # own difference shows how far, so a right gradient is never blamed for it.
        ref_slope, ref_predicted = slopes(reference, direction, expected)
        if not np.isclose(predicted, slope - (ref_slope - ref_predicted), rtol=2e-2, atol=2e-3):
            raise Feedback(
                f"The slope of your loss along a random direction is {number(slope, 5)} by finite "
                f"differences (eps={eps}) but jax.grad(loss) says {number(predicted, 5)}; for the "
                f"reference, the same differences give {number(ref_slope, 5)} and its gradient "
                f"{number(ref_predicted, 5)}.",
                cause="part of the loss is computed outside JAX (numpy, Python floats) "
                "or stopped with jax.lax.stop_gradient.")


def smooth_directions(params: dict, x: np.ndarray, eps: float, count: int = 3) -> list[dict]:
    """Random directions along which no hidden unit changes sign within eps of params: there
    relu has no kink, so finite differences measure the true slope."""
    found = []
    for salt in range(40):
        direction = {k: random_array(150 + 4 * salt + i, v.shape) for i, (k, v) in
                     enumerate(params.items())}
        ends = [{k: v + sign * eps * direction[k] for k, v in params.items()} for sign in (-1, 0, 1)]
        signs = {tuple(np.sign(p["w1"].astype(np.float64) @ x + p["b1"])) for p in ends}
        if len(signs) == 1:
            found.append(direction)
        if len(found) == count:
            break
    return found


@pytest.mark.points(1)
def test_works_under_jit_and_vmap(submission, reference):
    params = random_params(seed=14)
    X, Y = random_array(160, (5, 2)), random_array(161, (5, 1))
    assert_close(submission.run("loss", params, X[0], Y[0], transforms=("jit",)),
                 reference.run("loss", params, X[0], Y[0]), "jax.jit(loss)(params, x, y)",
                 hint=diagnosis.loss(params, X[0], Y[0]))
    assert_close(submission.run("loss", params, X, Y, transforms=("vmap",), in_axes=(None, 0, 0)),
                 reference.run("loss", params, X, Y, transforms=("vmap",), in_axes=(None, 0, 0)),
                 "jax.vmap(loss, in_axes=(None, 0, 0))(params, X, Y)")
