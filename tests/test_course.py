"""Running a course: a class of 13 through grade -> feedback -> export, with a roster, overrides,
a late policy and similarity hints; regrades that never keep a stale grade; the GitHub
Classroom self-check. The class is graded once, two at a time; every test reads from it."""

import base64
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, by_exercise, run_grader, shared_caches
from test_plots import assert_readable_plot

from autograder import SECTIONS
from autograder.coursework import regrade
from autograder.judge import training_file

pytestmark = pytest.mark.slow
REFERENCE = ROOT / "solutions" / "xor_net.py"
STUBS = ROOT / "exercises" / "xor_net.py"
DUE = datetime(2026, 3, 2, 23, 59, tzinfo=UTC)
ROSTER = [  # student, name, email, canvas_id, sis_id, section, tutor (an extra column, kept)
    ("alice", "Alice A", "alice@uni.test", "101", "S1", "A", "Tom"),
    ("bob", "Bob B", "bob@uni.test", "102", "S2", "A", "Tom"),
    ("carol", "Carol C", "carol@uni.test", "103", "S3", "A", "Tom"),
    ("dana", "Dana D", "dana@uni.test", "104", "S4", "B", "Uma"),
    ("erin", "Erin E", "erin@uni.test", "105", "S5", "B", "Uma"),
    ("frank", "Frank F", "frank@uni.test", "106", "S6", "B", "Uma"),
    ("gina", "Gina G", "gina@uni.test", "107", "S7", "A", "Tom"),
    ("henry", "Henry H", "henry@uni.test", "108", "S8", "A", "Tom"),
    ("ivan", "Ivan I", "ivan@uni.test", "109", "S9", "B", "Uma"),
    ("jack", "Jack J", "jack@uni.test", "110", "S10", "B", "Uma"),
    ("kate", "Kate K", "kate@uni.test", "111", "S11", "A", "Tom"),
    ("lena", "Lena L", "", "112", "S12", "A", "Tom"),  # no email: left out of the Moodle file
]
SUBMITTED = {"alice": DUE + timedelta(minutes=10),  # within the 15 minutes of grace
             "gina": DUE + timedelta(days=2, hours=3),  # late, but she has 3 more days
             "henry": DUE + timedelta(days=1, hours=2)}  # 2 days late (a part of a day counts)
KATE_MTIME = DUE + timedelta(days=4, hours=1)  # not in the manifest: her file's time, 5 days late
LATE_POLICY = """\
due = "2026-03-02T23:59:00+00:00"
percent_per_day = 10
cap_percent = 40
grace_minutes = 15
times = "submitted.csv"
use_file_times = true  # kate is not in the times file: her file's time, as the instructor asks
[extensions]
gina = 3
"""
OVERRIDES = [("kate", "relu", "2", "relu copied from the lecture notes"),
             ("lena", "total", "50", "graded by hand after an oral exam")]
IVAN = '''\
    positive = x > 0
    return jnp.where(positive, x, jnp.zeros_like(x))
'''
IVAN_INIT = '''\
    keys = jax.random.split(key, 4)
    shapes = [(n_hidden, input_dims), (n_hidden,), (output_dims, n_hidden), (output_dims,)]
    names = ["w1", "b1", "w2", "b2"]
    params = {}
    for name, k, shape in zip(names, keys, shapes):
        params[name] = scale * jax.random.normal(k, shape)
    return params
'''


NOT_YET = "not implemented yet. Replace this line with your code."


def stub_with(**bodies: str) -> str:
    """The stubs with some exercises done: ``bodies`` maps an exercise to its body."""
    text = STUBS.read_text()
    for name, body in bodies.items():
        stub = f'    raise NotImplementedError("{name}: {NOT_YET}")\n'
        assert stub in text
        text = text.replace(stub, body)
    return text


DANA = stub_with(relu="    return jnp.maximum(x, 0.0\n")  # a parenthesis left open


