"""The kit's command line: ``python -m autograder COMMAND``.

Each command lives in its own module, which defines ``configure(parser)`` and
``run(args) -> int``; this file only lists them.
"""

import argparse
import importlib
import sys

COMMANDS = {
    "grade": ("autograder.cli_grade", "grade a submission, a notebook or a folder of them"),
    "stubs": ("autograder.cli_stubs", "regenerate exercises/ from solutions/"),
    "notebook": ("autograder.notebooks", "regenerate the source notebook from solutions/"),
    "gradescope": ("autograder.gradescope", "build the Gradescope autograder zip"),
    "release": ("autograder.release", "write what students get into a folder"),
    "plot": ("autograder.plots", "plot the loss curve and decision boundary of a submission"),
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


if __name__ == "__main__":
    sys.exit(main())
