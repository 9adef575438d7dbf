"""A submission's loss curve and decision boundary, for the report and ``python -m autograder plot``.

Two parts with one job each:

- drawing (``draw_loss_curve``, ``draw_decision_boundary``, ``draw``, ``draw_in_memory``):
  plain arrays in, PNG files (or their bytes) out, with matplotlib's Agg backend; the grader
  reuses them for its report, ``feedback`` for a class student's page;
- asking a submission for what to draw (``train_from_key``, ``grid_outputs``): its own
  ``init_params``, ``train`` and ``batched_predict``, no reference stand-ins, through
  whatever ``Submission`` it is given (the sandbox for the command; the judge never imports it).

The command itself is autograder/coursework/plot_command.py; a class run keeps the plain data
instead of drawing (autograder/judge/training_file.py).
"""

import contextlib
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from autograder.judge.checks import key, xor_data
from autograder.judge.feedback import explain, show
from autograder.judge.submissions import Submission, SubmissionError
from autograder.sandbox.wire import Opaque

SEED = 0  # the plots show training from PRNGKey(0), as the xor tests' truth table does
LOW, HIGH, STEPS = -0.5, 1.5, 101  # the grid: STEPS x STEPS points over [LOW, HIGH]^2
# Grid points per batched_predict call: as many as the XOR inputs. The grid goes through
# jax.jit(jax.vmap(batched_predict)) in blocks of this size, so a batched_predict written as a
# Python loop is traced for 4 rows, not unrolled for every point: unrolled, 1,681 points took
# 49 s to compile here and 3,721 ran past the 60 s call limit; in blocks, 10,201 take under 1 s.
BLOCK = 4
LOSS_CURVE, BOUNDARY = "loss_curve.png", "decision_boundary.png"
OWN = ()  # no reference stand-ins: the plots show the student's own network


@dataclass
class Training:
    """One training run of a submission's own functions, as plain data: what the plots show."""

    seed: int
    losses: np.ndarray  # the mean loss after each epoch, as train returned it
    grid: np.ndarray | None = None  # the trained network's output at grid_points(), (STEPS, STEPS)


class PlotError(Exception):
    """A function of the submission failed, so a plot cannot be drawn; the message says which."""

    def __init__(self, function: str, message: str) -> None:
        super().__init__(message)
        self.function = function


# -- drawing ------------------------------------------------------------------------------------


def grid_axis() -> np.ndarray:
    return np.linspace(LOW, HIGH, STEPS, dtype=np.float32)


def grid_points() -> np.ndarray:
    """The grid as rows ``(x1, x2)``, x1 varying fastest: row ``i * STEPS + j`` is
    ``(axis[j], axis[i])``, so outputs reshape to ``(STEPS, STEPS)`` indexed ``[x2, x1]``."""
    x1, x2 = np.meshgrid(grid_axis(), grid_axis())
    return np.stack([x1.ravel(), x2.ravel()], axis=1)


def _pyplot() -> Any:
    import matplotlib  # lazy: matplotlib costs ~0.6 s to import; only drawing needs it

    matplotlib.use("Agg")  # files only: no display needed, none opened
    import matplotlib.pyplot as plt  # after use("Agg")

    return plt


def draw_loss_curve(losses: np.ndarray, seed: int, target: Path | BinaryIO) -> None:
    """Epochs against the mean loss, on a log scale when every value is positive, as a PNG
    into ``target`` (a file, or an open binary stream)."""
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator  # lazy: matplotlib, as in _pyplot

    values = np.asarray(losses, dtype=np.float64).ravel()
    epochs = np.arange(1, values.size + 1)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    fig.subplots_adjust(left=0.12, right=0.97, top=0.87, bottom=0.12)
    finite = values[np.isfinite(values)]
    log = finite.size > 0 and bool((finite > 0).all())
    ax.plot(epochs, values, color="tab:blue", linewidth=2, label="mean loss after the epoch")
    ax.axhline(0.25, color="grey", linestyle=":", linewidth=1.5,
               label="0.25: every output 0.5 (nothing learnt yet)")
    broken = ~np.isfinite(values)
    if broken.any():  # NaN or infinite losses: crosses along the top, at their epochs
        ax.plot(epochs[broken], np.full(broken.sum(), 0.97), "x", color="tab:red", markersize=8,
                transform=ax.get_xaxis_transform(), label="not a finite number")
    if log:
        ax.set_yscale("log")
    if values.size:
        ax.set_xlim(0, values.size + 1)
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 2.5, 5, 10]))
    ax.set_ylabel("mean loss over the 4 XOR rows" + (" (log scale)" if log else ""))
    if values.size:
        last = f"{values[-1]:.3g}" if np.isfinite(values[-1]) else str(values[-1])
        note = f"{values.size} epochs, final mean loss {last}"
        if finite.size < values.size:
            note += f"; {values.size - finite.size} values are not finite numbers"
    else:
        note = "train returned no losses"
    ax.set_title(f"Training loss from PRNGKey({seed})\n{note}", fontsize=11)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="best", fontsize=9)
    _save(fig, target)