def disguised(text: str) -> str:
    """The same code with other names and other spacing: what a copy trying to hide looks like."""
    for old, new in (("positive", "mask"), ("keys", "subkeys"), ("shapes", "dims"), ("names", "labels"),
                     ("params[", "out["), ("params = {}", "out = {}"), ("return params", "return out")):
        text = text.replace(old, new)
    return text.replace("    return jnp.where", "\n    return  jnp.where")


def write_csv(path: Path, rows: list) -> Path:
    with path.open("w", newline="") as table:
        csv.writer(table).writerows(rows)
    return path


def table(path: Path, key: str = "student") -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as opened:  # the gradebook has a byte-order mark
        return {row[key]: row for row in csv.DictReader(opened)}


def results(out: Path, student: str) -> dict:
    return json.loads((out / student / "results.json").read_text())


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> dict:
    """The class, its instructor's files, and what grade -> feedback -> export printed."""
    root = tmp_path_factory.mktemp("course")
    folder = root / "class"
    folder.mkdir()
    shutil.copy(REFERENCE, folder / "alice.py")
    shutil.copy(CORPUS / "mistakes" / "loss_sum.py", folder / "bob.py")
    shutil.copy(STUBS, folder / "carol.py")
    (folder / "dana.py").write_text(DANA)
    shutil.copy(CORPUS / "hostile" / "forge_results.py", folder / "erin.py")
    relu_only = stub_with(relu="    return jnp.maximum(x, 0.0)\n")
    (folder / "gina.py").write_text(relu_only)
    (folder / "henry.py").write_text(relu_only)  # byte for byte gina's
    ivan = stub_with(relu=IVAN, init_params=IVAN_INIT)
    (folder / "ivan.py").write_text(ivan)
    (folder / "jack.py").write_text(disguised(ivan))
    (folder / "kate.py").write_text(stub_with(relu="    return x * (x > 0)\n"))
    os.utime(folder / "kate.py", (KATE_MTIME.timestamp(),) * 2)
    shutil.copy(STUBS, folder / "lena.py")
    (folder / "nina").mkdir()  # two files, neither xor_net.py: a grader-error; not on the roster
    shutil.copy(STUBS, folder / "nina" / "a.py")
    shutil.copy(STUBS, folder / "nina" / "b.py")
    files = root / "instructor"
    files.mkdir()
    roster = write_csv(files / "roster.csv",
                       [("student", "name", "email", "canvas_id", "sis_id", "section", "tutor"), *ROSTER])
    overrides = write_csv(files / "overrides.csv", [("student", "exercise", "points", "comment"), *OVERRIDES])
    times = {s: DUE - timedelta(days=1) for s in ("bob", "carol", "dana", "erin", "ivan", "jack", "lena")}
    write_csv(files / "submitted.csv", [("student", "submitted"),
                                        *((s, t.isoformat()) for s, t in {**times, **SUBMITTED}.items())])
    (files / "late.toml").write_text(LATE_POLICY)
    out = root / "class-grades"
    done = {"grade": run_grader("grade", str(folder), "--jobs", "2", "--roster", str(roster),
                                "--overrides", str(overrides), "--late", str(files / "late.toml"))}
    assert done["grade"].returncode == 0, done["grade"].stderr[-3000:]
    done["refused"] = run_grader("export", str(out))  # nina's grader-error stops it
    done["feedback"] = run_grader("feedback", str(out), "--allow-incomplete")
    done["export"] = run_grader("export", str(out), "--assignment", "XOR net", "--canvas-assignment-id", "77",
                                "--allow-incomplete")
    return {"root": root, "folder": folder, "files": files, "out": out, "done": done,
            "book": table(out / "gradebook.csv")}


def full_marks(course: dict) -> dict[str, float]:
    """Each section's points, from the reference's grade (alice)."""
    return {section: most for section, (_, most) in by_exercise(results(course["out"], "alice")).items()}


