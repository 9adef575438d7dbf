"""Makes ``pytest autograder/suites`` a grading run (see autograder/plugin.py)."""

from autograder.plugin import *  # noqa: F403  (pytest finds the hooks and fixtures by name)
