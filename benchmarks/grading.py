"""Grading latency: ``python -m autograder grade solutions/xor_net.py`` against the floor, in one run.

The floor is the least a JAX grader can cost: a process that imports JAX and compiles one
function. Every grading here runs in a copy of the kit made in a fresh temporary folder, with
XOR_KIT_ANSWERS, XOR_KIT_XLA_CACHE and XOR_KIT_LIBRARY_CACHE pointing at the copy's own empty
``.cache`` folders:

- cold: a copy's first grading (no reference answers, no compiled programs anywhere);
- warm: the same copy's next grading (both caches filled by the first).

(A copy, not only the variables: nothing measured here may read or fill the checkout's own caches.)

Printed as markdown tables, all measured in this run: the machine; the floor, cold and warm
(median of --repeats, interleaved so that other load hits them alike) and their ratios; where
one grading's time goes (one cold and one warm grading in a process that times the judge's
imports, the sandbox, the calls and every test: see grading_probe.py); the XLA programs of the
judge (jax.monitoring, counted and named) and of each sandbox (the counts it reports with its
answers: compiled, and loaded from the library programs); and grading time against the number of tests
(``--exercise`` for each section, and everything).

    .venv/bin/python benchmarks/grading.py                  # 8 minutes on 2 quiet cores
    .venv/bin/python benchmarks/grading.py --repeats 3 --no-growth
    .venv/bin/python benchmarks/grading.py --kit /path/to/another/checkout   # before/after
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

from common import machine_rows, markdown_table, median, seconds

from autograder import SECTIONS  # the package's __init__ only: no JAX in this process

KIT = Path(__file__).resolve().parent.parent
SUBMISSION = "solutions/xor_net.py"
STUDENT = "tests/corpus/correct/where_relu_dot_predict.py"
FLOOR = "import jax, jax.numpy as jnp; jax.jit(lambda x: x * 2)(jnp.ones(3)).block_until_ready()"
TARGET = 4.0  # grading the reference should take at most this many floors
NOT_COPIED = (".git", ".venv", ".tox", ".cache", "__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache",
              "build", "dist", "out")  # what git ignores: environments, caches, build output


# --- Running things in a copy of the kit -----------------------------------------------------


def make_kit(source: Path, folder: Path) -> Path:
    """A copy of the kit's files, readable by the sandbox's user, with no caches."""
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns(*NOT_COPIED))
    folder.parent.chmod(0o755)  # mkdtemp's folder is private; a sandbox may run as another uid
    return folder


def kit_env(kit: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(kit), "XOR_KIT_ANSWERS": str(kit / ".cache" / "reference"),
            "XOR_KIT_XLA_CACHE": str(kit / ".cache" / "xla"),
            "XOR_KIT_LIBRARY_CACHE": str(kit / ".cache" / "library-xla")}


class Sample(NamedTuple):
    wall: float  # seconds on the clock
    cpu: float  # user + system CPU seconds of the process and all it started (the sandbox too)


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], kit: Path | None = None) -> Sample:
    """How long ``command`` (in ``kit`` if given) took; it must succeed."""
    start, cpu = time.perf_counter(), cpu_of_children()
    done = subprocess.run(command, cwd=kit, env=kit_env(kit) if kit else None, capture_output=True,
                          text=True)
    elapsed = Sample(time.perf_counter() - start, cpu_of_children() - cpu)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return elapsed


def grade(kit: Path, *extra: str, submission: str = SUBMISSION) -> tuple[Sample, dict[str, Any]]:
    """How long ``python -m autograder grade`` took in ``kit``, and its JSON report."""
    report = kit / "report.json"
    wall = run([sys.executable, "-m", "autograder", "grade", submission, "--format", "json",
                "--output", str(report), *extra], kit)
    return wall, json.loads(report.read_text())


def probe(kit: Path) -> dict[str, Any]:
    """One grading measured from inside (``--probe``, in a new process in ``kit``)."""
    output = kit / "probe.json"
    wall = run([sys.executable, __file__, "--probe", str(output)], kit).wall
    return {**json.loads(output.read_text()), "process": wall}


# --- The child: one grading in this process, timed from inside --------------------------------


def run_probe(output: Path) -> None:
    started = time.perf_counter()
    import jax
    import jax.numpy  # noqa: F401

    jax.devices()
    jax_ready = time.perf_counter()
    import grading_probe
    from common import count_compiles

    import autograder
    from autograder.judge.grading import grade_file

    judge_ready = time.perf_counter()
    assert Path.cwd().resolve() == autograder.KIT_ROOT, f"graded the wrong kit: {autograder.KIT_ROOT}"
    grading_probe.install()
    with count_compiles() as compiles:
        scores, elapsed, code = grade_file(autograder.KIT_ROOT / SUBMISSION, ("-p", "grading_probe"))
    output.write_text(json.dumps({
        "import_jax": jax_ready - started, "import_judge": judge_ready - jax_ready, "grade": elapsed,
        "code": code, "score": scores.score, "max_score": scores.max_score,
        "judge_compiles": vars(compiles), **grading_probe.results(),
    }))


# --- Reports ---------------------------------------------------------------------------------


def typical(samples: list[Sample]) -> Sample:
    """The median wall and the median CPU."""
    return Sample(median([s.wall for s in samples]), median([s.cpu for s in samples]))


def latency_table(floor: list[Sample], runs: dict[str, list[Sample]]) -> str:
    base = typical(floor)
    rows = []
    for name, samples in {"floor: import JAX, jit one function": floor, **runs}.items():
        wall, cpu = [s.wall for s in samples], typical(samples).cpu
        rows.append((name, seconds(median(wall)), seconds(min(wall)), seconds(max(wall)),
                     f"{median(wall) / base.wall:.1f}x", seconds(cpu), f"{cpu / base.cpu:.1f}x"))
    return markdown_table(("run", "wall: median", "min", "max", "vs floor", "CPU: median", "vs floor"),
                          rows)


def total(data: dict[str, Any], what: str) -> float:
    return sum(data["spans"].get(what, []))


def count(data: dict[str, Any], what: str) -> int:
    return len(data["spans"].get(what, []))


def breakdown_table(cold: dict[str, Any], warm: dict[str, Any]) -> str:
    """Where the time of one grading goes (cold and warm side by side)."""

    def parts(d: dict[str, Any]) -> list[str]:
        start, calls = total(d, "sandbox_start"), count(d, "sandbox_call")
        trips = total(d, "sandbox_call") - start
        reference = total(d, "reference_call")
        stop, save = total(d, "sandbox_stop"), total(d, "book_save")
        judge = d["grade"] - start - trips - reference - stop - save
        compiles = d["judge_compiles"]
        return [
            seconds(d["process"]), seconds(d["import_jax"]), seconds(d["import_judge"]),
            seconds(d["grade"]), seconds(start),
            seconds(total(d, "wall_probe")),
            f"{seconds(trips)} ({calls} calls, {trips / max(calls, 1) * 1000:.0f} ms each)",
            f"{seconds(reference)} ({count(d, 'reference_call')} calls,"
            f" {count(d, 'reference_computed')} computed)",
            seconds(judge), seconds(stop), seconds(save),
            seconds(d["process"] - d["import_jax"] - d["import_judge"] - d["grade"]),
            f"{compiles['compiles']} / {compiles['cache_hits']} ({seconds(compiles['compile_seconds'])})",
            " + ".join(f"{a} / {b}" for a, b in d["sandbox_programs"]) if d.get("sandbox_programs") else "-",
        ]

    names = [
        "whole process (wall, seen from outside)", "import JAX, start its CPU backend",
        "import the judge (pytest, autograder)", "grade_file (the pytest run)",
        "... sandbox start: spawn, import JAX, import the submission",
        "... ... of which: find the strongest wall that starts here",
        "... sandbox round trips after the start", "... reference answers (answer book or computed)",
        "... the judge's own work: pytest, checks, comparisons", "... sandbox stop",
        "... answer book saved", "interpreter start and exit, the rest",
        "judge's XLA programs: compiled / read from the persistent cache (time)",
        "sandbox's XLA programs: compiled / loaded from the library programs (per sandbox)",
    ]
    rows = [(n, c, w) for n, c, w in zip(names, parts(cold), parts(warm), strict=True)]
    return markdown_table(("", "cold", "warm"), rows)


def section_rows(data: dict[str, Any]) -> dict[str, tuple[int, float, int]]:
    """Per section, in the order run: tests, seconds, sandbox calls."""
    table: dict[str, tuple[int, float, int]] = {}
    for test in data["tests"]:
        n, secs, calls = table.get(test["section"], (0, 0.0, 0))
        trips = len(test["spans"].get("sandbox_call", []))
        table[test["section"]] = (n + 1, secs + test["seconds"], calls + trips)
    return table


def sections_table(cold: dict[str, Any], warm: dict[str, Any]) -> str:
    c, w = section_rows(cold), section_rows(warm)
    rows = [(name, w[name][0], w[name][2], seconds(c[name][1]), seconds(w[name][1]),
             seconds(w[name][1] / w[name][0])) for name in w]
    return markdown_table(("section (in the order run)", "tests", "sandbox calls", "cold", "warm",
                           "warm per test"), rows)


def growth_table(points: list[tuple[str, int, Sample]], floor: Sample) -> str:
    import numpy as np

    rows = [(name, tests, seconds(t.wall), f"{t.wall / floor.wall:.1f}x", seconds(t.cpu),
             f"{t.cpu / floor.cpu:.1f}x") for name, tests, t in points]
    lines = [markdown_table(("graded (warm)", "tests", "wall", "vs floor", "CPU", "vs floor"), rows), ""]
    for what in ("wall", "cpu"):
        values = [getattr(t, what) for _, _, t in points]
        slope, intercept = np.polyfit([tests for _, tests, _ in points], values, 1)
        lines.append(f"Least-squares line, {what.upper() if what == 'cpu' else what}: {intercept:.2f} s"
                     f" + {slope * 1000:.0f} ms per test (the fixed part is"
                     f" {intercept / getattr(floor, what):.1f} floors).")
    return "\n".join(lines)


def latency(source: Path, folder: Path, repeats: int, student: str) -> None:
    """Floor, cold, warm and a student's file, interleaved ``repeats`` times."""
    floor: list[Sample] = []
    cold: list[Sample] = []
    warm: list[Sample] = []
    other: list[Sample] = []
    for i in range(repeats):
        floor.append(run([sys.executable, "-c", FLOOR]))
        kit = make_kit(source, folder / f"latency-{i}")
        sample, report = grade(kit)
        cold.append(sample)
        warm.append(grade(kit)[0])
        sample, student_report = grade(kit, submission=student)
        other.append(sample)
    print(f"\n### Grading latency, median of {repeats} (the reference: {report['score']:g} /"
          f" {report['max_score']:g}, {len(report['tests'])} tests; {student}:"
          f" {student_report['score']:g} / {student_report['max_score']:g})\n")
    print(latency_table(floor, {f"grade {SUBMISSION}, cold": cold, f"grade {SUBMISSION}, warm": warm,
                                f"grade {Path(student).name}, warm": other}))
    verdicts = []
    for what in ("wall", "cpu"):
        ratio = getattr(typical(warm), what) / getattr(typical(floor), what)
        verdicts.append(f"{ratio:.1f}x on {'CPU' if what == 'cpu' else what}"
                        f" ({'met' if ratio <= TARGET else 'NOT met'})")
    print(f"\nTarget: grading the reference warm at most {TARGET:g}x the floor: {', '.join(verdicts)}."
          " CPU adds up the judge, the sandbox and all they start: it is less sensitive to other"
          " load on the machine than the wall clock. The last row is a correct file written"
          " differently from the reference, graded after it: the judge has every answer, but the"
          " sandbox compiles the student's own programs (a sandbox reads JAX's library programs,"
          " never the judge's compiled ones).")