def test_every_student_on_the_roster_or_handed_in_has_a_row_with_its_status(course):
    book = course["book"]
    assert list(book) == ["alice", "bob", "carol", "dana", "erin", "frank", "gina", "henry", "ivan", "jack",
                          "kate", "lena", "nina"]
    kinds = {s: row["status"].split(":")[0] for s, row in book.items()}
    assert kinds == {**dict.fromkeys(book, "graded"), "dana": "import-error", "frank": "missing",
                     "nina": "grader-error"}
    assert book["frank"]["total"] == "0" and all(book["frank"][s] == "" for s in SECTIONS)
    assert book["nina"]["status"].startswith("grader-error: 2 .py/.ipynb files")
    assert [book[s]["tutor"] for s in ("alice", "dana", "nina")] == ["Tom", "Uma", ""]
    assert "wrote" in course["done"]["grade"].stdout and "1 import-error" in course["done"]["grade"].stdout


def test_the_automatic_grades_are_what_the_code_earns(course):
    book, marks = course["book"], full_marks(course)
    assert sum(marks.values()) == 100 and float(book["alice"]["total"]) == 100
    bob = {s: float(book["bob"][s]) for s in SECTIONS}
    assert {s: bob[s] for s in SECTIONS if s not in ("loss", "xor")} == {
        s: marks[s] for s in SECTIONS if s not in ("loss", "xor")}
    assert bob["loss"] < marks["loss"], "loss_sum's mistake costs points in loss"
    assert float(book["bob"]["total"]) == sum(bob.values())
    for student in ("carol", "erin", "lena"):  # the stubs; stubs that forge a perfect results.json
        assert book[student]["auto_total"] == "0" and all(book[student][s] == "0" for s in SECTIONS)
    for student in ("gina", "henry", "ivan", "jack"):
        assert float(book[student]["relu"]) == marks["relu"], student
    assert float(book["ivan"]["init_params"]) == marks["init_params"]


def test_a_file_that_does_not_import_is_one_clear_message_not_a_zero_per_test(course):
    out, book = course["out"], course["book"]
    with pytest.raises(SyntaxError) as python:
        compile(DANA, "dana.py", "exec")
    where = f"dana.py, line {python.value.lineno}"
    assert book["dana"]["status"] == f"import-error: {where}: SyntaxError: {python.value.msg}"
    assert all(book["dana"][s] == "" for s in SECTIONS) and book["dana"]["total"] == "0"
    text = (out / "dana" / "results.txt").read_text()
    assert text.count("SyntaxError") == 1 and where in text
    assert "xor_net.py" not in text
    feedback = (out / "feedback" / "dana.txt").read_text()
    assert feedback.count("SyntaxError") == 1
    assert all(re.search(rf"^{s} +0 / \d+ +not run: import-error$", feedback, re.M) for s in SECTIONS)


def test_results_txt_of_a_class_run_is_plain_text(course):
    text = (course["out"] / "alice" / "results.txt").read_text()
    assert "total             100 / 100" in text
    for student in course["book"]:
        if (course["out"] / student / "results.txt").is_file():
            content = (course["out"] / student / "results.txt").read_text()
            assert "<pre>" not in content and "base64" not in content and len(content) < 20_000, student


def test_late_penalties_follow_the_policy_the_extensions_and_the_grace(course):
    book = course["book"]
    expected = {"alice": (0, 0), "gina": (0, 0), "henry": (2, 20), "kate": (5, 40), "bob": (0, 0),
                "lena": (0, 0)}
    for student, (days, percent) in expected.items():
        row = book[student]
        assert (int(row["late_days"]), float(row["penalty_percent"])) == (days, percent), student
        assert float(row["total"]) == round(float(row["raw_total"]) * (1 - percent / 100), 2), student
    assert 0 < float(book["henry"]["total"]) < float(book["henry"]["raw_total"])
    assert book["frank"]["late_days"] == "" and book["nina"]["late_days"] == ""


