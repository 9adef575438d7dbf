"""xor: the student's own init_params, train and batched_predict together learn XOR."""

import weakref

import numpy as np
import pytest

from autograder.judge import plots
from autograder.judge.checks import key, xor_data
from autograder.judge.feedback import Feedback, number, show

pytestmark = pytest.mark.xor
OWN = ()  # the xor tests use only the student's functions, no reference stand-ins


# Per submission object (weakly held: a new submission never meets an old one's results).
_trained: "weakref.WeakKeyDictionary[object, dict[int, tuple[np.ndarray, np.ndarray]]]" = (
    weakref.WeakKeyDictionary())


def train_and_predict(submission, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The outputs on the four XOR inputs after training from PRNGKey(seed), and the losses."""
    done = _trained.setdefault(submission, {})
    if seed not in done:
        done[seed] = _train_and_predict(submission, seed)
    return done[seed]


def _train_and_predict(submission, seed: int) -> tuple[np.ndarray, np.ndarray]:
    X, Y = xor_data()
    params = submission.run("init_params", key(seed), with_reference=OWN)
    result = submission.run("train", params, X, Y, with_reference=OWN)
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise Feedback(f"train(params, X, Y) returned {show(result)}; expected (params, losses).")
    trained, losses = result
    outputs = submission.run("batched_predict", trained, X, with_reference=OWN)
    if not isinstance(outputs, np.ndarray) or outputs.size != 4:
        raise Feedback(f"After training from PRNGKey({seed}), batched_predict(params, X) on the "
                       f"four XOR inputs returned {show(outputs)}; expected shape (4, 1).")
    if not isinstance(losses, np.ndarray):
        raise Feedback(f"train returned losses as {show(losses)}; expected an array.")
    if seed == plots.SEED:
        _remember_for_plots(submission, seed, trained, losses)
    return outputs.astype(np.float64).reshape(-1), losses


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
        request.config.xor_scores.training = _for_plots[submission]
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
def test_learns_xor_from_key_0(submission, request):
    outputs, _ = train_and_predict(submission, 0)
    _illustrate(request, submission, plots.BOUNDARY)
    table = truth_table(outputs)
    request.node.user_properties.append(("output", "Trained from PRNGKey(0) with the defaults:\n"
                                         + table))
    _, Y = xor_data()
    if outputs.shape != (4,) or not np.array_equal(outputs > 0.5, Y > 0.5):
        raise Feedback("train(init_params(PRNGKey(0)), X, Y) then batched_predict did not "
                       "reproduce XOR:\n" + table)


@pytest.mark.points(5)
def test_learns_xor_from_several_keys(submission):
    _, Y = xor_data()
    failed = []
    for seed in (1, 2, 3, 17, 99):
        outputs, _ = train_and_predict(submission, seed)
        if outputs.shape != (4,) or not np.array_equal(outputs > 0.5, Y > 0.5):
            failed.append(f"PRNGKey({seed}):\n{truth_table(outputs)}")
    if failed:
        raise Feedback(f"XOR was not reproduced from {len(failed)} of 5 keys.\n"
                       + "\n".join(failed[:2]))


@pytest.mark.points(3)
def test_loss_falls_during_training(submission, request):
    _, losses = train_and_predict(submission, 0)
    _illustrate(request, submission, plots.LOSS_CURVE)
    if losses.ndim != 1 or losses.size < 2 or not losses[-1] < 0.05 or not losses[-1] < losses[0]:
        if losses.size == 0:
            raise Feedback("train returned no losses.")
        raise Feedback(f"The losses from train should fall to near 0; got first "
                       f"{number(losses.ravel()[0])}, last {number(losses.ravel()[-1])} (want last < 0.05).")
