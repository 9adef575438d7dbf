"""The notebook's test cells: ``check("relu")`` runs the graded tests of one exercise here.

The tests are the pytest suites' own functions (``autograder/suites/test_<exercise>.py``),
called with the notebook's functions (``InProcessSubmission``) and the reference's
answers, so a notebook and ``python -m autograder grade`` grade alike. In the
kernel nbgrader keeps the trust; the sandbox is for ``grade``.

nbgrader scores a test cell 0 when it raises or writes to stderr, so ``check``
prints its summary to stdout, keeps JAX's warnings and logs off stderr, and
raises ``AssertionError`` with the feedback when any test fails.
"""

import contextlib
import importlib
import inspect
import io
import logging
import os
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from autograder import SECTIONS, suites
from autograder.judge import marks
from autograder.judge.feedback import Failure
from autograder.judge.plugin import failure_for, grader_failure, title
from autograder.judge.report import same_failure
from autograder.judge.results_file import GRADER
from autograder.judge.scores import Scores
from autograder.judge.submissions import InProcessSubmission, ReferenceSubmission


@dataclass(frozen=True)
class GradedTest:
    """One test function of a suite, with its marks (autograder.judge.marks)."""

    exercise: str
    function: Callable[..., None]
    points: float
    hidden: bool

    @property
    def name(self) -> str:
        return title(self.exercise, self.function.__name__)


@dataclass
class Outcome:
    test: GradedTest
    message: str = ""  # empty when it passed
    failure: Failure | None = None  # the message's kind and parts (how failures are grouped)
    notes: list[str] = field(default_factory=list)  # extra output, e.g. the XOR truth table

    @property
    def passed(self) -> bool:
        return not self.message


def graded_tests(exercise: str, hidden: bool | None = None) -> list[GradedTest]:
    """The tests of ``exercise``, ``test_<exercise>``'s first (others, like test_hidden, may
    hold some of its tests too); only the hidden ones (``hidden=True``), only the public ones
    (``False``) or all (``None``). Their marks are autograder.judge.marks'; the suites are
    imported here for their functions only."""
    _known(exercise)
    marked = [t for t in marks.graded_tests()
              if t.section == exercise and (hidden is None or t.hidden == hidden)]
    marked.sort(key=lambda t: t.module != f"test_{exercise}")  # stable: the suites' order after it
    return [GradedTest(t.section, getattr(importlib.import_module(f"{suites.__name__}.{t.module}"), t.name),
                       t.points, t.hidden) for t in marked]


def points(exercise: str, hidden: bool | None = None) -> float:
    """What the tests of ``exercise`` are worth (the notebook's test cells carry this)."""
    _known(exercise)
    return marks.section_points(hidden).get(exercise, 0.0)


def _known(exercise: str) -> None:
    if exercise not in SECTIONS:
        raise ValueError(f"no exercise named {exercise!r}; choose one of {', '.join(SECTIONS)}")


def run_test(test: GradedTest, submission: Any, reference: Any) -> Outcome:
    """Call one test function with the fixtures it asks for; turn a failure into feedback."""
    # The parts of pytest's `request` that the suites use (test_xor keeps its output there).
    kept = Scores()
    request = SimpleNamespace(node=SimpleNamespace(user_properties=[]), getfixturevalue=lambda name: kept)
    fixtures = {"submission": submission, "reference": reference, "request": request, "scores": kept}
    wanted = inspect.signature(test.function).parameters
    outcome = Outcome(test)
    try:
        test.function(**{name: fixtures[name] for name in wanted})
    except Exception as error:
        outcome.failure = failure_for(error, test.exercise) or Failure(GRADER, grader_failure(error))
        outcome.message = outcome.failure.text
    outcome.notes = [str(v) for k, v in request.node.user_properties if k == "output"]
    return outcome


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Nothing reaches stderr while the tests run: not Python warnings, not JAX's logs and
    not what XLA's C++ writes to file descriptor 2 (ipykernel would show all as stderr)."""
    sys.stderr.flush()
    saved_fd = os.dup(2)
    previous_disable = logging.root.manager.disable
    with tempfile.TemporaryFile() as sink, warnings.catch_warnings(), \
            contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        logging.disable(logging.CRITICAL)
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            logging.disable(previous_disable)


def summary(exercise: str, outcomes: list[Outcome], hidden: bool) -> str:
    kind = "tests, hidden ones included," if hidden else "tests"
    got = sum(o.test.points for o in outcomes if o.passed)
    most = sum(o.test.points for o in outcomes)
    passed = sum(o.passed for o in outcomes)
    lines = [f"{exercise}: {passed} of {len(outcomes)} {kind} passed, {got:g} / {most:g} points"]
    for o in outcomes:
        lines.append(f"  {'ok  ' if o.passed else 'FAIL'} {o.test.name}  "
                     f"[{o.test.points if o.passed else 0:g} / {o.test.points:g}]")
    notes = [note for o in outcomes if o.passed for note in o.notes]
    return "\n".join(lines + notes[:1])


def one_per_cause(failures: list[Failure]) -> list[str]:
    """The first message of each cause (autograder.judge.report.same_failure), saying how many
    tests failed for it: one error is shown once, however many tests it failed."""
    groups: dict[str, list[str]] = {}
    for failure in failures:
        groups.setdefault(same_failure(failure.kind, failure.fields(), failure.text), []).append(failure.text)
    return [same[0] + (f"\n(The same in {len(same) - 1} more test{'s' if len(same) > 2 else ''}.)"
                       if len(same) > 1 else "") for same in groups.values()]


def check(exercise: str, namespace: MutableMapping[str, Any] | None = None,
          hidden: bool = False) -> float | None:
    """Run the graded tests of ``exercise`` on the functions in ``namespace`` (by default the
    caller's globals: the notebook). Prints one line per test. ``hidden=True`` (in the
    hidden part of a test cell, which nbgrader puts back when it grades) runs every test,
    public and hidden, so that this last call's value is the whole cell's score.

    Scored as ``grade`` scores it: all tests pass, it returns None (nbgrader: full
    credit); none pass, it raises AssertionError with what to fix (no credit); some pass,
    it prints what to fix and returns the points earned, which nbgrader takes as partial
    credit when it is the cell's value."""
    if namespace is None:
        frame = inspect.currentframe()
        assert frame is not None and frame.f_back is not None
        namespace = frame.f_back.f_globals
    tests = graded_tests(exercise, None if hidden else False)
    if not tests:
        print(f"{exercise}: no {'hidden ' if hidden else ''}tests")
        return
    with quiet_stderr():
        import jax  # lazy: ~1.5 s, here where its warnings and logs are kept off stderr

        submission = InProcessSubmission(namespace, name="notebook")
        reference = ReferenceSubmission()
        try:
            outcomes = [run_test(test, submission, reference) for test in tests]
        finally:
            reference.close()
            # Some tests put reference functions in place of the notebook's; what jax.jit
            # traced meanwhile must not be reused by the notebook's own code later.
            jax.clear_caches()
    print(summary(exercise, outcomes, hidden))
    messages = one_per_cause([o.failure for o in outcomes if o.failure is not None])
    if not messages:
        return None
    failed = sum(not o.passed for o in outcomes)
    advice = f"{exercise}: {failed} of {len(outcomes)} tests failed.\n\n" + "\n\n".join(messages)
    if failed == len(outcomes):
        raise AssertionError(advice)
    print(advice)
    return float(sum(o.test.points for o in outcomes if o.passed))
