"""Makes ``pytest autograder/suites`` a grading run (see autograder/judge/plugin.py)."""

from autograder.judge.plugin import *  # noqa: F403  (pytest finds the hooks and fixtures by name)
