"""What happened to one student, from the fields of the results.json their grader wrote (or none).

``graded``: the tests ran. ``import-error``: the module could not be imported (a syntax
error, a crash at import), so no test could run. ``timeout``: a function ran past its limit
(the failure kind each results.json test carries, whatever else passed), or the submission or
its grader ran out of time (the result's own status). ``grader-error``: no grade came out
(nothing to grade, a grader crash), or the grader failed in a test, so the grade may be
wrong. ``missing``: on the roster, no submission.

Only fields are read (autograder.judge.results_file), never the sentences a student reads:
nothing a submission prints can change its status.
"""

from dataclasses import dataclass
from pathlib import Path

from autograder.judge.results_file import (
    BUDGET,
    CALL_TIMEOUT,
    GRADER,
    GRADER_ERROR,
    IMPORT,
    TIMEOUT,
    exercise_of,
    extra_of,
)

GRADED, IMPORT_ERROR, MISSING = "graded", "import-error", "missing"
TIMED_OUT = (CALL_TIMEOUT, BUDGET)  # the failure kinds of a call past its limit


@dataclass(frozen=True)
class Status:
    kind: str
    message: str = ""  # one line: why it is not ``graded``

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}" if self.message else self.kind


def status_of(result: dict, source: Path | str | None = None) -> Status:
    tests = result.get("tests") or []
    own = extra_of(result)
    stopped = str(own.get("reason", "")) if own.get("status") == TIMEOUT else ""
    if not tests:
        return Status(TIMEOUT if stopped else GRADER_ERROR, str(own.get("reason", "")) or "no tests ran")
    kinds = [extra_of(t).get("kind") for t in tests]
    if all(t.get("status") != "passed" for t in tests) and all(kind == IMPORT for kind in kinds):
        return Status(TIMEOUT if stopped else IMPORT_ERROR, import_message(tests[0], source))
    if ran_over := [t for t, kind in zip(tests, kinds, strict=True) if kind in TIMED_OUT]:
        if whole := [t for t in ran_over if extra_of(t)["kind"] == BUDGET]:
            return Status(TIMEOUT, stopped or str(extra_of(whole[0]).get("reason", "")))
        exercises = list(dict.fromkeys(exercise_of(t) for t in ran_over))
        return Status(TIMEOUT, f"{', '.join(exercises)} ran past its time limit in {len(ran_over)} test(s)")
    if stopped:
        return Status(TIMEOUT, stopped)
    if failed := [t for t, kind in zip(tests, kinds, strict=True) if kind == GRADER]:
        exercises = ", ".join(dict.fromkeys(exercise_of(t) for t in failed))
        return Status(GRADER_ERROR, f"the grader itself failed in {len(failed)} test(s) of {exercises}: "
                                    "the grade may be wrong (see the student's results.txt)")
    return Status(GRADED)


def import_message(test: dict, source: Path | str | None) -> str:
    """The import failure in one line, naming the file handed in and the line."""
    fields = extra_of(test)
    name = Path(source).name if source else "xor_net.py"
    line, summary = fields.get("line"), str(fields.get("summary", ""))
    return f"{name}, line {line}: {summary}" if isinstance(line, int) else f"{name}: {summary}"
