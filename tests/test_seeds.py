"""The official grade's inputs come from a seed the judge derives from the submission and a
secret; the report names it and ``grade --seed N`` grades exactly as it did."""

import json
import multiprocessing
import os
import shutil
import stat

from conftest import CORPUS, run_grader
from corpus_files import assembled

from autograder.judge import seeds

MISTAKE = CORPUS / "mistakes" / "init_params_no_scale.py"  # fails with numbers in its messages


def graded(path, *extra: str) -> dict:
    done = run_grader("grade", str(path), "--exercise", "init_params", "--format", "json", *extra)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def outputs(result: dict) -> list[tuple[str, str, str]]:
    return [(t["name"], t["status"], t["output"]) for t in result["tests"]]


def test_a_grade_is_reproduced_by_its_seed_and_another_file_gets_other_inputs(tmp_path):
    mistake = tmp_path / "handed-in" / MISTAKE.name
    mistake.parent.mkdir()
    mistake.write_text(assembled(MISTAKE))  # the corpus mistake as a whole module
    first, again = graded(mistake), graded(mistake)
    seed = first["extra_data"]["seed"]
    assert seed != seeds.FIXED and again["extra_data"]["seed"] == seed
    assert outputs(again) == outputs(first)
    replayed = graded(mistake, "--seed", str(seed))
    assert replayed["extra_data"]["seed"] == seed and outputs(replayed) == outputs(first)
    edited = tmp_path / MISTAKE.name
    edited.write_text(mistake.read_text() + "\n# one more line\n")
    other = graded(edited)
    assert other["extra_data"]["seed"] != seed
    assert [o[2] for o in outputs(other) if o[1] == "failed"] != [
        o[2] for o in outputs(first) if o[1] == "failed"], "other keys, other messages"
    assert graded(edited, "--seed", str(seed))["score"] == first["score"]


def test_a_bad_seed_is_one_clear_line():
    done = run_grader("grade", str(MISTAKE), "--seed", "-3")
    assert done.returncode == 2 and "must be a whole number" in done.stderr
    assert "Traceback" not in done.stderr


def test_seeds_depend_on_the_secret_and_the_bytes():
    a = seeds.for_submission(b"def relu(x): ...", key=b"one secret")
    assert a == seeds.for_submission(b"def relu(x): ...", key=b"one secret")
    assert a != seeds.for_submission(b"def relu(x): ...", key=b"another secret")
    assert a != seeds.for_submission(b"def relu(x): ... ", key=b"one secret")
    assert all(1 <= seeds.for_submission(bytes([i]), key=b"k") <= seeds.SEEDS for i in range(256))


def _read_secret(path: str) -> bytes:
    from pathlib import Path

    return seeds.secret(Path(path))


def test_parallel_graders_agree_on_one_private_secret(tmp_path):
    """The first grader makes the secret; graders started at once all read that one."""
    path = tmp_path / "secret" / "grading-secret"
    with multiprocessing.get_context("spawn").Pool(6) as pool:
        found = pool.map(_read_secret, [str(path)] * 12)
    assert len(set(found)) == 1 and len(found[0]) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["grading-secret"], "no drafts left"
    shutil.rmtree(path.parent)
    assert not os.path.exists(path)
