"""A grading run's results: one ``TestResult`` per graded test, gathered in ``Scores``."""

from dataclasses import dataclass, field
from typing import Any

from autograder import SECTIONS
from autograder.judge.plots import Training


@dataclass
class TestResult:
    name: str
    exercise: str
    points: float
    hidden: bool
    passed: bool = False
    output: str = ""
    nodeid: str = ""
    figures: list[str] = field(default_factory=list)  # plots that illustrate it (autograder.judge.plots)
    failure: str = ""  # the kind of failure (autograder.judge.feedback: "wrong", "timeout", ...)
    details: dict[str, Any] = field(default_factory=dict)  # its parts (feedback.Failure.fields)


@dataclass
class Scores:
    """What one grading run collected, in the order of the sections."""

    results: list[TestResult] = field(default_factory=list)
    printed: str = ""
    events: list[str] = field(default_factory=list)
    submission: str = ""
    internal_errors: list[str] = field(default_factory=list)  # grader bugs, never the student's
    training: Training | None = None  # the xor tests' run from PRNGKey(0), for the plots
    # plot name -> file, once drawn; none in a class run, which keeps the data instead
    # (autograder.judge.training_file), so its results.json shows and names no plot
    figures: dict[str, str] = field(default_factory=dict)
    seed: int = 0  # the random inputs' (autograder.judge.seeds)
    wall: str = ""  # what isolated the submission (autograder.launch.walls), "" when nothing ran
    stopped: str = ""  # why the whole submission was stopped short (its time ran out), "" if not
    grader_error: str = ""  # why no grade can be given (a wall that did not start): no report then

    def sort(self) -> None:
        """Put the results in the order of the exercises (the xor tests run first)."""
        self.results.sort(key=lambda r: SECTIONS.index(r.exercise))

    def by_section(self) -> dict[str, tuple[float, float]]:
        table: dict[str, tuple[float, float]] = {}
        for r in self.results:
            got, most = table.get(r.exercise, (0.0, 0.0))
            table[r.exercise] = (got + (r.points if r.passed else 0.0), most + r.points)
        return {s: table[s] for s in SECTIONS if s in table}

    @property
    def score(self) -> float:
        return sum(r.points for r in self.results if r.passed)

    @property
    def max_score(self) -> float:
        return sum(r.points for r in self.results)
