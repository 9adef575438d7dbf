"""The XOR exercise kit's autograder: graded suites, the grader command and its reports."""

import os
from pathlib import Path

# The exercises, defined once (autograder/sandbox/exercises.py), for every room.
from autograder.sandbox.exercises import CALLS, END_TO_END, EXERCISES, SECTIONS  # noqa: F401

PACKAGE_DIR = Path(__file__).resolve().parent
KIT_ROOT = PACKAGE_DIR.parent
SOLUTION_PATH = KIT_ROOT / "solutions" / "xor_net.py"
EXERCISE_PATH = KIT_ROOT / "exercises" / "xor_net.py"
# The judge's own compiled XLA programs (the reference's among them): written and read by
# the judge only, never in a sandbox's reach (autograder.judge.submissions.hidden_paths).
XLA_CACHE_DIR = Path(os.environ.get("XOR_KIT_XLA_CACHE", KIT_ROOT / ".cache" / "xla"))