def test_overrides_apply_on_top_of_the_automatic_grade(course):
    book = course["book"]
    kate = book["kate"]
    assert float(kate["auto_total"]) > 2 and kate["relu"] == "2", "her relu earned more than that"
    assert kate["raw_total"] == "2" and all(kate[s] == "0" for s in SECTIONS if s != "relu")
    assert kate["overrides"] == "relu set to 2 by your instructor: relu copied from the lecture notes"
    assert float(kate["total"]) == 1.2  # 2 points, less 40 % for 5 days late
    lena = book["lena"]
    assert (lena["auto_total"], lena["raw_total"], lena["total"]) == ("0", "50", "50")
    assert "graded by hand after an oral exam" in lena["overrides"]


def test_similarity_flags_the_copies_and_nothing_else(course):
    out, book = course["out"], course["book"]
    pairs = table(out / "similarity.csv", "student_1")
    assert {(p["student_1"], p["student_2"], p["identical"]) for p in pairs.values()} == {
        ("alice", "bob", "no"), ("gina", "henry", "yes"), ("ivan", "jack", "no")}
    assert float(pairs["ivan"]["similarity"]) >= 0.9  # other names, other spacing: the same code
    assert float(pairs["alice"]["similarity"]) >= 0.9  # bob's is the reference with one word changed
    flagged = {s: row["similar_to"] for s, row in book.items() if row["similar_to"]}
    assert flagged.keys() == {"alice", "bob", "gina", "henry", "ivan", "jack"}
    assert flagged["gina"] == "henry (identical)" and flagged["jack"].startswith("ivan (")
    assert book["henry"]["penalty_percent"] == "20", "a hint, never a penalty"


def test_feedback_is_a_self_contained_page_and_a_text_per_student(course):
    done, folder = course["done"]["feedback"], course["out"] / "feedback"
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(p.name for p in folder.iterdir()) == sorted(  # not nina: no grade, left out
        f"{s}{ext}" for s in course["book"] for ext in (".html", ".txt") if s != "nina")
    alice = (folder / "alice.html").read_text()
    assert alice.count('<img src="data:image/png;base64,') == 2
    assert not re.search(r'(src|href)="(?!data:)', alice), "nothing outside the page"
    for png in re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', alice):
        assert_readable_plot(base64.b64decode(png))  # drawn by feedback from the kept data
    bob = (folder / "bob.txt").read_text()
    assert bob.startswith(f"Bob B: {course['book']['bob']['total']} / 100") and "What to fix" in bob
    assert "x loss: " in bob and "<" not in bob
    kate = (folder / "kate.txt").read_text()
    assert "relu set to 2 by your instructor: relu copied from the lecture notes" in kate
    assert "5 day(s) after the due date" in kate and "-40%" in kate
    assert kate.startswith("Kate K: 1.2 / 100 (before the late penalty: 2)")
    assert "missing" in (folder / "frank.txt").read_text()
    assert "<h2>What to fix</h2>" in (folder / "bob.html").read_text()


def test_a_class_run_keeps_the_plots_data_and_draws_no_png(course):
    out = course["out"]
    assert not list(out.glob("**/*.png")), "the class run drew plots"
    assert (out / "alice" / training_file.NAME).is_file()
    assert "<img" not in (out / "alice" / "results.json").read_text(), "a results.json names no picture"
    assert not (out / "carol" / training_file.NAME).exists(), "the stubs trained nothing"


def test_a_garbled_plots_file_leaves_the_plots_off_the_page_with_a_warning(course, tmp_path):
    out = tmp_path / "class-grades"
    shutil.copytree(course["out"], out, ignore=shutil.ignore_patterns("feedback"))
    (out / "alice" / training_file.NAME).write_bytes(b"PK\x03\x04 not an archive any more")
    regrade.sign(out / "alice")  # as if the judge had written it so: the reading must hold anyway
    done = run_grader("feedback", str(out), "--allow-incomplete")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "warning: alice's page has no plots (TrainingFileError: " in done.stderr
    page = (out / "feedback" / "alice.html").read_text()
    assert "<img" not in page and "Alice A: 100 / 100" in page
    assert "Traceback" not in done.stderr


