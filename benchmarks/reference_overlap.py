"""Where the judge computes the reference's answers in one official grading: how many, how long,
and how much of that overlaps the sandbox's work (the judge waiting on the child).

    .venv/bin/python benchmarks/reference_overlap.py FILE [FILE ...]

Grades each file in this process (as ``grade`` does: its own seed, the hidden tests), with
timers wrapped around the reference's computations (``InProcessSubmission.call`` of the
reference, in whatever thread), the door's exchanges with the child and the judge's answers to
the child's stand-ins. "Overlapping the child" is reference time inside an exchange; the
exchanges less the stand-ins' answers are the child's share. Grade the same file twice to see a
kit that has learnt which programs the tests ask (``autograder.judge.answers.AskedPrograms``).
The wrapping lasts for this process only; the kit's files are not changed.
"""

import functools
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

Span = tuple[str, str, float, float]  # (what, thread, start, end)
spans: list[Span] = []


def timed(owner: Any, name: str, what: str, only: Any = None) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        if only is not None and not only(self):
            return original(self, *args, **kwargs)
        start = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            spans.append((what, threading.current_thread().name, start, time.perf_counter()))

    setattr(owner, name, wrapper)


def overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def grade(path: Path) -> dict[str, Any]:
    from autograder.judge.grading import grade_file  # after the timers are in place

    spans.clear()
    started, cpu = time.perf_counter(), time.process_time()
    scores, _, _ = grade_file(path)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    reference = [(s, e, thread) for what, thread, s, e in spans if what == "reference"]
    exchanges = [(s, e) for what, _, s, e in spans if what == "exchange"]
    lending = sum(e - s for what, _, s, e in spans if what == "lending")
    ready = min((e for what, _, s, e in spans if what == "ready"), default=float("inf"))
    return {
        "file": path.name, "passed": f"{sum(r.passed for r in scores.results)}/{len(scores.results)}",
        "wall_s": round(wall, 2), "judge_cpu_s": round(cpu, 2),
        "reference_computed": len(reference),
        "reference_s": round(sum(e - s for s, e, _ in reference), 2),
        "reference_overlapping_child_s": round(sum(overlap((s, e), x) for s, e, _ in reference
                                                   for x in exchanges), 2),
        "reference_before_ready": sum(1 for s, _, _ in reference if s < ready),
        "reference_in_answers_thread": sum(1 for _, _, t in reference if t != "MainThread"),
        "child_s": round(sum(e - s for s, e in exchanges) - lending, 2),
        "stand_in_answers_s": round(lending, 2),
    }


def main(paths: list[str]) -> None:
    from autograder.judge import submissions  # lazy: imports JAX, only when measuring
    from autograder.launch import door  # lazy: with the above

    timed(submissions.InProcessSubmission, "call", "reference", only=lambda s: s.name == "reference")
    timed(door.SandboxProcess, "_exchange", "exchange")
    timed(door.SandboxProcess, "_answer_timed", "lending")
    timed(door.SandboxProcess, "_await_ready", "ready")
    for path in paths:
        print(json.dumps(grade(Path(path).absolute())), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
