"""What a notebook's test cells import: ``from autograder.notebook import check``.

Released notebooks name this module, so it stays here; the checks live in
``autograder.judge.notebook_checks``.
"""

from autograder.judge.notebook_checks import check, points

__all__ = ["check", "points"]
