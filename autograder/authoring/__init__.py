"""What instructors run to make material from solutions/: the student stubs, the source
notebook, nbgrader's preprocessor, and reading a notebook as a module.

May import the top-level constants and, where it must (the notebook's points), the judge.
"""
