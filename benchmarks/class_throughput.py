"""Grading a class: submissions per minute with --jobs 1 and --jobs 2, side by side.

Builds a class of N generated submissions (copies of the kit's corpora: correct
variants, common mistakes and hostile files, cycled in that mix), grades the
folder once per --jobs setting with `python -m autograder grade FOLDER`, and
compares the time per submission with the floor of a process that imports JAX
and jits one function. The caches (reference answers, compiled programs) are
warmed by one grading of the reference first, as they are after an
instructor's first run.

    python benchmarks/class_throughput.py --students 40
"""

import argparse
import itertools
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine_rows, markdown_table, median, seconds, times

KIT = Path(__file__).resolve().parent.parent
CORPUS = KIT / "tests" / "corpus"
FLOOR = "import jax, jax.numpy as jnp; jax.jit(lambda x: x * 2)(jnp.ones(3)).block_until_ready()"
# Hostile files that end quickly; the endless loops would only measure the time limits.
SLOW_HOSTILE = {"endless_loop_at_import.py", "endless_loop_in_batched_predict.py"}


def make_class(folder: Path, students: int) -> dict[str, int]:
    """Copy ``students`` submissions into ``folder``: half correct, a third mistakes, the rest
    hostile. Returns how many of each kind."""
    kinds = {
        "correct": sorted((CORPUS / "correct").glob("*.py")),
        "mistake": sorted((CORPUS / "mistakes").glob("*.py")),
        "hostile": [p for p in sorted((CORPUS / "hostile").glob("*.py")) if p.name not in SLOW_HOSTILE],
    }
    plan = ["correct"] * 3 + ["mistake"] * 2 + ["hostile"]
    cycles = {kind: itertools.cycle(paths) for kind, paths in kinds.items()}
    counts = dict.fromkeys(kinds, 0)
    for number, kind in zip(range(students), itertools.cycle(plan), strict=False):
        shutil.copyfile(next(cycles[kind]), folder / f"student{number:03d}_{kind}.py")
        counts[kind] += 1
    return counts


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=KIT, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    python = sys.executable
    print(markdown_table(["machine", ""], machine_rows(KIT, backend=False)), "\n")
    timed([python, "-m", "autograder", "grade", "solutions/xor_net.py", "--output",
           str(Path(tempfile.mkdtemp()) / "warm.txt")])
    floor = median([timed([python, "-c", FLOOR]) for _ in range(3)])
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "class"
        folder.mkdir()
        counts = make_class(folder, args.students)
        rows = []
        for jobs in args.jobs:
            out = Path(scratch) / f"grades-jobs{jobs}"
            wall = timed([python, "-m", "autograder", "grade", str(folder), "--jobs", str(jobs),
                          "--out", str(out)])
            graded = sum(1 for _ in out.glob("*/results.json"))
            per = wall / graded
            rows.append([f"--jobs {jobs}", graded, seconds(wall), f"{60 * graded / wall:.1f}",
                         seconds(per), times(per / floor)])
    print(f"class: {args.students} submissions ({', '.join(f'{n} {k}' for k, n in counts.items())})")
    print(f"floor (import jax + one jitted call): {seconds(floor)}\n")
    print(markdown_table(["run", "graded", "wall", "submissions / min", "wall per submission",
                          "per submission / floor"], rows))


if __name__ == "__main__":
    main()
