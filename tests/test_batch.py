"""Grading a folder of submissions: grader processes that grade one student after another, a
gradebook for the class, and runs that can be interrupted and picked up again without grading
anyone twice."""

import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_grader
from test_ipynb import notebook_of

from autograder import SECTIONS
from autograder.judge import training_file
from autograder.launch import walls

pytestmark = pytest.mark.slow
REFERENCE = ROOT / "solutions" / "xor_net.py"
STUBS = ROOT / "exercises" / "xor_net.py"
SPEC_KEYS = {"score", "max_score", "tests"}


def gradebook(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as table:  # with a byte-order mark, for Excel
        rows = list(csv.DictReader(table))
    return {row["student"]: row for row in rows}


def mtimes(out: Path) -> dict[str, int]:
    return {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/results.json")}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """A class of every kind of entry, graded once, two at a time."""
    root = tmp_path_factory.mktemp("batch")
    folder = root / "class"
    folder.mkdir()
    shutil.copy(REFERENCE, folder / "alice.py")  # a file
    (folder / "bob").mkdir()  # a folder with a notebook called xor_net.ipynb, and other things
    notebook_of(REFERENCE.read_text(), folder / "bob" / "xor_net.ipynb")
    (folder / "bob" / "helper.py").write_text("x = 1\n")
    (folder / "bob" / "notes.txt").write_text("hello\n")
    (folder / "carol" / "work").mkdir(parents=True)  # the only .py, deeper down
    shutil.copy(STUBS, folder / "carol" / "work" / "my_attempt.py")
    (folder / "dave").mkdir()  # two candidates, neither called xor_net
    shutil.copy(STUBS, folder / "dave" / "a.py")
    shutil.copy(STUBS, folder / "dave" / "b.py")
    (folder / "erin.ipynb").write_text('{"cells": [')  # not a notebook
    (folder / "frank").mkdir()  # nothing to grade
    (folder / "gus.py").symlink_to(REFERENCE)  # a link to the reference: not followed
    (folder / "hana").mkdir()  # a folder whose xor_net.py is a link
    (folder / "hana" / "xor_net.py").symlink_to(REFERENCE)
    (folder / ".hidden.py").write_text("raise SystemExit\n")
    (folder / "README.md").write_text("the class\n")
    done = run_grader("grade", str(folder), "--jobs", "2")
    return folder, root / "class-grades", done


def test_a_folder_is_graded_into_a_gradebook_and_exits_0(graded_class):
    folder, out, done = graded_class
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"wrote {out / 'gradebook.csv'}" in done.stdout
    with (out / "gradebook.csv").open(newline="", encoding="utf-8-sig") as table:
        header = next(csv.reader(table))
    assert header == ["student", "total", "max", *SECTIONS, "status", "wall", "raw_total", "auto_total",
                      "late_days", "penalty_percent", "overrides", "similar_to", "graded_at"]
    book = gradebook(out / "gradebook.csv")
    assert list(book) == ["alice", "bob", "carol", "dave", "erin", "frank", "gus", "hana"]
    assert {row["wall"] for s, row in book.items() if row["status"] == "graded"} <= set(walls.KERNEL_WALLS)
    assert "grading" in done.stderr and "student" in done.stderr, "a tqdm progress bar on stderr"


def test_each_student_gets_the_grade_their_code_earns(graded_class, reference_result):
    _, out, _ = graded_class
    book = gradebook(out / "gradebook.csv")
    for student in ("alice", "bob"):  # the reference as a .py, and as a notebook in a folder
        assert book[student]["status"] == "graded"
        assert float(book[student]["total"]) == reference_result["score"] == 100
        assert float(book[student]["max"]) == reference_result["max_score"]
        result = json.loads((out / student / "results.json").read_text())
        assert [(t["name"], t["status"]) for t in result["tests"]] == [
            (t["name"], t["status"]) for t in reference_result["tests"]]
    assert book["carol"]["status"] == "graded" and float(book["carol"]["total"]) == 0
    assert all(book["carol"][s] == "0" for s in SECTIONS)
    assert sum(float(book["alice"][s]) for s in SECTIONS) == float(book["alice"]["total"])


def test_what_cannot_be_graded_is_a_grader_error_with_the_reason(graded_class):
    _, out, _ = graded_class
    book = gradebook(out / "gradebook.csv")
    assert book["dave"]["status"].startswith("grader-error: 2 .py/.ipynb files")
    assert "a.py" in book["dave"]["status"] and "b.py" in book["dave"]["status"]
    assert book["erin"]["status"].startswith("grader-error: the grader exited with status 2")
    assert "not valid JSON" in book["erin"]["status"]
    assert book["frank"]["status"].startswith("grader-error: no .py or .ipynb file in the folder")
    assert book["gus"]["status"] == "grader-error: a symbolic link, not a file: hand in the file itself"
    assert book["hana"]["status"].startswith("grader-error: no .py or .ipynb file in the folder")
    for student in ("dave", "erin", "frank", "gus", "hana"):
        assert book[student]["total"] == "0" and book[student]["max"] == "100"
        result = json.loads((out / student / "results.json").read_text())
        assert result["score"] == 0 and result["tests"] == [] and result["max_score"] == 100
        assert result["output"].startswith("Not graded: ") and "Traceback" not in result["output"]


def test_every_student_folder_has_spec_clean_results_a_text_report_and_a_fingerprint(graded_class):
    folder, out, _ = graded_class
    sources = {"alice": folder / "alice.py", "bob": folder / "bob" / "xor_net.ipynb",
               "carol": folder / "carol" / "work" / "my_attempt.py", "erin": folder / "erin.ipynb"}
    for student, source in sources.items():
        result = json.loads((out / student / "results.json").read_text())
        assert SPEC_KEYS <= set(result) <= SPEC_KEYS | {"execution_time", "output", "output_format",
                                                        "visibility", "stdout_visibility", "extra_data"}
        recorded = (out / student / ".sha256").read_text().strip()
        assert recorded == hashlib.sha256(source.read_bytes()).hexdigest()
        text = (out / student / "results.txt").read_text()
        assert text.startswith(f"Grade for {source}")
    assert "total             100 / 100" in (out / "alice" / "results.txt").read_text()
    assert not list(out.glob("**/.results.json.*")), "no temporary files left behind"
    for student in ("alice", "bob"):  # what the plots show, kept for feedback; none drawn
        assert (out / student / training_file.NAME).is_file()
    assert not list(out.glob("**/*.png")) and not list(out.glob(f"**/.{training_file.NAME}.*"))


def test_a_rerun_grades_only_what_changed(graded_class):
    folder, out, _ = graded_class
    before = mtimes(out)
    again = run_grader("grade", str(folder), "--jobs", "2")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "grading 4 of 8 submissions" in again.stderr  # dave, frank, gus, hana: no file to know them by
    assert {s: t for s, t in mtimes(out).items() if s in ("alice", "bob", "carol")} == {
        s: t for s, t in before.items() if s in ("alice", "bob", "carol")}
    shutil.copy(REFERENCE, folder / "carol" / "work" / "my_attempt.py")  # carol hands in again
    third = run_grader("grade", str(folder), "--jobs", "2", "--output", str(folder.parent / "book.csv"))
    assert third.returncode == 0, third.stderr[-2000:]
    assert "grading 5 of 8 submissions" in third.stderr
    book = gradebook(folder.parent / "book.csv")
    assert float(book["carol"]["total"]) == 100 and book["carol"]["status"] == "graded"
    now = mtimes(out)
    assert now["carol"] != before["carol"] and now["alice"] == before["alice"]


def test_a_grader_past_the_student_limit_is_stopped_and_recorded(tmp_path):
    folder = tmp_path / "slow"
    folder.mkdir()
    shutil.copy(REFERENCE, folder / "zoe.py")
    started = time.monotonic()
    done = run_grader("grade", str(folder), "--student-timeout", "2", "--out", str(tmp_path / "out"))
    assert time.monotonic() - started < 60
    assert done.returncode == 0, done.stderr[-2000:]
    book = gradebook(tmp_path / "out" / "gradebook.csv")
    assert book["zoe"]["status"] == "timeout: the grader was stopped after 2 s on this submission"
    result = json.loads((tmp_path / "out" / "zoe" / "results.json").read_text())
    assert result["score"] == 0 and result["tests"] == [] and "stopped after 2 s" in result["output"]


def test_the_next_student_is_graded_after_a_grader_was_stopped(tmp_path):
    """One grader grades the students in turn (--jobs 1): the one it was stopped on is a
    timeout, and a fresh grader grades the next, as a grader of its own would have."""
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a_sleeper.py").write_text("import time\ntime.sleep(3600)\n")
    shutil.copy(STUBS, folder / "b_stubs.py")
    shutil.copy(REFERENCE, folder / "c_reference.py")
    done = run_grader("grade", str(folder), "--jobs", "1", "--student-timeout", "20", "--call-timeout", "100",
                      "--total-timeout", "100", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr[-2000:]
    book = gradebook(tmp_path / "out" / "gradebook.csv")
    assert book["a_sleeper"]["status"] == "timeout: the grader was stopped after 20 s on this submission"
    assert (book["b_stubs"]["status"], book["b_stubs"]["total"]) == ("graded", "0")
    assert (book["c_reference"]["status"], book["c_reference"]["total"]) == ("graded", "100")


def test_an_empty_folder_is_an_error(tmp_path):
    done = run_grader("grade", str(tmp_path))
    assert done.returncode == 2 and "no submissions" in done.stderr


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_an_interrupted_run_is_finished_by_the_next_without_regrading(tmp_path, how):
    folder, out = tmp_path / "class", tmp_path / "grades"
    folder.mkdir()
    for name in ("s1", "s2", "s3", "s4"):
        shutil.copy(REFERENCE if name in ("s1", "s3") else STUBS, folder / f"{name}.py")
    command = [sys.executable, "-m", "autograder", "grade", str(folder), "--jobs", "2", "--out", str(out)]
    batch = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, PYTHONWARNINGS="ignore::DeprecationWarning"))
    deadline = time.monotonic() + 300
    while not list(out.glob("*/.sha256")) and batch.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    batch.send_signal(how)
    _, stderr = batch.communicate(timeout=120)
    finished = {p.parent.name for p in out.glob("*/.sha256")}
    assert batch.returncode == 130, stderr[-2000:]
    assert "interrupted" in stderr
    assert 1 <= len(finished) < 4, "interrupted after the first grade and before the last"
    before = {s: t for s, t in mtimes(out).items() if s in finished}
    again = run_grader("grade", str(folder), "--jobs", "2", "--out", str(out))
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"grading {4 - len(finished)} of 4 submissions" in again.stderr
    assert {s: t for s, t in mtimes(out).items() if s in finished} == before
    book = gradebook(out / "gradebook.csv")
    assert {s: (row["status"], row["total"]) for s, row in book.items()} == {
        "s1": ("graded", "100"), "s2": ("graded", "0"), "s3": ("graded", "100"), "s4": ("graded", "0")}


def test_students_are_named_after_their_entries_and_same_names_refused_together(tmp_path):
    from autograder.coursework.class_folder import find_entries

    for name in ("alice.py", "alice.ipynb", "bob.py", ".hidden.py", "notes.txt"):
        (tmp_path / name).write_text("")
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "xor_net.py").write_text("")
    (tmp_path / "grades").mkdir()
    (tmp_path / "grades" / "xor_net.py").write_text("")
    entries = find_entries(tmp_path, skip=((tmp_path / "grades").resolve(),))
    assert [(e.student, e.source and e.source.relative_to(tmp_path).as_posix()) for e in entries] == [
        ("alice", None), ("bob", "bob.py")]
    assert entries[0].problem.startswith("'alice' and 'alice.ipynb' and 'alice.py' are the same student")
