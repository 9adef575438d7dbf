"""An instructor's decisions on top of the automatic grade: ``overrides.csv``.

Columns ``student, exercise, points, comment``: ``exercise`` is one of the sections
(``relu``, ..., ``xor``), whose points then replace the automatic ones, or ``total``, which
replaces the whole automatic total. The file is read again on every run, so nothing in it is
lost when the class is graded again.
"""

from dataclasses import dataclass
from pathlib import Path

from autograder import SECTIONS
from autograder.coursework.bad_input import BadInput, read_csv

TOTAL = "total"


@dataclass(frozen=True)
class Override:
    student: str
    exercise: str  # a section, or "total"
    points: float
    comment: str

    def describe(self) -> str:
        return f"{self.exercise} set to {self.points:g} by your instructor" + (
            f": {self.comment}" if self.comment else "")


def read_overrides(path: Path | None) -> list[Override]:
    if path is None:
        return []
    _, rows = read_csv(path, ("student", "exercise", "points"), "overrides file")
    found = []
    for line, row in enumerate(rows, start=2):
        where = f"overrides file {path} line {line}"
        if row["exercise"] not in (*SECTIONS, TOTAL):
            raise BadInput(f"{where}: exercise {row['exercise']!r} is none of {', '.join(SECTIONS)}, total")
        try:
            points = float(row["points"])
        except ValueError:
            raise BadInput(f"{where}: points {row['points']!r} is not a number") from None
        if not row["student"] or not points >= 0:
            raise BadInput(f"{where}: a student and points of 0 or more are needed")
        found.append(Override(row["student"], row["exercise"], points, row.get("comment", "")))
    return found


def apply(sections: dict[str, float], total: float, mine: list[Override]) -> tuple[dict[str, float], float]:
    """The sections' points and the total once ``mine`` (one student's overrides) are applied."""
    sections = dict(sections)
    for override in mine:
        if override.exercise != TOTAL:
            total += override.points - sections.get(override.exercise, 0.0)
            sections[override.exercise] = override.points
    for override in mine:
        if override.exercise == TOTAL:
            total = override.points
    return sections, total
