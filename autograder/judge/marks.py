"""The graded tests' marks, read from the suites' source: every count of points comes from here.

Each graded test (a ``test_*`` function of ``autograder/suites/test_*.py``) has one section
mark (an exercise, or ``xor``), a ``points(n)`` mark and, if it is hidden, a ``hidden`` mark,
on the function or in the module's ``pytestmark``. A grade's most, a class's, a release's
public and hidden points and a notebook cell's are all summed from ``graded_tests()``.

The suites are read as syntax trees, not imported (JAX, about 1.6 s) nor collected by pytest
(seconds): a few milliseconds. What such a reading could miscount (a test in a class, a
parametrized one, points that are not a number, a section that is not one) is refused with
an error that names the test; pytest's own collection agrees (tests/test_layout.py).
"""

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from autograder import PACKAGE_DIR, SECTIONS

SUITES = PACKAGE_DIR / "suites"


class MarksError(Exception):
    """A suite module marks a test in a way its points cannot be read from."""


@dataclass(frozen=True)
class MarkedTest:
    module: str  # the suite module's name: "test_relu"
    name: str  # the test function's
    section: str
    points: float
    hidden: bool


@cache
def graded_tests(suites: Path = SUITES) -> tuple[MarkedTest, ...]:
    """Every graded test, module by module in the order of their names, each module's in the
    order it defines them (a student's release has no test_hidden.py)."""
    return tuple(test for path in sorted(suites.glob("test_*.py")) for test in _read(path))


def section_points(hidden: bool | None = None) -> dict[str, float]:
    """Each section's points, in the order of SECTIONS, sections without tests left out:
    only the hidden tests' (``hidden=True``), only the public ones' (``False``) or all."""
    points: dict[str, float] = {}
    for test in graded_tests():
        if hidden is None or test.hidden == hidden:
            points[test.section] = points.get(test.section, 0.0) + test.points
    return {section: points[section] for section in SECTIONS if section in points}


def total_points(hidden: bool | None = None) -> float:
    """What all the graded tests are worth (only the hidden or the public ones, as above)."""
    return sum(section_points(hidden).values(), 0.0)


def _read(path: Path) -> list[MarkedTest]:
    tree = ast.parse(path.read_text(), str(path))
    module_marks: list[tuple[str, list[ast.expr]]] = []
    functions = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark"
                                                for t in node.targets):
            values = node.value.elts if isinstance(node.value, ast.List | ast.Tuple) else [node.value]
            module_marks = [_mark(value, f"{path.name}: pytestmark") for value in values]
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            raise MarksError(f"{path.name}: {node.name}: tests in a class are not counted; "
                             "write them as functions")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_"):
            functions.append(node)
    return [_marked(path.stem, node, module_marks) for node in functions]


def _marked(module: str, node: ast.FunctionDef | ast.AsyncFunctionDef,
            module_marks: list[tuple[str, list[ast.expr]]]) -> MarkedTest:
    where = f"{module}.py: {node.name}"
    own = [_mark(d, where) for d in node.decorator_list if _is_mark(d)]
    marks = own + module_marks
    names = [name for name, _ in marks]
    sections = [name for name in names if name in SECTIONS]
    if len(sections) != 1:
        raise MarksError(f"{where}: needs exactly one section mark (one of {', '.join(SECTIONS)}), "
                         f"has {len(sections)}")
    if "parametrize" in names:
        raise MarksError(f"{where}: a parametrized test's cases are not counted; write one test each")
    points = [args for name, args in marks if name == "points"]
    if len(points) > 1 or points and not (len(points[0]) == 1 and _number(points[0][0])):
        raise MarksError(f"{where}: needs one points(n) mark, n a number")
    value = float(points[0][0].value) if points else 0.0  # type: ignore[attr-defined]
    return MarkedTest(module, node.name, sections[0], value, "hidden" in names)


def _is_mark(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    return (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Attribute)
            and target.value.attr == "mark")


def _mark(node: ast.expr, where: str) -> tuple[str, list[ast.expr]]:
    """``pytest.mark.NAME`` or ``pytest.mark.NAME(args)``: its name and arguments."""
    if not _is_mark(node):
        raise MarksError(f"{where}: {ast.unparse(node)} is not a pytest.mark.NAME")
    if isinstance(node, ast.Call):
        return node.func.attr, list(node.args)  # type: ignore[attr-defined]
    return node.attr, []  # type: ignore[attr-defined]


def _number(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)