def draw_decision_boundary(grid: np.ndarray, seed: int, target: Path | BinaryIO) -> None:
    """The network's output over the grid, its 0.5 contour and the four XOR points, as a PNG
    into ``target`` (a file, or an open binary stream)."""
    plt = _pyplot()
    # lazy: matplotlib, as in _pyplot
    from matplotlib.colors import Normalize
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    axis = grid_axis()
    values = np.ma.masked_invalid(np.asarray(grid, dtype=np.float64).reshape(STEPS, STEPS))
    fig, ax = plt.subplots(figsize=(6.4, 6))
    fig.subplots_adjust(left=0.1, right=0.9, top=0.9, bottom=0.17)
    handles = []
    if np.ma.is_masked(values):  # NaN or infinite outputs show as grey
        ax.set_facecolor("0.55")
        handles.append(Patch(facecolor="0.55", label="not a finite number"))
    if values.count():
        low, high = float(values.min()), float(values.max())
        span = max(0.5, 0.5 - low, high - 0.5)  # colours centred on 0.5: white is undecided
        step = _nice_step(span / 10)
        first = np.floor((low - 0.5) / step)  # levels at 0.5 + k * step; two at least (flat outputs)
        levels = 0.5 + step * np.arange(first, max(np.ceil((high - 0.5) / step), first + 1) + 1)
        filled = ax.contourf(axis, axis, values, levels=levels, cmap="RdBu_r",
                             norm=Normalize(0.5 - span, 0.5 + span))
        ticks = levels[np.round((levels - 0.5) / step) % 2 == 0]  # every other level, 0.5 among them
        fig.colorbar(filled, ax=ax, label="network output", fraction=0.05, pad=0.04, ticks=ticks)
        if low < 0.5 < high:
            ax.contour(axis, axis, values, levels=[0.5], colors="black", linewidths=2)
            handles.append(Line2D([], [], color="black", linewidth=2, label="output = 0.5"))
    else:
        ax.text(0.5, 0.5, "no finite outputs to draw", ha="center", va="center",
                transform=ax.transAxes, fontsize=12)
    inputs, targets = xor_data()
    # White circles and black triangles: both stand out on blue, white and red alike.
    for label, marker, face, edge in ((0, "o", "white", "black"), (1, "^", "black", "white")):
        rows = inputs[targets == label]
        handles.append(ax.scatter(rows[:, 0], rows[:, 1], s=170, marker=marker, c=face,
                                  edgecolors=edge, linewidths=2, zorder=3,
                                  label=f"XOR = {label}"))
        for x1, x2 in rows:
            ax.annotate(str(label), (x1, x2), xytext=(9, 9), textcoords="offset points",
                        fontsize=12, fontweight="bold", color="black",
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                              "alpha": 0.8})
    ax.set(xlim=(LOW, HIGH), ylim=(LOW, HIGH), aspect="equal", xlabel="x1", ylabel="x2")
    ax.set_xticks([-0.5, 0, 0.5, 1, 1.5])
    ax.set_yticks([-0.5, 0, 0.5, 1, 1.5])
    ax.set_title(f"Decision boundary after training from PRNGKey({seed})\n"
                 "the network answers 1 where its output is above 0.5", fontsize=11)
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1),
              ncol=len(handles) if len(handles) <= 3 else 2,
              frameon=False)
    _save(fig, target)


