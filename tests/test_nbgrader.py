"""The nbgrader round trip, for real: generate, submit, autograde, feedback, in a scratch course.

Three students hand in: alice the reference's bodies, bob the untouched student
notebook, carol the reference except one exercise done wrong. nbgrader's
gradebook must give full marks, zero, and full marks less that exercise's
points; ``python -m autograder grade`` must agree on each notebook.
"""

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, run_grader
from nbgrader.api import Gradebook

from autograder import SECTIONS
from autograder.authoring.source_notebook import (
    ASSIGNMENT,
    NBGRADER_CONFIG,
    SOURCE_NOTEBOOK,
    STUDENT_NOTEBOOK,
)
from autograder.authoring.stubs import BEGIN, END
from autograder.judge.notebook_checks import points

pytestmark = pytest.mark.slow

# carol's one mistake: batched_predict keeps only output unit 0, so its shape is (n,)
# instead of (n, 1). Every batched_predict test fails; training, and so the xor tests, do not
# notice (they read the four outputs whatever their shape).
WRONG_EXERCISE = "batched_predict"
RIGHT_LINE = "return jax.vmap(predict, in_axes=(None, 0))(params, X)"
WRONG_LINE = "return jax.vmap(predict, in_axes=(None, 0))(params, X)[:, 0]"


def nbgrader(course: Path, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}{done.stderr}"


def solutions_by_id(notebook) -> dict[str, str]:
    """The solution cells' code, as a student who got it right would hand it in."""
    return {cell.metadata.nbgrader.grade_id: "\n".join(
        line for line in cell.source.splitlines() if line.strip() not in (BEGIN, END))
        for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("solution")}


def filled_in(student, answers: dict[str, str]):
    notebook = nbformat.from_dict(json.loads(json.dumps(student)))  # a deep copy
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return notebook


def test_the_nbgrader_round_trip_grades_like_the_grader(tmp_path, monkeypatch):
    # nbgrader runs the `alembic` script for its gradebook: find it beside this Python.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    course = tmp_path
    shutil.copy(NBGRADER_CONFIG, course / NBGRADER_CONFIG.name)
    shutil.copytree(SOURCE_NOTEBOOK.parent, course / SOURCE_NOTEBOOK.relative_to(ROOT).parent)
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    released = course / "course" / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert released.read_text() == STUDENT_NOTEBOOK.read_text(), (
        "exercises/xor_net.ipynb is not what nbgrader makes: run `python -m autograder notebook`")

    student = nbformat.read(released, as_version=4)
    reference = solutions_by_id(nbformat.read(SOURCE_NOTEBOOK, as_version=4))
    assert reference[WRONG_EXERCISE].count(RIGHT_LINE) == 1
    mistaken = dict(reference, **{WRONG_EXERCISE: reference[WRONG_EXERCISE].replace(RIGHT_LINE,
                                                                                      WRONG_LINE)})
    handed_in = {"alice": filled_in(student, reference), "bob": student,
                 "carol": filled_in(student, mistaken)}
    submitted = {}
    for name, notebook in handed_in.items():
        path = course / "course" / "submitted" / name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(notebook, path)
        submitted[name] = path

    nbgrader(course, "autograde", ASSIGNMENT, "--create")
    db = f"sqlite:///{course / 'course' / 'gradebook.db'}"
    with Gradebook(db, course_id="xor-jax-kit") as gradebook:
        scores = {name: gradebook.find_submission(ASSIGNMENT, name).score for name in handed_in}
        maximum = gradebook.find_assignment(ASSIGNMENT).max_score
        carol_cells = {g.name: g.score for g in gradebook.find_submission_notebook(
            ASSIGNMENT, ASSIGNMENT, "carol").grades}
    total = sum(points(section) for section in SECTIONS)
    assert maximum == total
    assert scores == {"alice": total, "bob": 0, "carol": total - points(WRONG_EXERCISE)}
    assert carol_cells[f"test_{WRONG_EXERCISE}"] == 0
    assert all(score > 0 for cell, score in carol_cells.items() if cell != f"test_{WRONG_EXERCISE}")

    nbgrader(course, "generate_feedback", ASSIGNMENT)
    for name, score in scores.items():
        html = course / "course" / "feedback" / name / ASSIGNMENT / f"{ASSIGNMENT}.html"
        assert html.is_file(), name
        assert f"(Score: {score:.1f} / {maximum:.1f})" in html.read_text(), name

    def grade(path: Path) -> dict:
        out = tmp_path / f"{path.parts[-3]}.json"
        done = run_grader("grade", str(path), "--format", "json", "--output", str(out))
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(out.read_text())

    with ThreadPoolExecutor(max_workers=len(submitted)) as pool:
        graded = dict(zip(submitted, pool.map(grade, submitted.values()), strict=True))
    assert {name: result["score"] for name, result in graded.items()} == scores
