"""Corpora of submissions: common mistakes lose points on their exercise and no other, and
their feedback names them; correct solutions written differently get full marks.

Both corpora are graded once, as one class (``grade FOLDER``, autograder.coursework.class_folder),
and each test reads its file's results.json: what ``grade FILE --format json`` writes too. Their
files are stored as changes over the reference and graded as whole modules (tests/corpus_files.py).
"""

import json
import shutil
from pathlib import Path

import pytest
from conftest import INTERNAL_ERROR, by_exercise, corpus, declared, declared_cause, once_per_run, run_grader

from autograder import EXERCISES

MISTAKES = corpus("mistakes")
CORPUS_MISTAKES = MISTAKES[0].parent
CORRECT = corpus("correct")


@pytest.fixture(scope="session")
def graded(tmp_path_factory, whole_corpus) -> dict[str, dict]:
    """Each corpus file's results.json, by file name."""
    return once_per_run(tmp_path_factory, "corpora", lambda folder: grade_corpora(folder, whole_corpus))


def grade_corpora(folder: Path, whole_corpus: dict[Path, Path]) -> dict[str, dict]:
    (folder / "class").mkdir()
    for path in MISTAKES + CORRECT:
        shutil.copy(whole_corpus[path], folder / "class" / path.name)
    done = run_grader("grade", str(folder / "class"), "--out", str(folder / "grades"), timeout=3600)
    assert done.returncode == 0, done.stderr[-3000:]
    results = (folder / "grades").glob("*/results.json")
    return {f"{p.parent.name}.py": json.loads(p.read_text()) for p in results}


def result_of(graded: dict[str, dict], path: Path) -> dict:
    result = graded[path.name]
    internal = [t["name"] for t in result["tests"] if INTERNAL_ERROR in t["output"]]
    assert not internal, f"grader bugs on {path.name}: {internal}"
    return result


def test_the_corpora_are_big_enough():
    assert len(MISTAKES) >= 30 and len(CORRECT) >= 10
    wrong = {declared(p)[1] for p in MISTAKES}
    assert wrong == set(EXERCISES), "every exercise has mistakes in the corpus"
    assert [p.name for p in MISTAKES if not declared_cause(p)] == [], "each declares its cause's words"


@pytest.mark.parametrize("path", MISTAKES, ids=[p.stem for p in MISTAKES])
def test_a_mistake_costs_its_exercise_only(path, graded):
    kind, exercise, description = declared(path)
    assert kind == "wrong" and exercise in EXERCISES
    result = result_of(graded, path)  # the points and the feedback both come from it
    table = by_exercise(result)
    got, most = table[exercise]
    assert got < most, f"{path.name} ({description}) lost no points on {exercise}"
    for other, (other_got, other_most) in table.items():
        if other not in (exercise, "xor"):
            assert other_got == other_most, f"{path.name} lost points on {other} too"
    assert_feedback_names_it(path, exercise, result)


def likely_causes(test: dict) -> list[str]:
    return [line for line in test["output"].splitlines() if line.startswith("Likely cause: ")]


def assert_feedback_names_it(path, exercise: str, result: dict) -> None:
    """Every failed test of the exercise says a likely cause, and one of them holds each of
    the words the file declares."""
    failed = [t for t in result["tests"] if t["status"] != "passed" and t["name"].startswith(exercise + ":")]
    unexplained = [t["name"] for t in failed if not likely_causes(t)]
    assert not unexplained, f"{path.name}: no likely cause in {unexplained}"
    causes = "\n".join(line.lower() for t in failed for line in likely_causes(t))
    missing = [w for w in declared_cause(path) if w.lower() not in causes]
    assert not missing, f"{path.name}: the likely causes do not say {missing}:\n{causes}"


@pytest.mark.parametrize("path", CORRECT, ids=[p.stem for p in CORRECT])
def test_a_correct_variant_gets_full_marks(path, graded):
    assert declared(path)[0] == "correct"
    result = result_of(graded, path)
    failed = [(t["name"], t["output"][:500]) for t in result["tests"] if t["status"] != "passed"]
    assert result["score"] == result["max_score"] == 100, failed
    looped = [t["name"] for t in result["tests"] if LOOP_NOTE in t["output"]]
    if path.name == "python_loop_batched_predict.py":  # right but not vmap: a note, no points lost
        assert looped == ["batched_predict: each row matches predict on the xor inputs"], looped
    else:
        assert not looped, f"{path.name} maps with vmap or scan, yet got the note on loops: {looped}"


LOOP_NOTE = "loops in Python"


# Mistakes that break training, and the function the xor section must blame for it.
XOR_BLAMES = {"predict_no_output_bias.py": "predict", "update_gradient_ascent.py": "update",
              "train_loss_before_epoch.py": "train", "train_losses_list_before_update.py": "train"}


@pytest.mark.parametrize("name", sorted(XOR_BLAMES))
def test_the_xor_section_names_the_function_that_is_wrong(name, graded):
    result = result_of(graded, CORPUS_MISTAKES / name)
    failed = [t for t in result["tests"] if t["name"].startswith("xor:") and t["status"] != "passed"]
    assert failed, f"{name} lost no xor points"
    blamed = [t["name"] for t in failed if f"Likely cause: your {XOR_BLAMES[name]}" not in t["output"]]
    assert not blamed, f"{name}: these xor tests do not blame {XOR_BLAMES[name]}: {blamed}"
    if name == "update_gradient_ascent.py":
        assert "training diverged at epoch" in failed[0]["output"], failed[0]["output"]
        assert "while w2 @ relu(w1 @ x + b1) + b2 is nan" not in failed[0]["output"]
