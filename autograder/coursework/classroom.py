"""``python -m autograder classroom [REPO]``: a GitHub Classroom workflow for the student repository.

It writes REPO/.github/workflows/classroom.yml: one step per exercise with GitHub Classroom's
``autograding-command-grader`` action, whose command runs that exercise's public tests and
passes (earning ``max-score``, the exercise's public points) only when all of them pass, and
the ``autograding-grading-reporter`` step that adds them up. It runs in the student's own
repository, without the hidden tests, all or nothing per exercise: a self-check for students,
never the official grade, which ``grade`` gives.
"""

import argparse
import sys
from pathlib import Path

from autograder import SECTIONS
from autograder.judge.marks import section_points
from autograder.judge.report import write_atomic

WORKFLOW = Path(".github") / "workflows" / "classroom.yml"
SUBMISSION = "exercises/xor_net.py"
COMMAND = ("python -m pytest autograder/suites -q -p no:cacheprovider --no-hidden"
           " -m {section} --submission {file}")
HEADER = """\
# GitHub Classroom autograding for the XOR exercises: a SELF-CHECK, NOT THE OFFICIAL GRADE.
# Written by `python -m autograder classroom`; each step runs one exercise's public tests
# (no hidden tests) and earns its points only when all of them pass. Your instructor grades
# with `python -m autograder grade`, which gives partial credit and runs the hidden tests too.
name: Autograding self-check (not the official grade)
on:
  - push
  - workflow_dispatch
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install the kit
        run: python -m pip install -e .
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("repo", nargs="?", default=".",
                        help="the student repository (a release folder) to write the workflow into")
    parser.add_argument("--timeout", type=int, default=10, metavar="MINUTES",
                        help="each step's time limit in minutes (default 10)")


def step_id(section: str) -> str:
    return section.replace("_", "-")


def workflow(points: dict[str, float], timeout: int) -> str:
    """The workflow's text: a step per section that has public points, then the reporter."""
    sections = [s for s in SECTIONS if points.get(s)]
    lines = [HEADER.rstrip("\n")]
    for section in sections:
        lines += [f"      - name: {section} (self-check)",
                  f"        id: {step_id(section)}",
                  "        uses: classroom-resources/autograding-command-grader@v1",
                  "        with:",
                  f"          test-name: {section} (self-check, not the official grade)",
                  f"          command: {COMMAND.format(section=section, file=SUBMISSION)}",
                  f"          timeout: {timeout}",
                  f"          max-score: {points[section]:g}"]
    lines += ["      - name: Autograding reporter (self-check, not the official grade)",
              "        uses: classroom-resources/autograding-grading-reporter@v1",
              "        env:"]
    lines += [f"          {step_id(s).upper()}_RESULTS: \"${{{{steps.{step_id(s)}.outputs.result}}}}\""
              for s in sections]
    lines += ["        with:", f"          runners: {','.join(step_id(s) for s in sections)}"]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    repo = Path(args.repo)
    if not repo.is_dir():
        print(f"error: no such folder: {repo}", file=sys.stderr)
        return 2
    if args.timeout < 1:
        print("error: --timeout must be at least 1 minute", file=sys.stderr)
        return 2
    points = section_points(hidden=False)
    write_atomic(repo / WORKFLOW, workflow(points, args.timeout))
    print(f"wrote {repo / WORKFLOW}: {len(points)} self-check steps worth {sum(points.values()):g} points "
          "(public tests only: a self-check, not the official grade)")
    return 0
