"""xor: the student's own init_params, train and batched_predict together learn XOR."""

import weakref
from dataclasses import dataclass

import numpy as np
import pytest

from autograder.judge import plots
from autograder.judge import reference as reference_solution
from autograder.judge.checks import (
    assert_arrays_like,
    assert_is_array,
    key,
    network_shapes,
    random_array,
    random_key_numbers,
    xor_data,
)
from autograder.judge.feedback import Feedback, number, show
from autograder.judge.submissions import SubmissionError

pytestmark = pytest.mark.xor
OWN = ()  # the xor tests use only the student's functions, no reference stand-ins


XOR_SIZES = (2, 16, 1)
OFF_CORNERS = 8  # points off the four corners where batched_predict must match the network too
KEYS = 5  # keys besides 0, drawn per grading below checks.XOR_KEYS


@dataclass
class Trained:
    """What training from one key gave: the params, the losses, the student's batched_predict
    and the judge's own forward pass on them, at the four XOR inputs then OFF_CORNERS points."""

    start: dict  # what init_params gave
    params: dict  # what train made of it
    losses: np.ndarray
    outputs: np.ndarray
    network: np.ndarray

    @property
    def corners(self) -> np.ndarray:
        return self.network[:4]


# Per submission object (weakly held: a new submission never meets an old one's results).
_trained: "weakref.WeakKeyDictionary[object, dict[int, Trained | Exception]]" = (
    weakref.WeakKeyDictionary())


def train_and_predict(submission, seed: int) -> Trained:
    """The student's own init_params(PRNGKey(seed)), train and batched_predict, once per key
    (a failure too: it is raised again, not run again)."""
    done = _trained.setdefault(submission, {})
    if seed not in done:
        try:
            done[seed] = _train_and_predict(submission, seed)
        except (Feedback, SubmissionError) as error:
            done[seed] = error
    if isinstance(done[seed], Exception):
        raise done[seed]
    return done[seed]


def _train_and_predict(submission, seed: int) -> Trained:
    X, Y = xor_data()
    params = submission.run("init_params", key(seed), with_reference=OWN)
    called = f"train(init_params(PRNGKey({seed})), X, Y)"
    result = submission.run("train", params, X, Y, with_reference=OWN)
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise Feedback(f"{called} returned {show(result)}; expected (params, losses).")
    trained = assert_arrays_like(result[0], network_shapes(XOR_SIZES), called + "[0]")
    losses = assert_is_array(result[1], called + "[1] (losses)")
    if losses.dtype.kind not in "fiu":
        raise Feedback(f"{called}[1] (losses) holds {losses.dtype} values, not numbers.")
    points = np.concatenate([X, random_array(400 + seed, (OFF_CORNERS, 2), -0.5, 1.5)])
    outputs = assert_is_array(submission.run("batched_predict", trained, points, with_reference=OWN),
                              f"batched_predict(params, X) after {called}")
    if outputs.size != len(points):  # one number per point; a wrong shape costs batched_predict
        raise Feedback(f"batched_predict(params, X) after {called}, on {len(points)} points, "
                       f"returned shape {outputs.shape}; expected ({len(points)}, 1).")
    if seed == plots.SEED:
        _remember_for_plots(submission, seed, trained, losses)
    return Trained(params, trained, losses, outputs.astype(np.float64).reshape(-1),
                   forward(trained, points).reshape(-1))


def assert_really_learned(submission, reference, seed: int, other: int) -> None:
    """Training from PRNGKey(seed) solved XOR: the network its params make (computed by the
    judge, not by the student's batched_predict) reproduces XOR, the student's batched_predict
    agrees with that network on and off the corners, and the params are what training from
    the start init_params gave makes of it: the reference's train says so where this kit has
    the reference; a release can only check that another start, PRNGKey(other), trains to
    other params."""
    got = train_and_predict(submission, seed)
    _, Y = xor_data()
    if not np.allclose(got.outputs, got.network, rtol=1e-3, atol=1e-3):
        worst = int(np.argmax(np.abs(got.outputs - got.network)))
        raise Feedback(
            f"After training from PRNGKey({seed}), your batched_predict does not compute the "
            f"network your trained params make: at point {worst} it returned "
            f"{got.outputs[worst]:.4f}, while w2 @ relu(w1 @ x + b1) + b2 is {got.network[worst]:.4f}.")
    if not np.array_equal(got.corners > 0.5, Y > 0.5):
        raise Feedback(f"train(init_params(PRNGKey({seed})), X, Y) did not learn XOR: the "
                       f"trained network gives\n{truth_table(got.corners)}")
    if reference_solution.available():
        X, Y = xor_data()
        expected, _ = reference.run("train", got.start, X, Y)
        if not all(np.allclose(got.params[k], expected[k], rtol=1e-2, atol=1e-3) for k in expected):
            defaults = reference_solution.load()
            raise Feedback(
                f"train(init_params(PRNGKey({seed})), X, Y) returned params that training from "
                f"init_params(PRNGKey({seed})) does not give (with the defaults epochs="
                f"{defaults.EPOCHS}, step_size={defaults.STEP_SIZE}).\nLikely cause: train must "
                "start from the params it is given and update them with every row, in order, "
                "for every epoch.")
    elif all(np.allclose(got.params[k], train_and_predict(submission, other).params[k])
             for k in got.params):
        raise Feedback(f"Training from PRNGKey({seed}) and from PRNGKey({other}) gave the same "
                       "params: train must start from the params it is given.")


