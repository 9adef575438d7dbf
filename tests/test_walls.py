"""The kernel's walls around a sandbox, tried from inside with the audit hook switched off
(as a determined submission would): what it can see, who it runs as, what the grade says."""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, run_grader

from autograder import XLA_CACHE_DIR
from autograder.launch import walls
from autograder.launch.door import Limits, SandboxProcess, SubmissionError
from autograder.sandbox.calls import Call

NO_REACH = {"blocked": [], "private": [], "allowed": []}
HIDDEN = [ROOT / "autograder", ROOT / "solutions", XLA_CACHE_DIR]
AVAILABLE = [w for w, works in ((walls.NAMESPACES, walls.namespaces_work),
                                (walls.LANDLOCK, walls.confinement_works)) if works()]

# At import: the hook off, then one 0/1 per question, answered by relu whatever its input.
PROBE = '''
import os, sys
import jax.numpy as jnp

sys.modules["__main__"].Guard.__call__ = lambda self, event, args: None


def reads(path):
    try:
        with open(path, "rb") as file:
            file.read(1)
        return 1.0
    except OSError:
        return 0.0


def lists(path):
    try:
        return 1.0 if os.listdir(path) else 0.0
    except OSError:
        return 0.0


def writes(path):
    try:
        with open(path, "w") as file:
            file.write("x")
        return 1.0
    except OSError:
        return 0.0


def forks():
    try:
        pid = os.fork()
    except OSError:
        return 0.0
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return 1.0


FACTS = [reads(SOLUTION), reads(JUDGE), lists(CACHE), lists(SANDBOXES), writes(OUTSIDE),
         writes(os.path.join(os.getcwd(), "mine.txt")), forks()]


def relu(x):
    return jnp.array(FACTS)
'''
# relu(0) ends the process: the judge must start another to ask again.
CRASH_ON_ZERO = """
asked = relu


def relu(x):
    if float(x[0]) == 0:
        os._exit(1)
    return asked(x)
"""
QUESTIONS = ("reads the reference", "reads the judge", "lists the compile cache", "lists other sandboxes",
             "writes outside its folder", "writes its own folder", "starts a process")


def facts(tmp_path: Path, wall: str, restarts: int = 0) -> dict[str, bool]:
    """What a submission behind ``wall`` could do, asked from inside (after its process
    ended ``restarts`` times, and the judge started another each time)."""
    entry = XLA_CACHE_DIR / f"probe-entry-{os.getpid()}"
    with contextlib.suppress(OSError):  # an ordinary user may not write root's cache: it is listed anyway
        XLA_CACHE_DIR.mkdir(parents=True, exist_ok=True)
        entry.write_text("a compiled program")
    outside = tmp_path / "outside"
    outside.mkdir()
    outside.chmod(0o777)
    constants = {"SOLUTION": ROOT / "solutions" / "xor_net.py",
                 "JUDGE": ROOT / "autograder" / "judge" / "grading.py", "CACHE": XLA_CACHE_DIR,
                 "SANDBOXES": Path("/tmp/xor-kit-sandboxes"),
                 "OUTSIDE": outside / "planted.txt"}
    source = "".join(f"{name} = {str(path)!r}\n" for name, path in constants.items()) + PROBE + CRASH_ON_ZERO
    submission = tmp_path / "xor_net.py"
    submission.write_text(source)
    process = SandboxProcess(submission, Limits(), lambda home: NO_REACH, HIDDEN, wall=wall,
                             unsafe=wall == walls.HOOK_ONLY)
    try:
        for _ in range(restarts):
            with pytest.raises(SubmissionError, match="ended"):
                process.call(Call("relu", (np.zeros(1, np.float32),)))
        answer = process.call(Call("relu", (np.ones(1, np.float32),)))
        assert process.wall == wall
    finally:
        process.close()
    with contextlib.suppress(OSError):
        entry.unlink()
    return dict(zip(QUESTIONS, (bool(v) for v in np.asarray(answer)), strict=True))


def expected_facts(wall: str) -> dict[str, bool]:
    """Its own folder only; no new process where seccomp holds (behind namespaces too, where
    the machine has libseccomp: a forked child would get an address-space limit of its own)."""
    return {q: q == "writes its own folder"
            or (q == "starts a process" and wall == walls.NAMESPACES and not walls.seccomp_works())
            for q in QUESTIONS}


@pytest.mark.parametrize("wall", AVAILABLE)
def test_behind_a_kernel_wall_a_submission_reaches_its_own_folder_only(tmp_path, wall):
    got = facts(tmp_path, wall)
    assert got == expected_facts(wall), got


@pytest.mark.parametrize("wall", AVAILABLE)
def test_a_restarted_sandbox_is_walled_as_the_first(tmp_path, wall):
    """Every start after a crash gets the judge's wall again (nothing the child said changes it)."""
    got = facts(tmp_path, wall, restarts=2)
    assert got == expected_facts(wall), got


def test_with_the_hook_alone_the_same_submission_reaches_everything(tmp_path):
    """The probe is real: switched off, the hook stops none of it (why it is not the wall)."""
    got = facts(tmp_path, walls.HOOK_ONLY)
    assert got["reads the reference"] and got["reads the judge"] and got["starts a process"]


