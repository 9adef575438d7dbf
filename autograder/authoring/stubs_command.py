"""``python -m autograder stubs``: regenerate exercises/xor_net.py from the reference."""

import argparse

from autograder import EXERCISE_PATH, SOLUTION_PATH
from autograder.authoring.stubs import make_stubs, write_stubs


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true",
                        help="only say whether exercises/ is up to date (exit 1 if not)")


def run(args: argparse.Namespace) -> int:
    if args.check:
        fresh = EXERCISE_PATH.read_text() == make_stubs(SOLUTION_PATH.read_text())
        print(f"{EXERCISE_PATH}: {'up to date' if fresh else 'out of date'}")
        return 0 if fresh else 1
    changed = write_stubs()
    print(f"{'wrote' if changed else 'up to date:'} {EXERCISE_PATH}")
    return 0
