"""The grade as a student or an instructor reads it: a text table, or Gradescope's results.json."""

import json
from typing import Any

from autograder.plugin import Scores

SECTION_HINT = "not implemented yet"


def _status(scores: Scores, section: str) -> str:
    tests = [r for r in scores.results if r.exercise == section]
    if all(r.passed for r in tests):
        return "ok"
    if all("not implemented yet" in r.output for r in tests if not r.passed) and not any(
            r.passed for r in tests):
        return SECTION_HINT
    failed = sum(not r.passed for r in tests)
    return f"{failed} of {len(tests)} test{'s' if len(tests) > 1 else ''} failed"


def score_table(scores: Scores) -> str:
    width = max(len(s) for s in [*scores.by_section(), "total"])
    lines = [f"{'exercise':<{width}}  {'points':>9}  status", "-" * (width + 30)]
    for section, (got, most) in scores.by_section().items():
        lines.append(f"{section:<{width}}  {got:>4g} / {most:<3g}  {_status(scores, section)}")
    lines.append("-" * (width + 30))
    lines.append(f"{'total':<{width}}  {scores.score:>4g} / {scores.max_score:<3g}")
    return "\n".join(lines)


def text_report(scores: Scores, seconds: float) -> str:
    parts = [f"Grade for {scores.submission} (inputs from seed 0, {seconds:.1f} s)", "",
             score_table(scores)]
    failed = [r for r in scores.results if not r.passed]
    if failed:
        parts += ["", "What to fix (in the order of the exercises):"]
    for section in scores.by_section():
        if _status(scores, section) == SECTION_HINT:
            tests = [r for r in failed if r.exercise == section]
            parts.append(f"  x {section}: not implemented yet ({len(tests)} tests, "
                         f"{sum(r.points for r in tests):g} points)")
            continue
        for r in (r for r in failed if r.exercise == section):
            body = r.output.strip().replace("\n", "\n      ") or "(no message)"
            parts.append(f"  x {r.name}  [0 / {r.points:g}]\n      {body}")
    tables = [r.output for r in scores.results if r.exercise == "xor" and r.passed and r.output]
    if tables:
        parts += ["", tables[0]]
    if scores.events:
        parts += ["", "While grading: " + "; ".join(scores.events)]
    if scores.printed.strip():
        parts += ["", "Your code printed (first part):", scores.printed.strip()[:2000]]
    return "\n".join(parts) + "\n"


def results_json(scores: Scores, seconds: float) -> dict[str, Any]:
    """Gradescope's results.json: https://gradescope-autograders.readthedocs.io (specs)."""
    tests = []
    for r in scores.results:
        tests.append({
            "name": r.name, "score": r.points if r.passed else 0.0, "max_score": r.points,
            "status": "passed" if r.passed else "failed", "output": r.output,
            "visibility": "after_published" if r.hidden else "visible",
        })
    notes = list(scores.events)
    if scores.printed.strip():
        notes.append("Your code printed:\n" + scores.printed.strip()[:2000])
    result: dict[str, Any] = {
        "score": scores.score, "max_score": scores.max_score,
        "execution_time": round(seconds, 2), "output_format": "text", "visibility": "visible",
        "tests": tests,
    }
    if notes:
        result["output"] = "\n\n".join(notes)
    return result


def dumps(result: dict) -> str:
    return json.dumps(result, indent=2) + "\n"
