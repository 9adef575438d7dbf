"""The grader end to end: the reference gets full marks, the stubs get zero, and the
report and exit codes are as docs/contract.md says."""

import json

import numpy as np
from conftest import ROOT, by_exercise, grade_json, run_grader

from autograder import SECTIONS
from autograder.judge.described import describe
from autograder.judge.feedback import number, scrub, show
from autograder.judge.report import score_table, text_report
from autograder.judge.scores import Scores
from autograder.judge.scores import TestResult as Result
from autograder.sandbox.calls import Call


def test_reference_gets_full_marks(reference_result):
    assert reference_result["max_score"] == 100
    assert reference_result["score"] == 100, [
        (t["name"], t["output"]) for t in reference_result["tests"] if t["status"] != "passed"]
    assert list(by_exercise(reference_result)) == list(SECTIONS)


def test_the_reference_gets_no_notes(reference_result):
    """Notes (a Python loop where vmap is asked for) are for submissions, not the reference."""
    assert [t["name"] for t in reference_result["tests"]
            if t["output"] and not t["name"].startswith("xor:")] == []


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


# The report's presentation, on results made up here (no grading needed).

def _result(name: str, output: str = "", passed: bool = False, hidden: bool = False, failure: str = "",
            **details) -> Result:
    return Result(name=name, exercise=name.split(":")[0], points=1.0, hidden=hidden,
                  passed=passed, output=output, failure=failure, details=details)


def test_the_score_table_is_aligned_for_one_exercise():
    table = score_table(Scores(results=[_result("relu: a", passed=True)])).splitlines()
    header, row, total = table[0], table[2], table[-1]
    assert header.index("points") + len("points") == row.index("/") + 4 == total.index("/") + 4


def test_the_same_error_in_several_tests_is_one_entry_public_first():
    error = "\n  it raised ValueError: {}\nIn your code:\n  line 3, in relu: if x > 0:\nLikely cause: an if"
    fields = {"failure": "raised", "error": "ValueError", "mine": ["line 3, in relu: if x > 0:"],
              "cause": "an if"}
    results = [_result("relu: hidden one", "Called relu(x) with x: []" + error.format("empty"), hidden=True,
                       **fields),
               _result("relu: first", "Called relu(x) with x: [1, 2]" + error.format("of [1, 2]"), **fields),
               _result("relu: second", "Called relu(x) with x: [3]" + error.format("of [3]"), **fields)]
    text = text_report(Scores(results=results, submission="s.py"), 1.0, show_hidden=True)
    assert text.count("  x ") == 1, text
    assert "the same error in 3 tests of relu" in text
    assert text.index("first; second; hidden one (hidden)") < text.index("Called relu(x) with x: [1, 2]")
    assert "Called relu(x) with x: [3]" not in text  # only the first call is shown


def test_numbers_never_print_as_negative_zero():
    assert number(-0.0) == number(-0.00001) == "0.0000"
    assert number(-0.25) == "-0.2500"
    assert "-0." not in show(np.array([-0.0, -1e-7, 2.0], dtype=np.float32))


def test_calls_are_described_in_words_with_the_parameter_names():
    params = {"w1": np.zeros((16, 2)), "b1": np.zeros(16), "w2": np.zeros((1, 16)), "b2": np.zeros(1)}
    call = Call("train", (params, np.zeros((5, 3), np.float32), np.zeros(5, np.float32)), {"epochs": 4})
    assert describe(call) == ("train(params, X, Y, epochs=4) with params: a 2-16-1 network's parameters; "
                              "X: 5 random rows of 3 inputs; Y: random numbers of shape (5,)")
    assert describe(Call("init_params", (np.array([0, 7], np.uint32),))) == "init_params(PRNGKey(7))"


def test_error_messages_keep_no_grader_paths():
    message = ("The error occurred while tracing the function <lambda> at "
               "/opt/kit/autograder/sandbox/calls.py:120 for jit. See /home/me/hw/xor_net.py:19 and "
               "/opt/kit/autograder/sandbox/lent.py, /v/lib/python3.11/site-packages/jax/api.py")
    assert scrub(message) == "See xor_net.py:19 and autograder/sandbox/lent.py, jax/api.py"


def test_a_slow_train_is_told_what_it_cost_and_a_fast_one_is_not():
    from autograder.judge.submissions import SLOW_TRAIN_SECONDS, SandboxSubmission

    sandbox = SandboxSubmission(ROOT / "solutions" / "xor_net.py")  # nothing starts before a call
    try:
        sandbox.train_seconds = SLOW_TRAIN_SECONDS / 2
        assert sandbox.slow_train_note() is None
        sandbox.train_seconds = 38.2
        note = sandbox.slow_train_note()
        assert note is not None and "your train took 38 s in all" in note and "jax.jit" in note
    finally:
        sandbox.close()
