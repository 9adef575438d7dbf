"""``python -m autograder release OUTDIR``: write what students get into a new folder.

The release is the kit without anything that gives the answers away: the
exercises, the grader with its public tests, the student-facing docs and a
README for students. It has no reference solution and no hidden tests. The
public tests compare with the reference, so the release ships the reference's
answers to exactly the calls the public tests make (recorded here by grading
the reference with them) in ``autograder/answers/answers-public.json``, which
the package reads when it has no ``solutions/xor_net.py``.

Before the folder appears, the release is checked: no line of a
``### BEGIN/END SOLUTION`` region in any file, no hidden test, and no shipped
module importing one that was left out.
"""

import argparse
import ast
import contextlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

from autograder import EXERCISE_PATH, KIT_ROOT, PACKAGE_DIR, SOLUTION_PATH
from autograder.authoring.stubs import BEGIN, END
from autograder.judge.answers import PUBLIC_ANSWERS, RELEASE_ANSWERS_DIR, AnswerBook
from autograder.judge.marks import total_points
from autograder.judge.seeds import FIXED
from autograder.judge.submissions import ReferenceSubmission
from autograder.launch.own_cache import RELEASE_MARK

HIDDEN_SUITES = ("test_hidden.py",)  # the only modules with tests marked hidden
# Commands that need the reference or the instructor's tools; the command list skips them.
INSTRUCTOR_MODULES = ("coursework/release.py", "coursework/gradescope.py", "authoring/stubs_command.py",
                      "authoring/stubs.py", "authoring/source_notebook.py",
                      "authoring/nbgrader_preprocessor.py", "coursework/exports.py",
                      "coursework/feedback_bundle.py", "coursework/classroom.py",
                      "coursework/course_options.py")
STUDENT_DOCS = ("tutorial.md", "student-guide.md")
SKIPPED = ("__pycache__", "answers")  # compiled files; an instructor's own recorded answers


