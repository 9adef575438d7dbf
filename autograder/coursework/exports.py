"""``python -m autograder export CLASS-grades``: the grades as the LMS imports them.

- Canvas (Grades, Import): the columns of Canvas's own gradebook export, ``Student, ID,
  SIS User ID, SIS Login ID, Section``, then one column for the assignment named
  ``NAME (ASSIGNMENT_ID)`` when the id is given (else a new assignment called NAME), and a
  ``Points Possible`` row. Canvas matches a row on ID (the roster's ``canvas_id``) or SIS
  User ID (``sis_id``).
- Moodle (Grade administration, Import, CSV file): ``Email address, ID number``, a column
  named after the grade item and a ``Feedback`` column; map "Email address" to the user's
  email and the grade column to the item when importing.

The grade is the gradebook's ``total``: overrides applied, late penalty taken off. A student
with no grade to hand over (on the roster, nothing handed in; or left blank by
``--allow-incomplete``) gets an empty cell: the LMS leaves that grade as it is, where a 0
would overwrite an excused one. Students the LMS could not match (no id in the roster) are
left out, and named. Before writing, autograder.coursework.course_options checks every
grade; the cells are spreadsheet-safe (autograder.coursework.spreadsheet), without a
byte-order mark, as the importers take them.
"""

import argparse
from pathlib import Path

from autograder.coursework import course_options, spreadsheet
from autograder.coursework.bad_input import BadInput
from autograder.coursework.gradebook import Row
from autograder.coursework.roster import Roster

CANVAS, MOODLE = "canvas.csv", "moodle.csv"


def configure(parser: argparse.ArgumentParser) -> None:
    course_options.configure(parser)
    parser.add_argument("--assignment", default="XOR network", help="the assignment's name in the LMS")
    parser.add_argument("--canvas-assignment-id", metavar="ID",
                        help="the Canvas assignment's id, so that the import fills that assignment")
    parser.add_argument("--out", metavar="DIR",
                        help="where canvas.csv and moodle.csv go (default: CLASS-grades)")


def canvas_rows(rows: list[Row], roster: Roster, column: str) -> tuple[list[list[str]], list[str]]:
    table = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column],
             ["    Points Possible", "", "", "", "", f"{rows[0].max:g}" if rows else ""]]
    left_out = []
    for row in rows:
        ids = [roster.get(row.student, c) for c in ("canvas_id", "sis_id", "sis_login_id")]
        if not any(ids):
            left_out.append(row.student)
            continue
        table.append([roster.get(row.student, "name") or row.student, *ids,
                      roster.get(row.student, "section"), grade(row)])
    return table, left_out


def moodle_rows(rows: list[Row], roster: Roster, item: str) -> tuple[list[list[str]], list[str]]:
    table = [["Email address", "ID number", item, "Feedback"]]
    left_out = []
    for row in rows:
        email = roster.get(row.student, "email")
        if not email:
            left_out.append(row.student)
            continue
        table.append([email, roster.get(row.student, "sis_id"), grade(row),
                      "" if row.blank else summary(row)])
    return table, left_out


def grade(row: Row) -> str:
    return "" if row.blank else f"{row.total:g}"


def summary(row: Row) -> str:
    """One line of feedback for the LMS: status, penalty, overrides."""
    parts = [f"{row.total:g} / {row.max:g}", str(row.status)]
    if row.lateness and row.lateness.percent:
        parts.append(f"{row.lateness.days} day(s) late: -{row.lateness.percent:g}% of {row.raw_total:g}")
    parts += [o.describe() for o in row.overrides]
    return "; ".join(parts)


def run(args: argparse.Namespace) -> int:
    try:
        out, rows, roster = course_options.load_rows(args)
        if not roster.rows:
            raise BadInput("an export needs a roster with the ids the LMS matches on: --roster roster.csv")
    except BadInput as error:
        return course_options.fail(error)
    target = Path(args.out) if args.out else out
    column = args.assignment
    if args.canvas_assignment_id:
        column += f" ({args.canvas_assignment_id})"
    for name, (table, left_out) in ((CANVAS, canvas_rows(rows, roster, column)),
                                    (MOODLE, moodle_rows(rows, roster, args.assignment))):
        spreadsheet.write(target / name, table, for_people=False)
        needed = "canvas_id, sis_id or sis_login_id" if name == CANVAS else "email"
        print(f"wrote {target / name}: {len(rows) - len(left_out)} students"
              + (f"; left out, no {needed} in the roster: {', '.join(left_out)}" if left_out else ""))
    return 0
