"""What ``export`` and ``feedback`` share: the graded class folder, its kept settings, its rows,
and the check before they write: every grade complete, current and the judge's own."""

import argparse
import hashlib
import json
import sys
from pathlib import Path

from autograder.coursework import gradebook, regrade, settings, statuses
from autograder.coursework.bad_input import BadInput


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("grades", metavar="CLASS-grades",
                        help="the folder `grade CLASS` wrote (with course.json and one folder per student)")
    parser.add_argument("--allow-incomplete", action="store_true",
                        help="write even where a grade is stale, missing or a grader-error: those rows "
                             "are left blank (and listed)")
    settings.configure(parser.add_argument_group("the course's files (default: those the last grade kept)"))


def load_rows(args: argparse.Namespace) -> tuple[Path, list[gradebook.Row], gradebook.Roster]:
    """The class's rows, the gradebook rewritten with them; BadInput for a bad folder or file,
    or for grades that are not complete and current (unless ``--allow-incomplete``: those
    rows come back with ``blank`` set)."""
    out = Path(args.grades).resolve()
    if not (out / settings.FILE).is_file():
        raise BadInput(f"{out} is not a folder `python -m autograder grade CLASS` wrote (no {settings.FILE})")
    course = settings.merge(settings.load(out), args)
    for student in course.students:
        regrade.recover(out, student)
    rows, roster = gradebook.build(out, course)
    settings.save(out, course)
    gradebook.write(out / gradebook.FILE, rows, roster)
    kit = regrade.kit_version()
    problems = {row.student: why for row in rows if (why := not_current(out, row, kit, course))}
    if problems and not args.allow_incomplete:
        lines = "\n".join(f"  {student}: {why}" for student, why in problems.items())
        raise BadInput(f"{len(problems)} of {len(rows)} grades cannot be exported as they are (grade the "
                       f"class again, or pass --allow-incomplete to leave them blank):\n{lines}")
    for row in rows:
        row.blank = row.student in problems or row.status.kind == statuses.MISSING
    times = sorted(filter(None, (row.graded_at for row in rows if not row.blank)))
    print(f"grades of kit {kit}" + (f", graded {times[0]}" + (f" to {times[-1]}" if times[-1] != times[0]
                                                                  else "") if times else ""))
    if problems:
        print("left blank (--allow-incomplete): " + "; ".join(f"{s}: {w}" for s, w in problems.items()))
    return out, rows, roster


def not_current(out: Path, row: gradebook.Row, kit: str, course: settings.Settings) -> str | None:
    """Why ``row``'s grade must not reach the LMS; None when it is complete and current."""
    if row.status.kind == statuses.MISSING:
        return None  # on the roster, nothing handed in: blank, as it should be
    folder = out / row.student
    if not (folder / gradebook.RESULTS).exists():
        return "never graded" + ("" if course.finished else " (the last run was interrupted)")
    if not regrade.signed(folder):
        return regrade.FORGED
    if row.status.kind == statuses.GRADER_ERROR:
        return str(row.status)
    try:
        key = json.loads((folder / regrade.KEY_FILE).read_text())
        handed_in = ""
        if row.source:
            with Path(row.source).open("rb") as source:  # read in pieces, whatever its size now
                handed_in = hashlib.file_digest(source, "sha256").hexdigest()
    except (OSError, ValueError):
        return "stale: the submission is no longer where it was graded"
    if key.get("submission") != handed_in:
        return "stale: the file changed since it was graded"
    if key.get("kit") != kit:
        return "stale: the kit changed since it was graded"
    return None


def fail(error: BadInput) -> int:
    print(f"error: {error}", file=sys.stderr)
    return 2