def _nice_step(at_least: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least ``at_least``."""
    power = 10.0 ** np.floor(np.log10(at_least))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= at_least)


def _save(fig: Any, target: Path | BinaryIO) -> None:
    """Write ``fig`` as a PNG to a file (its folder made) or to an open binary stream."""
    plt = _pyplot()

    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, dpi=100, format="png")
    plt.close(fig)


Drawer = Callable[[Path | BinaryIO], None]


def _drawers(training: Training | None) -> dict[str, Drawer]:
    """What ``training`` lets us draw, by file name: the loss curve, and the decision
    boundary when there are grid outputs; nothing without a training."""
    if training is None:
        return {}
    losses, grid, seed = training.losses, training.grid, training.seed
    drawers: dict[str, Drawer] = {LOSS_CURVE: lambda to: draw_loss_curve(losses, seed, to)}
    if grid is not None:
        drawers[BOUNDARY] = lambda to: draw_decision_boundary(grid, seed, to)
    return drawers


def draw(training: Training | None, folder: Path, prefix: str = "") -> dict[str, Path]:
    """Both plots (the boundary only when there are grid outputs), named ``PREFIX + name``.

    A plot not drawn this time is removed if an earlier run left one: it would show another
    network than the one just graded."""
    written = {}
    for name, drawer in _drawers(training).items():
        drawer(folder / f"{prefix}{name}")
        written[name] = folder / f"{prefix}{name}"
    for name in (LOSS_CURVE, BOUNDARY):
        if name not in written:
            with contextlib.suppress(OSError):
                (folder / f"{prefix}{name}").unlink(missing_ok=True)
    return written


def draw_in_memory(training: Training | None) -> dict[str, bytes]:
    """The plots ``draw`` would write, as PNG bytes by file name: no file is written."""
    drawn = {}
    for name, drawer in _drawers(training).items():
        with io.BytesIO() as png:
            drawer(png)
            drawn[name] = png.getvalue()
    return drawn


def report_folder(output: str | None) -> tuple[Path, str]:
    """Where ``grade`` puts the plots: beside ``--output FILE`` as ``FILE-STEM.loss_curve.png``
    and so on, or in ./xor-plots/ when the report goes to the screen."""
    if output:
        return Path(output).parent, f"{Path(output).stem}."
    return Path("xor-plots"), ""


def draw_for_report(training: Training | None, output: str | None) -> dict[str, str]:
    """The plots of a grading run (none unless its xor tests trained a network), by name; a
    plot that cannot be drawn is left out with a warning, never a failed grade."""
    try:
        return {name: str(p) for name, p in draw(training, *report_folder(output)).items()}
    except Exception as error:  # matplotlib, the disk: the grade is written regardless
        print(f"warning: the plots could not be drawn ({type(error).__name__}: {error})",
              file=sys.stderr)
        return {}


# -- asking the submission ----------------------------------------------------------------------


def _run(submission: Submission, function: str, *args: Any, **options: Any) -> Any:
    try:
        return submission.run(function, *args, with_reference=OWN, **options)
    except SubmissionError as error:
        raise PlotError(function, explain(error, function)) from None


def grid_outputs(submission: Submission, params: Any) -> np.ndarray:
    """The submission's ``batched_predict(params, ...)`` at every grid point, shape (STEPS, STEPS)."""
    points = grid_points()
    padded = np.concatenate([points, np.repeat(points[-1:], (-len(points)) % BLOCK, axis=0)])
    blocks = padded.reshape(-1, BLOCK, 2)
    got = _run(submission, "batched_predict", params, blocks, transforms=("vmap", "jit"),
               in_axes=(None, 0))
    called = f"batched_predict(params, X) with X of shape ({BLOCK}, 2)"
    if not isinstance(got, np.ndarray):
        raise PlotError("batched_predict", f"{called} returned {type_name(got)}, not an array; "
                        f"expected an array of shape ({BLOCK}, 1).")
    if got.size != padded.shape[0]:  # one number per point; vmap added the blocks' axis in front
        raise PlotError("batched_predict", f"{called} returned shape {got.shape[1:]}; "
                        f"expected ({BLOCK}, 1).")
    return got.astype(np.float64).reshape(-1)[: len(points)].reshape(STEPS, STEPS)


def type_name(value: Any) -> str:
    """``a list``, ``a dict``: what a value is, in words (an opaque one by its own type name)."""
    name = value.type_name if isinstance(value, Opaque) else type(value).__name__
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"


def train_from_key(submission: Submission, seed: int = SEED) -> tuple[Any, np.ndarray]:
    """The submission's ``train(init_params(PRNGKey(seed)), X, Y)`` with its own defaults:
    the trained parameters and the losses."""
    X, Y = xor_data()
    params = _run(submission, "init_params", key(seed))
    result = _run(submission, "train", params, X, Y)
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise PlotError("train", f"train(params, X, Y) returned {show(result)}; "
                        "expected a tuple (params, losses).")
    trained, losses = result
    if not isinstance(losses, np.ndarray) or losses.ndim != 1:
        raise PlotError("train", f"train returned losses as {show(losses)}; "
                        "expected an array of shape (epochs,).")
    return trained, losses
