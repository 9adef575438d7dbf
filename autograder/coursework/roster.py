"""The class list: ``--roster FILE`` puts every student in the gradebook, handed in or not.

Three forms are read as they are:

- the kit's own: a ``student`` column, the name of the student's submission in the class
  folder (the file or folder name, without ``.py``), and any of ``name``, ``email``,
  ``canvas_id``, ``sis_id``, ``sis_login_id``, ``section``; every other column is kept;
- Canvas's gradebook export (Grades, Export): ``Student, ID, SIS User ID, SIS Login ID,
  Section``, its ``Points Possible`` row skipped; the student is the SIS Login ID (the ID
  where there is none);
- Moodle's grade export (CSV): ``First name, Last name, ID number, ..., Email address``; the
  student is the email address's part before the ``@``.

Names match the class folder's by autograder.coursework.names' rule (case and Unicode form
ignored); two rows for one student are refused. The ids an LMS matches on must not start
like a formula (autograder.coursework.spreadsheet).
"""

from dataclasses import dataclass, field
from pathlib import Path

from autograder.coursework import names, spreadsheet
from autograder.coursework.bad_input import BadInput, read_csv

KEY = "student"
IDS = ("email", "canvas_id", "sis_id", "sis_login_id")  # what the LMS imports match rows on
CANVAS = {"Student": "name", "ID": "canvas_id", "SIS User ID": "sis_id", "SIS Login ID": "sis_login_id",
          "Section": "section"}
MOODLE = {"Email address": "email", "ID number": "sis_id"}


@dataclass(frozen=True)
class Roster:
    columns: list[str]  # every column but ``student``, in the file's order
    rows: dict[str, dict[str, str]]  # student (as the roster spells it) -> their row
    keyed: dict[str, dict[str, str]] = field(init=False, repr=False)  # by names.key

    def __post_init__(self) -> None:
        object.__setattr__(self, "keyed", {names.key(student): row for student, row in self.rows.items()})

    def get(self, student: str, column: str) -> str:
        return self.keyed.get(names.key(student), {}).get(column, "")


EMPTY = Roster([], {})


def as_kit_rows(header: list[str], rows: list[dict[str, str]]) -> tuple[list[str], list[dict[str, str]]]:
    """A Canvas or Moodle export's rows in the kit's columns; the kit's own as they are."""
    if KEY in header:
        return header, rows
    if {"Student", "ID", "SIS Login ID"} <= set(header):
        kept = [{**{CANVAS.get(k, k): v for k, v in row.items()},
                 KEY: row.get("SIS Login ID") or row.get("ID", "")}
                for row in rows if row.get("Student", "").strip() not in ("Points Possible", "")
                and not row.get("Student", "").startswith("Student, Test")]
        return [KEY, *(CANVAS.get(k, k) for k in header)], kept
    if {"First name", "Last name", "Email address"} <= set(header):
        kept = [{**{MOODLE.get(k, k): v for k, v in row.items()},
                 "name": f"{row['First name']} {row['Last name']}".strip(),
                 KEY: row["Email address"].partition("@")[0]} for row in rows]
        return [KEY, "name", *(MOODLE.get(k, k) for k in header)], kept
    return header, rows


def read_roster(path: Path | None) -> Roster:
    if path is None:
        return EMPTY
    header, rows = read_csv(path, (), "roster")
    header, rows = as_kit_rows(header, rows)
    if KEY not in header:
        raise BadInput(f"the roster {path} has no column student, and is no Canvas or Moodle grade export "
                       f"(its header: {', '.join(header) or 'empty'})")
    found: dict[str, dict[str, str]] = {}
    for line, row in enumerate(rows, start=2):
        where = f"roster {path} line {line}"
        student = row.get(KEY, "")
        if not student:
            raise BadInput(f"{where}: the student column is empty")
        if why := names.problem(student):
            raise BadInput(f"{where}: the student {student!r} {why}")
        for column in IDS:
            spreadsheet.identifier(row.get(column, ""), f"{where}: {column}")
        found.setdefault(student, row)
    try:
        names.unique([row[KEY] for row in rows], f"roster {path}")
    except names.Clash as error:
        raise BadInput(str(error)) from None
    return Roster([name for name in dict.fromkeys(header) if name != KEY], found)
