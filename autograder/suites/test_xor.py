"""xor: the student's own init_params, train and batched_predict together learn XOR."""

import weakref
from dataclasses import dataclass

import numpy as np
import pytest

from autograder.judge import diagnosis, plots
from autograder.judge import reference as reference_solution
from autograder.judge.checks import (
    assert_arrays_like,
    assert_is_array,
    key,
    numbers,
    random_array,
    random_key_numbers,
    xor_data,
)
from autograder.judge.feedback import Feedback, number, show
from autograder.judge.submissions import SubmissionError
from autograder.sandbox.exercises import DEFAULT_SIZES, network_shapes

pytestmark = pytest.mark.xor
OWN = ()  # the xor tests use only the student's functions, no reference stand-ins


OFF_CORNERS = 8  # points off the four corners where batched_predict must match the network too
KEYS = 5  # keys besides 0, drawn per grading below checks.XOR_KEYS
LOSS_TOL = {"rtol": 1e-2, "atol": 1e-4}  # losses after 500 epochs of float32 rounding


@dataclass
class Trained:
    """What training from one start gave: the params, the losses, the student's batched_predict
    and the judge's own forward pass on them, at the four XOR inputs then OFF_CORNERS points."""

    label: str  # where the start came from, e.g. init_params(PRNGKey(0))
    init_key: int | None  # k when the start is the student's own init_params(PRNGKey(k))
    start: dict  # the params train began with
    params: dict  # what train made of them
    losses: np.ndarray
    outputs: np.ndarray
    network: np.ndarray
    points: np.ndarray

    @property
    def corners(self) -> np.ndarray:
        return self.network[:4]


# Per submission object (weakly held: a new submission never meets an old one's results), by start.
_trained: "weakref.WeakKeyDictionary[object, dict[bytes, Trained | Exception]]" = (
    weakref.WeakKeyDictionary())


Start = tuple[str, dict, int | None]  # (label, params, init_key) of a Trained


def own_start(submission, seed: int) -> Start:
    """The student's init_params(PRNGKey(seed)), as the xor section trains from it."""
    start = submission.run("init_params", key(seed), with_reference=OWN)
    return f"init_params(PRNGKey({seed}))", assert_arrays_like(
        start, network_shapes(DEFAULT_SIZES), f"init_params(PRNGKey({seed}))"), seed


def judge_start(reference, seed: int) -> Start:
    """A start the judge draws (the reference's init_params(PRNGKey(seed))): training from it
    pays only for training, whatever the student's init_params returns."""
    return (f"the judge's start (the reference init_params(PRNGKey({seed})))",
            reference.run("init_params", key(seed)), None)


def train_and_predict(submission, start: Start) -> Trained:
    """The student's train and batched_predict from ``start``, once per start (a failure too:
    it is raised again, not run again)."""
    label, params, init_key = start
    done = _trained.setdefault(submission, {})
    name = b"".join(np.asarray(params[k], np.float32).tobytes() for k in sorted(params))
    if name not in done:
        try:
            done[name] = _train_and_predict(submission, label, params, init_key)
        except (Feedback, SubmissionError) as error:
            done[name] = error
    if isinstance(done[name], Exception):
        raise done[name]
    return done[name]


def _train_and_predict(submission, label: str, params: dict, init_key: int | None) -> Trained:
    X, Y = xor_data()
    called = f"train({label}, X, Y)"
    result = submission.run("train", params, X, Y, with_reference=OWN)
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise Feedback(f"{called} returned {show(result)}; expected (params, losses).",
                       cause="your train must return the tuple (params, losses).")
    trained = assert_arrays_like(result[0], network_shapes(DEFAULT_SIZES), called + "[0]")
    losses = as_numbers(result[1], called + "[1] (losses)")
    points = np.concatenate([X, random_array(400, (OFF_CORNERS, 2), -0.5, 1.5)])
    outputs = assert_is_array(submission.run("batched_predict", trained, points, with_reference=OWN),
                              f"batched_predict(params, X) after {called}")
    if outputs.size != len(points):  # one number per point; a wrong shape costs batched_predict
        raise Feedback(f"batched_predict(params, X) after {called}, on {len(points)} points, "
                       f"returned shape {outputs.shape}; expected ({len(points)}, 1).",
                       cause="your batched_predict (its section says what to fix).")
    if label == f"init_params(PRNGKey({plots.SEED}))":
        _remember_for_plots(submission, plots.SEED, trained, losses)
    return Trained(label, init_key, params, trained, losses, outputs.astype(np.float64).reshape(-1),
                   forward(trained, points).reshape(-1), points)


def as_numbers(losses, called: str) -> np.ndarray:
    """The losses as an array of numbers: a list of them too (the train section takes the
    points for a list; here what counts is the training)."""
    losses = assert_is_array(numbers(losses), called)
    if losses.dtype.kind not in "fiu":
        raise Feedback(f"{called} holds {losses.dtype} values, not numbers.")
    return losses.astype(np.float64)


