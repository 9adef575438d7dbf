"""The class list: ``--roster roster.csv`` puts every student in the gradebook, handed in or not.

Its ``student`` column is the name of the student's submission in the class folder (the file
or folder name, without ``.py``); the LMS exports read ``name``, ``email``, ``canvas_id``,
``sis_id``, ``sis_login_id`` and ``section`` where present. Every other column is kept.
"""

from dataclasses import dataclass
from pathlib import Path

from autograder.coursework.bad_input import BadInput, read_csv

KEY = "student"


@dataclass(frozen=True)
class Roster:
    columns: list[str]  # every column but ``student``, in the file's order
    rows: dict[str, dict[str, str]]  # student -> their row

    def get(self, student: str, column: str) -> str:
        return self.rows.get(student, {}).get(column, "")


EMPTY = Roster([], {})


def read_roster(path: Path | None) -> Roster:
    if path is None:
        return EMPTY
    header, rows = read_csv(path, (KEY,), "roster")
    found: dict[str, dict[str, str]] = {}
    for line, row in enumerate(rows, start=2):
        student = row.get(KEY, "")
        if not student:
            raise BadInput(f"roster {path} line {line}: the student column is empty")
        if student in found:
            raise BadInput(f"roster {path} line {line}: {student} is listed twice")
        found[student] = row
    return Roster([name for name in header if name != KEY], found)