class ReleaseError(Exception):
    """The release could not be written, or would have given something away."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("outdir", help="the folder to write (new, or empty)")


def run(args: argparse.Namespace) -> int:
    try:
        summary = build(Path(args.outdir))
    except ReleaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(summary)
    return 0


def build(out: Path) -> str:
    """Write the release into ``out``; return a one-line summary. Nothing is left behind on error."""
    out = out.resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out} exists and is not an empty folder")
    if not SOLUTION_PATH.is_file():
        raise ReleaseError("this kit has no solutions/xor_net.py (is it a release already?)")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        copy_kit(staging)
        mark_as_release(staging)
        public, answers = record_public_answers(staging)
        hidden = total_points(hidden=True)
        (staging / "README.md").write_text(student_readme(public, hidden))
        problems = problems_in(staging)
        if problems:
            raise ReleaseError("refusing to write a release that would give answers away:\n  "
                               + "\n  ".join(problems))
        if out.exists():
            out.rmdir()
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return (f"wrote {out}: public tests worth {public:g} points ({answers} recorded reference "
            f"answers); hidden tests worth {hidden:g} points left out")


def copy_kit(target: Path) -> None:
    """The files a student gets, except the README and the recorded answers."""
    left_out = {PACKAGE_DIR / m for m in INSTRUCTOR_MODULES}

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in SKIPPED or n in HIDDEN_SUITES or Path(folder, n) in left_out}

    shutil.copytree(PACKAGE_DIR, target / PACKAGE_DIR.name, ignore=ignore)
    shutil.copy2(KIT_ROOT / "pyproject.toml", target / "pyproject.toml")
    for exercise in (EXERCISE_PATH, EXERCISE_PATH.with_suffix(".ipynb")):
        if exercise.is_file():
            (target / "exercises").mkdir(exist_ok=True)
            shutil.copy2(exercise, target / "exercises" / exercise.name)
    for name in STUDENT_DOCS:
        if (KIT_ROOT / "docs" / name).is_file():
            (target / "docs").mkdir(exist_ok=True)
            shutil.copy2(KIT_ROOT / "docs" / name, target / "docs" / name)


def mark_as_release(target: Path) -> None:
    """The mark by which the release's grader knows it is a student's self-check (its sandbox
    then keeps the student's own compile cache: autograder.launch.own_cache)."""
    mark = target / RELEASE_MARK.relative_to(KIT_ROOT)
    mark.write_text("A student's release of the xor kit: no reference solution, no grading secret.\n")


def record_public_answers(target: Path) -> tuple[float, int]:
    """Grade the reference with the public tests, recording every answer the reference gives
    into the release's answer file; return the public points and the number of answers."""
    from autograder.judge.grading import grade_file  # imports pytest: 0.15 s at every command's start

    path = target / RELEASE_ANSWERS_DIR.relative_to(KIT_ROOT) / PUBLIC_ANSWERS
    book = AnswerBook(path)
    scores, _, code = grade_file(SOLUTION_PATH, ("--no-hidden", "--seed", str(FIXED)),
                                 reference=ReferenceSubmission(book, live=True))
    book.save()
    with contextlib.suppress(OSError):
        path.chmod(0o644)  # the book writes privately; this one is the student's to read
    failed = [r.name for r in scores.results if not r.passed]
    if code != 0 or failed or not scores.results or not path.is_file():
        raise ReleaseError(f"the reference does not pass the public tests (pytest exit code {code}"
                           f"{'; failed: ' + ', '.join(failed[:5]) if failed else ''})")
    if any(r.hidden for r in scores.results):
        raise ReleaseError("hidden tests ran with --no-hidden")
    if scores.max_score != total_points(hidden=False):
        raise ReleaseError(f"the public tests that ran are worth {scores.max_score:g} points, their "
                           f"marks say {total_points(hidden=False):g} (autograder.judge.marks)")
    return scores.max_score, len(book.answers)


def solution_lines(solution: Path = SOLUTION_PATH) -> set[str]:
    """The reference's own lines: those inside ``### BEGIN/END SOLUTION``, stripped, without
    the ones too short to mean anything (a lone bracket, a blank)."""
    regions = [part.split(END)[0] for part in solution.read_text().split(BEGIN)[1:]]
    lines = {line.strip() for region in regions for line in region.splitlines()}
    return {line for line in lines if sum(c.isalnum() for c in line) >= 8}


def text_lines(path: Path) -> set[str]:
    """A file's lines, stripped; a notebook's are those of its cells."""
    text = path.read_text(errors="replace")
    if path.suffix == ".ipynb":
        cells = json.loads(text).get("cells", [])
        text = "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                         for c in cells)
    return {line.strip() for line in text.splitlines()}


def problems_in(folder: Path) -> list[str]:
    """What the release at ``folder`` gives away or breaks: solution lines, hidden tests,
    imports of left-out modules."""
    problems: list[str] = []
    secret = solution_lines()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        where = path.relative_to(folder)
        for line in sorted(text_lines(path) & secret):
            problems.append(f"{where}: a line of the reference solution: {line}")
        if path.suffix == ".py":
            source = path.read_text()
            if "mark.hidden" in source:
                problems.append(f"{where}: has tests marked hidden")
            for name in sorted(imported_kit_modules(source) & instructor_module_names()):
                problems.append(f"{where}: imports {name}, which students do not get")
    if (folder / "solutions").exists():
        problems.append("solutions/ is in the release")
    return problems


def instructor_module_names() -> set[str]:
    """INSTRUCTOR_MODULES as dotted names: ``autograder.coursework.release``, ..."""
    return {"autograder." + m.removesuffix(".py").replace("/", ".") for m in INSTRUCTOR_MODULES}


def imported_kit_modules(source: str) -> set[str]:
    """The ``autograder...`` modules a module's source imports, by their dotted names
    (``from autograder.authoring import stubs`` names ``autograder.authoring.stubs`` too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name.startswith("autograder.")}
        elif (isinstance(node, ast.ImportFrom) and node.module and node.level == 0
              and node.module.split(".")[0] == "autograder"):
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def student_readme(public: float, hidden: float) -> str:
    return STUDENT_README.format(public=f"{public:g}", hidden=f"{hidden:g}",
                                 total=f"{public + hidden:g}")


STUDENT_README = """\
# XOR from scratch in JAX: your assignment

You will build a small neural network, one plain function at a time, and
train it until it computes XOR. Your work goes into one file,
`exercises/xor_net.py`: seven functions (`relu`, `init_params`, `predict`,
`batched_predict`, `loss`, `update`, `train`), each with a docstring that says
what to return, with which shapes, and which mistakes to avoid.
`docs/tutorial.md` explains the ideas behind every step.

## Set up, once

You need Python 3.11 or newer on Linux or macOS (on Windows, use WSL). In this
folder:

```bash
python3 -m venv .venv
.venv/bin/pip install -e .
```

## Check your work

```bash
.venv/bin/python -m autograder grade
```

This grades `exercises/xor_net.py` and prints a table of points per exercise,
then, for every test that failed, what was called, what came back, what was
expected and the likely mistake. At the start every exercise says "not
implemented yet": that is expected.

## One exercise at a time

Do the exercises in order. After each change, check the one you are on:

```bash
.venv/bin/python -m autograder grade --exercise relu
```

or run its tests with pytest: `.venv/bin/python -m pytest autograder/suites -m relu`.

Here your functions use each other: `predict` calls your own `relu`, `loss`
your own `predict`, and so on. If an exercise fails in a way you cannot
explain, make sure the ones before it pass. (The official grade tries each
exercise with correct versions of the others, so one mistake costs you only
the points of that exercise.)

## What this check covers

The tests you have here are worth {public} of the assignment's {total}
points. The other {hidden} points come from hidden tests that run only when
you submit: they try your functions on sizes and inputs that the tests here
do not use. You see them once grades are published. Code that follows the
docstrings, and reads every size from its arguments, passes them too.

## Submit

Hand in the one file `exercises/xor_net.py`, named `xor_net.py`, the way your
course asks (on Gradescope: upload that file). Keep the function names and
parameters as they are. Code at the top level of the file runs when it is
graded, so leave experiments and prints inside functions or delete them.
If your course uses the notebook `exercises/xor_net.ipynb` instead, submit
the notebook.
"""