def test_the_plots_data_is_signed_with_the_grade(course, tmp_path):
    """A plots file swapped, added or removed after the run makes the grade not the judge's own."""
    for change in ("swapped", "added", "removed"):
        out = tmp_path / change
        shutil.copytree(course["out"], out, ignore=shutil.ignore_patterns("feedback"))
        assert regrade.signed(out / "alice") and regrade.signed(out / "carol")
        if change == "swapped":
            plotted = training_file.load(out / "alice" / training_file.NAME)
            plotted.losses = plotted.losses[::-1].copy()  # a well-formed file of another run
            training_file.save(plotted, out / "alice" / training_file.NAME)
        elif change == "added":
            shutil.copy(out / "alice" / training_file.NAME, out / "carol" / training_file.NAME)
        else:
            (out / "alice" / training_file.NAME).unlink()
        changed = out / ("carol" if change == "added" else "alice")
        assert not regrade.signed(changed), change


def test_feedback_groups_repeated_failures_and_holds_hidden_tests_back(course):
    from autograder.coursework.feedback_bundle import HELD_BACK

    folder = course["out"] / "feedback"
    for student in ("bob", "carol", "gina"):
        text = (folder / f"{student}.txt").read_text()
        fixes = text.split("What to fix:\n", 1)[1].split("\n  x ")
        bodies = [entry.split("\n", 1)[1] for entry in fixes if "\n" in entry and HELD_BACK not in entry]
        assert len(bodies) == len(set(bodies)), f"{student}: one entry per distinct failure"
        hidden = [t for t in results(course["out"], student)["tests"]
                  if t["visibility"] == "after_published" and t["status"] != "passed"]
        assert hidden, student
        shown = {t["output"].strip() for t in results(course["out"], student)["tests"]
                 if t["visibility"] != "after_published" and t["status"] != "passed"}
        for test in hidden:
            assert f"{test['name']} (hidden)" in text
            assert test["output"].strip() in shown or test["output"].strip() not in text, test["name"]
        assert HELD_BACK in text
    carol = (folder / "carol.txt").read_text()
    assert carol.count("the same mistake in") >= 1 and carol.count("\n  x ") < 20


def test_the_lms_files_carry_the_final_grades(course):
    done, out, book = course["done"]["export"], course["out"], course["book"]
    assert done.returncode == 0, done.stderr[-2000:]
    with (out / "canvas.csv").open(newline="") as opened:
        canvas = list(csv.reader(opened))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "XOR net (77)"]
    assert canvas[1] == ["    Points Possible", "", "", "", "", "100"]
    assert canvas[2:] == [[name, cid, sis, "", section, "" if s == "frank" else book[s]["total"]]
                          for s, name, _, cid, sis, section, _ in ROSTER]  # frank handed nothing in: blank
    assert "left out, no canvas_id, sis_id or sis_login_id in the roster: nina" in done.stdout
    moodle = table(out / "moodle.csv", "Email address")
    assert list(moodle) == [email for _, _, email, *_ in ROSTER if email]
    assert {m: row["XOR net"] for m, row in moodle.items()} == {
        email: "" if s == "frank" else book[s]["total"] for s, _, email, *_ in ROSTER if email}
    assert moodle["kate@uni.test"]["Feedback"].startswith("1.2 / 100; graded; 5 day(s) late: -40% of 2")
    assert moodle["frank@uni.test"]["Feedback"] == ""
    assert "left out, no email in the roster: lena, nina" in done.stdout
    assert "left blank (--allow-incomplete): nina: grader-error: 2 .py/.ipynb files" in done.stdout


def test_export_refuses_a_class_with_a_grader_error_one_line_per_student(course):
    refused = course["done"]["refused"]
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: 1 of 13 grades cannot be exported")
    assert refused.stderr.splitlines()[1].startswith("  nina: grader-error: 2 .py/.ipynb files")


