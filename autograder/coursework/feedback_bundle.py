"""``python -m autograder feedback CLASS-grades``: one page per student to hand back.

For each student, FOLDER/STUDENT.html (one self-contained page: the score table, what to
fix, the plots inline, the instructor's overrides and the late penalty) and FOLDER/STUDENT.txt
(the same in plain text). FOLDER is CLASS-grades/feedback unless ``--out`` says otherwise.
Pages are titled by the roster's name where there is one; failures that share a cause are
one entry, as in results.txt. A hidden test shows its name and points only (its inputs and
message are held back) unless ``--show-hidden``. Before writing, every grade is checked
(autograder.coursework.course_options); a page is no longer than ``PAGE_CHARS``.
"""

import argparse
import html
import sys
from pathlib import Path

from autograder import SECTIONS
from autograder.coursework import course_options
from autograder.coursework.bad_input import BadInput
from autograder.coursework.class_folder import scores_from_result
from autograder.coursework.gradebook import Row
from autograder.coursework.statuses import GRADED, IMPORT_ERROR, MISSING, TIMEOUT
from autograder.judge import training_file
from autograder.judge.plots import draw_in_memory
from autograder.judge.report import HELD_BACK, image_tag, same_failure, write_atomic
from autograder.judge.results_file import exercise_of

STYLE = ("body{font-family:sans-serif;max-width:52em;margin:2em auto;padding:0 1em}"
         "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2em .6em;text-align:left}"
         "pre{background:#f4f4f4;padding:.6em;white-space:pre-wrap}img{max-width:100%}")


def configure(parser: argparse.ArgumentParser) -> None:
    course_options.configure(parser)
    parser.add_argument("--out", metavar="DIR", help="where the pages go (default: CLASS-grades/feedback)")
    parser.add_argument("--show-hidden", action="store_true",
                        help="show hidden tests' inputs and messages too (default: their names and points)")


PAGE_CHARS = 200_000  # a page's text, at most, whatever a submission printed or raised


def section_table(row: Row) -> list[tuple[str, str, str]]:
    """(exercise, points, note) for each section, and the total."""
    most: dict[str, float] = {}
    for test in row.result.get("tests", []):
        section = exercise_of(test)
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


def failures(row: Row, show_hidden: bool = False) -> list[tuple[str, str]]:
    """(title, what it said) for each distinct failure, as results.txt groups them (tests
    that failed for the same reason share one); one line for a file that did not import."""
    if row.status.kind in (IMPORT_ERROR, MISSING) or not row.result.get("tests"):
        return [(row.status.kind, row.status.message or "no grade")] if row.status.kind != GRADED else []
    failed = sorted((r for r in scores_from_result(row.result, row.student).results if not r.passed),
                    key=lambda r: r.hidden)  # public tests first, as in results.txt
    groups: dict[tuple[str, str], list] = {}
    for test in failed:
        held = test.hidden and not show_hidden
        key = test.name if held else same_failure(test.failure, test.details, test.output)
        groups.setdefault((test.exercise, key), []).append(test)
    entries = []
    for same in groups.values():
        first, points = same[0], sum(t.points for t in same)
        hidden = " (hidden)" if first.hidden else ""
        body = HELD_BACK if first.hidden and not show_hidden else first.output.strip() or "(no message)"
        if len(same) == 1:
            entries.append((f"{first.name}{hidden}  [0 / {points:g}]", body))
        else:
            tests = "; ".join(t.name.partition(": ")[2] + (" (hidden)" if t.hidden else "") for t in same)
            entries.append((f"the same mistake in {len(same)} tests of {first.exercise}  [0 / {points:g}]",
                            f"tests: {tests}\nthe first of them:\n{body}"))
    return entries


def headline(row: Row, name: str = "") -> str:
    text = f"{name or row.student}: {row.total:g} / {row.max:g}"
    if row.total != row.raw_total:
        text += f" (before the late penalty: {row.raw_total:g})"
    if row.status.kind in (IMPORT_ERROR, MISSING, TIMEOUT):
        text += f" [{row.status.kind}]"
    return text


def text_page(row: Row, name: str = "", show_hidden: bool = False) -> str:
    lines = [headline(row, name), ""]
    width = max([len(s) for s, _, _ in section_table(row)] + [8])
    lines += [f"{s:<{width}}  {p:>9}  {n}".rstrip() for s, p, n in section_table(row)]
    if notes := adjustments(row):
        lines += ["", "Changes to the automatic grade:", *(f"  - {n}" for n in notes)]
    if fixes := failures(row, show_hidden):
        lines += ["", "What to fix:"]
        lines += [f"  x {title}\n      " + body.replace("\n", "\n      ") for title, body in fixes]
    return capped("\n".join(lines)) + "\n"


def capped(text: str) -> str:
    return text if len(text) <= PAGE_CHARS else text[:PAGE_CHARS] + "\n[... cut: the page's limit]"


def plots(out: Path, student: str) -> list[str]:
    """The student's plots as <img> tags with the PNG inside, so the page needs no other file:
    drawn here from the data the class run kept, or an older kit's PNG files as they are."""
    folder = out / student
    if (folder / training_file.NAME).exists():
        pngs = drawn(folder / training_file.NAME, student)
    else:  # graded by a kit that drew the plots in the class run
        pngs = {png.name: png.read_bytes() for png in folder.glob("*.png")}
    return [image_tag(name, data) for name, data in sorted(pngs.items())]


def drawn(kept: Path, student: str) -> dict[str, bytes]:
    """The plots of the training kept in ``kept``, drawn in memory; none, with a warning, when
    the file is garbled or matplotlib fails: the page is written regardless."""
    try:
        return draw_in_memory(training_file.load(kept))
    except Exception as error:  # TrainingFileError, matplotlib's own
        print(f"warning: {student}'s page has no plots ({type(error).__name__}: {error})", file=sys.stderr)
        return {}


def html_page(row: Row, out: Path, name: str = "", show_hidden: bool = False) -> str:
    e = html.escape
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{e(name or row.student)}</title>"
             f"<style>{STYLE}</style></head><body><h1>{e(headline(row, name))}</h1>",
             "<table><tr><th>exercise</th><th>points</th><th></th></tr>"]
    parts += [f"<tr><td>{e(s)}</td><td>{e(p)}</td><td>{e(n)}</td></tr>" for s, p, n in section_table(row)]
    parts.append(f"<tr><th>total</th><th>{row.total:g} / {row.max:g}</th><th></th></tr></table>")
    if notes := adjustments(row):
        parts.append("<h2>Changes to the automatic grade</h2><ul>"
                     + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul>")
    if fixes := failures(row, show_hidden):
        parts.append("<h2>What to fix</h2>")
        parts += [f"<h3>{e(title)}</h3><pre>{e(capped(body))}</pre>" for title, body in fixes]
    if images := plots(out, row.student):
        parts += ["<h2>Your network, trained from PRNGKey(0)</h2>", *images]
    return "\n".join(parts) + "\n</body></html>\n"


def run(args: argparse.Namespace) -> int:
    try:
        out, rows, roster = course_options.load_rows(args)
    except BadInput as error:
        return course_options.fail(error)
    target = Path(args.out) if args.out else out / "feedback"
    written = [row for row in rows if not row.blank or row.status.kind == MISSING]
    for row in written:
        name = roster.get(row.student, "name")
        write_atomic(target / f"{row.student}.html", html_page(row, out, name, args.show_hidden))
        write_atomic(target / f"{row.student}.txt", text_page(row, name, args.show_hidden))
    print(f"wrote {target}: an .html page and a .txt file for each of {len(written)} students")
    return 0
