"""What happened to one student, from the results.json their grader wrote (or none).

``graded``: the tests ran. ``import-error``: the module could not be imported (a syntax
error, a crash at import), so no test could run. ``timeout``: a function ran past its limit
(read from the failure kind each results.json test carries, whatever else passed), or the
submission or its grader ran out of time. ``grader-error``: no grade came out (nothing to
grade, a grader crash). ``missing``: on the roster, no submission.
"""

import re
from dataclasses import dataclass
from pathlib import Path

GRADED, IMPORT_ERROR, TIMEOUT, GRADER_ERROR, MISSING = (
    "graded", "import-error", "timeout", "grader-error", "missing")
TIMED_OUT = ("timeout", "budget")  # the sandbox's failure kinds for a call past its limit
NOT_GRADED = "Not graded: "  # how the output of a results.json without tests begins
NOT_IMPORTED = "Your module could not be imported"  # the sandbox's message, in every test
RAN_OUT = re.compile(r"the time for this whole submission \([^)]*\) ran out|grader was stopped after")
# "(xor_net.py, line 58)": the sandbox names the module as it imported it, not as handed in
WHERE = re.compile(r"\(xor_net\.py, line (\d+)\)")


@dataclass(frozen=True)
class Status:
    kind: str
    message: str = ""  # one line: why it is not ``graded``

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}" if self.message else self.kind


def status_of(result: dict, source: Path | str | None = None) -> Status:
    tests = result.get("tests") or []
    output = str(result.get("output", ""))
    if not tests:
        reason = output.removeprefix(NOT_GRADED).split("\n")[0]
        return Status(TIMEOUT if RAN_OUT.search(reason) else GRADER_ERROR, reason)
    outputs = {str(t.get("output", "")) for t in tests}
    if all(t.get("status") != "passed" for t in tests) and all(o.startswith(NOT_IMPORTED) for o in outputs):
        return Status(TIMEOUT if RAN_OUT.search(output) else IMPORT_ERROR, import_message(outputs, source))
    if ran_over := [t for t in tests if isinstance(t.get("extra_data"), dict)
                    and t["extra_data"].get("kind") in TIMED_OUT]:
        whole = RAN_OUT.search(output)
        if whole and any(t["extra_data"]["kind"] == "budget" for t in ran_over):
            return Status(TIMEOUT, whole.group(0))
        exercises = list(dict.fromkeys(str(t["extra_data"].get("exercise", "")) for t in ran_over))
        return Status(TIMEOUT, f"{', '.join(exercises)} ran past its time limit in {len(ran_over)} test(s)")
    if RAN_OUT.search(output):
        return Status(TIMEOUT, output.split("\n")[0])
    return Status(GRADED)


def import_message(outputs: set[str], source: Path | str | None) -> str:
    """The import failure in one line, naming the file handed in and the line."""
    text = sorted(outputs)[0].split(": ", 1)[-1]
    first, *rest = text.splitlines()
    name = Path(source).name if source else "xor_net.py"
    line = WHERE.search(first) or re.search(r"line (\d+), in <module>", "\n".join(rest))
    first = WHERE.sub("", first).strip()
    return f"{name}, line {line.group(1)}: {first}" if line else f"{name}: {first}"