def assert_really_learned(submission, reference, got: Trained) -> None:
    """Training from ``got``'s start solved XOR: the losses stayed finite, the network its params
    make (computed by the judge, not by the student's batched_predict) reproduces XOR, the
    student's batched_predict agrees with that network on and off the corners, and the params
    are what training from that start makes: the reference's train says so where this kit has
    the reference. When not, the functions are checked in order and the first wrong one named."""
    _, Y = xor_data()

    def cause(fallback: str = "") -> str:
        return diagnosis.first_wrong(submission, got.start, got.params, fallback, reference, got.init_key)

    called = f"train({got.label}, X, Y)"
    if not (np.all(np.isfinite(got.losses)) and all(np.all(np.isfinite(v)) for v in got.params.values())):
        raise Feedback(diverged(got.losses, called), cause=cause())
    if not np.allclose(got.outputs, got.network, rtol=1e-3, atol=1e-3, equal_nan=True):
        worst = int(np.argmax(np.abs(got.outputs - got.network)))
        raise Feedback(
            f"After {called}, your batched_predict does not compute the network your trained params "
            f"make: at point {worst} it returned {got.outputs[worst]:.4f}, while w2 @ relu(w1 @ x + b1) "
            f"+ b2 is {got.network[worst]:.4f}." , cause=cause())
    if not np.array_equal(got.corners > 0.5, Y > 0.5):
        raise Feedback(f"{called} did not learn XOR: the trained network gives\n"
                       f"{truth_table(got.corners)}" , cause=cause())
    if reference_solution.available():
        X, Y = xor_data()
        expected, _ = reference.run("train", got.start, X, Y)
        if not all(np.allclose(got.params[k], expected[k], rtol=1e-2, atol=1e-3) for k in expected):
            defaults = reference_solution.load()
            raise Feedback(
                f"{called} returned params that training from that start does not give (with the "
                f"defaults epochs={defaults.EPOCHS}, step_size={defaults.STEP_SIZE}).",
                cause=cause("train must start from the params it is given and update them with every "
                            "row, in order, for every epoch."))


def diverged(losses: np.ndarray, called: str) -> str:
    """'training diverged at epoch N', N the first epoch whose loss is not finite (from 1)."""
    bad = np.flatnonzero(~np.isfinite(losses))
    if not bad.size:
        return f"{called} returned params that are not finite (nan or inf): training diverged."
    if losses.ndim != 1:  # no epoch to name: the losses are not one per epoch
        return (f"{called} returned losses of shape {losses.shape} (one per epoch expected) holding "
                "values that are not finite: training diverged.")
    epoch = int(bad[0])
    before = f" (the loss after epoch {epoch} was {losses[epoch - 1]:.4g})" if epoch else ""
    return (f"{called}: training diverged at epoch {epoch + 1}: its loss is {losses[epoch]}"
            f"{before}, and the params are no longer finite numbers.")


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
    """From the student's own init_params(PRNGKey(0)), and from a start the judge draws."""
    try:
        trained = train_and_predict(submission, own_start(submission, 0))
    finally:
        _illustrate(request, submission, plots.BOUNDARY)
    request.node.user_properties.append(("output", "Trained from PRNGKey(0) with the defaults:\n"
                                         + truth_table(trained.corners)))
    assert_really_learned(submission, reference, trained)
    other = train_and_predict(submission, judge_start(reference, several_keys()[0]))
    assert_really_learned(submission, reference, other)
    # A release has no reference train to compare with: another start must train to other params.
    if not reference_solution.available() and all(
            np.allclose(trained.params[k], other.params[k]) for k in trained.params):
        raise Feedback(f"Training from {trained.label} and from {other.label} gave the same "
                       "params.", cause="your train must start from the params it is given.")


@pytest.mark.points(5)
def test_learns_xor_from_several_keys(submission, reference):
    """From starts the judge draws: only training earns these points."""
    failed = []
    for seed in several_keys():
        try:
            assert_really_learned(submission, reference,
                                  train_and_predict(submission, judge_start(reference, seed)))
        except Feedback as error:
            failed.append(str(error))
    if failed:
        raise Feedback(f"XOR was not learned from {len(failed)} of {KEYS} starts the judge drew.\n"
                       + "\n".join(failed[:1]))


@pytest.mark.points(3)
def test_loss_falls_during_training(submission, reference, request):
    """The losses of training from a start the judge draws (its key, like its answers, is
    another in every grading: no release holds them)."""
    trained = train_and_predict(submission, judge_start(reference, several_keys()[0]))
    _illustrate(request, submission, plots.LOSS_CURVE)
    losses = trained.losses
    if losses.ndim != 1 or losses.size < 2:
        raise Feedback(f"train returned losses of shape {losses.shape}; expected one per epoch.",
                       cause="your train must record one mean loss per epoch.")
    if not np.all(np.isfinite(losses)):
        raise Feedback(diverged(losses, f"train({trained.label}, X, Y)"),
                       cause=diagnosis.first_wrong(submission, trained.start, trained.params))
    X, Y = xor_data()
    after = "your train must record, for epoch i, the mean loss over all rows after epoch i's updates."
    if reference_solution.available():  # the losses of this very training, epoch by epoch
        expected = reference.run("train", trained.start, X, Y)[1]
        if losses.shape != expected.shape or not np.allclose(losses, expected, **LOSS_TOL):
            cause = diagnosis.first_wrong(submission, trained.start, trained.params, after)
            if losses.shape == expected.shape and np.allclose(losses[1:], expected[:-1], **LOSS_TOL):
                cause = ("your train measured the loss before each epoch's updates; "
                         "measure it after them.")
            raise Feedback(f"The losses train returned are not those of training from {trained.label}.",
                           cause=cause)
    actual = float(np.mean((forward(trained.params, X).reshape(-1) - Y) ** 2))
    if not np.isclose(losses[-1], actual, rtol=1e-2, atol=1e-4):
        raise Feedback(f"The last loss train returned is {float(losses[-1]):.5f}, but the params it "
                       f"returned have a mean loss of {actual:.5f} on the XOR data.", cause=after)
    if not losses[-1] < 0.05 or not losses[-1] < losses[0]:
        raise Feedback(f"The losses from train should fall to near 0; got first "
                       f"{number(losses[0])}, last {number(losses[-1])} (want last < 0.05).",
                       cause=diagnosis.first_wrong(submission, trained.start, trained.params))


def several_keys() -> list[int]:
    return [k for k in random_key_numbers(410, KEYS + 1) if k != 0][:KEYS]
