"""A student's self-check in a release, against the floor, in one run: cold, warm, after an edit.

A release keeps each user's compiled programs (autograder/launch/own_cache.py), one folder per
file checked. Each round here makes a fresh cache and a fresh copy of the reference in a release
of this kit, then times, all as one ordinary user (as root: uid 65534, the way .ci/run runs it;
a root judge keeps no cache):

- floor: a process that imports JAX and compiles one function (benchmarks/grading.py's);
- cold: the file's first self-check (``grade FILE``), its cache empty;
- warm: the same file again, unchanged;
- edited: after one function's body changed (``batched_predict``), the rest cached.

Rounds are interleaved so that other load hits each kind alike; printed as markdown tables.

    .venv/bin/python benchmarks/self_check.py               # about 3 minutes on 2 quiet cores
    .venv/bin/python benchmarks/self_check.py --repeats 3
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine_rows, markdown_table, median, seconds, times
from grading import FLOOR

KIT = Path(__file__).resolve().parent.parent
STUDENT_UID = 65534  # who checks, when this runs as root
TARGETS = {"warm": 3.0, "edited": 4.0}  # at most this many floors (the speed issue's targets)
BODY = "    return jax.vmap(predict, in_axes=(None, 0))(params, X)\n"  # batched_predict's, edited


def as_student(command: list[str], base: Path, cache: Path) -> list[str]:
    """``command`` run in the release as the student, with its own home and cache folder."""
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(base / "home"),
                   "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(base / "kit")}
    wrapped = ["env", "-i", *(f"{k}={v}" for k, v in environment.items()), *command]
    if os.geteuid() != 0:
        return wrapped
    return [sys.executable, str(KIT / ".ci" / "as_user.py"), str(STUDENT_UID), str(base / "kit"), *wrapped]


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def self_check(base: Path, file: Path, cache: Path) -> float:
    report = file.with_suffix(".json")
    seconds_taken = timed(as_student([sys.executable, "-m", "autograder", "grade", str(file), "--format",
                                      "json", "--output", str(report)], base, cache), base / "kit")
    result = json.loads(report.read_text())
    if result["score"] != result["max_score"]:
        raise RuntimeError(f"{file.name}: {result['score']} / {result['max_score']}, not full marks")
    return seconds_taken


def release(base: Path) -> None:
    """A release of this kit in ``base/kit``, and the student's folders, the student's own."""
    done = subprocess.run([sys.executable, "-m", "autograder", "release", str(base / "kit")], cwd=KIT,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"release failed:\n{done.stderr[-3000:]}")
    for folder in ("work", "home"):
        (base / folder).mkdir()
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", f"{STUDENT_UID}:{STUDENT_UID}", str(base)], check=True)


def rounds(base: Path, repeats: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {"floor": [], "cold": [], "warm": [], "edited": []}
    reference = (KIT / "solutions" / "xor_net.py").read_text()
    assert BODY in reference, "batched_predict's body changed: edit BODY"
    for i in range(repeats):
        cache, file = base / f"cache-{i}", base / "work" / f"mine_{i}.py"
        file.write_text(reference)
        if os.geteuid() == 0:
            os.chown(file, STUDENT_UID, STUDENT_UID)
        samples["floor"].append(timed(as_student([sys.executable, "-c", FLOOR], base, cache), base / "kit"))
        samples["cold"].append(self_check(base, file, cache))
        samples["warm"].append(self_check(base, file, cache))
        file.write_text(reference.replace(BODY, BODY.replace("(params, X)", "(params, X) * 1.0")))
        samples["edited"].append(self_check(base, file, cache))
        print(f"round {i + 1}/{repeats}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in samples.items()),
              file=sys.stderr, flush=True)
    return samples


def table(samples: dict[str, list[float]]) -> str:
    floor = median(samples["floor"])
    names = {"floor": "floor: import JAX, jit one function", "cold": "self-check, cache empty",
             "warm": "self-check again, file unchanged", "edited": "self-check after editing batched_predict"}
    rows = []
    for kind, values in samples.items():
        target = f"at most {TARGETS[kind]:g}x" if kind in TARGETS else ""
        rows.append((names[kind], seconds(median(values)), seconds(min(values)), seconds(max(values)),
                     times(median(values) / floor), target))
    return markdown_table(("run", "wall: median", "min", "max", "vs floor", "target"), rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="rounds (default: 5)")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="xor-kit-self-check-"))
    try:
        base.chmod(0o755)
        print("### Machine\n\n" + markdown_table(("", ""), machine_rows(KIT)) + "\n")
        release(base)
        samples = rounds(base, args.repeats)
        who = f"uid {STUDENT_UID}" if os.geteuid() == 0 else "this user"
        print(f"### A release's self-check of a correct file, median of {args.repeats} ({who}; "
              f"load average at the end {os.getloadavg()[0]:.2f})\n")
        print(table(samples))
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
