"""What ``export`` and ``feedback`` share: the graded class folder, its kept settings, its rows."""

import argparse
import sys
from pathlib import Path

from autograder.coursework import gradebook, settings
from autograder.coursework.bad_input import BadInput


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("grades", metavar="CLASS-grades",
                        help="the folder `grade CLASS` wrote (with course.json and one folder per student)")
    settings.configure(parser.add_argument_group("the course's files (default: those the last grade kept)"))


def load_rows(args: argparse.Namespace) -> tuple[Path, list[gradebook.Row], gradebook.Roster]:
    """The class's rows, the gradebook rewritten with them; BadInput for a bad folder or file."""
    out = Path(args.grades).resolve()
    if not (out / settings.FILE).is_file():
        raise BadInput(f"{out} is not a folder `python -m autograder grade CLASS` wrote (no {settings.FILE})")
    course = settings.merge(settings.load(out), args)
    rows, roster = gradebook.build(out, course)
    settings.save(out, course)
    gradebook.write(out / gradebook.FILE, rows, roster)
    return out, rows, roster


def fail(error: BadInput) -> int:
    print(f"error: {error}", file=sys.stderr)
    return 2
