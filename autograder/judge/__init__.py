"""The trusted side: runs the graded suites, compares, scores, explains and reports.

Holds the reference and its recorded answers, the pytest plugin, the checks, the feedback
wording, the reports and plots. May import ``autograder.sandbox`` (through ``door``) and
the top-level constants; never ``coursework`` or ``authoring``.
"""
