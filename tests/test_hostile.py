"""Hostile and broken submissions (tests/corpus/hostile) earn what their functions earn and
nothing more, the grade is always written, and classmates graded beside them are untouched.

The whole corpus is graded once, as one class with the reference, the stubs and the two
mistakes that some hostile files are twins of, two at a time (autograder.coursework.class_folder).
Each file's docstring starts ``hostile: EXPECTED: description``, where EXPECTED is

- ``zero``: scores 0;
- ``full``: every exercise scores what the reference scores;
- ``lose:a,b``: exercises a and b score less than the reference, every other one the same;
- ``only:a,b``: exercises a and b score what the reference scores, every other one 0;
- ``like:NAME``: every exercise scores exactly what tests/corpus/mistakes/NAME.py scores;
- ``notabove:NAME``: no exercise scores more than it does for tests/corpus/hostile/NAME.py,
  and the xor section 0.

answer_book_lookup.py is graded with the answers of a fresh release filled in.
"""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, by_exercise, corpus, declared, run_grader

from autograder import SECTIONS
from autograder.judge import seeds

pytestmark = pytest.mark.slow
HOSTILE = corpus("hostile")
TWINS = sorted({declared(p)[1].split(":", 1)[1] for p in HOSTILE if declared(p)[1].startswith("like:")})
KINDS = ("zero", "full", "lose", "only", "like", "notabove")
LOOKUP = "answer_book_lookup"  # gets the answers a fresh release ships (with_release_answers)
SPAWNED = Path("/tmp/xor-kit-hostile-spawned")  # what spawn_subprocess.py's shell would create
FORGED = [ROOT / "results.json", ROOT / "gradebook.csv", Path("/autograder/results/results.json")]
# Where symlink_swap_on_restart.py's links point: a judge that wrote through them would make these.
PLANTED = [Path("/tmp/xor-kit-hostile-symlink-target.py"), ROOT / "matplotlib.py"]
# A world-readable solution on the disk, for walk_disk_for_a_solution.py to find if it can.
LYING_AROUND = Path("/tmp/xor-kit-hostile-lying-around/xor_solution.py")
LEFT_BEHIND = ("xorkit-daemon", "xorkit-pipe")  # the names of the processes the daemons give themselves
LIMITS = ("--call-timeout", "10", "--total-timeout", "240")


def expectation(path: Path) -> tuple[str, list[str]]:
    kind, _, names = declared(path)[1].partition(":")
    return kind, [n for n in names.split(",") if n]


@pytest.fixture(scope="module")
def graded(tmp_path_factory, whole_corpus) -> dict:
    """Grade the corpus as one class; what each student got, and what was on disk before."""
    folder = tmp_path_factory.mktemp("hostile") / "class"
    folder.mkdir()
    for path in HOSTILE:
        shutil.copy(path, folder / path.name)
    with_release_answers(folder / f"{LOOKUP}.py", folder.parent / "release")
    for name in TWINS:
        shutil.copy(whole_corpus[CORPUS / "mistakes" / f"{name}.py"], folder / f"{name}.py")
    shutil.copy(ROOT / "solutions" / "xor_net.py", folder / "reference.py")
    shutil.copy(ROOT / "exercises" / "xor_net.py", folder / "stubs.py")
    SPAWNED.unlink(missing_ok=True)
    before = {p: p.stat().st_mtime_ns if p.exists() else None for p in FORGED + PLANTED}
    library, modes = library_contents(), kit_modes(folder)
    LYING_AROUND.parent.mkdir(mode=0o755, exist_ok=True)
    shutil.copy(ROOT / "solutions" / "xor_net.py", LYING_AROUND)
    LYING_AROUND.chmod(0o644)
    started = time.monotonic()
    try:
        done = run_grader("grade", str(folder), "--jobs", "2", *LIMITS, timeout=1800)
    finally:
        shutil.rmtree(LYING_AROUND.parent, ignore_errors=True)
    out = folder.parent / "class-grades"
    results = {p.parent.name: json.loads(p.read_text()) for p in out.glob("*/results.json")}
    with (out / "gradebook.csv").open(encoding="utf-8-sig") as table:  # a byte-order mark, for Excel
        book = {row["student"]: row for row in csv.DictReader(table)}
    return {"done": done, "results": results, "book": book, "before": before, "out": out,
            "seconds": time.monotonic() - started, "library": library, "modes": modes, "class": folder}


