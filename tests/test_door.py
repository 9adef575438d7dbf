"""The sandbox's door on its own: what it does after a call or an import runs out of time."""

import os
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from autograder.launch import walls
from autograder.launch.door import Limits, SandboxProcess, SubmissionError, tasks_of
from autograder.sandbox import wire
from autograder.sandbox.calls import Call
from autograder.sandbox.protocol import Answer, Question

NO_REACH = {"blocked": [], "private": [], "allowed": []}


def sandbox(tmp_path: Path, source: str, wall: str | None = None, **limits: float) -> SandboxProcess:
    path = tmp_path / "xor_net.py"
    path.write_text(source)
    # The hook alone, as root: only with the instructor's explicit unsafe choice (walls.check).
    return SandboxProcess(path, Limits(**limits), lambda home: NO_REACH, wall=wall,
                          unsafe=wall == walls.HOOK_ONLY)


def failure(process: SandboxProcess, call: Call) -> tuple[SubmissionError, float]:
    started = time.monotonic()
    with pytest.raises(SubmissionError) as caught:
        process.call(call)
    return caught.value, time.monotonic() - started


def test_a_function_that_timed_out_is_not_called_again(tmp_path):
    process = sandbox(tmp_path, "import time\n\ndef relu(x):\n    time.sleep(1000)\n\n"
                                "def loss(p, x, y):\n    return 1.0\n", call_seconds=3)
    try:
        relu = Call("relu", (np.zeros(2, np.float32),))
        first, waited = failure(process, relu)
        assert first.kind == "timeout" and waited >= 3
        again, waited = failure(process, relu)
        assert again.kind == "timeout" and waited < 1
        assert "no answer after 3 s" in again.report.message and "not called again" in again.report.message
        assert process.call(Call("loss", ({}, 0.0, 0.0))) == 1.0  # the other functions still answer
    finally:
        process.close()


def test_an_import_that_timed_out_is_not_tried_again(tmp_path):
    process = sandbox(tmp_path, "while True:\n    pass\n", import_seconds=3)
    try:
        relu = Call("relu", (np.zeros(2, np.float32),))
        first, waited = failure(process, relu)
        assert first.kind == "import" and waited >= 3
        again, waited = failure(process, relu)
        assert again.kind == "import" and waited < 1
        assert again.report.message == first.report.message
    finally:
        process.close()


def test_a_process_left_behind_holding_the_output_pipe_does_not_block_the_judge(tmp_path):
    """The audit hook is no wall (docs/trust.md): past it, a submission forks a child that
    keeps the sandbox's stdout open. Stopping the sandbox must still return at once. (With the
    hook alone: seccomp would refuse the fork, a PID namespace would end the child.)"""
    source = ("import os, sys, time\n"
              "sys.modules['__main__'].Guard.__call__ = lambda *args: None\n"
              "if os.fork() == 0:\n"
              "    os.setsid()\n"
              "    time.sleep(30)\n"
              "    os._exit(0)\n"
              "def relu(x):\n"
              "    time.sleep(1000)\n")
    process = sandbox(tmp_path, source, walls.HOOK_ONLY, call_seconds=3)
    try:
        error, waited = failure(process, Call("relu", (np.zeros(2, np.float32),)))
        assert error.kind == "timeout" and waited < 15
    finally:
        started = time.monotonic()
        process.close()
        assert time.monotonic() - started < 5


def test_the_judges_time_answering_stand_ins_counts_toward_the_whole_submission(tmp_path):
    """A grading ends within its limits whatever a submission asks the judge: the judge's time
    answering stand-ins is charged to the submission's total. (An attack spent the judge's
    60 s of answers, then its own 240 s: a report after 5 min 10 s.)"""

    def slow_lender(call: Call, question: Question) -> Answer:
        time.sleep(0.2)
        return Answer(value=wire.encode(np.float32(0.0)))

    path = tmp_path / "xor_net.py"
    path.write_text("def relu(x):\n    while True:\n        predict({}, x)\n")
    process = SandboxProcess(path, Limits(total_seconds=4), lambda home: NO_REACH, lender=slow_lender)
    call = Call("relu", (np.zeros(2, np.float32),), with_reference=("predict",))
    try:
        process.lend({"predict": [["params"], ["x"]]}, call)
        error, _ = failure(process, call)
        assert error.kind == "budget", error.report
        assert process.lending_spent > 1 and process.spent >= 4
    finally:
        process.close()


