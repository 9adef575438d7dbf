"""The one count of points (autograder/judge/marks.py) agrees with pytest's own collection
of the suites, and refuses the suites it could miscount."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder import SECTIONS
from autograder.judge.marks import SUITES, MarksError, graded_tests, section_points, total_points

# pytest collects the suites (the grading's own plugin loaded by their conftest) and prints
# each test's marks as the plugin reads them when it scores a test.
COLLECT = """
import json, os, sys
import pytest
from autograder.judge.plugin import section_of

class Marks:
    found = []

    def pytest_collection_finish(self, session):
        for item in session.items:
            mark = item.get_closest_marker("points")
            self.found.append([item.module.__name__.rpartition(".")[2], item.name, section_of(item),
                               float(mark.args[0]) if mark else 0.0,
                               item.get_closest_marker("hidden") is not None])

marks = Marks()
suites = sys.argv[1]
pytest.main([suites, "--collect-only", "-q", "-p", "no:cacheprovider", "--rootdir", suites,
             "-c", os.devnull], plugins=[marks])
print("MARKS", json.dumps(marks.found))
"""


def test_the_marks_agree_with_pytests_collection():
    done = subprocess.run([sys.executable, "-c", COLLECT, str(SUITES)], capture_output=True, text=True,
                          timeout=300)
    line = [x for x in done.stdout.splitlines() if x.startswith("MARKS ")]
    assert line, done.stdout + done.stderr
    collected = sorted(tuple(t) for t in json.loads(line[0].removeprefix("MARKS ")))
    read = sorted((t.module, t.name, t.section, t.points, t.hidden) for t in graded_tests())
    assert read == collected


def test_the_sections_add_up():
    every, public, hidden = section_points(), section_points(hidden=False), section_points(hidden=True)
    assert list(every) == [s for s in SECTIONS if s in every] and set(every) == set(SECTIONS)
    assert {s: public.get(s, 0.0) + hidden.get(s, 0.0) for s in every} == every
    assert total_points() == total_points(hidden=False) + total_points(hidden=True) > 0
    assert 0 < total_points(hidden=True) < total_points()


GOOD = """
import pytest
pytestmark = pytest.mark.relu

@pytest.mark.points(2)
def test_one(submission):
    pass

@pytest.mark.hidden
@pytest.mark.points(1.5)
def test_two(submission):
    pass
"""


def suite(folder: Path, source: str) -> Path:
    (folder / "test_relu.py").write_text(textwrap.dedent(source))
    return folder


def test_a_plain_suite_is_read_in_its_order(tmp_path):
    tests = graded_tests(suite(tmp_path, GOOD))
    assert [(t.name, t.section, t.points, t.hidden) for t in tests] == [
        ("test_one", "relu", 2.0, False), ("test_two", "relu", 1.5, True)]


@pytest.mark.parametrize(("source", "says"), [
    ("class TestMany:\n    def test_a(self):\n        pass\n", "TestMany: tests in a class"),
    ("@pytest.mark.parametrize('n', [1, 2])\n@pytest.mark.points(1)\ndef test_p(n):\n    pass\n",
     "test_p: a parametrized test"),
    ("@pytest.mark.points(POINTS)\ndef test_q():\n    pass\n", r"test_q: needs one points\(n\) mark"),
    ("@pytest.mark.loss\n@pytest.mark.points(1)\ndef test_r():\n    pass\n",
     "test_r: needs exactly one section"),
])
def test_what_could_be_miscounted_is_refused(tmp_path, source, says):
    with pytest.raises(MarksError, match=says):
        graded_tests(suite(tmp_path, GOOD + "\n" + source))


def test_a_test_without_a_section_is_refused(tmp_path):
    with pytest.raises(MarksError, match="test_one: needs exactly one section"):
        graded_tests(suite(tmp_path, GOOD.replace("pytestmark = pytest.mark.relu", "")))


def test_nothing_is_imported_to_count():
    """Counting starts neither pytest nor JAX (a CLI command that only counts stays fast)."""
    code = ("import sys; from autograder.judge.marks import total_points; total_points(); "
            "print(sorted(m for m in ('pytest', 'jax') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr
