"""The pytest plugin behind the graded suites: options, markers, points and scores.

Loaded by ``autograder/suites/conftest.py``, so ``pytest autograder/suites``
works as well as ``python -m autograder grade``.
"""

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autograder import EXERCISE_PATH, SECTIONS
from autograder.files import SubmissionFileError, read_submission
from autograder.judge import checks, seeds
from autograder.judge import reference as reference_solution
from autograder.judge.answers import AnswerBook
from autograder.judge.feedback import Failure, Feedback, failure_of
from autograder.judge.report import score_table
from autograder.judge.results_file import GRADER, WRONG
from autograder.judge.scores import Scores, TestResult
from autograder.judge.submissions import (
    Limits,
    ReferenceSubmission,
    SandboxSubmission,
    Submission,
    SubmissionError,
)
from autograder.launch import walls
from autograder.sandbox.exercises import marker_description


@dataclass
class GradingRun:
    """One grading's state, kept in pytest's stash (``RUN``): what is graded and what came out."""

    scores: Scores = field(default_factory=Scores)
    submission: Submission | None = None  # given by the caller (a notebook's namespace), else the sandbox
    reference: Submission | None = None  # given by the caller, who closes it
    source: bytes | None = None  # the submission file's bytes, read once (what the sandbox runs)
    sandbox: SandboxSubmission | None = None  # made on first use


RUN = pytest.StashKey[GradingRun]()


def run_of(config: pytest.Config) -> GradingRun:
    return config.stash[RUN]