def test_a_rerun_says_why_and_grades_only_what_it_must(course):
    folder, out = course["folder"], course["out"]
    before = {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/results.json")}
    again = run_grader("grade", str(folder), "--jobs", "2", "--student", "carol")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "grading 2 of 12 submissions" in again.stderr
    assert ("--student: carol; nothing to grade: nina; skipped, unchanged since the last run: alice, bob"
            in again.stderr)
    after = {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/results.json")}
    assert {s for s in after if after[s] != before[s]} == {"carol", "nina"}
    book = table(out / "gradebook.csv")
    assert {s for s in book if book[s]["graded_at"] != course["book"][s]["graded_at"]} == {"carol", "nina"}
    unstamped = [{s: {k: v for k, v in row.items() if k != "graded_at"} for s, row in b.items()}
                 for b in (book, course["book"])]
    assert unstamped[0] == unstamped[1], "the kept roster, overrides and policy apply again"


@pytest.mark.parametrize("kind, content, message", [
    ("roster", "name,email\nAl,al@x\n", "has no column student"),
    ("overrides", "student,exercise,points\nbob,loss,lots\n", "line 2: points 'lots' is not a number"),
    ("late", 'due = "next friday"\n', "'next friday' is not a date and time"),
], ids=["roster", "overrides", "late"])
def test_a_bad_instructor_file_is_one_line_and_exit_2_and_loses_nothing(course, kind, content, message):
    bad = course["root"] / f"bad-{kind}"
    bad.write_text(content)
    kept = {name: (course["out"] / name).read_bytes() for name in ("gradebook.csv", "course.json")}
    for command in (("grade", str(course["folder"])), ("export", str(course["out"]))):
        done = run_grader(*command, f"--{kind}", str(bad))
        assert done.returncode == 2 and message in done.stderr, done.stderr[-2000:]
        assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("error: ")
    assert {name: (course["out"] / name).read_bytes() for name in kept} == kept


def test_the_classroom_steps_add_up_to_the_public_part_of_grade(course, tmp_path):
    yaml = pytest.importorskip("yaml")
    done = run_grader("classroom", str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    text = (tmp_path / ".github" / "workflows" / "classroom.yml").read_text()
    assert "not the official grade" in text.splitlines()[0].lower()
    steps = yaml.safe_load(text)["jobs"]["run-autograding-tests"]["steps"]
    graders = [s for s in steps if s.get("uses") == "classroom-resources/autograding-command-grader@v1"]
    reporter = steps[-1]
    assert reporter["uses"] == "classroom-resources/autograding-grading-reporter@v1"
    assert reporter["with"]["runners"] == ",".join(s["id"] for s in graders)
    bob = results(course["out"], "bob")
    public: dict[str, list[dict]] = {}
    for test in bob["tests"]:
        if test.get("visibility") != "after_published":
            public.setdefault(test["name"].split(":")[0], []).append(test)
    assert [s["id"] for s in graders] == [s.replace("_", "-") for s in SECTIONS if s in public]
    def run_step(step: dict) -> subprocess.CompletedProcess:
        command = step["with"]["command"].replace("exercises/xor_net.py", str(course["folder"] / "bob.py"))
        return subprocess.run(command.replace("python", sys.executable, 1), shell=True, cwd=ROOT,
                              capture_output=True, text=True, timeout=600)

    with ThreadPoolExecutor(max_workers=2) as pool:  # each step its own process, as in the workflow
        runs = list(pool.map(run_step, graders))
    earned = 0.0
    for step, ran in zip(graders, runs, strict=True):
        section = step["id"].replace("-", "_")
        assert step["with"]["max-score"] == sum(t["max_score"] for t in public[section])
        assert ran.returncode in (0, 1), ran.stdout[-2000:] + ran.stderr[-2000:]
        assert (ran.returncode == 0) == all(t["status"] == "passed" for t in public[section]), section
        earned += step["with"]["max-score"] if ran.returncode == 0 else 0
    assert earned == sum(sum(t["max_score"] for t in tests) for tests in public.values()
                         if all(t["status"] == "passed" for t in tests))
    assert 0 < earned < sum(step["with"]["max-score"] for step in graders)


# -- no stale grade: --exercise then not, and a test's points changed ---------------------------


def copy_of_the_kit(target: Path) -> Path:
    """The package and the exercise files: enough to grade with, run from ``target``."""
    skip = shutil.ignore_patterns("__pycache__")
    for name in ("autograder", "solutions", "exercises"):
        shutil.copytree(ROOT / name, target / name, ignore=skip)
    if (ROOT / ".cache" / "reference").is_dir():
        shutil.copytree(ROOT / ".cache" / "reference", target / ".cache" / "reference")
    return target


def grade_in(kit: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**shared_caches(), **os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", *args], cwd=kit, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_no_stale_grade_after_one_exercise_or_a_change_of_points(tmp_path):
    kit = copy_of_the_kit(tmp_path / "kit")
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "solo.py").write_text(stub_with(relu="    return jnp.maximum(x, 0.0)\n"))
    first = grade_in(kit, str(folder), "--exercise", "relu", "--jobs", "1")
    assert "no grade yet: solo" in first.stderr
    book = table(tmp_path / "class-grades" / "gradebook.csv")["solo"]
    relu_max = float(book["max"])
    assert book["relu"] == book["total"] == book["max"] and book["init_params"] == ""
    suite = kit / "autograder" / "suites" / "test_relu.py"
    text = suite.read_text()
    points = re.search(r"@pytest\.mark\.points\((\d+)\)", text)
    suite.write_text(text.replace(points[0], f"@pytest.mark.points({int(points[1]) + 1})", 1))
    changed = grade_in(kit, str(folder), "--exercise", "relu", "--jobs", "1")
    assert "grading 1 of 1 submissions" in changed.stderr
    assert "grading suites or kit changed: solo" in changed.stderr
    book = table(tmp_path / "class-grades" / "gradebook.csv")["solo"]
    assert float(book["max"]) == float(book["total"]) == relu_max + 1
    whole = grade_in(kit, str(folder), "--jobs", "1")
    assert "options changed (--exercise relu -> default): solo" in whole.stderr
    book = table(tmp_path / "class-grades" / "gradebook.csv")["solo"]
    assert float(book["max"]) == 101 and book["init_params"] == "0" and float(book["relu"]) == relu_max + 1
    same = grade_in(kit, str(folder), "--jobs", "1")
    assert "grading 0 of 1 submissions" in same.stderr
    forced = grade_in(kit, str(folder), "--jobs", "1", "--force")
    assert "grading 1 of 1 submissions" in forced.stderr and "--force: solo" in forced.stderr


def test_a_submission_that_runs_out_of_time_is_a_timeout_not_a_zero_like_any_other(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(CORPUS / "hostile" / "endless_loop_at_import.py", folder / "tim.py")
    done = run_grader("grade", str(folder), "--jobs", "1", "--exercise", "relu", "--total-timeout", "3")
    assert done.returncode == 0, done.stderr[-2000:]
    row = table(tmp_path / "class-grades" / "gradebook.csv")["tim"]
    assert row["status"] == "timeout: the time for this whole submission (3 s) ran out"
    assert row["total"] == "0" and row["relu"] == "0"


def test_a_regrade_moving_one_grade_in_leaves_a_student_named_like_its_old_copy_alone(tmp_path):
    """``carol`` and ``carol.old`` are two students: installing carol's new grade sets her old
    one aside where no student's staging folder can be, so carol.old's grade in the making stays."""
    for student in ("carol", "carol.old"):
        (tmp_path / student).mkdir()
        (tmp_path / student / "results.txt").write_text(f"{student}: old grade")
        regrade.staging(tmp_path, student).joinpath("results.txt").write_text(f"{student}: new grade")
    regrade.install(tmp_path / regrade.STAGING / "carol", tmp_path / "carol")
    assert (tmp_path / "carol" / "results.txt").read_text() == "carol: new grade"
    waiting = tmp_path / regrade.STAGING / "carol.old" / "results.txt"
    assert waiting.read_text() == "carol.old: new grade"
    regrade.install(waiting.parent, tmp_path / "carol.old")
    assert (tmp_path / "carol.old" / "results.txt").read_text() == "carol.old: new grade"


def test_printed_words_of_the_grader_change_no_status():
    """Statuses read results.json's fields, never its sentences: a student who prints the
    grader's words for a stopped grading (tests/corpus/hostile/print_the_grader_was_stopped.py)
    keeps the status its tests earn. Fast: the results.json is the report's, from made-up scores."""
    from autograder.coursework.statuses import GRADED, Status, status_of
    from autograder.judge.report import results_json
    from autograder.judge.scores import Scores, TestResult

    source = CORPUS / "hostile" / "print_the_grader_was_stopped.py"
    words = re.findall(r'print\("([^"]+)"\)', source.read_text())
    assert any("the grader was stopped after" in w for w in words), words
    scores = Scores(results=[TestResult("relu: keeps positives", "relu", 2.0, False, passed=True)],
                    printed="\n".join(words))
    result = results_json(scores, 1.0)
    assert all(w in result["output"] for w in words)
    assert status_of(result, source) == Status(GRADED)


def test_the_graders_own_stops_are_fields_of_the_results():
    """A stop is a status field: the grader's (no tests), the whole submission's time (with
    tests), an import failure's line; a failed call's kind, whatever its words."""
    from autograder.coursework.statuses import GRADER_ERROR, IMPORT_ERROR, TIMEOUT, Status, status_of
    from autograder.judge import results_file
    from autograder.judge.report import results_json
    from autograder.judge.scores import Scores, TestResult

    stopped = results_file.not_graded("the grader was stopped after 2 s on this submission", 100, 2.0,
                                      results_file.TIMEOUT)
    assert status_of(stopped) == Status(TIMEOUT, "the grader was stopped after 2 s on this submission")
    crashed = results_file.not_graded("the grader was stopped after 2 s (it said so)", 100, 2.0)
    assert status_of(crashed).kind == GRADER_ERROR
    imported = TestResult("relu: a", "relu", 1.0, False, output="Your module ...", failure="import",
                          details={"line": 7, "summary": "SyntaxError: invalid syntax"})
    assert status_of(results_json(Scores(results=[imported]), 1.0), "hw.py") == Status(
        IMPORT_ERROR, "hw.py, line 7: SyntaxError: invalid syntax")
    ran_out = "the time for this whole submission (3 s) ran out"
    assert status_of(results_json(Scores(results=[imported], stopped=ran_out), 1.0)) == Status(
        TIMEOUT, "xor_net.py, line 7: SyntaxError: invalid syntax")
    slow = TestResult("loss: b", "loss", 1.0, False, output="Called loss", failure="timeout")
    passed = TestResult("relu: b", "relu", 1.0, False, passed=True, output=ran_out)
    assert status_of(results_json(Scores(results=[passed, slow]), 1.0)) == Status(
        TIMEOUT, "loss ran past its time limit in 1 test(s)")
    budget = TestResult("loss: c", "loss", 1.0, False, failure="budget", details={"reason": ran_out})
    assert status_of(results_json(Scores(results=[passed, budget]), 1.0)) == Status(TIMEOUT, ran_out)
    broken = TestResult("xor: d", "xor", 1.0, False, output="The grader itself failed", failure="grader")
    status = status_of(results_json(Scores(results=[passed, broken]), 1.0))
    assert status.kind == GRADER_ERROR and "1 test(s) of xor" in status.message, status
