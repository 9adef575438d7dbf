"""The student release: no reference code, no hidden test, and a grader that still works
from the folder alone (its recorded answers cover every call of the public tests)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import CORPUS, INTERNAL_ERROR, ROOT, by_exercise, run_grader
from corpus_files import assembled

from autograder import EXERCISES, SECTIONS, SOLUTION_PATH
from autograder.coursework.release import problems_in, solution_lines, text_lines
from autograder.judge import seeds, submissions
from autograder.launch import own_cache

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


# -- a self-check's own compile cache (autograder.launch.own_cache) ---------------------------

STUDENT_UID = 65534  # who the self-checks run as when the tests run as root (root keeps no cache)
PLANT = CORPUS / "hostile" / "plant_program_in_own_cache.py"
OWN_CACHE_SEEN = "COMPILE CACHE READ BY THIS GRADING: "  # what PLANT prints at import


@pytest.fixture(scope="module")
def students(release) -> Path:
    """The release, a shim and the files to grade in a folder a student owns: as root, one of
    an ordinary user's, who runs the self-checks (``self_check``)."""
    base = Path(tempfile.mkdtemp(prefix="xor-kit-students-"))
    base.chmod(0o755)
    shutil.copytree(release, base / "kit", ignore=shutil.ignore_patterns(".cache"))
    for folder in ("shim", "work", "home"):
        (base / folder).mkdir()
    (base / "shim" / "sitecustomize.py").write_text(SHIM)
    for source in (SOLUTION_PATH, CORPUS / "mistakes" / "relu_abs.py", PLANT):
        (base / "work" / source.name).write_text(assembled(source))  # a corpus mistake, whole
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", f"{STUDENT_UID}:{STUDENT_UID}", str(base)], check=True)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def self_check(base: Path, name: str, user: str, **env: str) -> dict:
    """``grade work/NAME`` in the release, as a student whose XDG_CACHE_HOME is ``base/user``."""
    out = base / "work" / f"{name}-{user}-{len(list((base / 'work').glob('*.json')))}.json"
    command = [sys.executable, "-m", "autograder", "grade", str(base / "work" / name), "--format", "json",
               "--output", str(out)]
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(base / "home"),
                   "XDG_CACHE_HOME": str(base / user), "PYTHONWARNINGS": "ignore::DeprecationWarning",
                   "PYTHONPATH": f"{base / 'shim'}{os.pathsep}{base / 'kit'}", **env}
    if os.geteuid() == 0:  # as an ordinary user, the way .ci/run runs the hostile suite
        command = [sys.executable, str(ROOT / ".ci" / "as_user.py"), str(STUDENT_UID), str(base / "kit"),
                   "env", "-i", *(f"{k}={v}" for k, v in environment.items()), *command]
        environment = dict(os.environ)
    done = subprocess.run(command, cwd=base / "kit", env=environment, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return json.loads(out.read_text())


def student_uid() -> int:
    return STUDENT_UID if os.geteuid() == 0 else os.geteuid()


def cache_of(base: Path, user: str, name: str = "xor_net.py") -> Path:
    """``user``'s cache for self-checks of ``work/NAME`` (one folder per file graded)."""
    return base / user / "xor-kit" / f"compile-{student_uid()}" / own_cache.file_key(base / "work" / name)


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def test_the_cache_rules_name_the_judges_own_secret_class_run_and_variable():
    from autograder.sandbox import child

    assert own_cache.KIT_SECRET_DIR == seeds.KIT_SECRET_DIR
    assert own_cache.SECRET_ENV in Path(seeds.__file__).read_text()
    assert own_cache.CLASS_RUN_ENV == submissions.BLOCKED_ENV
    assert own_cache.CACHE_VARIABLE == child.CACHE_VARIABLE
    assert not own_cache.allowed(guarded=True)
    assert not own_cache.RELEASE_MARK.exists()  # the instructor's kit is no release


def test_a_self_check_keeps_its_own_cache_and_a_regrade_compiles_only_what_changed(students):
    first = self_check(students, "xor_net.py", "alice")
    assert first["score"] == first["max_score"]
    folder = cache_of(students, "alice")
    written = contents(folder)
    assert len(written) > 20, sorted(written)
    info = folder.stat()
    assert info.st_mode & 0o777 == 0o700 and info.st_uid == student_uid()
    again = self_check(students, "xor_net.py", "alice")
    assert again["score"] == first["score"] and contents(folder).keys() == written.keys()  # nothing compiled
    source = students / "work" / "xor_net.py"
    body = "    return jax.vmap(predict, in_axes=(None, 0))(params, X)\n"
    assert body in source.read_text()
    source.write_text(source.read_text().replace(body, body.replace("(params, X)", "(params, X) * 1.0")))
    edited = self_check(students, "xor_net.py", "alice")
    new = sorted(contents(folder).keys() - written.keys())
    assert edited["score"] == first["score"]
    assert new and all(name.startswith("jit_batched_predict-") for name in new), new


def test_a_planted_program_changes_only_its_own_users_self_checks(students):
    """PLANT writes a correct relu under the key of its wrong one: its own user's self-check
    loads it, no one else's grading does (another user's cache is out of reach, and a kit with
    the grading secret or a class run keeps no cache)."""
    bob_before = self_check(students, "relu_abs.py", "bob")
    bob_cache = contents(cache_of(students, "bob", "relu_abs.py"))
    assert bob_cache
    planted = self_check(students, "plant_program_in_own_cache.py", "alice")
    assert f"{OWN_CACHE_SEEN}/" in planted["output"] and "PLANTED 9" in planted["output"], planted["output"]
    assert by_exercise(planted)["relu"][0] > by_exercise(bob_before)["relu"][0]  # the plant works on its user
    assert contents(cache_of(students, "bob", "relu_abs.py")) == bob_cache
    assert by_exercise(self_check(students, "relu_abs.py", "bob")) == by_exercise(bob_before)
    # The same user's check of another file (a TA checking a classmate's, then their own) reads
    # another folder: the plant is not in it.
    assert by_exercise(self_check(students, "relu_abs.py", "alice")) == by_exercise(bob_before)
    secret = students / "kit" / ".cache" / "secret"
    cases = (("a kit with the grading secret", {}), ("a class run", {own_cache.CLASS_RUN_ENV: "/nowhere"}))
    for case, env in cases:
        if case.endswith("secret"):
            secret.mkdir(parents=True)
            (secret / seeds.SECRET_NAME).write_text("0" * 64)
        try:
            graded = self_check(students, "plant_program_in_own_cache.py", "alice", **env)
        finally:
            shutil.rmtree(secret, ignore_errors=True)
        printed = graded["output"].split(OWN_CACHE_SEEN, 1)[1].split()[0]
        assert "own-cache" not in printed and "compile-" not in printed, (case, printed)
        assert by_exercise(graded) == by_exercise(bob_before), case
