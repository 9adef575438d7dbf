"""Make the student's exercises from the reference: one source for both.

Every region between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` inside a
function becomes ``raise NotImplementedError(...)`` naming the exercise; a
region at module level (a private helper of the reference) is dropped.
"""

import re
from pathlib import Path

from autograder import EXERCISE_PATH, SOLUTION_PATH

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HEADER = (
    "# Generated from solutions/xor_net.py by `python -m autograder stubs`.\n"
    "# Replace each `raise NotImplementedError(...)` with your code.\n"
)
_DEF = re.compile(r"^(\s*)def (\w+)\(")


def not_implemented_line(indent: str, exercise: str) -> str:
    message = f"{exercise}: not implemented yet. Replace this line with your code."
    return f'{indent}raise NotImplementedError("{message}")\n'


def make_stubs(solution: str) -> str:
    """The exercises' text for the reference text ``solution``."""
    out: list[str] = [HEADER]
    function = None
    region_indent = None
    for number, line in enumerate(solution.splitlines(keepends=True), start=1):
        stripped = line.strip()
        if region_indent is not None:
            if stripped == END:
                region_indent = None
            continue
        if stripped == BEGIN:
            region_indent = line[: len(line) - len(line.lstrip())]
            if region_indent:
                if function is None:
                    raise ValueError(f"line {number}: solution region outside any function")
                out.append(not_implemented_line(region_indent, function))
            continue
        if stripped == END:
            raise ValueError(f"line {number}: {END} without {BEGIN}")
        match = _DEF.match(line)
        if match and not match.group(1):
            function = match.group(2)
        out.append(line)
    if region_indent is not None:
        raise ValueError(f"{BEGIN} without {END}")
    return re.sub(r"\n{3,}(?=\S)", "\n\n\n", "".join(out)).rstrip("\n") + "\n"


def write_stubs(solution: Path = SOLUTION_PATH, target: Path = EXERCISE_PATH) -> bool:
    """Regenerate ``target``; return whether it changed."""
    text = make_stubs(solution.read_text())
    if target.exists() and target.read_text() == text:
        return False
    target.write_text(text)
    return True
