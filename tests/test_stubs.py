"""One source: the exercises are generated from the solutions and kept in step."""

import ast
import subprocess
import sys

import pytest
from conftest import ROOT

from autograder import EXERCISE_PATH, EXERCISES, SOLUTION_PATH
from autograder.authoring.stubs import BEGIN, END, make_stubs


def test_exercises_are_up_to_date_with_the_solutions():
    assert EXERCISE_PATH.read_text() == make_stubs(SOLUTION_PATH.read_text()), (
        "exercises/xor_net.py is out of date: run `python -m autograder stubs`")


def test_every_exercise_body_becomes_not_implemented_naming_it():
    tree = ast.parse(make_stubs(SOLUTION_PATH.read_text()))
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert set(functions) == set(EXERCISES)
    for name, node in functions.items():
        assert ast.get_docstring(node), name
        (raise_,) = [n for n in node.body if isinstance(n, ast.Raise)]
        assert f"{name}: not implemented yet" in ast.unparse(raise_)


def test_no_solution_code_reaches_the_stubs():
    solution = SOLUTION_PATH.read_text()
    regions = [part.split(END)[0] for part in solution.split(BEGIN)[1:]]
    code = {line.strip() for region in regions for line in region.splitlines()}
    code -= {"", '"""'}
    stub_lines = {line.strip() for line in make_stubs(solution).splitlines()}
    assert len(code) > 10
    assert not code & stub_lines


def test_unbalanced_markers_are_refused():
    with pytest.raises(ValueError):
        make_stubs("def f():\n    ### BEGIN SOLUTION\n    return 1\n")
    with pytest.raises(ValueError):
        make_stubs("def f():\n    return 1\n    ### END SOLUTION\n")


def test_the_contract_checker_is_clean():
    checker = ROOT.parent / "shared" / "tools" / "check_spec.py"
    if not checker.exists():
        pytest.skip("shared/tools/check_spec.py is not beside this checkout")
    done = subprocess.run([sys.executable, str(checker), str(ROOT)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
