"""Gradescope's results.json, built in one place: a grading's, or a zero that says why none
came out; and the fields a reader takes from it (https://gradescope-autograders.readthedocs.io).

Gradescope keeps extra top-level keys and each test's ``extra_data``: the kit writes its facts
there as fields (a test's exercise and failure kind, a grading's status), so that no reader
parses the sentences a student reads (autograder.coursework.statuses reads only these).

``python -m autograder.judge.results_file PATH`` writes the zero for an autograder that could
not start (Gradescope's run_autograder calls it when the grading wrote nothing).
"""

import json
import sys
from pathlib import Path
from typing import Any

# A grading's status where it stopped short (results.json's extra_data["status"]); the class
# statuses (autograder.coursework.statuses) use the same words.
TIMEOUT, GRADER_ERROR = "timeout", "grader-error"
# The kinds of failure a results.json test carries (extra_data["kind"]): a wrong value, a
# function not written yet, a missing name, an error raised, the module not imported, a call
# past its own limit ("timeout") or past the whole submission's ("budget"), a sandbox that died,
# and the grader's own failure (autograder.judge.feedback.Failure makes them).
WRONG, NOT_IMPLEMENTED, MISSING, RAISED, IMPORT = "wrong", "not-implemented", "missing", "raised", "import"
CALL_TIMEOUT, BUDGET, CRASHED, GRADER = TIMEOUT, "budget", "crashed", "grader"
NOT_GRADED = "Not graded: "
LOOK = ("\nThe grader could not grade this submission, so it scores 0 for now. Your instructor "
        "can see why and will look at it.")
NOT_STARTED = "the autograder could not start"  # Gradescope's run_autograder's zero
NOT_STARTED_NOTE = " (not your mistake). Your instructor can see why."


def document(score: float, max_score: float | None, seconds: float, tests: list[dict[str, Any]],
             output: str = "", extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A results.json: the score, the tests, a note for the student (``output``) and the kit's
    own fields (``extra``)."""
    result: dict[str, Any] = {"score": score, **({"max_score": max_score} if max_score is not None else {}),
                              "execution_time": round(seconds, 2), "output_format": "text",
                              "visibility": "visible", "tests": tests}
    if output:
        result["output"] = output
    if extra:
        result["extra_data"] = extra
    return result


def not_graded(reason: str, max_score: float | None, seconds: float, status: str = GRADER_ERROR,
               note: str = LOOK) -> dict[str, Any]:
    """The zero for a submission the grader could not grade: no tests, the reason (``status``:
    TIMEOUT when the grader ran out of time, else GRADER_ERROR), then ``note`` for the student."""
    return document(0.0, max_score, seconds, [], f"{NOT_GRADED}{reason}{note}",
                    {"status": status, "reason": reason})


def extra_of(test_or_result: dict[str, Any]) -> dict[str, Any]:
    """The kit's fields of a test or a results.json ({} where a forged or older file has none)."""
    extra = test_or_result.get("extra_data")
    return extra if isinstance(extra, dict) else {}


def exercise_of(test: dict[str, Any]) -> str:
    """The exercise a results.json test grades (``xor`` for the end-to-end tests)."""
    return str(extra_of(test).get("exercise", ""))


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(json.dumps(not_graded(NOT_STARTED, None, 0, note=NOT_STARTED_NOTE)) + "\n")
