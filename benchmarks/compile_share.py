"""How much of a class's compile time a judge-side compile service keyed by program would save.

The idea measured here (not built): in official grading, the sandbox would hand each lowered
program to the judge, which would compute the cache key itself, compile it in a process that
runs no submission code, and keep the executables by key, so that students whose functions
lower to the same program share one compile. The saving is the compile time of every program
whose key was compiled before for an earlier student of the class.

The class: the reference (as a student's file) and every file of tests/corpus/correct and
tests/corpus/mistakes, each graded officially (its own seed, the hidden tests, the reference
lent as stand-ins), one after another in this process, as a class's reused judge grades them
(``judge.grading.grade_file``, each in a sandbox of its own behind the usual wall).

What each sandbox compiled, under which key and in how long, is JAX's own account: the
sandboxes get ``JAX_LOG_COMPILES`` and ``JAX_EXPLAIN_CACHE_MISSES``, so JAX logs, for every
program, its persistent-cache key (``PERSISTENT COMPILATION CACHE MISS ... with key``, or a
hit among the library programs, which every sandbox loads anyway and which are left out) and
then ``Finished XLA compilation of ... in T sec``. The key is JAX's own
(``jax._src.cache_key.get``: the program without its debug information, jaxlib, the
backend, XLA's flags, the compile options). Programs that call back to the host (the lent
stand-ins) carry a callback's address in their key, so JAX never caches them and no key
service could share them: they are counted apart. The sandbox's printed output carries the
log; its cap is raised for this process only. The kit's files are not changed.

    python benchmarks/compile_share.py              # 90 gradings: about 18 min on 2 busy cores
    python benchmarks/compile_share.py --limit 5    # the first five files, to try it
"""

import argparse
import dataclasses
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import machine_rows, markdown_table, seconds

KIT = Path(__file__).resolve().parent.parent
CORPUS = KIT / "tests" / "corpus"
LOG_ENV = {"JAX_LOG_COMPILES": "1", "JAX_EXPLAIN_CACHE_MISSES": "1"}
MISS = re.compile(r"PERSISTENT COMPILATION CACHE MISS for '[^']*' with key '([^']+)'")
HIT = re.compile(r"Persistent compilation cache hit for '[^']*' with key '([^']+)'")
CALLBACKS = re.compile(r"Not writing persistent cache entry for '[^']*' because it uses host callbacks")
FINISHED = re.compile(r"Finished XLA compilation of .* in ([0-9.]+) sec")
OUTPUT_KB = 8192  # the sandbox's printed output kept, for this process (the log is ~1 kB a program)


@dataclasses.dataclass
class Program:
    key: str
    seconds: float
    kind: str  # "compiled", "callbacks" (never cached, no key to share) or "loaded" (library)


def class_files(folder: Path) -> list[Path]:
    """The reference and the two corpora, written whole into ``folder`` (tests/corpus_files.py)."""
    from autograder import SOLUTION_PATH

    sys.path.insert(0, str(KIT / "tests"))
    from corpus_files import write_corpus  # the corpus files as whole modules

    return [SOLUTION_PATH, *write_corpus("correct", folder / "correct").values(),
            *write_corpus("mistakes", folder / "mistakes").values()]


def parse(log: str) -> list[Program]:
    """The programs in one sandbox's log, in order: each key (or hit), then its compile's time."""
    programs: list[Program] = []
    key, kind = "", "compiled"
    for line in log.splitlines():
        if found := MISS.search(line):
            key, kind = found.group(1), "compiled"
        elif found := HIT.search(line):
            key, kind = found.group(1), "loaded"
        elif CALLBACKS.search(line):
            kind = "callbacks"
        elif (found := FINISHED.search(line)) and key:
            programs.append(Program(key, float(found.group(1)), kind))
            key, kind = "", "compiled"
    return programs


