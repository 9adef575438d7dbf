"""Corpora of submissions: common mistakes lose points on their exercise and no other;
correct solutions written differently get full marks."""

import pytest
from conftest import by_exercise, corpus, declared, grade_json

from autograder import EXERCISES

MISTAKES = corpus("mistakes")
CORRECT = corpus("correct")


def test_the_corpora_are_big_enough():
    assert len(MISTAKES) >= 30 and len(CORRECT) >= 10
    wrong = {declared(p)[1] for p in MISTAKES}
    assert wrong == set(EXERCISES), "every exercise has mistakes in the corpus"


@pytest.mark.parametrize("path", MISTAKES, ids=[p.stem for p in MISTAKES])
def test_a_mistake_costs_its_exercise_only(path, tmp_path):
    kind, exercise, description = declared(path)
    assert kind == "wrong" and exercise in EXERCISES
    table = by_exercise(grade_json(path, tmp_path))
    got, most = table[exercise]
    assert got < most, f"{path.name} ({description}) lost no points on {exercise}"
    for other, (other_got, other_most) in table.items():
        if other not in (exercise, "xor"):
            assert other_got == other_most, f"{path.name} lost points on {other} too"


@pytest.mark.parametrize("path", CORRECT, ids=[p.stem for p in CORRECT])
def test_a_correct_variant_gets_full_marks(path, tmp_path):
    assert declared(path)[0] == "correct"
    result = grade_json(path, tmp_path)
    failed = [(t["name"], t["output"][:500]) for t in result["tests"] if t["status"] != "passed"]
    assert result["score"] == result["max_score"] == 100, failed
