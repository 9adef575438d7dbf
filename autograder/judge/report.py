"""The grade as a student or an instructor reads it: a text table, or Gradescope's results.json."""

import base64
import html
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from autograder.judge.scores import Scores

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
    parts = [f"Grade for {scores.submission} (inputs from seed {scores.seed}, {seconds:.1f} s)", "",
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
            hidden = " (hidden: students see it once grades are published)" if r.hidden else ""
            parts.append(f"  x {r.name}  [0 / {r.points:g}]{hidden}\n      {body}")
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
        figures = {name: scores.figures[name] for name in r.figures if name in scores.figures}
        if figures:  # Gradescope renders a test's output as HTML when told so
            tests[-1].update(output=html_with_figures(r.output, figures), output_format="html")
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
    # Gradescope keeps extra_data; gradebooks read it. The seed reproduces this grading.
    result["extra_data"] = {"seed": scores.seed, **({"wall": scores.wall} if scores.wall else {})}
    return result


def html_with_figures(text: str, figures: dict[str, str]) -> str:
    """A test's output as HTML: its text as it was, then the PNG files (name -> file) inline."""
    parts = [f"<pre>{html.escape(text)}</pre>"] if text else []
    for name, file in figures.items():
        data = base64.b64encode(Path(file).read_bytes()).decode("ascii")
        alt = html.escape(Path(name).stem.replace("_", " "))
        parts.append(f'<img src="data:image/png;base64,{data}" alt="{alt}">')
    return "\n".join(parts)


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