def kit_modes(folder: Path) -> dict[Path, tuple[int, bytes | None]]:
    """The modes and ACLs of what a submission must never open to others or lock away: the
    reference, the grading secret, the sandbox's and the judge's code, the class folder."""
    seeds.secret()  # made now if not yet, so that its mode is compared too
    paths = [ROOT / "solutions" / "xor_net.py", seeds.SECRET_DIR, *seeds.SECRET_DIR.iterdir(),
             ROOT / "autograder" / "sandbox", ROOT / "autograder" / "judge" / "scores.py", folder,
             *folder.iterdir()]
    modes = {}
    for path in paths:
        try:
            acl = os.getxattr(path, "system.posix_acl_access", follow_symlinks=False)
        except OSError:  # none (ENODATA), or a file system without ACLs
            acl = None
        modes[path] = (path.lstat().st_mode, acl)
    return modes


def library_contents() -> dict[str, tuple]:
    """The compiled library programs every sandbox reads (built first if they are not there):
    each file's bytes, mode and times, and the folder's mode."""
    from autograder.judge import library_programs

    folder = library_programs.LIBRARY_DIR
    assert library_programs.ready() == folder, "the library programs could not be built"
    entries = {p.name: (p.read_bytes(), p.lstat().st_mode, p.lstat().st_mtime_ns) for p in folder.iterdir()}
    return {**entries, ".": (b"", folder.lstat().st_mode, 0)}


def with_release_answers(lookup: Path, release: Path) -> None:
    """Fill the lookup's ANSWERS with the answer book of a release made now."""
    done = run_grader("release", str(release))
    assert done.returncode == 0, done.stderr[-3000:]
    (book,) = release.rglob("answers-public.json")
    source = lookup.read_text()
    assert "ANSWERS: dict = {}" in source
    lookup.write_text(source.replace("ANSWERS: dict = {}", f"ANSWERS: dict = {book.read_text()}", 1))


def points(graded: dict, student: str) -> dict[str, float]:
    return {s: got for s, (got, _) in by_exercise(graded["results"][student]).items()}


def test_the_corpus_is_big_enough_and_says_what_to_expect():
    assert len(HOSTILE) >= 18
    for path in HOSTILE:
        kind, names = expectation(path)
        assert declared(path)[0] == "hostile", path.name
        assert kind in KINDS, path.name
        if kind in ("lose", "only"):
            assert names and set(names) <= set(SECTIONS), path.name
        if kind == "like":
            assert (CORPUS / "mistakes" / f"{names[0]}.py").is_file(), path.name
        if kind == "notabove":
            assert (CORPUS / "hostile" / f"{names[0]}.py").is_file(), path.name


def test_the_class_is_graded_and_exits_0(graded):
    done = graded["done"]
    assert done.returncode == 0, done.stderr[-3000:]
    expected = {p.stem for p in HOSTILE} | set(TWINS) | {"reference", "stubs"}
    assert set(graded["book"]) == expected
    print(f"graded {len(expected)} submissions in {graded['seconds']:.0f} s")


@pytest.mark.parametrize("path", HOSTILE, ids=[p.stem for p in HOSTILE])
def test_a_hostile_submission_earns_only_what_its_functions_earn(graded, path):
    student = path.stem
    row = graded["book"][student]
    # import-error: the module did not import, so each test failed with that one message;
    # timeout: a function ran past its limit (the rest still graded)
    assert row["status"].split(":")[0] in ("graded", "import-error", "timeout"), (
        f"{student}: the grader itself did not survive: {row['status']}")
    result = graded["results"][student]
    assert result["max_score"] == 100 and len(result["tests"]) > 0
    got, reference = points(graded, student), points(graded, "reference")
    kind, names = expectation(path)
    if kind == "zero":
        assert result["score"] == 0, got
    elif kind == "full":
        assert got == reference
    elif kind == "lose":
        for section in SECTIONS:
            if section in names:
                assert got[section] < reference[section], (section, got)
            else:
                assert got[section] == reference[section], (section, got)
    elif kind == "only":
        assert got == {s: reference[s] if s in names else 0.0 for s in SECTIONS}
    elif kind == "notabove":
        baseline = points(graded, names[0])
        assert got["xor"] == 0 and all(got[s] <= baseline[s] for s in SECTIONS), (got, baseline)
    else:
        assert got == points(graded, names[0]), f"{student} should score exactly as {names[0]}"


