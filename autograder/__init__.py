"""The XOR exercise kit's autograder: graded suites, the grader command and its reports."""

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
KIT_ROOT = PACKAGE_DIR.parent
SOLUTION_PATH = KIT_ROOT / "solutions" / "xor_net.py"
EXERCISE_PATH = KIT_ROOT / "exercises" / "xor_net.py"
# The judge's own compiled XLA programs (the reference's among them): written and read by
# the judge only, never in a sandbox's reach (autograder.judge.submissions.hidden_paths).
XLA_CACHE_DIR = Path(os.environ.get("XOR_KIT_XLA_CACHE", KIT_ROOT / ".cache" / "xla"))

# The exercises in the order students do them and the grader grades them.
EXERCISES = ("relu", "init_params", "predict", "batched_predict", "loss", "update", "train")
# The end-to-end tests that use the student's functions together.
END_TO_END = "xor"
SECTIONS = (*EXERCISES, END_TO_END)

# Which exercises each exercise calls. Its tests run it with the reference
# versions of these, so one mistake costs one exercise (docs/contract.md).
CALLS = {
    "relu": (),
    "init_params": (),
    "predict": ("relu",),
    "batched_predict": ("predict",),
    "loss": ("predict",),
    "update": ("loss",),
    "train": ("update", "loss"),
}
