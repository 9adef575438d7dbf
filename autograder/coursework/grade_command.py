"""``python -m autograder grade [PATH] [--format text|json] [--output FILE]`` (docs/reference.md).

A .py is graded as it is, a .ipynb as the module of its code cells (autograder.authoring.notebook_module),
a folder by autograder.coursework.class_folder.
"""

import argparse
import shutil
import sys
from pathlib import Path

from autograder import EXERCISE_PATH, SECTIONS
from autograder.coursework import class_folder as batch
from autograder.files import SubmissionFileError, private_folder, read_submission
from autograder.judge import plots, reference, report, seeds, training_file
from autograder.judge.submissions import Limits
from autograder.launch import walls


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=str(EXERCISE_PATH),
                        help="a .py file, a .ipynb notebook or a folder of submissions "
                             "(default: exercises/xor_net.py)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people, json for Gradescope's results.json")
    parser.add_argument("--output", help="write the report to this file instead of the screen "
                                         "(for a folder: the gradebook CSV, default OUT/gradebook.csv)")
    # A class run's (autograder.coursework.class_folder): keep what the plots show in FILE and
    # draw none; `feedback` draws them for the student's page (autograder.judge.training_file).
    parser.add_argument("--plot-data", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--exercise", choices=SECTIONS, metavar="NAME",
                        help="grade only this exercise (relu, init_params, ..., xor)")
    parser.add_argument("--seed", type=seed_number, metavar="N",
                        help="draw the tests' random inputs from seed N, as the report of an earlier "
                             "grading names it (default: the judge derives one from the file; a "
                             f"student's release always uses {seeds.FIXED})")
    limits = parser.add_argument_group("limits for each submission")
    limits.add_argument("--call-timeout", type=positive, metavar="SECONDS",
                        help=f"one call of a student's function (default {Limits.call_seconds:g})")
    limits.add_argument("--total-timeout", type=positive, metavar="SECONDS",
                        help=f"all of a submission's calls and its import "
                             f"(default {Limits.total_seconds:g})")
    limits.add_argument("--memory-mb", type=positive, metavar="MB",
                        help=f"address space of the process running it (default {Limits.memory_mb})")
    limits.add_argument("--require-isolation", action=argparse.BooleanOptionalAction,
                        help="refuse to grade unless the kernel walls the submission in (namespaces, "
                             "or Landlock and seccomp); default: on for a folder, off for one file")
    limits.add_argument(walls.UNSAFE_OPTION, action="store_true",
                        help="as root, grade even where no kernel wall can start (the submission then "
                             "runs with root's reach: trusted work only; reports say so)")
    batch.configure(parser.add_argument_group("grading a folder of submissions"))


def positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text}")
    return value


def seed_number(text: str) -> int:
    value = int(text)
    if not 0 <= value <= seeds.SEEDS:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to {seeds.SEEDS}, not {text}")
    return value


def run(args: argparse.Namespace) -> int:
    from autograder.judge.grading import (  # imports pytest: 0.15 s at every command's start
        grade_file,
        limit_options,
    )

    path = Path(args.path)
    if not path.exists():
        print(f"error: no such file or folder: {path}", file=sys.stderr)
        return 2
    if path.is_symlink():
        print(f"error: {path} is a symbolic link: grade the file or folder itself", file=sys.stderr)
        return 2
    if path.is_dir():
        return batch.run(args)
    if path.suffix not in (".py", ".ipynb"):
        print(f"error: {path} is not a .py file, a .ipynb notebook or a folder", file=sys.stderr)
        return 2
    try:
        source = read_submission(path)  # a link in any folder above it is refused too
    except SubmissionFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.seed not in (None, seeds.FIXED) and not reference.available():
        print(f"error: this kit has no reference solution, so it checks with the inputs of seed "
              f"{seeds.FIXED} only (the official grade uses others)", file=sys.stderr)
        return 2
    if refusal := walls.refusal(bool(args.require_isolation), args.unsafe_without_walls,
                                reference.available()):
        print(f"error: {refusal}", file=sys.stderr)
        return 3
    extra = (("-m", args.exercise) if args.exercise else ()) + limit_options(args)
    if path.suffix == ".ipynb":
        from autograder.authoring.notebook_module import (
            NotebookError,  # imports nbformat: 1.6 s at every command's start
        )

        try:
            scores, seconds, code = grade_notebook(path, extra, source)
        except NotebookError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    else:
        scores, seconds, code = grade_file(path, extra)
    if scores.grader_error or code not in (0, 1) or not scores.results:
        print(f"error: {scores.grader_error or f'the grader could not run (pytest exit code {code})'}",
              file=sys.stderr)
        return 3
    if args.plot_data:  # a class run: the plain data only, no report names a plot
        training_file.keep_for_later(scores.training, Path(args.plot_data))
    else:
        scores.figures = plots.draw_for_report(scores.training, args.output)
    text = (report.dumps(report.results_json(scores, seconds)) if args.format == "json"
            else report.text_report(scores, seconds))
    if args.output:
        report.write_atomic(Path(args.output), text)
        print(f"wrote {args.output}: {scores.score:g} / {scores.max_score:g}")
    else:
        sys.stdout.write(report.printable(text))
    return 0


def grade_notebook(path: Path, extra: tuple[str, ...], content: bytes):
    """Grade a notebook (its ``content``, read once) as the .py of its code cells, reported
    under its own name."""
    from autograder.authoring.notebook_module import (
        notebook_to_source,  # imports nbformat: 1.6 s at every command's start
    )
    from autograder.judge.grading import grade_file  # imports pytest: 0.15 s at every command's start

    source = notebook_to_source(path, content)
    folder = private_folder("xor-notebook-")
    try:
        converted = folder / f"{path.stem}.py"
        converted.write_text(source)
        scores, seconds, code = grade_file(converted, extra)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    scores.submission = str(path)
    return scores, seconds, code
