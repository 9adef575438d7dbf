"""The grader end to end: the reference gets full marks, the stubs get zero, and the
report and exit codes are as SPEC section 2 says."""

import json

from conftest import ROOT, by_exercise, grade_json, run_grader

from autograder import SECTIONS


def test_reference_gets_full_marks(reference_result):
    assert reference_result["max_score"] == 100
    assert reference_result["score"] == 100, [
        (t["name"], t["output"]) for t in reference_result["tests"] if t["status"] != "passed"]
    assert list(by_exercise(reference_result)) == list(SECTIONS)


def test_every_test_name_starts_with_its_exercise(reference_result):
    for test in reference_result["tests"]:
        section, _, words = test["name"].partition(": ")
        assert section in SECTIONS and words, test["name"]
        assert set(test) >= {"name", "score", "max_score", "status", "output"}


def test_points_per_exercise_are_positive_and_add_up(reference_result):
    table = by_exercise(reference_result)
    assert all(most > 0 for _, most in table.values())
    assert sum(most for _, most in table.values()) == reference_result["max_score"]


def test_untouched_stubs_score_zero_saying_not_implemented(tmp_path):
    result = grade_json(ROOT / "exercises" / "xor_net.py", tmp_path)
    assert result["score"] == 0
    assert result["max_score"] == 100
    for test in result["tests"]:
        assert test["status"] == "failed"
        assert "not implemented yet" in test["output"], (test["name"], test["output"])


def test_text_report_shows_the_table_and_the_truth_table():
    done = run_grader("grade", "solutions/xor_net.py")
    assert done.returncode == 0, done.stderr
    assert "total             100 / 100" in done.stdout
    for section in SECTIONS:
        assert f"\n{section} " in done.stdout
    assert "x1 x2 | XOR | output" in done.stdout
    assert " 0  1 |  1  |" in done.stdout


def test_default_path_is_the_students_exercises():
    done = run_grader("grade")
    assert done.returncode == 0, done.stderr
    assert "exercises/xor_net.py" in done.stdout
    assert "total               0 / 100" in done.stdout


def test_a_missing_path_is_a_grader_error_with_a_message():
    done = run_grader("grade", "no/such/file.py")
    assert done.returncode != 0
    assert "no such file" in done.stderr


def test_a_bad_option_is_a_grader_error():
    done = run_grader("grade", "--format", "xml")
    assert done.returncode != 0
    assert "invalid choice" in done.stderr


def test_json_goes_to_stdout_without_output(tmp_path):
    done = run_grader("grade", "exercises/xor_net.py", "--format", "json")
    assert done.returncode == 0
    result = json.loads(done.stdout)
    assert result["score"] == 0 and result["tests"]
