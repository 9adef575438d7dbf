"""``python -m autograder grade [PATH] [--format text|json] [--output FILE]`` (SPEC section 2)."""

import argparse
import sys
from pathlib import Path

from autograder import EXERCISE_PATH, SECTIONS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=str(EXERCISE_PATH),
                        help="a .py file (default: exercises/xor_net.py)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people, json for Gradescope's results.json")
    parser.add_argument("--output", help="write the report to this file instead of the screen")
    parser.add_argument("--exercise", choices=SECTIONS, metavar="NAME",
                        help="grade only this exercise (relu, init_params, ..., xor)")


def run(args: argparse.Namespace) -> int:
    from autograder import report
    from autograder.grading import grade_file

    path = Path(args.path)
    if not path.exists():
        print(f"error: no such file or folder: {path}", file=sys.stderr)
        return 2
    if path.suffix != ".py":
        print(f"error: {path} is not a .py file", file=sys.stderr)
        return 2
    extra = ("-m", args.exercise) if args.exercise else ()
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
