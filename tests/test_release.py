"""The student release: no reference code, no hidden test, and a grader that still works
from the folder alone (its recorded answers cover every call of the public tests)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import INTERNAL_ERROR, run_grader

from autograder import EXERCISES, SECTIONS, SOLUTION_PATH
from autograder.coursework.release import problems_in, solution_lines, text_lines

# Only the release on the path: this venv's editable install of the kit would otherwise
# lend the release any module it lacks.
SHIM = "import sys\nsys.meta_path[:] = [f for f in sys.meta_path if '__editable__' not in " \
       "getattr(f, '__module__', '')]\n"


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "xor-assignment"
    done = run_grader("release", str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "hidden tests worth" in done.stdout
    return out


def in_release(release: Path, *args: str, shim: Path) -> subprocess.Popen:
    """``python ARGS`` from the release folder, as on a student's machine."""
    env = dict(os.environ, PYTHONPATH=f"{shim}{os.pathsep}{release}",
               PYTHONWARNINGS="ignore::DeprecationWarning")
    for name in ("XOR_KIT_ANSWERS", "XOR_SUBMISSION"):
        env.pop(name, None)
    return subprocess.Popen([sys.executable, *args], cwd=release, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def shim(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("shim")
    (folder / "sitecustomize.py").write_text(SHIM)
    return folder


@pytest.fixture(scope="module")
def graded(release, shim, tmp_path_factory) -> dict[str, dict]:
    """The release grading its own stubs and, as a student's file, the reference (which also
    tries to read the recorded answers, and prints what happened)."""
    folder = tmp_path_factory.mktemp("student")
    student = folder / "xor_net.py"
    answers = release / "autograder" / "answers" / "answers-public.json"
    student.write_text(SOLUTION_PATH.read_text() + (
        "\n\ntry:\n"
        f"    open({str(answers)!r}).read()\n"
        "    print('ANSWERS READ')\n"
        "except Exception as error:\n"
        "    print('ANSWERS BLOCKED', type(error).__name__)\n"))
    runs = {
        "stubs": in_release(release, "-m", "autograder", "grade", "--format", "json",
                            "--output", str(folder / "stubs.json"), shim=shim),
        "reference": in_release(release, "-m", "autograder", "grade", str(student), "--format",
                                "json", "--output", str(folder / "reference.json"), shim=shim),
    }
    results = {}
    for name, process in runs.items():
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err[-3000:]
        results[name] = json.loads((folder / f"{name}.json").read_text())
    return results


def test_every_exercise_has_a_hidden_test_shown_after_publishing(reference_result):
    hidden = [t for t in reference_result["tests"] if t["visibility"] == "after_published"]
    assert sorted({t["name"].split(":")[0] for t in hidden}) == sorted(EXERCISES)
    assert all(t["visibility"] == "visible" for t in reference_result["tests"] if t not in hidden)
    assert reference_result["max_score"] == 100


def test_the_release_has_what_a_student_needs_and_no_solutions(release):
    for name in ("README.md", "pyproject.toml", "exercises/xor_net.py", "docs/tutorial.md",
                 "autograder/judge/answers/answers-public.json", "autograder/suites/test_relu.py"):
        assert (release / name).is_file(), name
    names = {p.relative_to(release).as_posix() for p in release.rglob("*")}
    assert not any(n.startswith(("solutions", "tests", "course", ".cache")) for n in names)
    assert not {"autograder/suites/test_hidden.py", "autograder/coursework/release.py",
                "autograder/coursework/gradescope.py", "autograder/authoring/stubs.py"} & names


def test_no_line_of_the_reference_solution_is_in_any_file(release):
    secret = solution_lines()
    assert len(secret) > 10 and secret <= text_lines(SOLUTION_PATH)  # the check can see them
    files = [p for p in release.rglob("*") if p.is_file()]
    assert len(files) > 20
    for path in files:
        assert not text_lines(path) & secret, path
        assert "### BEGIN SOLUTION" not in path.read_text(errors="replace"), path
    assert problems_in(release) == []


def test_the_release_grader_has_no_hidden_test_and_no_instructor_command(release, shim):
    hidden = in_release(release, "-m", "pytest", "autograder/suites", "--collect-only", "-q",
                        "-m", "hidden", "-p", "no:cacheprovider", shim=shim)
    public = in_release(release, "-m", "pytest", "autograder/suites", "--collect-only", "-q",
                        "-p", "no:cacheprovider", shim=shim)
    usage = in_release(release, "-m", "autograder", "--help", shim=shim)
    hidden_out, _ = hidden.communicate(timeout=120)
    public_out, _ = public.communicate(timeout=120)
    usage_out, usage_err = usage.communicate(timeout=120)
    assert "no tests collected" in hidden_out and "deselected" in hidden_out, hidden_out[-2000:]
    assert public.returncode == 0 and " tests collected" in public_out, public_out[-2000:]
    assert usage.returncode == 0, usage_err
    commands = usage_out.split("COMMAND", 2)[-1]
    assert "grade" in commands
    for instructor_only in ("release", "gradescope", "stubs", "notebook"):
        assert f"\n    {instructor_only} " not in commands, usage_out


def test_released_stubs_score_zero_saying_not_implemented(graded, reference_result):
    result = graded["stubs"]
    hidden = sum(t["max_score"] for t in reference_result["tests"]
                 if t["visibility"] == "after_published")
    assert result["score"] == 0
    assert result["max_score"] == 100 - hidden
    assert {t["name"].split(":")[0] for t in result["tests"]} == set(SECTIONS)
    for test in result["tests"]:
        assert test["visibility"] == "visible"
        assert "not implemented yet" in test["output"], (test["name"], test["output"])


def test_the_reference_as_a_students_file_gets_every_public_point(graded):
    result = graded["reference"]
    failed = [(t["name"], t["output"][:300]) for t in result["tests"] if t["status"] != "passed"]
    assert result["score"] == result["max_score"] == graded["stubs"]["max_score"], failed
    assert not any(INTERNAL_ERROR in t["output"] for t in result["tests"])


def test_a_submission_cannot_read_the_recorded_answers(graded):
    printed = graded["reference"].get("output", "")
    assert "ANSWERS BLOCKED" in printed and "ANSWERS READ" not in printed, printed
    assert "ANSWERS READ" not in printed


def test_the_release_will_not_write_into_a_folder_that_has_files(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    done = run_grader("release", str(tmp_path))
    assert done.returncode == 1 and "not an empty folder" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_the_release_checks_with_seed_0_only(release, shim, graded):
    """A release ships the answers to the inputs of seed 0 and has no reference to answer
    others: its self-check uses seed 0, and asking for another seed is one clear refusal."""
    assert graded["reference"]["extra_data"]["seed"] == 0
    process = in_release(release, "-m", "autograder", "grade", "--seed", "5", shim=shim)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 2, out[-2000:] + err[-2000:]
    assert "seed 0 only" in err and "Traceback" not in err