def install(logs: list[str]) -> None:
    """For this process only: the sandboxes get JAX's compile log in their environment, keep
    more of their output, and hand it to ``logs`` when they close."""
    from autograder.judge.submissions import SandboxSubmission
    from autograder.launch import door

    door.PASSED_ENV = (*door.PASSED_ENV, *LOG_ENV)
    os.environ.update(LOG_ENV)  # after this process imported JAX: its own compiles stay quiet
    init, close = door.SandboxProcess.__init__, SandboxSubmission.close

    def roomy_init(self: door.SandboxProcess, *args: object, **kwargs: object) -> None:
        init(self, *args, **kwargs)
        self.limits = dataclasses.replace(self.limits, output_kb=OUTPUT_KB)

    def logged_close(self: SandboxSubmission) -> None:
        logs.append(self.process.printed())
        close(self)

    door.SandboxProcess.__init__ = roomy_init  # type: ignore[method-assign]
    SandboxSubmission.close = logged_close  # type: ignore[method-assign]


def grade_class(files: list[Path]) -> list[tuple[str, float, list[Program]]]:
    """Grade each file officially; its name, score and programs."""
    from autograder.judge import library_programs
    from autograder.judge.grading import grade_file

    library_programs.ready()  # built before the log is switched on (its keys do not depend on it)
    logs: list[str] = []
    install(logs)
    graded = []
    for number, path in enumerate(files, 1):
        started = time.perf_counter()
        scores, _, _ = grade_file(path)
        programs = parse(logs[-1]) if logs else []
        graded.append((path.name, scores.score, programs))
        print(f"[{number}/{len(files)}] {path.name}: {scores.score:g} points, {len(programs)} programs, "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return graded


def summary(graded: list[tuple[str, float, list[Program]]]) -> str:
    """The totals: compile time, what a service keyed by program would save, and what it could not."""
    seen: set[str] = set()
    spent, count = Counter(), Counter()
    for _, _, programs in graded:
        mine: set[str] = set()
        for p in programs:
            if p.kind == "compiled":
                kind = "earlier student" if p.key in seen else "same student" if p.key in mine else "new"
                mine.add(p.key)
            else:
                kind = p.kind
            spent[kind] += p.seconds
            count[kind] += 1
        seen |= mine
    total = sum(spent[k] for k in ("new", "same student", "earlier student", "callbacks"))
    programs = sum(count[k] for k in ("new", "same student", "earlier student", "callbacks"))
    rows = [
        ("compiled, key new to the class", count["new"], seconds(spent["new"])),
        ("compiled, key compiled before for an earlier student", count["earlier student"],
         seconds(spent["earlier student"])),
        ("compiled, key compiled before in the same grading", count["same student"],
         seconds(spent["same student"])),
        ("compiled, calls back to the host (lent stand-ins: never cached)", count["callbacks"],
         seconds(spent["callbacks"])),
        ("compiled, in all", programs, seconds(total)),
        ("loaded from the library programs (not counted above)", count["loaded"], seconds(spent["loaded"])),
    ]
    share = spent["earlier student"] / total if total else 0.0
    both = (spent["earlier student"] + spent["same student"]) / total if total else 0.0
    unique = len(seen)
    return "\n\n".join([
        markdown_table(("programs in the sandboxes", "programs", "XLA compile time"), rows),
        f"{len(graded)} gradings, {programs} programs compiled ({unique} distinct keys among the cacheable "
        f"ones), {seconds(total)} of XLA compile time in the sandboxes.",
        f"A judge-side service keyed by program would save {share:.1%} of it (the programs whose key was "
        f"compiled for an earlier student), {both:.1%} with the repeats inside one grading; "
        f"{spent['callbacks'] / total if total else 0:.1%} calls back to the host and could not be shared.",
    ])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="grade only the first N files of the class")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(KIT))
    import jax  # noqa: F401  (before the log variables are set: the judge's JAX stays quiet)

    files = class_files(Path(tempfile.mkdtemp(prefix="xor-kit-compile-share-")))[: args.limit]
    print("### Machine\n\n" + markdown_table(("", ""), machine_rows(KIT)) + "\n")
    started = time.perf_counter()
    graded = grade_class(files)
    print(f"### Compile time a keyed compile service would share (class of {len(files)}: the reference, "
          f"tests/corpus/correct, tests/corpus/mistakes)\n")
    print(summary(graded))
    print(f"\nThe run took {time.perf_counter() - started:.0f} s; load average (1 min) at the end: "
          f"{os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
