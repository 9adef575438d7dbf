"""nbgrader's settings for this kit: the course folder is course/ (see docs/notebooks.md).

Run nbgrader from this folder (the repository root): ``nbgrader generate_assignment
xor_net`` reads course/source/xor_net/xor_net.ipynb and writes course/release/.
"""

from pathlib import Path

from autograder.authoring.nbgrader_preprocessor import generate_preprocessors

c = get_config()  # noqa: F821  (nbgrader defines it when it reads this file)

c.CourseDirectory.course_id = "xor-jax-kit"
c.CourseDirectory.root = str(Path(__file__).resolve().parent / "course")
# Solution bodies become the same `raise NotImplementedError("<exercise>: not implemented
# yet. ...")` lines as in exercises/xor_net.py (autograder/authoring/stubs.py makes both).
c.GenerateAssignment.preprocessors = generate_preprocessors()
# Seconds one cell may run when autograding (the default, 30, is tight on a busy machine).
c.Execute.timeout = 300