def breakdown(kit: Path) -> None:
    """One cold and one warm grading of ``kit``, measured from inside."""
    cold, warm = probe(kit), probe(kit)
    print("\n### Where the time of one grading goes\n")
    print(breakdown_table(cold, warm))
    programs = [("the judge hands to XLA, cold", cold["judge_compiles"]["programs"])]
    print("\nThe judge's programs, by name:\n")
    print(markdown_table(("programs", "count", "most common"), [
        (what, len(names), ", ".join(f"{name} x{n}" for name, n in Counter(names).most_common(6)))
        for what, names in programs]))
    if cold["missing"]:
        print(f"\n(Not timed, the kit has no {', '.join(cold['missing'])}.)")
    print("\n#### Per section: pytest setup, call and teardown of its tests\n")
    print(sections_table(cold, warm))
    print("\nThe xor tests run first: their time includes the sandbox's start.")


def growth(kit: Path) -> None:
    """Warm gradings of each section and of everything, each after a floor."""
    points, floors = [], []
    for name in (*SECTIONS, None):
        floors.append(run([sys.executable, "-c", FLOOR]))
        sample, report = grade(kit, *(("--exercise", name) if name else ()))
        points.append((f"--exercise {name}" if name else "everything", len(report["tests"]), sample))
    print("\n### Grading time against the number of graded tests\n")
    print(growth_table(points, typical(floors)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="floor/cold/warm rounds (default: 5)")
    parser.add_argument("--kit", type=Path, default=KIT, help="the checkout to copy and grade")
    parser.add_argument("--student", default=STUDENT,
                        help=f"a correct submission unlike the reference, in the kit (default: {STUDENT})")
    parser.add_argument("--no-breakdown", action="store_true", help="skip where the time goes")
    parser.add_argument("--no-growth", action="store_true", help="skip time against tests")
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)  # the child's output file
    args = parser.parse_args(argv)
    if args.probe:
        run_probe(args.probe)
        return

    print("### Machine\n")
    print(markdown_table(("", ""), machine_rows(args.kit)))
    with tempfile.TemporaryDirectory(prefix="xor-bench-") as tmp:
        folder = Path(tmp)
        source = make_kit(args.kit, folder / "source")  # every copy from this one: the same code
        latency(source, folder, args.repeats, args.student)
        kit = make_kit(source, folder / "probe")
        if not args.no_breakdown:
            breakdown(kit)
        if not args.no_growth:
            if args.no_breakdown:
                grade(kit)  # fill its caches: the sweep is warm
            growth(kit)
    print(f"\nLoad average (1 min) at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
