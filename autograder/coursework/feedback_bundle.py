"""``python -m autograder feedback CLASS-grades``: one page per student to hand back.

For each student, FOLDER/STUDENT.html (one self-contained page: the score table, what to
fix, the plots inline, the instructor's overrides and the late penalty) and FOLDER/STUDENT.txt
(the same in plain text). FOLDER is CLASS-grades/feedback unless ``--out`` says otherwise.
"""

import argparse
import base64
import html
from pathlib import Path

from autograder import SECTIONS
from autograder.coursework import course_options
from autograder.coursework.bad_input import BadInput
from autograder.coursework.gradebook import Row
from autograder.coursework.statuses import GRADED, IMPORT_ERROR, MISSING, TIMEOUT

STYLE = ("body{font-family:sans-serif;max-width:52em;margin:2em auto;padding:0 1em}"
         "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2em .6em;text-align:left}"
         "pre{background:#f4f4f4;padding:.6em;white-space:pre-wrap}img{max-width:100%}")


def configure(parser: argparse.ArgumentParser) -> None:
    course_options.configure(parser)
    parser.add_argument("--out", metavar="DIR", help="where the pages go (default: CLASS-grades/feedback)")


def section_table(row: Row) -> list[tuple[str, str, str]]:
    """(exercise, points, note) for each section, and the total."""
    most: dict[str, float] = {}
    for test in row.result.get("tests", []):
        section = test["name"].split(":")[0]
        most[section] = most.get(section, 0.0) + float(test["max_score"])
    changed = {o.exercise for o in row.overrides}
    lines = []
    for section in (s for s in SECTIONS if s in most):
        if section in row.sections:
            note = "set by your instructor" if section in changed else (
                "ok" if row.sections[section] == most[section] else "")
            lines.append((section, f"{row.sections[section]:g} / {most[section]:g}", note))
        else:
            lines.append((section, f"0 / {most[section]:g}", f"not run: {row.status.kind}"))
    return lines


def adjustments(row: Row) -> list[str]:
    notes = [o.describe() for o in row.overrides]
    late = row.lateness
    if late and late.days:
        notes.append(f"handed in {late.days} day(s) after the due date ({late.due:%Y-%m-%d %H:%M %Z}): "
                     f"-{late.percent:g}% of {row.raw_total:g}")
    return notes


def failures(row: Row) -> list[tuple[str, str]]:
    """(test, what it said) for each failed test; one line for a file that did not import."""
    from autograder.judge.report import plain_output

    if row.status.kind in (IMPORT_ERROR, MISSING) or not row.result.get("tests"):
        return [(row.status.kind, row.status.message or "no grade")] if row.status.kind != GRADED else []
    return [(f"{t['name']}  [0 / {t['max_score']:g}]", plain_output(t).strip() or "(no message)")
            for t in row.result["tests"] if t["status"] != "passed"]


def headline(row: Row) -> str:
    text = f"{row.student}: {row.total:g} / {row.max:g}"
    if row.total != row.raw_total:
        text += f" (before the late penalty: {row.raw_total:g})"
    if row.status.kind in (IMPORT_ERROR, MISSING, TIMEOUT):
        text += f" [{row.status.kind}]"
    return text


def text_page(row: Row) -> str:
    lines = [headline(row), ""]
    width = max([len(s) for s, _, _ in section_table(row)] + [8])
    lines += [f"{s:<{width}}  {p:>9}  {n}".rstrip() for s, p, n in section_table(row)]
    if notes := adjustments(row):
        lines += ["", "Changes to the automatic grade:", *(f"  - {n}" for n in notes)]
    if fixes := failures(row):
        lines += ["", "What to fix:"]
        lines += [f"  x {name}\n      " + body.replace("\n", "\n      ") for name, body in fixes]
    return "\n".join(lines) + "\n"


def plots(out: Path, student: str) -> list[str]:
    """The student's plots as <img> tags with the PNG inside, so the page needs no other file."""
    tags = []
    for png in sorted((out / student).glob("*.png")):
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        tags.append(f'<img src="data:image/png;base64,{data}" alt="{html.escape(png.stem)}">')
    return tags


def html_page(row: Row, out: Path) -> str:
    e = html.escape
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{e(row.student)}</title>"
             f"<style>{STYLE}</style></head><body><h1>{e(headline(row))}</h1>",
             "<table><tr><th>exercise</th><th>points</th><th></th></tr>"]
    parts += [f"<tr><td>{e(s)}</td><td>{e(p)}</td><td>{e(n)}</td></tr>" for s, p, n in section_table(row)]
    parts.append(f"<tr><th>total</th><th>{row.total:g} / {row.max:g}</th><th></th></tr></table>")
    if notes := adjustments(row):
        parts.append("<h2>Changes to the automatic grade</h2><ul>"
                     + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul>")
    if fixes := failures(row):
        parts.append("<h2>What to fix</h2>")
        parts += [f"<h3>{e(name)}</h3><pre>{e(body)}</pre>" for name, body in fixes]
    if images := plots(out, row.student):
        parts += ["<h2>Your network, trained from PRNGKey(0)</h2>", *images]
    return "\n".join(parts) + "\n</body></html>\n"


def run(args: argparse.Namespace) -> int:
    from autograder.judge.report import write_atomic

    try:
        out, rows, _ = course_options.load_rows(args)
    except BadInput as error:
        return course_options.fail(error)
    target = Path(args.out) if args.out else out / "feedback"
    for row in rows:
        write_atomic(target / f"{row.student}.html", html_page(row, out))
        write_atomic(target / f"{row.student}.txt", text_page(row))
    print(f"wrote {target}: an .html page and a .txt file for each of {len(rows)} students")
    return 0
