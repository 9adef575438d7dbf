"""The kit's command table: ``python -m autograder COMMAND`` (run through ``__main__``).

Each command lives in its own module, which defines ``configure(parser)`` and
``run(args) -> int``; this file only lists them.
"""

import argparse
import importlib

COMMANDS = {
    "grade": ("autograder.coursework.grade_command", "grade a submission, a notebook or a folder of them"),
    "stubs": ("autograder.authoring.stubs_command", "regenerate exercises/ from solutions/"),
    "notebook": ("autograder.authoring.source_notebook", "regenerate the source notebook from solutions/"),
    "gradescope": ("autograder.coursework.gradescope", "build the Gradescope autograder zip"),
    "release": ("autograder.coursework.release", "write what students get into a folder"),
    "export": ("autograder.coursework.exports", "write the class's grades as Canvas and Moodle import it"),
    "feedback": ("autograder.coursework.feedback_bundle", "write each student's feedback page"),
    "classroom": ("autograder.coursework.classroom", "write a GitHub Classroom self-check workflow"),
    "plot": ("autograder.coursework.plot_command", "plot a submission's loss curve and decision boundary"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="The XOR exercise kit's commands.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue  # a command this checkout does not have
        sub = commands.add_parser(name, help=help_text, description=help_text)
        module.configure(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)

