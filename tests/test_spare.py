"""The next student's sandbox, started while one grades (autograder.launch.spare): walled before
it is sent any submission, one student's only, not touched by the one before, and closed with
its grader process."""

import fcntl
import json
import os
import select
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

from autograder.files import SANDBOX_ROOT, private_folder, remove_folder
from autograder.judge import submissions
from autograder.judge.submissions import SandboxSubmission, SubmissionError
from autograder.launch import door, spare, walls
from autograder.sandbox import protocol
from autograder.sandbox.calls import Call

WALL = walls.available()
# Each student marks its home, then says whether a mark was there and which uid it runs as.
MARKING = """import os
def relu(x):
    seen = os.path.exists("mark")
    open("mark", "w").close()
    return x * 0 + 1000 * seen + (os.getuid() % 1000)
"""
CRASHING = "import os\ndef relu(x):\n    os._exit(9)\n"


# Sandboxes under the grader's own uid (an ordinary user behind Landlock or the hook) take
# turns (walls.UidTurn): none starts beside a grading, so no spare is made there.
SHARES_UID = os.geteuid() != 0 and WALL != walls.NAMESPACES
needs_a_takeable_spare = pytest.mark.skipif(
    SHARES_UID, reason="sandboxes under the grader's own uid take turns: no spare starts beside a grading")


@pytest.fixture
def kept_spares():
    """This test process acts as a class's grader process; its spare is closed afterwards."""
    spare.keep_spares()
    yield
    spare.discard()
    spare._kept = False


def class_copy(source: str) -> tuple[Path, bytes]:
    """A submission where a class run puts its copy: a private folder in SANDBOX_ROOT."""
    path = private_folder("xor-class-") / "xor_net.py"
    path.write_text(source)
    return path, source.encode()


def graded(source: str) -> tuple[SandboxSubmission, Path]:
    path, data = class_copy(source)
    return SandboxSubmission(path, require_isolation=WALL in walls.KERNEL_WALLS, source=data,
                             unsafe=WALL == walls.HOOK_ONLY), path


def relu_of(submission: SandboxSubmission) -> float:
    return float(np.asarray(submission.call(Call("relu", (np.zeros(1, np.float32),))))[0])