def sandbox_processes() -> list[dict[str, str]]:
    """The /proc status of every sandbox child started by this test process."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            if b"autograder.sandbox.child" not in command or not Path(command[0].decode()).name.startswith(
                    "python"):
                continue  # bubblewrap's own processes name the child too
            status = dict(line.split(":\t", 1) for line in (entry / "status").read_text().splitlines()
                          if ":\t" in line)
        except OSError:
            continue
        pid, ancestors = entry.name, set()
        while pid not in ("0", "1") and pid not in ancestors:
            ancestors.add(pid)
            try:
                pid = (Path("/proc") / pid / "status").read_text().split("PPid:\t")[1].split()[0]
            except (OSError, IndexError):
                break
        if str(os.getpid()) in ancestors:
            found.append(status)
    return found


@pytest.mark.parametrize("wall", AVAILABLE)
def test_every_sandbox_is_unprivileged_and_as_root_has_a_uid_of_its_own(tmp_path, wall):
    submission = tmp_path / "xor_net.py"
    submission.write_text("def relu(x):\n    return x\n")
    # Under the grader's own uid, sandboxes take turns (walls.UidTurn): one at a time here.
    together = 1 if os.geteuid() != 0 and wall != walls.NAMESPACES else 2
    sandboxes = [SandboxProcess(submission, Limits(), lambda home: NO_REACH, HIDDEN, wall=wall)
                 for _ in range(together)]
    try:
        for process in sandboxes:
            process.start()
        statuses = sandbox_processes()
        assert len(statuses) == together
        for status in statuses:
            assert int(status["CapEff"], 16) == 0, status
            assert status["NoNewPrivs"].strip() == "1"
        uids = {status["Uid"].split()[0] for status in statuses}
        if os.geteuid() == 0:
            assert "0" not in uids and len(uids) == 2, uids
        else:
            assert uids == {str(os.geteuid())}
    finally:
        for process in sandboxes:
            process.close()
    assert sandbox_processes() == []


def test_a_symbolic_link_is_not_graded_through(tmp_path):
    link = tmp_path / "xor_net.py"
    link.symlink_to(ROOT / "solutions" / "xor_net.py")
    done = run_grader("grade", str(link), "--format", "json")
    assert done.returncode == 2 and "symbolic link" in done.stderr, done.stderr[-2000:]


def test_a_folder_link_above_the_file_is_not_graded_through(tmp_path):
    """A link to a folder anywhere in the path (the solutions, or a classmate's folder) is
    refused too, for a .py and for a notebook, which is read once and never by name again."""
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "sub").symlink_to(ROOT / "solutions")
    notebooks = tmp_path / "nb"
    notebooks.symlink_to(ROOT / "course" / "source" / "xor_net")
    for path in (tmp_path / "repo" / "sub" / "xor_net.py", notebooks / "xor_net.ipynb"):
        done = run_grader("grade", str(path), "--format", "json")
        assert done.returncode == 2 and "a symbolic link" in done.stderr, done.stderr[-2000:]
        assert done.stdout == "" and "Traceback" not in done.stderr
    fifo = tmp_path / "fifo.py"
    os.mkfifo(fifo)
    done = run_grader("grade", str(fifo), timeout=120)  # opened without blocking, then refused
    assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr[-2000:]


def test_the_bytes_hashed_for_the_seed_are_the_bytes_graded(tmp_path):
    """A file swapped while it is graded (stubs one instant, the reference the next) is graded
    as one of the two, with that one's seed: the judge reads it once."""
    from autograder.judge import seeds

    versions = {name: (ROOT / folder / "xor_net.py").read_bytes()
                for name, folder in (("stubs", "exercises"), ("reference", "solutions"))}
    target, stop = tmp_path / "xor_net.py", threading.Event()
    target.write_bytes(versions["stubs"])

    def swap() -> None:
        while not stop.is_set():
            for name, data in versions.items():
                (tmp_path / f".{name}.swap").write_bytes(data)
                os.replace(tmp_path / f".{name}.swap", target)

    swapper = threading.Thread(target=swap)
    swapper.start()
    try:
        done = run_grader("grade", str(target), "--exercise", "relu", "--format", "json")
    finally:
        stop.set()
        swapper.join()
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    graded_as = {seeds.for_submission(data): name for name, data in versions.items()}
    name = graded_as[result["extra_data"]["seed"]]
    assert result["score"] == (result["max_score"] if name == "reference" else 0), name


def test_without_a_kernel_wall_untrusted_work_is_refused_with_the_fix(tmp_path):
    env = dict(os.environ, **{walls.WALL_ENV: "hook"})

    def grade(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "autograder", "grade", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=600)

    single = grade("exercises/xor_net.py", "--require-isolation")
    assert single.returncode == 3
    assert "no kernel wall" in single.stderr and "fix:" in single.stderr and single.stderr.count("\n") == 1
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "alice.py").write_text((ROOT / "exercises" / "xor_net.py").read_text())
    batch = grade(str(folder))
    assert batch.returncode == 3 and "no kernel wall" in batch.stderr
    assert not (tmp_path / "class-grades").exists()
    # Never root, and never a kit that holds the reference and the secret, without a wall,
    # unless the instructor says so.
    trusted = grade("exercises/xor_net.py", "--exercise", "relu", "--format", "json")
    assert trusted.returncode == 3 and trusted.stdout == "", trusted.stderr[-2000:]
    assert walls.UNSAFE_OPTION in trusted.stderr and trusted.stderr.count("\n") == 1
    assert ("runs as root" if os.geteuid() == 0 else "holds the reference") in trusted.stderr
    trusted = grade("exercises/xor_net.py", "--exercise", "relu", "--format", "json", walls.UNSAFE_OPTION)
    assert trusted.returncode == 0, trusted.stderr[-2000:]
    wall = json.loads(trusted.stdout)["extra_data"]["wall"]
    assert wall.startswith(walls.HOOK_ONLY) and "NO kernel wall" in wall and walls.UNSAFE_OPTION in wall


