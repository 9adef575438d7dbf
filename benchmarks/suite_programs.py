"""Which programs one official grading compiles in the sandbox, and which tests ask for them.

Every distinct (function, transforms, argument shapes, static arguments, functions lent) a
test passes to the submission is a program the sandbox compiles (the lent stand-ins' calls
back to the judge included). This grades one file officially, as ``compile_share.py`` does
(its own seed, the hidden tests, the reference lent), with JAX's compile log on in the
sandbox, and prints each distinct call with the tests that make it, the programs its first
call compiled and their XLA compile time. Not a test: a record for choosing the suites' shapes.

    python benchmarks/suite_programs.py                       # the reference
    python benchmarks/suite_programs.py tests/corpus/correct/where_relu_dot_predict.py --json out.json
"""

import argparse
import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from common import markdown_table
from compile_share import install

KIT = Path(__file__).resolve().parent.parent
COMPILING = re.compile(r"Finished XLA compilation of (\S+) in ([0-9.]+) sec")


def shape_of(value: Any) -> Any:
    """A call's argument as what makes its program: shapes for arrays, values for the rest."""
    if isinstance(value, dict):
        return {k: shape_of(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [shape_of(v) for v in value]
    if isinstance(value, np.ndarray | np.generic):
        return list(np.shape(value))
    return value


def signature(call: Any) -> str:
    """The call's program-making parts, one line."""
    args = json.dumps([shape_of(a) for a in call.args], separators=(",", ":"))
    kwargs = json.dumps({k: shape_of(v) for k, v in call.kwargs.items()}, separators=(",", ":"))
    transforms = "+".join(call.transforms) or "-"
    lent = ",".join(call.with_reference) or "-"
    return f"{call.function} [{transforms}] args={args} kwargs={kwargs} lent={lent}"


def record(calls: list[dict]) -> None:
    """Wrap the sandbox's calls: each one's test, signature and the log it added."""
    from autograder.judge.submissions import SandboxSubmission  # after main put the kit on the path

    inner = SandboxSubmission.call

    def logged(self: SandboxSubmission, call: Any) -> Any:
        before, programs = len(self.process.printed()), list(self.process.programs)
        try:
            return inner(self, call)
        finally:
            log = self.process.printed()[before:]
            test = os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0].split("::")
            calls.append({"test": f"{Path(test[0]).stem.removeprefix('test_')}::{test[-1]}",
                          "signature": signature(call),
                          "compiled": self.process.programs[0] - programs[0],
                          "loaded": self.process.programs[1] - programs[1],
                          "programs": [(m.group(1), float(m.group(2))) for m in COMPILING.finditer(log)]})

    SandboxSubmission.call = logged  # type: ignore[method-assign]


def report(path: Path, calls: list[dict], score: float) -> str:
    by_signature: dict[str, dict] = {}
    for c in calls:
        entry = by_signature.setdefault(c["signature"], {"tests": [], "compiled": 0, "seconds": 0.0,
                                                         "names": []})
        if c["test"] not in entry["tests"]:
            entry["tests"].append(c["test"])
        entry["compiled"] += c["compiled"]
        entry["seconds"] += sum(s for _, s in c["programs"])
        entry["names"] += [n for n, _ in c["programs"]]
    rows = [(sig, e["compiled"], f"{e['seconds'] * 1000:.0f} ms", ", ".join(sorted(set(e["names"]))),
             "; ".join(e["tests"])) for sig, e in by_signature.items()]
    compiled = sum(c["compiled"] for c in calls)
    seconds = sum(s for c in calls for _, s in c["programs"])
    per_section: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for c in calls:
        section = c["test"].split("::")[0]
        per_section[section][0] += c["compiled"]
        per_section[section][1] += sum(s for _, s in c["programs"])
    sections = [(s, int(n), f"{t * 1000:.0f} ms") for s, (n, t) in per_section.items()]
    return "\n\n".join([
        f"### {path.name}: {score:g} points, {len(calls)} sandbox calls, {len(by_signature)} distinct "
        f"calls, {compiled} programs compiled, {seconds:.2f} s of XLA compile time",
        markdown_table(("suite", "programs compiled", "XLA compile time"), sections),
        markdown_table(("call", "compiled", "XLA time", "programs", "tests"), rows)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, nargs="?", default=KIT / "solutions" / "xor_net.py")
    parser.add_argument("--json", type=Path, help="also write every call as JSON here")
    args = parser.parse_args()
    sys.path.insert(0, str(KIT))
    import jax  # noqa: F401  (before the log variables are set: the judge's JAX stays quiet)

    from autograder.judge import library_programs  # after JAX, before the log is on
    from autograder.judge.grading import grade_file  # (the same)

    library_programs.ready()
    logs: list[str] = []
    install(logs)
    calls: list[dict] = []
    record(calls)
    scores, _, _ = grade_file(args.file.resolve())
    if args.json:
        args.json.write_text(json.dumps(calls, indent=1) + "\n")
    print(report(args.file, calls, scores.score))


if __name__ == "__main__":
    main()
