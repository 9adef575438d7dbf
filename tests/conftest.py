"""Shared helpers for the kit's own tests: grade a file the way an instructor would."""

import fcntl
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from corpus_files import ASSEMBLED, CORPUS, write_corpus

ROOT = Path(__file__).resolve().parent.parent
INTERNAL_ERROR = "The grader itself failed"


def pytest_configure(config: pytest.Config) -> None:
    """The graded suites' markers, for tests that import a suite (autograder.judge.notebook_checks does)."""
    from autograder.judge.plugin import MARKERS

    for name, description in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")


def shared_caches() -> dict[str, str]:
    """For a grader run in a copy of the kit: the checkout's compiled programs, the judge's
    and the sandboxes' library ones (compiling them again in every copy is the slow part)."""
    return {"XOR_KIT_XLA_CACHE": str(ROOT / ".cache" / "xla"),
            "XOR_KIT_LIBRARY_CACHE": str(ROOT / ".cache" / "library-xla")}


def as_user(command: list[str], uid: int) -> tuple[list[str], dict[str, Any]]:
    """``command`` (a Python one whose last argument may be the uid to drop to) and Popen's
    options to run it as ``uid``, the way the judge runs a sandbox (autograder.launch.walls.as_uid):
    where the interpreter lies in a private folder, root binds it into a mount namespace.
    Skips, saying why, where this machine can do neither."""
    from autograder.launch.door import PACKAGE_PARENT
    from autograder.launch.walls import as_uid

    if os.geteuid() != 0:
        pytest.skip("running as another user needs root")
    launch = as_uid(command, uid, PACKAGE_PARENT)
    if launch is None:
        pytest.skip(f"other users cannot run {sys.executable} here, and no mount namespace can bind it in")
    return launch


DROP_TO_LAST_ARGUMENT = (
    "import os, sys\n"
    "if sys.argv[-1].isdigit():  # under as_user's mount namespace: become that uid now\n"
    "    os.setgroups([]); os.setgid(int(sys.argv[-1])); os.setuid(int(sys.argv[-1]))\n")


def run_grader(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """``python -m autograder ARGS`` in a fresh process, from the kit's root."""
    env = dict(os.environ, PYTHONWARNINGS="ignore::DeprecationWarning")
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def grade_json(path: Path, tmp_path: Path, *extra: str) -> dict:
    """The results.json the grader writes for ``path``; fails on a grader error."""
    out = tmp_path / f"{path.stem}.json"
    done = run_grader("grade", str(path), "--format", "json", "--output", str(out), *extra)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text())
    internal = [t["name"] for t in result["tests"] if INTERNAL_ERROR in t["output"]]
    assert not internal, f"grader bugs on {path.name}: {internal}"
    return result


def by_exercise(result: dict) -> dict[str, tuple[float, float]]:
    table: dict[str, tuple[float, float]] = {}
    for test in result["tests"]:
        section = test["name"].split(":")[0]
        got, most = table.get(section, (0.0, 0.0))
        table[section] = (got + test["score"], most + test["max_score"])
    return table


def corpus(kind: str) -> list[Path]:
    """The stored files of tests/corpus/KIND (mistakes and correct ones are changes over the
    reference: the ``whole_corpus`` fixture has them as whole modules)."""
    return sorted((CORPUS / kind).glob("*.py"))


@pytest.fixture(scope="session")
def whole_corpus(tmp_path_factory) -> dict[Path, Path]:
    """Each stored file of the mistakes and correct corpora -> its whole module, assembled
    from the reference once per session (tests/corpus_files.py)."""
    folder = tmp_path_factory.mktemp("whole-corpus")
    return {stored: whole for kind in ASSEMBLED
            for stored, whole in write_corpus(kind, folder / kind).items()}


def declared(path: Path) -> list[str]:
    """The first docstring line of a corpus file, split on ': ' (e.g. wrong: loss: ...)."""
    first = path.read_text().split('"""')[1].strip().splitlines()[0]
    return first.split(": ", 2)


def declared_cause(path: Path) -> list[str]:
    """The words a mistake's "Likely cause" must contain: its docstring's line
    ``cause: words, more words`` (comma-separated), or [] where it has none."""
    for line in path.read_text().split('"""')[1].strip().splitlines()[1:]:
        if line.startswith("cause: "):
            return [w.strip() for w in line.removeprefix("cause: ").split(",") if w.strip()]
    return []


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], Any]) -> Any:
    """``make(folder)``, computed once per test run however many xdist workers ask for it:
    the first computes it under a lock, in a folder all the run's workers share, and the
    others read what it left (pickled). Gradings are the kit's slow part: none twice."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:  # one process: nothing to share
        return make(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent / f"shared-{name}"  # this run's, for all workers
    shared.mkdir(exist_ok=True)
    with open(shared / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "result.pickle"
        if not done.exists():
            work = shared / "work"
            work.mkdir()
            try:
                value = make(work)
            except BaseException as error:  # the others fail the same way, without trying again
                done.write_bytes(pickle.dumps(("error", f"{type(error).__name__}: {error}")))
                raise
            done.write_bytes(pickle.dumps(("value", value)))
            return value
        kind, value = pickle.loads(done.read_bytes())
    if kind == "error":
        pytest.fail(f"{name}, computed by another worker, failed: {value}")
    return value


@pytest.fixture(scope="session")
def reference_result(tmp_path_factory) -> dict:
    return once_per_run(tmp_path_factory, "reference",
                        lambda folder: grade_json(ROOT / "solutions" / "xor_net.py", folder))
