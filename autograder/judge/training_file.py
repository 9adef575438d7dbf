"""What the plots show (a ``plots.Training``), kept as plain data in one ``.npz`` file.

A class run (``grade FOLDER``) keeps each student's ``OUT/STUDENT/training.npz`` instead of
drawing the plots; ``feedback`` draws them from it when it writes that student's page
(autograder/coursework/feedback_bundle.py). The judge writes it from what its checks decoded
(numbers, never a submission's objects), through a temporary file and a rename; it is read
without pickle, and whatever else a file holds is a ``TrainingFileError``.
"""

import os
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

from autograder.judge.plots import STEPS, Training

NAME = "training.npz"
MAX_BYTES = 64 << 20  # the file, and its arrays unpacked: far above any run's (a grid is 80 kB)
NUMBERS = "biufc"  # the dtype kinds a loss or an output may have: no objects, text or records


class TrainingFileError(Exception):
    """The file is missing, unreadable or not what ``save`` writes; the message says how."""


def save(training: Training | None, path: Path) -> None:
    """Keep ``training`` in ``path``; without one, remove what an earlier run left there."""
    if training is None:
        path.unlink(missing_ok=True)
        return
    arrays = {"seed": np.asarray(training.seed, dtype=np.int64),
              "losses": _numbers(np.asarray(training.losses), "losses", 1)}
    if training.grid is not None:
        arrays["grid"] = _numbers(np.asarray(training.grid, dtype=np.float64), "grid", 2)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as out:
        try:
            np.savez(out, **arrays)  # numbers only (checked above): nothing to pickle
        except BaseException:
            os.unlink(out.name)
            raise
    os.chmod(out.name, 0o644)  # as an ordinary file; the temporary one was private
    os.replace(out.name, path)


def keep_for_later(training: Training | None, path: Path) -> None:
    """``save``, for a class run: a file that cannot be written costs the plots (with a
    warning), never the grade."""
    try:
        save(training, path)
    except (OSError, TrainingFileError) as error:
        print(f"warning: the plots' data could not be kept ({type(error).__name__}: {error})",
              file=sys.stderr)


def load(path: Path) -> Training:
    """The training ``save`` kept in ``path``; TrainingFileError for anything else."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise TrainingFileError(f"{path.name} is larger than {MAX_BYTES >> 20} MB")
        with path.open("rb") as file:  # ours to close, whatever np.load makes of it
            kept = np.load(file, allow_pickle=False)
            if not isinstance(kept, np.lib.npyio.NpzFile):
                raise TrainingFileError(f"{path.name} is not an .npz archive")
            if sum(info.file_size for info in kept.zip.infolist()) > MAX_BYTES:
                raise TrainingFileError(f"{path.name} unpacks to more than {MAX_BYTES >> 20} MB")
            seed, losses = kept["seed"], kept["losses"]
            grid = kept["grid"] if "grid" in kept.files else None
    except (OSError, ValueError, KeyError, EOFError, NotImplementedError, zipfile.BadZipFile,
            zlib.error) as error:
        raise TrainingFileError(f"{path.name} cannot be read ({type(error).__name__}: {error})") from None
    return Training(_seed(seed), _numbers(losses, "losses", 1),
                    None if grid is None else _numbers(grid, "grid", 2))


def _seed(value: np.ndarray) -> int:
    if value.shape != () or value.dtype.kind not in "iu":
        raise TrainingFileError(f"its seed is {value.dtype} of shape {value.shape}, not a whole number")
    return int(value)


def _numbers(value: np.ndarray, name: str, ndim: int) -> np.ndarray:
    """``value``, checked: numbers, of ``ndim`` dimensions (a grid: STEPS x STEPS)."""
    if value.dtype.kind not in NUMBERS or value.ndim != ndim:
        raise TrainingFileError(f"its {name} are {value.dtype} of shape {value.shape}")
    if ndim == 2 and value.shape != (STEPS, STEPS):
        raise TrainingFileError(f"its grid has shape {value.shape}, not ({STEPS}, {STEPS})")
    return value
