"""The class gradebook: every student's automatic grade, with the overrides, the late penalty,
the similarity hints and the roster's columns on top, rebuilt from the results on every run.

``auto_total`` is what the tests gave, ``raw_total`` that with the overrides, ``total`` the
raw total less the late penalty: the grade that counts.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from autograder import SECTIONS
from autograder.coursework import names, regrade, similarity, spreadsheet, statuses
from autograder.coursework import overrides as manual
from autograder.coursework.bad_input import BadInput
from autograder.coursework.late import Lateness, read_policy
from autograder.coursework.roster import Roster, read_roster
from autograder.coursework.settings import Settings
from autograder.judge.results_file import exercise_of

FILE = "gradebook.csv"
RESULTS = "results.json"
COLUMNS = ["student", "total", "max", *SECTIONS, "status", "wall", "raw_total", "auto_total", "late_days",
           "penalty_percent", "overrides", "similar_to", "graded_at"]


@dataclass
class Row:
    student: str
    status: statuses.Status
    max: float
    auto_total: float = 0.0
    raw_total: float = 0.0
    total: float = 0.0
    sections: dict[str, float] = field(default_factory=dict)  # after the overrides; empty when no test ran
    lateness: Lateness | None = None
    overrides: list[manual.Override] = field(default_factory=list)
    similar: list[str] = field(default_factory=list)
    wall: str = ""
    source: str = ""
    result: dict = field(default_factory=dict)  # the results.json, {} when there is none
    blank: bool = False  # no grade to hand the LMS (autograder.coursework.course_options)
    graded_at: str = ""  # when its grade was made: after an interrupted regrade, old or new


def sections_of(result: dict) -> dict[str, float]:
    points: dict[str, float] = {}
    for test in result.get("tests", []):
        section = exercise_of(test)
        points[section] = points.get(section, 0.0) + float(test["score"])
    return {s: points[s] for s in SECTIONS if s in points}


def read_result(out: Path, student: str) -> dict:
    """The student's results.json, if the judge wrote it (autograder.coursework.regrade.signed)."""
    if not regrade.signed(out / student):
        return {}
    try:
        return json.loads((out / student / RESULTS).read_text())
    except (OSError, ValueError):
        return {}


def no_result(out: Path, student: str) -> statuses.Status:
    if (out / student / RESULTS).exists():
        return statuses.Status(statuses.GRADER_ERROR, f"{regrade.FORGED}: grade the class again")
    return statuses.Status(statuses.GRADER_ERROR, "no results.json: grade the class again")


def build(out: Path, settings: Settings) -> tuple[list[Row], Roster]:
    """Every student's row, in the order of their names: the class folder's, then the
    roster's students who handed nothing in (names matched by autograder.coursework.names'
    rule). Raises BadInput for a bad file."""
    roster = read_roster(settings.path("roster"))
    policy = read_policy(settings.path("late"))
    handed_in = {names.key(s) for s in settings.students}
    students = sorted([*settings.students, *(s for s in roster.rows if names.key(s) not in handed_in)],
                      key=names.key)
    given = known_overrides(settings, set(students))
    pairs = similarity.read_pairs(out / similarity.FILE)
    rows = []
    for student in students:
        source = settings.students.get(student, "")
        result = read_result(out, student) if student in settings.students else {}
        if student not in settings.students:
            status = statuses.Status(statuses.MISSING, "on the roster, no submission")
        elif not result:
            status = no_result(out, student)
        else:
            status = statuses.status_of(result, source)
        row = Row(student, status, float(result.get("max_score", settings.max_score)), source=source,
                  result=result, auto_total=float(result.get("score", 0.0)),
                  graded_at=regrade.graded_at(out / student) if result else "")
        ran = status.kind == statuses.GRADED or (status.kind == statuses.TIMEOUT and result.get("tests"))
        row.overrides = [o for o in given if names.key(o.student) == names.key(student)]
        row.sections, row.raw_total = manual.apply(sections_of(result) if ran else {}, row.auto_total,
                                                   row.overrides)
        if policy and source:
            row.lateness = policy.lateness(student, Path(source))
        penalty = row.lateness.percent if row.lateness else 0.0
        row.total = round(row.raw_total * (1 - penalty / 100), 2)
        row.similar = [pair.hint(student) for pair in pairs if student in (pair.first, pair.second)]
        extra = result.get("extra_data")
        row.wall = str(extra.get("wall", "")) if isinstance(extra, dict) else ""
        rows.append(row)
    return rows, roster


def write(path: Path, rows: list[Row], roster: Roster) -> None:
    table = [[*COLUMNS, *roster.columns]]
    for row in rows:
        late = row.lateness
        table.append([
            row.student, f"{row.total:g}", f"{row.max:g}",
            *(f"{row.sections[s]:g}" if s in row.sections else "" for s in SECTIONS),
            str(row.status), row.wall, f"{row.raw_total:g}", f"{row.auto_total:g}",
            str(late.days) if late else "", f"{late.percent:g}" if late else "",
            "; ".join(o.describe() for o in row.overrides), "; ".join(row.similar), row.graded_at,
            *(roster.get(row.student, column) for column in roster.columns)])
    spreadsheet.write(path, table, for_people=True)


def check(settings: Settings) -> None:
    """Read the instructor's files now, so that a bad one stops a run before it grades."""
    if policy := read_policy(settings.path("late")):
        policy.check(s for s, source in settings.students.items() if source)
    known_overrides(settings, set(settings.students) | set(read_roster(settings.path("roster")).rows))


def known_overrides(settings: Settings, students: set[str]) -> list[manual.Override]:
    given = manual.read_overrides(settings.path("overrides"))
    known = {names.key(s) for s in students}
    if unknown := sorted({o.student for o in given if names.key(o.student) not in known}):
        raise BadInput(f"overrides file {settings.overrides}: no student named {', '.join(unknown)} "
                       "in the class or the roster")
    return given


def counts(rows: list[Row]) -> str:
    """How many students have each status: "9 graded, 1 import-error, 1 missing"."""
    found: dict[str, int] = {}
    for row in rows:
        found[row.status.kind] = found.get(row.status.kind, 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in found.items())