def forward(params: dict, X: np.ndarray) -> np.ndarray:
    """The network's outputs on the rows of X, in float64: w2 @ relu(w1 @ x + b1) + b2."""
    p = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    return np.maximum(X @ p["w1"].T + p["b1"], 0.0) @ p["w2"].T + p["b2"]


_for_plots: "weakref.WeakKeyDictionary[object, plots.Training]" = weakref.WeakKeyDictionary()


def _remember_for_plots(submission, seed: int, trained, losses: np.ndarray) -> None:
    """Keep what the report's plots show (autograder.judge.plots): the losses and, asked of the same
    submission, the trained network's outputs on a grid. A failure here costs no points."""
    try:
        grid = plots.grid_outputs(submission, trained)
    except plots.PlotError:
        grid = None
    _for_plots[submission] = plots.Training(seed, losses, grid)


def _illustrate(request, submission, figure: str) -> None:
    """Attach ``figure`` (drawn from the run from PRNGKey(0)) to this test's report."""
    if submission in _for_plots:
        request.getfixturevalue("scores").training = _for_plots[submission]
        request.node.user_properties.append(("figure", figure))


def truth_table(outputs: np.ndarray) -> str:
    X, Y = xor_data()
    lines = ["x1 x2 | XOR | output  | > 0.5 | ok", "------+-----+---------+-------+---"]
    for (a, b), y, out in zip(X, Y, outputs, strict=True):
        ok = (out > 0.5) == (y > 0.5)
        lines.append(f" {int(a)}  {int(b)} |  {int(y)}  | {number(out):>7} | {str(out > 0.5):5} | "
                     f"{'yes' if ok else 'NO'}")
    return "\n".join(lines)


@pytest.mark.points(8)
def test_learns_xor_from_key_0(submission, reference, request):
    seeds = several_keys()
    try:
        trained = train_and_predict(submission, 0)
    finally:
        _illustrate(request, submission, plots.BOUNDARY)
    request.node.user_properties.append(("output", "Trained from PRNGKey(0) with the defaults:\n"
                                         + truth_table(trained.corners)))
    assert_really_learned(submission, reference, 0, seeds[0])


@pytest.mark.points(5)
def test_learns_xor_from_several_keys(submission, reference):
    failed = []
    for seed in several_keys():
        try:
            assert_really_learned(submission, reference, seed, 0)
        except Feedback as error:
            failed.append(str(error))
    if failed:
        raise Feedback(f"XOR was not learned from {len(failed)} of {KEYS} keys.\n"
                       + "\n".join(failed[:2]))


@pytest.mark.points(3)
def test_loss_falls_during_training(submission, reference, request):
    trained = train_and_predict(submission, 0)
    _illustrate(request, submission, plots.LOSS_CURVE)
    losses = trained.losses
    if losses.ndim != 1 or losses.size < 2:
        raise Feedback(f"train returned losses of shape {losses.shape}; expected one per epoch.")
    X, Y = xor_data()
    if reference_solution.available():  # the losses of this very training, epoch by epoch
        expected = reference.run("train", trained.start, X, Y)[1]
        if losses.shape != expected.shape or not np.allclose(losses, expected, rtol=1e-2, atol=1e-4):
            raise Feedback("The losses train returned are not those of training from "
                           "init_params(PRNGKey(0)).\nLikely cause: losses[i] must be the mean loss "
                           "over all rows after epoch i's updates.")
    actual = float(np.mean((forward(trained.params, X).reshape(-1) - Y) ** 2))
    if not np.isclose(losses[-1], actual, rtol=1e-2, atol=1e-4):
        raise Feedback(f"The last loss train returned is {float(losses[-1]):.5f}, but the params it "
                       f"returned have a mean loss of {actual:.5f} on the XOR data.\nLikely cause: "
                       "losses[i] must be the mean loss over all rows after epoch i's updates.")
    if not losses[-1] < 0.05 or not losses[-1] < losses[0]:
        raise Feedback(f"The losses from train should fall to near 0; got first "
                       f"{number(losses[0])}, last {number(losses[-1])} (want last < 0.05).")


def several_keys() -> list[int]:
    return [k for k in random_key_numbers(410, KEYS + 1) if k != 0][:KEYS]
