"""Grading a class: submissions per minute with --jobs 1 and --jobs 2, side by side.

Builds a class of 40 submissions from a frozen list of the kit's corpora (21 correct
variants, 13 common mistakes, 6 hostile files that end quickly: new corpus files do not
change it), grades the folder with `python -m autograder grade FOLDER --force` once per
--jobs setting and round (the settings interleaved, so that other load hits them alike),
and compares the time per submission with the floor of a process that imports JAX and
jits one function. The caches (the judge's compiled programs, the sandboxes' library
programs) are warmed by one grading of the reference first, as they are after an
instructor's first run.

    python benchmarks/class_throughput.py --repeats 3
"""

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine_rows, markdown_table, median, seconds, times

KIT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(KIT / "tests"))
from corpus_files import assembled  # noqa: E402  (the corpus files as whole modules)

CORPUS = KIT / "tests" / "corpus"
FLOOR = "import jax, jax.numpy as jnp; jax.jit(lambda x: x * 2)(jnp.ones(3)).block_until_ready()"
# The class, frozen (issue 13): the 16 correct variants and 5 of them again, every fifth
# mistake, and hostile files that end quickly (the endless loops would only measure the
# time limits).
CORRECT = sorted(p.name for p in (CORPUS / "correct").glob("*.py"))
MIX = {
    "correct": (CORRECT * 2)[:21],
    "mistakes": [
        "batched_predict_first_row.py", "batched_predict_squeeze.py", "init_params_no_scale.py",
        "init_params_split_order.py", "loss_abs.py", "loss_rmse.py", "predict_no_activation.py",
        "predict_reshape_one_output.py", "relu_clip_upper.py", "relu_numpy_maximum.py",
        "train_ignores_step_size.py", "train_losses_sum.py", "update_gradient_ascent.py",
    ],
    "hostile": ["exit_at_import.py", "forge_reply.py", "forge_results.py", "missing_functions.py",
                "nan_results.py", "syntax_error.py"],
}


def make_class(folder: Path) -> dict[str, int]:
    """Copy the class into ``folder``, the kinds interleaved (3 correct, 2 mistakes, 1 hostile);
    how many of each kind."""
    plan = ["correct"] * 3 + ["mistakes"] * 2 + ["hostile"]
    left = {kind: list(names) for kind, names in MIX.items()}
    number = 0
    for kind in itertools.cycle(plan):
        if not any(left.values()):
            break
        if left[kind]:
            whole = assembled(CORPUS / kind / left[kind].pop(0))
            (folder / f"student{number:03d}_{kind}.py").write_text(whole)
            number += 1
    return {kind: len(names) for kind, names in MIX.items()}


def timed(command: list[str], kit: Path = KIT) -> float:
    """Seconds ``command`` took, run in ``kit`` (whose package it imports); it must succeed."""
    started = time.perf_counter()
    subprocess.run(command, cwd=kit, env={**os.environ, "PYTHONPATH": str(kit)}, check=True,
                   capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=3, help="rounds of every --jobs setting (default 3)")
    parser.add_argument("--kit", type=Path, default=KIT, help="the checkout that grades (this one's class)")
    args = parser.parse_args()
    python, kit = sys.executable, args.kit.resolve()
    print(markdown_table(["machine", ""], machine_rows(kit, backend=False)), "\n")
    timed([python, "-m", "autograder", "grade", "solutions/xor_net.py", "--output",
           str(Path(tempfile.mkdtemp()) / "warm.txt")], kit)
    floors: list[float] = []
    walls: dict[int, list[float]] = {jobs: [] for jobs in args.jobs}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "class"
        folder.mkdir()
        counts = make_class(folder)
        students = sum(counts.values())
        for _ in range(args.repeats):
            floors.append(timed([python, "-c", FLOOR]))
            for jobs in args.jobs:
                out = Path(scratch) / f"grades-jobs{jobs}"
                walls[jobs].append(timed([python, "-m", "autograder", "grade", str(folder), "--jobs",
                                          str(jobs), "--out", str(out), "--force"], kit))
                graded = sum(1 for _ in out.glob("*/results.json"))
                assert graded == students, f"{graded} of {students} graded with --jobs {jobs}"
    floor = median(floors)
    rows = []
    for jobs, runs in walls.items():
        wall = median(runs)
        per = wall / students
        spread = f"{seconds(min(runs))} - {seconds(max(runs))}"
        rows.append([f"--jobs {jobs}", students, seconds(wall), spread, f"{60 * students / wall:.1f}",
                     seconds(per), times(per / floor)])
    print(f"class: {students} submissions ({', '.join(f'{n} {k}' for k, n in counts.items())}); "
          f"median of {args.repeats} rounds")
    print(f"floor (import jax + one jitted call): {seconds(floor)}\n")
    print(markdown_table(["run", "graded", "wall: median", "min - max", "submissions / min",
                          "wall per submission", "per submission / floor"], rows))
    if len(walls) > 1:
        first, *rest = walls
        for jobs in rest:
            gain = median(walls[first]) / median(walls[jobs])
            print(f"\n--jobs {jobs} against --jobs {first}: {gain:.2f}x the throughput")


if __name__ == "__main__":
    main()
