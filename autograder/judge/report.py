"""The grade as a student or an instructor reads it: a text table, or Gradescope's results.json."""

import base64
import html
import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from autograder.judge import results_file
from autograder.judge.results_file import IMPORT, NOT_IMPLEMENTED, RAISED
from autograder.judge.scores import Scores, TestResult

SECTION_HINT = "not implemented yet"


def _status(scores: Scores, section: str) -> str:
    tests = [r for r in scores.results if r.exercise == section]
    if all(r.passed for r in tests):
        return "ok"
    if all(r.failure == NOT_IMPLEMENTED for r in tests):
        return SECTION_HINT
    failed = sum(not r.passed for r in tests)
    return f"{failed} of {len(tests)} test{'s' if len(tests) > 1 else ''} failed"


def score_table(scores: Scores) -> str:
    # "exercise" heads the first column: the column is at least as wide, whichever sections
    # were graded (``grade --exercise relu`` has only short names).
    width = max(len(s) for s in [*scores.by_section(), "total", "exercise"])
    lines = [f"{'exercise':<{width}}  {'points':>9}  status", "-" * (width + 30)]
    for section, (got, most) in scores.by_section().items():
        lines.append(f"{section:<{width}}  {got:>4g} / {most:<3g}  {_status(scores, section)}")
    lines.append("-" * (width + 30))
    lines.append(f"{'total':<{width}}  {scores.score:>4g} / {scores.max_score:<3g}")
    return "\n".join(lines)


def same_failure(kind: str, details: Mapping[str, Any], text: str) -> str:
    """What tests that failed for the same reason share, so that they share one entry, from the
    failure's kind and fields (autograder.judge.feedback.Failure): an error's type, the student's
    lines and the cause (not its numbers, which follow the call), else the likely cause named,
    else the whole ``text``."""
    cause = str(details.get("cause", ""))
    if kind == RAISED:
        return "\n".join([f"raised {details.get('error', '')}", *map(str, details.get("mine", [])), cause])
    return f"cause: {cause}" if cause else text.strip()


HELD_BACK = ("hidden test: what it called and what came back are shown once grades are "
             "published")


def held_back(test: dict, show_hidden: bool = False) -> dict:
    """A results.json test as a student may see it now: a hidden one (visibility
    "after_published") keeps its name and points, and its output says only that it is hidden,
    unless ``show_hidden`` (the instructor asked). For every page or report built from
    results.json (the feedback pages too)."""
    if show_hidden or test.get("visibility") != "after_published":
        return test
    shown = {k: v for k, v in test.items() if k != "output_format"}
    return dict(shown, output=f"({HELD_BACK})" if test.get("status") != "passed" else "")


def _failure_entries(failed: list[TestResult], show_hidden: bool = False) -> list[str]:
    """One entry per distinct failure of one exercise, public tests first, then hidden ones
    (by name and points only unless ``show_hidden``)."""
    held = [f"  x {r.name}  [0 / {r.points:g}] ({HELD_BACK})" for r in failed
            if r.hidden and not show_hidden]
    groups: dict[str, list[TestResult]] = {}
    for r in sorted(failed, key=lambda r: r.hidden):  # stable: the suites' order within each
        if show_hidden or not r.hidden:
            groups.setdefault(same_failure(r.failure, r.details, r.output), []).append(r)
    entries = []
    for same in groups.values():
        first = same[0]
        body = first.output.strip().replace("\n", "\n      ") or "(no message)"
        hidden = " (hidden: students see it once grades are published)" if first.hidden else ""
        if len(same) == 1:
            entries.append(f"  x {first.name}  [0 / {first.points:g}]{hidden}\n      {body}")
            continue
        names = "; ".join(r.name.partition(": ")[2] + (" (hidden)" if r.hidden else "") for r in same)
        what = "error" if first.failure == RAISED else "mistake"
        entries.append(f"  x the same {what} in {len(same)} tests of {first.exercise}  "
                       f"[0 / {sum(r.points for r in same):g}]\n      tests: {names}\n"
                       f"      the first of them:\n      {body}")
    return entries + held


