"""Grade one submission: run the graded suites in this process (the judge)."""

import argparse
import os
import time
from pathlib import Path

import pytest

from autograder.judge.marks import SUITES
from autograder.judge.plugin import RUN, GradingRun
from autograder.judge.scores import Scores
from autograder.judge.submissions import Submission
from autograder.launch.walls import UNSAFE_OPTION


class _Collector:
    """Hands pytest the run's shared state before the plugin's configure hook reads it."""

    def __init__(self, scores: Scores, submission: Submission | None,
                 reference: Submission | None = None) -> None:
        self.scores, self.submission, self.reference = scores, submission, reference

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[RUN] = GradingRun(self.scores, self.submission, self.reference)


def grade_file(path: Path, extra_args: tuple[str, ...] = (), quiet: bool = True,
               submission: Submission | None = None,
               reference: Submission | None = None) -> tuple[Scores, float, int]:
    """Grade ``path``; return the scores, the seconds it took and pytest's exit code.

    ``reference`` replaces the plugin's ReferenceSubmission (the caller closes it).
    """
    scores = Scores(submission=str(path))
    started = time.perf_counter()
    args = [str(SUITES), "--submission", str(path), "-p", "no:cacheprovider",
            "--rootdir", str(SUITES), "-c", os.devnull, "-W", "ignore::DeprecationWarning",
            *(["-p", "no:terminal"] if quiet else []),
            *extra_args]
    code = pytest.main(args, plugins=[_Collector(scores, submission, reference)])
    scores.sort()
    return scores, time.perf_counter() - started, int(code)


def limit_options(args: argparse.Namespace) -> tuple[str, ...]:
    """The limits and the seed given on the command line, as options of the graded suites
    (autograder.judge.plugin), which have the same names."""
    given = {"--call-timeout": args.call_timeout, "--total-timeout": args.total_timeout,
             "--memory-mb": args.memory_mb, "--seed": getattr(args, "seed", None)}
    walls = (*(("--require-isolation",) if getattr(args, "require_isolation", None) else ()),
             *((UNSAFE_OPTION,) if getattr(args, "unsafe_without_walls", None) else ()))
    return tuple(part for option, value in given.items() if value is not None
                 for part in (option, str(value) if isinstance(value, int) else f"{value:g}")) + walls