def test_the_uids_thread_count_that_bounds_a_shared_sandbox_counts_threads():
    """A sandbox sharing the judge's uid may add 512 to ``tasks_of``: it must count threads."""
    before, release = tasks_of(os.getuid()), threading.Event()
    sleepers = [threading.Thread(target=release.wait) for _ in range(20)]
    for thread in sleepers:
        thread.start()
    try:
        assert tasks_of(os.getuid()) >= before + 20
    finally:
        release.set()
        for thread in sleepers:
            thread.join()


SHARES_UID = os.geteuid() != 0 and walls.available() != walls.NAMESPACES
STARTS_A_THREAD = ("import threading\n\n"
                   "def relu(x):\n    helper = threading.Thread(target=len, args=((),))\n"
                   "    helper.start()\n    helper.join()\n    return x\n")
FLOOD = ("import threading\nimport time\n\nthreading.stack_size(32768)  # many threads, little memory\n"
         "release = threading.Event()\nwhile True:  # every thread the limit allows, for 4 s\n"
         "    try:\n        threading.Thread(target=release.wait, args=(4,)).start()\n"
         "    except RuntimeError:\n        break\nthreading.stack_size(0)\ntime.sleep(4)\nrelease.set()\n"
         "time.sleep(0.5)\n\ndef relu(x):\n    return x\n")


@pytest.mark.skipif(not SHARES_UID, reason="here each sandbox has a uid or a user namespace of its own")
def test_a_sandbox_under_the_judges_uid_never_runs_beside_a_thread_flood(tmp_path):
    """Sandboxes under the judge's uid share one count of threads (RLIMIT_NPROC): one that
    starts threads until refused, started after another, took the threads the first one
    needed next. They take turns: the flood waits, and the first one's next thread starts."""
    (tmp_path / "first").mkdir()
    (tmp_path / "flood").mkdir()
    first, flood = sandbox(tmp_path / "first", STARTS_A_THREAD), sandbox(tmp_path / "flood", FLOOD)
    x = np.ones(3, np.float32)
    flooded: list[object] = []
    waiter = threading.Thread(target=lambda: flooded.append(flood.call(Call("relu", (x,)))))
    try:
        assert np.array_equal(first.call(Call("relu", (x,))), x)
        before = tasks_of(os.getuid())
        waiter.start()
        deadline = time.monotonic() + 8  # long enough for its import and its flood, had it started
        while time.monotonic() < deadline and tasks_of(os.getuid()) < before + 500:  # all it may take
            time.sleep(0.2)
        y = np.ones(4, np.float32)  # a new shape: relu runs again (a call of the same shape may not)
        assert np.array_equal(first.call(Call("relu", (y,))), y)
        assert flood.home is None and not flooded, "the flood started beside the first sandbox"
    finally:
        first.close()
        waiter.join(timeout=120)
        flood.close()
    assert len(flooded) == 1 and np.array_equal(flooded[0], x)  # its turn came once the first closed


@pytest.mark.skipif(os.geteuid() != 0, reason="only a root judge leases uids")
def test_a_leased_uid_runs_nothing_a_killed_grader_left(tmp_path):
    """A sandbox that outlived its killed grader kept its uid's threads; the next sandbox to
    lease that uid could not start JAX (red team, round 5). Leasing it ends what it runs."""
    probe = walls.UidLease()
    uid = probe.uid
    probe.release()
    left = subprocess.Popen(["sleep", "120"], user=uid, group=uid, extra_groups=[])
    process = None
    try:
        process = sandbox(tmp_path, "def relu(x):\n    return x\n")
        assert process.lease.uid == uid
        assert left.wait(timeout=30) == -9
    finally:
        left.kill()
        left.wait()
        if process is not None:
            process.close()