def test_classmates_in_the_same_batch_are_untouched(graded, reference_result):
    reference, stubs = graded["results"]["reference"], graded["results"]["stubs"]
    assert reference["score"] == reference["max_score"] == 100
    assert [(t["name"], t["status"]) for t in reference["tests"]] == [
        (t["name"], t["status"]) for t in reference_result["tests"]]
    assert stubs["score"] == 0
    assert all("not implemented yet" in t["output"] for t in stubs["tests"])


def test_nothing_was_forged_spawned_or_left_outside_the_sandbox(graded):
    for path, mtime in graded["before"].items():
        now = path.stat().st_mtime_ns if path.exists() else None
        assert now == mtime, f"{path} was written during grading"
    assert not SPAWNED.exists(), "a submission ran a shell"
    assert not list(graded["out"].glob("*/gradebook.csv"))
    deep = [*Path("/tmp").glob("xor-kit-sandboxes/*/xorkit-deep"),
            *Path("/tmp").glob("xor-sandbox-*/xorkit-deep")]
    assert not deep, "a sandbox's folder outlived its grading"
    assert not left_behind(), "a process a submission started outlived its grading"
    assert library_contents() == graded["library"], "a submission changed the library programs"
    secret = seeds.SECRET_DIR.lstat()
    assert oct(secret.st_mode & 0o777) == "0o700", "a submission changed the grading secret's folder"
    assert kit_modes(graded["class"]) == graded["modes"], "a submission changed a mode or an ACL"


def test_no_report_blames_the_grader(graded):
    """Whatever a submission returns, the judge's own code does not fail on it: no test says
    "the grader itself failed" (grader_blamed_by_2d_losses.py tried)."""
    blamed = {student: [t["name"] for t in result["tests"] if t.get("extra_data", {}).get("kind") == "grader"]
              for student, result in graded["results"].items()}
    assert not {s: names for s, names in blamed.items() if names}


def left_behind(settle: float = 10.0) -> set[str]:
    """The daemons' processes still running ``settle`` seconds from now at the latest (the
    kernel ends a PID namespace's processes as it tears the namespace down, not at once)."""
    deadline = time.monotonic() + settle
    while True:
        names = {p.read_text().strip() for p in Path("/proc").glob("[0-9]*/comm") if _readable(p)}
        if not names & set(LEFT_BEHIND) or time.monotonic() > deadline:
            return names & set(LEFT_BEHIND)
        time.sleep(0.5)


def _readable(path: Path) -> bool:
    try:
        path.read_text()
    except OSError:
        return False
    return True


def test_every_submission_ran_behind_a_kernel_wall(graded):
    """The class runner requires isolation; each row of the gradebook says which wall held."""
    from autograder.launch import walls

    assert {row["wall"] for row in graded["book"].values()} <= set(walls.KERNEL_WALLS)


