"""Where one grading's time goes: a measurement harness for ``grading.py --probe``.

A pytest plugin (loaded with ``-p grading_probe``) that times every graded test, and timers
wrapped around the judge's calls to the sandbox and to the reference (``install``). The
wrapping lasts for the measuring process only; the kit's files are not changed.
"""

import functools
import time
from collections.abc import Generator
from dataclasses import asdict, dataclass, field
from typing import Any

import pytest

# What the timers measure: (module, owner or None for a function, attribute) -> key.
TIMED = {
    ("autograder.launch.door", "SandboxProcess", "_start"): "sandbox_start",  # walls, spawn, imports
    ("autograder.launch.walls", None, "available"): "wall_probe",  # which wall starts here (once)
    ("autograder.judge.submissions", "SandboxSubmission", "call"): "sandbox_call",  # the first one starts it
    ("autograder.judge.submissions", "SandboxSubmission", "close"): "sandbox_stop",
    ("autograder.judge.submissions", "ReferenceSubmission", "call"): "reference_call",  # book or computed
    ("autograder.judge.answers", "AnswerBook", "put"): "reference_computed",  # an answer not in the book
    ("autograder.judge.submissions", "ReferenceSubmission", "close"): "book_save",
}


@dataclass
class TestTiming:
    nodeid: str
    section: str
    seconds: float = 0.0
    spans: dict[str, list[float]] = field(default_factory=dict)


tests: list[TestTiming] = []
sandbox_programs: list[list[int]] = []  # per sandbox: [compiled, loaded from the library programs]
spans: dict[str, list[float]] = {}  # key -> the duration of each call
missing: list[str] = []  # timers that could not be installed (the kit changed)
_current: list[TestTiming] = []


def _record(what: str, seconds: float) -> None:
    spans.setdefault(what, []).append(seconds)
    if _current:
        _current[0].spans.setdefault(what, []).append(seconds)


def _timer(what: str, function: Any) -> Any:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _record(what, time.perf_counter() - start)

    return timed


def install() -> None:
    """Wrap the methods and functions of ``TIMED`` with timers, and keep what each sandbox
    says it compiled when it stops (a kit whose sandbox does not say records nothing)."""
    import importlib

    from autograder.judge.submissions import SandboxSubmission

    close = SandboxSubmission.close

    def counted_close(self: Any) -> None:
        if hasattr(self.process, "programs"):
            sandbox_programs.append(list(self.process.programs))
        close(self)

    SandboxSubmission.close = counted_close  # type: ignore[method-assign]

    for (module_name, owner_name, attribute), key in TIMED.items():
        module = importlib.import_module(module_name)
        owner = getattr(module, owner_name, None) if owner_name else module
        if owner is None or not callable(getattr(owner, attribute, None)):
            missing.append(f"{module_name}.{owner_name + '.' if owner_name else ''}{attribute}")
            continue
        setattr(owner, attribute, _timer(key, getattr(owner, attribute)))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, Any]:
    """Time one test: setup, call and teardown (the session's sandbox stops in the last one)."""
    from autograder.judge.plugin import section_of

    record = TestTiming(item.nodeid, section_of(item))
    _current[:] = [record]
    start = time.perf_counter()
    try:
        return (yield)
    finally:
        record.seconds = time.perf_counter() - start
        tests.append(record)
        _current.clear()


def results() -> dict[str, Any]:
    """Everything measured, as plain data."""
    return {"tests": [asdict(t) for t in tests], "spans": spans, "missing": missing,
            "sandbox_programs": sandbox_programs}