MARKERS = {
    **{section: marker_description(section) for section in SECTIONS},
    "points(n)": "how many points the test is worth",
    "hidden": "graded, but shown to students only after grades are published",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("xor-kit", "XOR exercise kit grading")
    group.addoption("--submission", default=None,
                    help=f"the .py file to grade (default: {EXERCISE_PATH})")
    group.addoption("--call-timeout", type=float, default=Limits.call_seconds,
                    help="seconds one call of a student's function may take")
    group.addoption("--total-timeout", type=float, default=Limits.total_seconds,
                    help="seconds the whole submission may take")
    group.addoption("--memory-mb", type=float, default=Limits.memory_mb,
                    help="megabytes of address space the submission's process may use")
    group.addoption("--no-hidden", action="store_true", help="skip the hidden tests")
    group.addoption("--require-isolation", action="store_true",
                    help="refuse to grade without a kernel wall around the submission")
    group.addoption(walls.UNSAFE_OPTION, action="store_true",
                    help="as root, grade even where no kernel wall can start (trusted work only)")
    group.addoption("--seed", type=int, default=None,
                    help="draw the random inputs from this seed (default: the one the judge "
                         "derives from the submission; a release always uses 0)")


def pytest_configure(config: pytest.Config) -> None:
    for name, description in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")
    run = config.stash.setdefault(RUN, GradingRun())  # a caller (grading.grade_file) may have set it
    run.scores.seed = grading_seed(config)
    checks.use_seed(run.scores.seed)


def grading_seed(config: pytest.Config) -> int:
    """The seed given, else the judge's for this submission file (autograder.judge.seeds);
    a release, which has no reference to answer other inputs, and a notebook's namespace
    use the fixed one. The file is read here, once: the sandbox runs these very bytes."""
    given = config.getoption("--seed")
    if given is not None and given != seeds.FIXED and not reference_solution.available():
        raise pytest.UsageError(f"this kit has no reference solution: it checks with the "
                                f"inputs of seed {seeds.FIXED} only")
    run = run_of(config)
    if run.submission is None:
        with contextlib.suppress(SubmissionFileError):  # if unreadable, the fixture says what is wrong
            run.source = read_submission(_submission_path(config))
    if given is not None:
        return given
    source = run.source
    if source is None or not reference_solution.available():
        return seeds.FIXED
    return seeds.for_submission(source)


def pytest_report_header(config: pytest.Config) -> str:
    return (f"xor kit: grading {_submission_path(config)}; "
            f"random inputs from seed {checks.seed()}")


def _submission_path(config: pytest.Config) -> Path:
    return Path(config.getoption("--submission") or os.environ.get("XOR_SUBMISSION")
                or EXERCISE_PATH).absolute()  # not resolved: a symbolic link is refused, not followed


def section_of(item: pytest.Item) -> str:
    for mark in item.iter_markers():
        if mark.name in SECTIONS:
            return mark.name
    raise pytest.UsageError(f"{item.nodeid} has no exercise marker")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The xor tests first (they must see only the student's own code), then the
    exercises in order: a reference function reaches the sandbox only after the
    exercise it answers has been graded."""
    if config.getoption("--no-hidden"):
        items[:] = [i for i in items if i.get_closest_marker("hidden") is None]
    order = {name: i for i, name in enumerate(("xor", *SECTIONS[:-1]))}
    items.sort(key=lambda item: order[section_of(item)])


def test_name(item: pytest.Item) -> str:
    return title(section_of(item), item.name)


def title(exercise: str, function_name: str) -> str:
    """``relu: negative inputs become zero`` for ``test_negative_inputs_become_zero``."""
    return f"{exercise}: {function_name.removeprefix('test_').replace('_', ' ')}"


def grader_failure(error: BaseException) -> str:
    return (f"The grader itself failed on this test ({type(error).__name__}: "
            f"{error}). This is not your mistake: please tell your instructor.")


def failure_for(error: BaseException, exercise: str) -> Failure | None:
    """A test's failure as text and fields; None for an error of the grader's own."""
    if isinstance(error, Feedback):
        return Failure(WRONG, str(error), cause=error.cause)
    if isinstance(error, SubmissionError):
        return failure_of(error, exercise)
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call" or (report.when == "setup" and report.failed):
        exercise = section_of(item)
        failure = None
        if call.excinfo is not None and isinstance(call.excinfo.value, walls.WallError):
            # No wall, no grade: the whole grading stops (autograder.launch.door).
            run_of(item.config).scores.grader_error = str(call.excinfo.value)
            item.session.shouldstop = "the sandbox's wall did not start"
        if call.excinfo is not None:
            failure = failure_for(call.excinfo.value, exercise)
            if failure is None:  # a bug in the grader, not in the submission
                error = call.excinfo.value
                failure = Failure(GRADER, grader_failure(error))
                run_of(item.config).scores.internal_errors.append(
                    f"{item.nodeid}: {type(error).__name__}: {error}")
            report.longrepr = failure.text
        mark = item.get_closest_marker("points")
        extra = "\n".join(str(v) for k, v in item.user_properties if k == "output")
        if failure is None and report.failed:  # failed without an exception: pytest's own words
            failure = Failure(GRADER, str(report.longrepr))
        output = failure.text if failure else ""
        run_of(item.config).scores.results.append(TestResult(
            name=test_name(item), exercise=exercise,
            points=float(mark.args[0]) if mark else 0.0,
            hidden=item.get_closest_marker("hidden") is not None,
            passed=report.passed, output=capped("\n".join(t for t in (output, extra) if t)),
            nodeid=item.nodeid,
            figures=[str(v) for k, v in item.user_properties if k == "figure"],
            failure=failure.kind if failure and not report.passed else "",
            details=failure.fields() if failure and not report.passed else {},
        ))
    return report


OUTPUT_CHARS = 8000  # one test's feedback, at most: a report stays small whatever comes back


def capped(text: str) -> str:
    if len(text) <= OUTPUT_CHARS:
        return text
    return f"{text[:OUTPUT_CHARS]}\n... ({len(text)} characters in all)"


def _sandbox(config: pytest.Config) -> SandboxSubmission:
    """The session's sandbox for the submission file, made on first use."""
    run = run_of(config)
    if run.sandbox is None:
        path = _submission_path(config)
        if not path.is_file():
            raise pytest.UsageError(f"no submission file at {path}")
        limits = Limits(call_seconds=config.getoption("--call-timeout"),
                        total_seconds=config.getoption("--total-timeout"),
                        memory_mb=int(config.getoption("--memory-mb")))
        run.sandbox = SandboxSubmission(
            path, limits, require_isolation=config.getoption("--require-isolation"),
            unsafe=config.getoption("--unsafe-without-walls"), source=run.source)
    return run.sandbox


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start the sandbox while pytest collects the suites (a tenth of a grading, on a core
    that would wait otherwise). Whatever goes wrong here, the fixture says again."""
    run = run_of(session.config)
    if run.submission is None and run.source is not None and not session.config.option.collectonly:
        with contextlib.suppress(Exception):
            _sandbox(session.config).process.start_soon()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A sandbox started early that no test used (a collection error) ends with the session,
    not with the process: a class's grader process lives on to grade the next student."""
    run = run_of(session.config)
    if run.sandbox is not None:
        run.sandbox.close()
        run.sandbox = None


@pytest.fixture(scope="session")
def scores(request: pytest.FixtureRequest) -> Scores:
    """This grading's scores, for a suite that keeps something for the report (the plots)."""
    return run_of(request.config).scores


@pytest.fixture(scope="session")
def submission(request: pytest.FixtureRequest):
    """The submission under test: in a sandbox process, or a notebook's namespace."""
    run = run_of(request.config)
    if run.submission is not None:
        yield run.submission
        return
    sandbox = _sandbox(request.config)
    try:
        yield sandbox
    finally:
        run.scores.printed, run.scores.events = sandbox.printed(), list(sandbox.events)
        if note := sandbox.slow_train_note():
            run.scores.events.append(note)
        run.scores.wall = walls.label(sandbox.wall, sandbox.process.unsafe)
        run.scores.stopped = sandbox.process.out_of_time()
        sandbox.close()
        run.sandbox = None


@pytest.fixture(scope="session")
def reference(request: pytest.FixtureRequest, submission):
    """The reference's answers: recorded, or computed when this kit has the reference; for a
    sandbox, computed while the child works on the same call (ReferenceSubmission.ahead)."""
    given = run_of(request.config).reference  # grade_file's caller's, who closes it
    # Answers to a seeded grading's inputs serve no other grading: they are not kept.
    answers = given or ReferenceSubmission(None if checks.seed() == seeds.FIXED else AnswerBook(None))
    if isinstance(submission, SandboxSubmission) and isinstance(answers, ReferenceSubmission):
        submission.alongside = answers
    yield answers
    if given is None:
        answers.close()
    elif isinstance(answers, ReferenceSubmission):
        answers.end_grading()


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:

    scores = run_of(config).scores
    if scores.results:
        terminalreporter.write_sep("=", "score")
        terminalreporter.write_line(score_table(scores))
