"""Notebook submissions: the code cells become a module (IPython syntax commented out, nbgrader's
test cells left out), and a notebook scores exactly what the same code scores in a .py."""

import ast
import json
from pathlib import Path

import nbformat
import pytest
from conftest import CORPUS, grade_json, run_grader
from corpus_files import assembled

from autograder.authoring.notebook_module import NotebookError, notebook_to_source

TEST_CELL = {"nbgrader": {"grade": True, "solution": False, "grade_id": "relu-tests", "points": 8}}
SOLUTION_CELL = {"nbgrader": {"grade": False, "solution": True, "grade_id": "relu"}}


def notebook_of(source: str, path: Path, extra_cells: bool = True) -> Path:
    """``source`` as a notebook: one cell per top-level function, one for the rest before it,
    with a markdown cell, magics, shell escapes and an nbgrader test cell in between."""
    tree = ast.parse(source)
    lines = source.splitlines()
    cells: list = []
    start = 0
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            if lines[start:first] and "".join(lines[start:first]).strip():
                cells.append(nbformat.v4.new_code_cell("\n".join(lines[start:first]).strip()))
            cells.append(nbformat.v4.new_code_cell("\n".join(lines[first:node.end_lineno]),
                                                   metadata=SOLUTION_CELL))
            start = node.end_lineno
    if extra_cells:
        cells[1:1] = [
            nbformat.v4.new_markdown_cell("# XOR\nRun `!pip install jax` first."),
            nbformat.v4.new_code_cell("%matplotlib inline\n!pip install -q jax\nfiles = !ls\n"
                                      "for _ in range(1):\n    %time pass\njnp.maximum?"),
            nbformat.v4.new_code_cell("%%writefile notes.txt\nthis is not Python"),
        ]
        cells.append(nbformat.v4.new_code_cell(
            "from autograder.judge.checks import key\nassert relu(jnp.array(-1.0)) == 0", metadata=TEST_CELL))
    notebook = nbformat.v4.new_notebook(cells=cells)
    nbformat.write(notebook, str(path))
    return path


def test_magics_and_shell_escapes_become_comments(tmp_path):
    source = notebook_to_source(notebook_of("import jax.numpy as jnp\n\n\ndef relu(x):\n"
                                            "    return jnp.maximum(x, 0.0)\n", tmp_path / "a.ipynb"))
    compile(source, "a.py", "exec")  # still Python, the indented magic included
    assert "# [IPython] %matplotlib inline" in source
    assert "# [IPython] !pip install -q jax" in source
    assert "# [IPython] files = !ls" in source
    assert "    pass  # [IPython] %time pass" in source
    assert "# [IPython] jnp.maximum?" in source
    assert "# [cell magic] %%writefile notes.txt" in source and "# [cell magic] this is not Python" in source
    assert "autograder" not in source, "nbgrader's test cells are left out"
    assert "pip install -q jax`" not in source, "markdown cells are left out"
    assert source.index("import jax.numpy") < source.index("def relu")


def test_code_cells_keep_their_order_and_python_lines_are_untouched(tmp_path):
    cells = ["x = 5 % 3\ny = {'a': 1}\n", "z = x != y\nw = -x", "def f(a=1):\n    return a"]
    path = tmp_path / "b.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]),
                   str(path))
    source = notebook_to_source(path)
    positions = [source.index(c.strip()) for c in cells]
    assert positions == sorted(positions)
    assert "[IPython]" not in source


@pytest.mark.parametrize("content, why", [
    ('{"cells": [', "not valid JSON (Expecting value at line 1, column 12)"),
    ("this is not json", "not valid JSON"),
    ('{"metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "has no list of cells"),
    ("[1, 2, 3]", "has no list of cells"),
    ('{"cells": [], "nbformat": 99, "nbformat_minor": 0}', "nbformat"),
])
def test_a_malformed_notebook_is_a_clear_error(tmp_path, content, why):
    path = tmp_path / "broken.ipynb"
    path.write_text(content)
    with pytest.raises(NotebookError, match="broken.ipynb is not a readable Jupyter notebook") as caught:
        notebook_to_source(path)
    assert why.lower() in str(caught.value).lower(), str(caught.value)


def test_grading_a_malformed_notebook_says_why_and_fails(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [')
    done = run_grader("grade", str(path))
    assert done.returncode == 2
    assert "broken.ipynb is not a readable Jupyter notebook" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_notebook_scores_what_the_same_code_scores_in_a_py(tmp_path):
    """A submission with one mistake (loss sums instead of averaging), as .py and as .ipynb."""
    py = CORPUS / "mistakes" / "loss_sum.py"
    notebook = notebook_of(py.read_text(), tmp_path / "loss_sum_notebook.ipynb")
    as_py = grade_json(py, tmp_path)
    as_notebook = grade_json(notebook, tmp_path)
    assert 0 < as_py["score"] < as_py["max_score"]
    assert as_notebook["score"] == as_py["score"]
    assert [(t["name"], t["status"], t["score"]) for t in as_notebook["tests"]] == [
        (t["name"], t["status"], t["score"]) for t in as_py["tests"]]
    assert json.dumps(as_notebook).count("[IPython]") == 0, "students never see the conversion"


def test_the_text_report_names_the_notebook(tmp_path):
    notebook = notebook_of(assembled(CORPUS / "mistakes" / "relu_abs.py"), tmp_path / "mine.ipynb")
    done = run_grader("grade", str(notebook), "--exercise", "relu")
    assert done.returncode == 0, done.stderr
    assert f"Grade for {notebook}" in done.stdout
    assert "x relu: " in done.stdout, "relu_abs's mistake is reported"