def child_status(process: door.SandboxProcess) -> dict[str, str]:
    """The /proc status of the sandbox child under ``process`` (bubblewrap's or not)."""
    pids, found = [process._process.pid], {}
    while pids:
        pid = pids.pop()
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            pids += children.read().split()
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if b"autograder.sandbox.child" in command and Path(command[0].decode()).name.startswith("python"):
            found = dict(line.split(":\t", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                         if ":\t" in line)
    return found


@needs_a_takeable_spare
def test_a_spare_is_walled_before_it_is_sent_any_source(kept_spares, monkeypatch):
    """Launch, WallsUp, and only then Source: the spare starts, builds its wall and waits,
    holding nothing of any student's, until a grading takes it."""
    traffic: list[str] = []
    write_all, next_message = door.frames.write_all, door.SandboxProcess._next_message

    def sent(descriptor: int, data: bytes, deadline: float) -> None:
        traffic.append("sent " + json.loads(data[protocol.HEADER.size:])["type"])
        write_all(descriptor, data, deadline)

    def received(self, deadline: float, expected: tuple) -> tuple:
        message, size = next_message(self, deadline, expected)
        traffic.append("got " + message.TYPE)
        return message, size

    monkeypatch.setattr(door.frames, "write_all", sent)
    monkeypatch.setattr(door.SandboxProcess, "_next_message", received)
    opened: list[tuple[SandboxSubmission, Path]] = []
    try:
        opened.append(graded(MARKING))
        first = opened[0][0]
        assert relu_of(first) < 1000
        kept = spare._spare
        assert kept is not None and kept.path is None and kept._process is not None
        assert select.select([kept._replies], [], [], 60)[0]  # it has said WallsUp, unread yet
        status = child_status(kept)  # started during the first grading: walled, waiting
        if os.geteuid() == 0:
            assert kept.lease.uid != first.process.lease.uid
            assert int(status["Uid"].split()[0]) == kept.lease.uid
        if WALL in walls.KERNEL_WALLS and walls.seccomp_works():
            assert status["Seccomp"].strip() == "2"
        assert kept.home is None or not any(kept.home.iterdir())  # nothing of a student's in it
        traffic.clear()
        opened.append(graded(MARKING))
        second = opened[1][0]
        assert second.process is kept
        assert relu_of(second) < 1000
        ours = [t for t in traffic if t != "sent launch"]  # the next spare's start is no one's yet
        assert ours[:3] == ["got walls-up", "sent source", "got ready"], traffic
    finally:
        for submission, path in opened:
            submission.close()
            remove_folder(path.parent)


@needs_a_takeable_spare
def test_consecutive_students_never_share_a_child_uid_or_home_and_a_crash_leaves_the_next_alone(
        kept_spares):
    """Three students one after another, the first crashing its child at every call: each gets
    a child of its own (a restart for the same student is a fresh one), no student finds the
    mark the one before left in its home, and as root none shares a uid with the one before."""
    children, uids, paths = [], [], []
    try:
        crashing, path = graded(CRASHING)
        paths.append(path)
        for _ in range(2):
            with pytest.raises(SubmissionError) as caught:
                relu_of(crashing)
            assert caught.value.kind == "crashed"
        kept = spare._spare
        assert kept is not None and kept._process.poll() is None
        crashing.close()
        for _ in range(2):
            student, path = graded(MARKING)
            paths.append(path)
            assert student.process is kept  # the spare made while the one before graded
            value = relu_of(student)
            children.append(student.process._process.pid)
            uids.append(student.process.lease.uid)
            assert value < 1000, "a mark of the student before was in this student's home"
            kept = spare._spare
            student.close()
        assert children[0] != children[1]
        if os.geteuid() == 0:
            assert uids[0] != uids[1] and None not in uids
    finally:
        for path in paths:
            remove_folder(path.parent)


@pytest.mark.skipif(not SHARES_UID, reason="here each sandbox has a uid or a user namespace of its own")
def test_no_spare_starts_beside_a_grading_under_the_graders_own_uid(kept_spares):
    """A spare under the same uid would share its count of threads with the grading beside
    it; it does not wait for the turn either: the grading goes on, and the next starts its own."""
    first, first_path = graded(MARKING)
    try:
        assert relu_of(first) < 1000 and first.process._turn is not None
        assert spare._spare is None
    finally:
        first.close()
        remove_folder(first_path.parent)


@needs_a_takeable_spare
def test_a_spare_made_otherwise_is_closed_and_the_grading_starts_its_own(kept_spares):
    first, first_path = graded(MARKING)
    relu_of(first)
    kept = spare._spare
    assert kept is not None
    first.close()
    path, data = class_copy(MARKING)
    try:
        limits = submissions.Limits(call_seconds=59)
        other = SandboxSubmission(path, limits, source=data, unsafe=WALL == walls.HOOK_ONLY,
                                  require_isolation=WALL in walls.KERNEL_WALLS)
        assert other.process is not kept and kept._process is None  # closed, its lease released
        assert relu_of(other) < 1000
        other.close()
    finally:
        remove_folder(first_path.parent)
        remove_folder(path.parent)


def test_a_spare_reach_is_the_one_a_class_copy_would_get():
    """Behind Landlock or the hook alone the hook's reach is fixed at launch: a copy in
    SANDBOX_ROOT (where a class run puts it) adds nothing to a spare's, made without a path."""
    home = private_folder()
    path, _ = class_copy(MARKING)
    try:
        if path.resolve().is_relative_to(SANDBOX_ROOT.resolve()):
            assert submissions._reach(path, home) == submissions._reach(None, home)
        else:  # someone else's SANDBOX_ROOT: the copy's own folder is named, so no spare is taken
            assert str(path.parent.resolve()) in submissions._reach(path, home)["private"]
        assert submissions._reach(ROOT / "exercises" / "xor_net.py", home) == submissions._reach(None, home)
        outside = Path("/var/tmp/elsewhere/xor_net.py")
        assert str(outside.parent) in submissions._reach(outside, home)["private"]
    finally:
        remove_folder(home)
        remove_folder(path.parent)


def leased_processes(low: int, high: int) -> list[str]:
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            uid = int((entry / "status").read_text().split("Uid:\t")[1].split()[0])
        except (OSError, IndexError, ValueError):
            continue
        if low <= uid <= high:
            found.append(entry.name)
    return found


def test_a_class_worker_gives_each_student_its_own_sandbox_and_leaves_none_behind(tmp_path):
    """``grade FOLDER --jobs 1``: three students one after another in one grader process. As
    root each gets a uid other than the student's before (the spare was leased while that one
    graded), and once the run is over no process of those uids is left and no lease is held."""
    low, high = 62970, 62979  # a range of this test's own
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("ann", "bob", "cid"):
        (folder / f"{name}.py").write_text(MARKING.replace("def relu", "print('UID', os.getuid())\ndef relu"))
    env = dict(os.environ, XOR_KIT_SANDBOX_UIDS=f"{low}-{high}", PYTHONWARNINGS="ignore::DeprecationWarning")
    unwalled = () if WALL in walls.KERNEL_WALLS else ("--no-require-isolation", walls.UNSAFE_OPTION)
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(folder), "--jobs", "1",
                           "--exercise", "relu", "--out", str(tmp_path / "out"), *unwalled],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    outputs = [json.loads((tmp_path / "out" / name / "results.json").read_text())["output"]
               for name in ("ann", "bob", "cid")]
    uids = [int(text.split("UID ")[1].split()[0]) for text in outputs]
    if os.geteuid() == 0:
        assert all(low <= uid <= high for uid in uids), uids
        assert uids[0] != uids[1] and uids[1] != uids[2], uids
        assert leased_processes(low, high) == []
        folder_of_leases = Path("/run/xor-kit-uids") if Path("/run").is_dir() else Path("/tmp/xor-kit-uids")
        for uid in range(low, high + 1):
            with open(folder_of_leases / str(uid), "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError if still held
