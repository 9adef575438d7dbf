"""The next student's sandbox, started while this one grades, in a class's grader processes only.

A grader process of ``grade FOLDER`` (autograder.coursework.grade_worker) calls ``keep_spares``;
then, once a grading's sandbox has its walls up, ``prepare`` starts one spare
(``SandboxProcess.ahead``: walled, its limits set, JAX imported, no submission, a uid lease of
its own) from that grading's recipe, and the next grading ``take``s it if it would have made
the same one, else it is closed and that grading starts its own. A spare is handed one
submission, never a second; one no grading took is closed (``discard``) when the grader ends.
Anywhere else (``grade FILE``, a release's self-check, nbgrader, Gradescope) nothing here runs.
"""

import contextlib
from collections.abc import Callable
from pathlib import Path

from autograder.launch.door import Reach, Recipe, SandboxProcess
from autograder.launch.walls import WallError
from autograder.sandbox.calls import Call
from autograder.sandbox.protocol import Answer, Question

_kept = False
_spare: SandboxProcess | None = None


def keep_spares() -> None:
    """This process grades one student after another: keep a spare sandbox for the next."""
    global _kept
    _kept = True


def prepare(recipe: Recipe, reach: Reach) -> None:
    """Start the spare for the next grading, if this process keeps one and holds none. A spare
    that cannot start (no uid left, say) is no error: the next grading starts its own."""
    global _spare
    if _kept and _spare is None:
        with contextlib.suppress(WallError, OSError):
            _spare = SandboxProcess.ahead(recipe, reach)


def take(recipe: Recipe, path: Path, source: bytes, reach: Reach,
         lender: Callable[[Call, Question], Answer] | None) -> SandboxProcess | None:
    """The spare, handed this grading's submission (``SandboxProcess.hand_over``), or None: none
    is kept, or it was made otherwise than this grading would make its own (it is closed)."""
    global _spare
    spare, _spare = _spare, None
    if spare is None:
        return None
    if spare.hand_over(recipe, path, source, reach, lender):
        return spare
    spare.close()
    return None


def discard() -> None:
    """Close the spare no grading took: its child ends and its uid lease is released."""
    global _spare
    spare, _spare = _spare, None
    if spare is not None:
        spare.close()
