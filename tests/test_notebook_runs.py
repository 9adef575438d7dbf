"""The notebooks: made from the reference, in step with it, and they run in a real kernel.

The source notebook runs top to bottom with every test cell passing and draws
the loss curve; the student notebook runs with every test cell saying "not
implemented yet" and nothing crashing; no test cell writes to stderr (nbgrader
would score it 0).
"""

import ast
import sys

import nbformat
import pytest
from conftest import run_grader
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from autograder import EXERCISES, SECTIONS, SOLUTION_PATH
from autograder.authoring.source_notebook import SOURCE_NOTEBOOK, STUDENT_NOTEBOOK, build_source
from autograder.authoring.stubs import make_stubs
from autograder.judge.notebook_checks import points

PROBE = "import sys; print('kernel python:', sys.executable)"


def grade_meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def test_the_source_notebook_is_up_to_date():
    assert SOURCE_NOTEBOOK.read_text() == build_source(SOLUTION_PATH.read_text()), (
        "course/source/xor_net/xor_net.ipynb is out of date: run `python -m autograder notebook`")


@pytest.mark.slow
def test_the_notebook_command_finds_both_notebooks_up_to_date():
    done = run_grader("notebook", "--check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("up to date") == 2, done.stdout


def test_each_solution_cell_is_its_function_exactly_as_in_the_reference():
    solution = SOLUTION_PATH.read_text()
    tree = ast.parse(solution)
    functions = {n.name: ast.get_source_segment(solution, n) for n in tree.body
                 if isinstance(n, ast.FunctionDef)}
    cells = {grade_meta(c)["grade_id"]: c.source
             for c in nbformat.read(SOURCE_NOTEBOOK, as_version=4).cells if grade_meta(c).get("solution")}
    assert list(cells) == list(EXERCISES)
    for name, source in cells.items():
        assert source.startswith(functions[name]), name
        assert source in solution, name


def test_each_test_cell_is_worth_its_exercises_points_in_the_suites():
    cells = [c for c in nbformat.read(SOURCE_NOTEBOOK, as_version=4).cells if grade_meta(c).get("grade")]
    assert [grade_meta(c)["grade_id"] for c in cells] == [f"test_{s}" for s in SECTIONS]
    for cell, section in zip(cells, SECTIONS, strict=True):
        assert grade_meta(cell)["points"] == points(section) > 0
        assert grade_meta(cell)["locked"]
        assert f'check("{section}")' in cell.source
        assert f'check("{section}", hidden=True)' in cell.source


def test_the_student_notebooks_stubs_are_the_py_stubs():
    stubs = make_stubs(SOLUTION_PATH.read_text())
    student = nbformat.read(STUDENT_NOTEBOOK, as_version=4)
    cells = {grade_meta(c)["grade_id"]: c.source for c in student.cells if grade_meta(c).get("solution")}
    assert list(cells) == list(EXERCISES)
    for name, source in cells.items():
        assert f'raise NotImplementedError("{name}: not implemented yet' in source, name
        assert source in stubs, name
    assert "BEGIN SOLUTION" not in STUDENT_NOTEBOOK.read_text()
    assert "BEGIN HIDDEN TESTS" not in STUDENT_NOTEBOOK.read_text()


def execute(path, tmp_path):
    """Run the notebook in a fresh python3 kernel, with a last cell that says which Python."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(new_code_cell(PROBE))
    NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    probe = notebook.cells.pop()
    assert f"kernel python: {sys.executable}" in "".join(o.get("text", "") for o in probe.outputs), (
        "the python3 kernel is not this environment's Python: `pip install ipykernel` here")
    return notebook


def outputs(cell, kind: str) -> list:
    return [o for o in cell.outputs if o.output_type == kind]


def stderr(cell) -> str:
    return "".join(o.text for o in outputs(cell, "stream") if o.name == "stderr")


@pytest.mark.slow
def test_the_source_notebook_runs_top_to_bottom_and_passes_every_test(tmp_path):
    notebook = execute(SOURCE_NOTEBOOK, tmp_path)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    for cell in code:
        assert not outputs(cell, "error"), (cell.source[:80], outputs(cell, "error"))
    for cell in (c for c in code if grade_meta(c).get("grade")):
        assert not stderr(cell), (grade_meta(cell)["grade_id"], stderr(cell))
        printed = "".join(o.text for o in outputs(cell, "stream"))
        assert "FAIL" not in printed and " passed, " in printed, printed
    last = code[-1]
    assert any("image/png" in o.data for o in outputs(last, "display_data")), "no loss curve drawn"
    table = "".join(o.text for o in outputs(last, "stream"))
    assert table.count("| True") == 2 and table.count("| False") == 2, table


@pytest.mark.slow
def test_the_student_notebook_runs_and_every_test_says_not_implemented(tmp_path):
    notebook = execute(STUDENT_NOTEBOOK, tmp_path)
    graded = [c for c in notebook.cells if grade_meta(c).get("grade")]
    assert len(graded) == len(SECTIONS)
    for cell in graded:
        (error,) = outputs(cell, "error")
        assert error.ename == "AssertionError", error
        assert "not implemented yet" in error.evalue, error.evalue
        assert not stderr(cell), (grade_meta(cell)["grade_id"], stderr(cell))
    for cell in notebook.cells:  # defining the stubs works; only the plot, which trains, raises
        if cell.cell_type == "code" and not grade_meta(cell).get("grade"):
            errors = outputs(cell, "error")
            assert not errors or errors[0].ename == "NotImplementedError", errors
