"""Running a course: the ``grade`` command, a class folder, Gradescope's package, the release.

Imports the judge (to grade) and authoring (notebooks, the stubs' markers); nothing imports
it but the command table, ``autograder.cli``.
"""
