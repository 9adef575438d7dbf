"""The kit's command line: ``python -m autograder COMMAND``."""

import argparse
import sys
from pathlib import Path

from autograder import EXERCISE_PATH


def cmd_grade(args: argparse.Namespace) -> int:
    from autograder import report
    from autograder.grading import grade_file

    path = Path(args.path)
    if not path.exists():
        print(f"error: no such file or folder: {path}", file=sys.stderr)
        return 2
    if path.suffix != ".py":
        print(f"error: {path} is not a .py file", file=sys.stderr)
        return 2
    extra = tuple(f"-m={m}" for m in args.exercise[:1]) if args.exercise else ()
    scores, seconds, code = grade_file(path, extra)
    if code not in (0, 1) or not scores.results:
        print(f"error: the grader could not run (pytest exit code {code})", file=sys.stderr)
        return 3
    text = (report.dumps(report.results_json(scores, seconds)) if args.format == "json"
            else report.text_report(scores, seconds))
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text)
        print(f"wrote {args.output}: {scores.score:g} / {scores.max_score:g}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_stubs(args: argparse.Namespace) -> int:
    from autograder.stubs import write_stubs

    changed = write_stubs()
    print(f"{'wrote' if changed else 'up to date:'} {EXERCISE_PATH}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    grade = commands.add_parser("grade", help="grade a submission and print or write the report")
    grade.add_argument("path", nargs="?", default=str(EXERCISE_PATH),
                       help="a .py file (default: exercises/xor_net.py)")
    grade.add_argument("--format", choices=("text", "json"), default="text")
    grade.add_argument("--output", help="write the report to this file instead of the screen")
    grade.add_argument("--exercise", action="append", choices=None, metavar="NAME",
                       help="grade only this exercise (e.g. relu)")
    grade.set_defaults(run=cmd_grade)
    stubs = commands.add_parser("stubs", help="regenerate exercises/ from solutions/")
    stubs.set_defaults(run=cmd_stubs)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