def test_timeouts_crashes_and_flooding_are_explained(graded):
    results = graded["results"]

    def outputs(student: str) -> str:
        return "\n".join(t["output"] for t in results[student]["tests"] if t["status"] == "failed")

    assert "no answer after 10 s" in outputs("endless_loop_in_batched_predict")
    assert "no answer after 60 s while importing your module" in outputs("endless_loop_at_import")
    assert "ended (exit status 3)" in outputs("os_exit_in_relu")
    assert "SyntaxError" in outputs("syntax_error")
    assert "not allow os.kill" in outputs("kill_parent_in_loss")
    assert "not allow subprocess.Popen" in outputs("spawn_subprocess")
    assert "not allow socket" in outputs("network_socket")
    assert "MemoryError" in outputs("huge_memory")
    assert "RecursionError" in outputs("infinite_recursion")
    assert "no answer after 60 s while importing your module" in outputs("flood_the_judge_with_questions")
    assert "sent a message nested in more than" in outputs("deeply_nested_reply")
    assert "E" * 100 in outputs("huge_exception_type_name")
    assert len(json.dumps(results["huge_exception_type_name"])) < 100_000, "a class name is cut short"
    flood, quiet = (len(json.dumps(results[s])) for s in ("print_megabytes", "reference"))
    assert flood < quiet + 8_000, "of megabytes printed, a few kilobytes reach the report"


def test_no_code_of_the_reference_reaches_the_sandbox(graded):
    """The functions lent for isolation are stand-ins that ask the judge: all the code a
    submission can reach through them is the sandbox's own (autograder/sandbox/lent.py)."""
    text = "\n".join(t["output"] for t in graded["results"]["leak_lent_reference"]["tests"])
    listed = re.findall(r"LENT-FILES \[([^\]]*)\]", text)
    assert listed, "the leak ran in the tests that lend reference functions"
    for files in filter(None, listed):  # [] where nothing was lent (the xor tests' train)
        names = [name.strip(" '") for name in files.split(",")]
        assert all(name.endswith("autograder/sandbox/lent.py") for name in names), files