def text_report(scores: Scores, seconds: float, show_hidden: bool = False) -> str:
    """The report a student reads; hidden tests by name and points only unless ``show_hidden``."""
    parts = [f"Grade for {scores.submission} (inputs from seed {scores.seed}, {seconds:.1f} s)", "",
             score_table(scores)]
    failed = [r for r in scores.results if not r.passed]
    unimportable = [r for r in failed if r.failure == IMPORT]
    if failed:
        parts += ["", "What to fix (in the order of the exercises):"]
    if unimportable:  # one error, however many tests it failed
        parts.append(f"  x every test ({len(unimportable)} tests, "
                     f"{sum(r.points for r in unimportable):g} points)\n      "
                     + unimportable[0].output.strip().replace("\n", "\n      "))
        failed = [r for r in failed if r not in unimportable]
    for section in scores.by_section():
        if unimportable:
            continue
        if _status(scores, section) == SECTION_HINT:
            tests = [r for r in failed if r.exercise == section]
            parts.append(f"  x {section}: not implemented yet ({len(tests)} tests, "
                         f"{sum(r.points for r in tests):g} points)")
            continue
        parts += _failure_entries([r for r in failed if r.exercise == section], show_hidden)
    notes = [r for r in scores.results if r.passed and r.output and r.exercise != "xor"
             and (show_hidden or not r.hidden)]
    if notes:
        parts += ["", "Notes on tests you passed:"]
        parts += [f"  - {r.name}\n      " + r.output.strip().replace("\n", "\n      ") for r in notes]
    tables = [r.output for r in scores.results if r.exercise == "xor" and r.passed and r.output]
    if tables:
        parts += ["", tables[0]]
    if scores.figures:
        parts += ["", "Plots of your network trained from PRNGKey(0): "
                  + ", ".join(scores.figures.values())]
    if scores.events:
        parts += ["", "While grading: " + "; ".join(scores.events)]
    if scores.wall:
        parts += ["", f"Your code ran isolated by: {scores.wall}"]
    if scores.printed.strip():
        parts += ["", "Your code printed (first part):", scores.printed.strip()[:2000]]
        parts += [f"Note: {TRACER_NOTE}"] if TRACER.search(scores.printed) else []
    return "\n".join(parts) + "\n"


# What print shows of an array that jax.jit, jax.grad or jax.vmap traces (JitTracer(float32[3]),
# GradTracer(...); Traced<ShapedArray(...)> in older JAX).
TRACER = re.compile(r"\b\w*Tracer\(|Traced<")
TRACER_NOTE = ("what you printed includes tracers (JitTracer(...) and the like): inside jax.jit, "
               "jax.grad and jax.vmap, print runs once while JAX traces your function and shows no numbers. "
               'jax.debug.print("x = {x}", x=x) prints the values each time the code runs.')


def results_json(scores: Scores, seconds: float) -> dict[str, Any]:
    """Gradescope's results.json (autograder.judge.results_file builds it): each failed test's
    exercise, failure kind and parts in its extra_data, which the class statuses read."""
    tests = []
    for r in scores.results:
        tests.append({
            "name": r.name, "score": r.points if r.passed else 0.0, "max_score": r.points,
            "status": "passed" if r.passed else "failed", "output": r.output,
            "visibility": "after_published" if r.hidden else "visible",
            "extra_data": {"exercise": r.exercise,
                           **({"kind": r.failure, **r.details} if r.failure and not r.passed else {})},
        })
        figures = {name: scores.figures[name] for name in r.figures if name in scores.figures}
        if figures:  # Gradescope renders a test's output as HTML when told so
            tests[-1].update(output=html_with_figures(r.output, figures), output_format="html")
    notes = list(scores.events)
    if scores.printed.strip():
        notes.append("Your code printed:\n" + scores.printed.strip()[:2000]
                     + (f"\nNote: {TRACER_NOTE}" if TRACER.search(scores.printed) else ""))
    # The seed reproduces this grading; a stop of the whole submission is a field, not a sentence.
    extra = {"seed": scores.seed, **({"wall": scores.wall} if scores.wall else {}),
             **({"status": results_file.TIMEOUT, "reason": scores.stopped} if scores.stopped else {})}
    return results_file.document(scores.score, scores.max_score, seconds, tests, "\n\n".join(notes), extra)


def html_with_figures(text: str, figures: dict[str, str]) -> str:
    """A test's output as HTML: its text as it was, then the PNG files (name -> file) inline."""
    parts = [f"<pre>{html.escape(text)}</pre>"] if text else []
    parts += [image_tag(name, Path(file).read_bytes()) for name, file in figures.items()]
    return "\n".join(parts)


def image_tag(name: str, png: bytes) -> str:
    """An <img> with the PNG inside (no other file needed), its alt text the plot's name."""
    data = base64.b64encode(png).decode("ascii")
    alt = html.escape(Path(name).stem.replace("_", " "))
    return f'<img src="data:image/png;base64,{data}" alt="{alt}">'


def plain_output(test: dict) -> str:
    """A results.json test's output as text: the inverse of ``html_with_figures`` (no images)."""
    output = str(test.get("output", ""))
    if test.get("output_format") != "html":
        return output
    text, _, _ = output.removeprefix("<pre>").partition("</pre>")
    return html.unescape(text) if output.startswith("<pre>") else ""


def dumps(result: dict) -> str:
    return json.dumps(result, indent=2) + "\n"


def printable(text: str) -> str:
    """``text`` with what UTF-8 cannot encode (a lone surrogate from a submission) escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: a reader (or a
    grader interrupted halfway) sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                     delete=False) as out:
        out.write(printable(text))
    os.chmod(out.name, 0o644)  # as an ordinary file; the temporary one was private
    os.replace(out.name, path)