def test_the_report_names_the_wall(reference_result):
    assert reference_result["extra_data"]["wall"] == walls.available()
    assert walls.available() in walls.KERNEL_WALLS


# A release's self-check: its own compile cache, named by the judge (autograder.launch.own_cache).
OWN_CACHE_PROBE = '''
import os, sys
import jax
import jax.numpy as jnp

sys.modules["__main__"].Guard.__call__ = lambda self, event, args: None
CACHE = jax.config.jax_compilation_cache_dir


def writes(path):
    try:
        with open(path, "w") as file:
            file.write("x")
        return 1.0
    except OSError:
        return 0.0


def reads(path):
    try:
        with open(path) as file:
            return 1.0 if file.read() else 0.0
    except OSError:
        return 0.0


FACTS = [writes(os.path.join(CACHE, "planted")) if CACHE else 0.0, reads(OTHER), writes(OTHER + ".new")]


def relu(x):
    return jnp.array(FACTS)
'''


@pytest.mark.parametrize("wall", AVAILABLE)
def test_a_self_checks_own_cache_is_reachable_and_nothing_beside_it(tmp_path, wall):
    """The door binds (or lets Landlock open) the cache it is given, read-write; another
    user's cache beside it stays out of reach. A root judge's leased uid gets none."""
    mine, other = tmp_path / "xor-kit" / "compile-mine", tmp_path / "xor-kit" / "compile-other"
    for folder in (mine, other):
        folder.mkdir(parents=True, mode=0o700)
    (other / "entry").write_text("another user's program")
    other.chmod(0o777)  # even open to everyone: the wall keeps it out
    submission = tmp_path / "xor_net.py"
    submission.write_text(f"OTHER = {str(other / 'entry')!r}\n" + OWN_CACHE_PROBE)
    process = SandboxProcess(submission, Limits(), lambda home: NO_REACH, HIDDEN, wall=wall, cache=mine)
    try:
        answer = process.call(Call("relu", (np.ones(1, np.float32),)))
    finally:
        process.close()
    as_root = os.geteuid() == 0
    assert [bool(v) for v in np.asarray(answer)] == [not as_root, False, False]
    assert (mine / "planted").exists() != as_root
    assert sorted(p.name for p in other.iterdir()) == ["entry"]


BORROWER = ROOT / "tests" / "corpus" / "hostile" / "kit_inside_interpreter_folder_borrows_reference.py"


@pytest.mark.slow
@pytest.mark.parametrize("wall", AVAILABLE)
def test_a_kit_inside_the_interpreters_folder_is_hidden_whole(wall):
    """A checkout cloned into a virtual environment's folder: the sandbox reads that folder (it
    holds Python), so the walls hide the whole kit in it, not only the package and the
    reference: its tests/ (the hostile corpus holds the reference's code) and .git too."""
    if not os.access(sys.prefix, os.W_OK):
        pytest.skip(f"{sys.prefix} is not this user's: no kit can be cloned into it here")
    kit = Path(tempfile.mkdtemp(prefix="xorkit-", dir=sys.prefix))  # beside this venv's lib/
    try:
        kit.chmod(0o755)  # a leased uid (the judge as root) reads the interpreter's folder
        skip = shutil.ignore_patterns(".venv", ".cache", "__pycache__")
        shutil.copytree(ROOT, kit, symlinks=True, ignore=skip, dirs_exist_ok=True)
        command = [sys.executable, "-m", "autograder", "grade", str(kit / BORROWER.relative_to(ROOT)),
                   "--format", "json"]
        done = subprocess.run(command, cwd=kit, capture_output=True, text=True, timeout=900,
                              env={**os.environ, "XOR_KIT_WALL": wall, "PYTHONPATH": str(kit)})
        assert done.returncode == 0, done.stderr[-3000:]
        result = json.loads(done.stdout)
        assert "BORROWED" not in result["output"] and result["score"] == 0, result["output"][-2000:]
    finally:
        shutil.rmtree(kit, ignore_errors=True)