def test_the_attacks_are_real_outside_the_sandbox(tmp_path):
    """Run as plain Python, the stealer finds the reference and the forger writes its files:
    the zeros above come from the sandbox, not from attacks that could never work."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp_path))
    steal = subprocess.run([sys.executable, str(CORPUS / "hostile" / "steal_reference.py")], cwd=tmp_path,
                           env=env, capture_output=True, text=True, timeout=300)
    assert "stolen from: solutions.xor_net" in steal.stdout, steal.stderr[-2000:]
    if Path("/autograder").exists():
        pytest.skip("unsandboxed, the forger would write into this machine's /autograder/results")
    env["PYTHONPATH"] = str(tmp_path)  # the forger writes beside itself and into the kit: not here
    forger = shutil.copy(CORPUS / "hostile" / "forge_results.py", tmp_path)
    forge = subprocess.run([sys.executable, forger], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=300)
    assert forge.returncode == 0, forge.stderr[-2000:]
    assert json.loads((tmp_path / "results.json").read_text())["score"] == 100


def test_the_answer_book_lookup_is_real_with_the_release_inputs(graded):
    """Graded with the inputs of the release's self-check (seed 0), the lookup scores more
    than zeros: its low official grade comes from the judge's own inputs, not from a lookup
    that could never work."""
    lookup = graded["out"].parent / "class" / f"{LOOKUP}.py"
    done = run_grader("grade", str(lookup), "--seed", "0", "--format", "json")
    assert done.returncode == 0, done.stderr[-2000:]
    at_release_inputs = json.loads(done.stdout)
    assert at_release_inputs["extra_data"]["seed"] == 0
    assert at_release_inputs["score"] > graded["results"]["shape_only_zeros"]["score"] + 10
    assert graded["results"][LOOKUP]["extra_data"]["seed"] != 0


def test_the_limits_are_grade_options():
    """--memory-mb raises the memory limit (huge_memory's update then runs), --call-timeout caps
    the time of one call (a function that timed out is not called again), --total-timeout the
    time a submission gets in all."""
    hungry = CORPUS / "hostile" / "huge_memory.py"
    roomy = run_grader("grade", str(hungry), "--exercise", "update", "--memory-mb", "16384",
                       "--format", "json")
    assert roomy.returncode == 0, roomy.stderr[-2000:]
    update = json.loads(roomy.stdout)
    assert update["score"] == update["max_score"] > 0, "8 GB of address space fit in 16 GB"
    endless = CORPUS / "hostile" / "endless_loop_in_batched_predict.py"
    started = time.monotonic()
    short = run_grader("grade", str(endless), "--exercise", "batched_predict", "--call-timeout", "3",
                       "--total-timeout", "8", "--format", "json")
    assert short.returncode == 0, short.stderr[-2000:]
    assert time.monotonic() - started < 120
    text = "\n".join(t["output"] for t in json.loads(short.stdout)["tests"])
    assert "no answer after 3 s" in text
    assert "so it was not called again" in text  # one wait, not one per test
    capped = run_grader("grade", str(endless), "--exercise", "batched_predict", "--call-timeout", "60",
                        "--total-timeout", "8", "--format", "json")
    assert capped.returncode == 0, capped.stderr[-2000:]
    text = "\n".join(t["output"] for t in json.loads(capped.stdout)["tests"])
    assert "the time for this whole submission (8 s) ran out" in text


def test_the_sandbox_applies_the_real_jit_whatever_a_submission_patches():
    """What patch_jit_numpy_relu.py would gain if the sandbox took jax.jit from the patched module."""
    code = (
        "import jax, numpy as np\n"
        "from autograder.sandbox import calls, child as sandbox\n"
        "namespace = {'relu': lambda x: np.maximum(x, 0.0)}\n"
        "jax.jit = lambda f, **kwargs: f\n"
        "call = calls.Call('relu', (np.array([-1.0, 2.0], np.float32),), transforms=('jit',))\n"
        "print('patched:', calls.perform(call, namespace, {}, jax))\n"
        "try:\n"
        "    calls.perform(call, namespace, {}, sandbox.GENUINE_JAX)\n"
        "except Exception as error:\n"
        "    print('genuine:', type(error).__name__)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "patched: [0. 2.]" in done.stdout, done.stderr[-2000:]
    assert "genuine: TracerArrayConversionError" in done.stdout, done.stderr[-2000:]


def test_every_report_stays_small_whatever_comes_back(graded):
    for name in ("results.json", "results.txt"):
        sizes = {p.parent.name: p.stat().st_size for p in graded["out"].glob(f"*/{name}")}
        assert sizes and max(sizes.values()) < 1 << 20, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]


def orphans_left() -> list[int]:
    """Sandbox processes that outlived their grader: orphan_outlives_killed_grader.py's, which
    marks its home once orphaned (other tests' sandboxes may run beside this one)."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
            sandbox = b"autograder.sandbox.child" in command
            marked = sandbox and Path(f"/proc/{entry}/cwd/left-behind-0").exists()
        except OSError:
            continue
        if marked:
            found.append(int(entry))
    return found


def test_a_killed_graders_sandbox_ends_with_it(tmp_path, monkeypatch):
    """orphan_outlives_killed_grader.py clears its parent-death signal and sleeps at import past
    --student-timeout: its grader is killed. Its sandbox must end with it, and the classmates
    after it, graded by fresh graders that may lease the same uid, keep full marks. Behind
    Landlock where no wall was chosen (as root, the orphan's leased uid is the next one's)."""
    from autograder.launch import walls

    if "XOR_KIT_WALL" not in os.environ and walls.confinement_works():
        monkeypatch.setenv("XOR_KIT_WALL", "landlock")
    folder, out = tmp_path / "class", tmp_path / "grades"
    folder.mkdir()
    shutil.copy(CORPUS / "hostile" / "orphan_outlives_killed_grader.py", folder / "a_orphan.py")
    for name in ("b_reference", "c_reference"):
        shutil.copy(ROOT / "solutions" / "xor_net.py", folder / f"{name}.py")
    done = run_grader("grade", str(folder), "--jobs", "1", "--student-timeout", "30", *LIMITS,
                      "--out", str(out))
    left = orphans_left()
    assert done.returncode == 0, done.stderr[-2000:]
    with (out / "gradebook.csv").open(encoding="utf-8-sig") as table:
        book = {row["student"]: row for row in csv.DictReader(table)}
    assert book["a_orphan"]["status"].startswith("timeout"), book["a_orphan"]
    for name in ("b_reference", "c_reference"):
        assert (book[name]["status"], book[name]["total"]) == ("graded", "100"), book[name]
    assert left == [], f"sandboxes outlived their graders: {left}"
