"""What the speed benchmarks share: the machine's description, markdown tables, compile counts.

Imported by ``training.py`` and ``grading.py`` (run as scripts, so this folder is on ``sys.path``).
"""

import os
import platform
import statistics
import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

# What jax.monitoring reports (jax/_src/dispatch.py, jax/_src/compiler.py; checked on jax 0.10.2):
TRACE_EVENT = "/jax/core/compile/jaxpr_trace_duration"  # a Python function traced to a jaxpr
LOWER_EVENT = "/jax/core/compile/jaxpr_to_mlir_module_duration"  # a jaxpr lowered for XLA
COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"  # a program handed to XLA
CACHE_HIT_EVENT = "/jax/compilation_cache/cache_hits"  # ... and found in the persistent cache


def cpu_model() -> str:
    """The CPU's name as /proc/cpuinfo gives it (Linux), else what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def kit_version(kit: Path) -> str:
    """The checkout's commit, and whether it has uncommitted changes."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(kit), *args], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown (not a git checkout)"
    return commit + (" + uncommitted changes" if git("status", "--porcelain") else "")


def machine_rows(kit: Path, backend: bool = True) -> list[tuple[str, str]]:
    """The machine a run came from, and the kit's version. ``backend`` imports JAX to ask for
    its default backend."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    rows = [
        ("CPU", cpu_model()),
        ("cores", f"{os.cpu_count()} ({usable} usable by this process)"),
        ("load average (1 min) at start", f"{os.getloadavg()[0]:.2f}"),
        ("Python", platform.python_version()),
        ("JAX / jaxlib", f"{version('jax')} / {version('jaxlib')}"),
        ("kit", f"{kit} at {kit_version(kit)}"),
    ]
    if backend:
        import jax

        rows.append(("JAX backend", f"{jax.default_backend()} ({len(jax.devices())} device(s))"))
    return rows


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub markdown table; numbers right-aligned."""
    cells = [[str(c) for c in row] for row in rows]
    numeric = [bool(cells) and all(_is_number(row[i]) for row in cells) for i in range(len(header))]
    rule = ["---:" if numeric[i] else "---" for i in range(len(header))]
    lines = [header, rule, *cells]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def _is_number(text: str) -> bool:
    text = text.replace(",", "").removesuffix("x").removesuffix("%").strip()
    try:
        float(text.split()[0])
    except (ValueError, IndexError):
        return False
    return True


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def times(ratio: float) -> str:
    """A ratio for a table: ``43.1x``, ``18,354x``."""
    return f"{ratio:,.0f}x" if ratio >= 100 else f"{ratio:.1f}x"


def seconds(value: float) -> str:
    """A duration for a table: ms below a second."""
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


# --- Counting traces and compiles with jax.monitoring ----------------------------------------

_counts: Counter[str] = Counter()
_seconds: defaultdict[str, float] = defaultdict(float)
_programs: list[str] = []  # the name of every program handed to XLA, in order
_registered = False


def _on_duration(event: str, duration: float, fun_name: str = "", **_: object) -> None:
    _counts[event] += 1
    _seconds[event] += duration
    if event == COMPILE_EVENT:
        _programs.append(fun_name)


def _on_event(event: str, **_: object) -> None:
    _counts[event] += 1


@dataclass
class Compiles:
    traces: int = 0  # jaxprs traced from Python
    compiles: int = 0  # programs compiled by XLA (persistent cache hits not included)
    cache_hits: int = 0  # programs read back from the persistent compilation cache
    trace_seconds: float = 0.0
    lower_seconds: float = 0.0
    compile_seconds: float = 0.0  # time in XLA compile-or-read-from-cache
    programs: list[str] = field(default_factory=list)  # names of the programs handed to XLA


@contextmanager
def count_compiles() -> Iterator[Compiles]:
    """Count what JAX traces and compiles inside the ``with`` block (this process only).

    Uses the public ``jax.monitoring`` listeners: every trace and every hand-over to XLA is
    recorded as a duration event, whatever the logging settings. Listeners cannot be removed,
    so one pair is registered for the process and each block reads the difference.
    """
    global _registered
    import jax.monitoring

    if not _registered:
        jax.monitoring.register_event_duration_secs_listener(_on_duration)
        jax.monitoring.register_event_listener(_on_event)
        _registered = True
    counts, durations, programs = Counter(_counts), dict(_seconds), len(_programs)
    result = Compiles()
    try:
        yield result
    finally:
        result.traces = _counts[TRACE_EVENT] - counts[TRACE_EVENT]
        result.cache_hits = _counts[CACHE_HIT_EVENT] - counts[CACHE_HIT_EVENT]
        result.compiles = _counts[COMPILE_EVENT] - counts[COMPILE_EVENT] - result.cache_hits
        spent = {event: _seconds[event] - durations.get(event, 0.0) for event in _seconds}
        result.trace_seconds = spent.get(TRACE_EVENT, 0.0)
        result.lower_seconds = spent.get(LOWER_EVENT, 0.0)
        result.compile_seconds = spent.get(COMPILE_EVENT, 0.0)
        result.programs = _programs[programs:]
