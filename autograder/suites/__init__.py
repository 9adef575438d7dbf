"""The graded suites: one module per exercise, plus the end-to-end xor tests.

Run by the judge (``autograder.judge.grading``) or in a notebook kernel
(``autograder.judge.notebook_checks``); they import the judge's checks and feedback.
"""
