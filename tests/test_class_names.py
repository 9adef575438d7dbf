"""A class as instructors' and students' files really are: names that clash once the suffix,
case and Unicode form are dropped, names of the kit's own files, control characters,
formulas, folders 1,200 deep or in a loop; grades on disk the judge did not write; a
regrade interrupted halfway; grades gone stale; submission times never guessed.

One small class is graded once (``--exercise relu``: the names are the point, not the
grades); every test reads from it or grades it again."""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, run_grader

from autograder.coursework import names, regrade
from autograder.coursework.class_folder import find_entries

REFERENCE = ROOT / "solutions" / "xor_net.py"
STUBS = ROOT / "exercises" / "xor_net.py"
ZOE_NFC = unicodedata.normalize("NFC", "zoë")
ZOE_NFD = unicodedata.normalize("NFD", "zoë")
FORMULA = '=HYPERLINK("http://evil.example/","Eve")'


def deep_folder(top: Path, depth: int, file: str) -> None:
    """``depth`` nested folders below ``top``, made one at a time, ``file`` at the bottom.
    Removed by ``remove_deep`` (Python's shutil.rmtree, pytest's too, recurse and fail on it)."""
    top.mkdir()
    here = os.getcwd()
    os.chdir(top)
    try:
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
        Path(file).write_text("")
    finally:
        os.chdir(here)


def remove_deep(top: Path) -> None:
    subprocess.run(["rm", "-rf", "--", str(top)], check=True, timeout=120)


def read_table(path: Path, key: str = "student") -> dict[str, dict[str, str]]:
    """A CSV file the kit wrote, as Python's csv reads it (a byte-order mark allowed)."""
    with path.open(newline="", encoding="utf-8-sig") as table:
        return {row[key]: row for row in csv.DictReader(table)}


def test_names_clash_once_suffix_case_and_unicode_form_are_dropped(tmp_path):
    for name in ("carol.py.py", "carol.py", "carol.ipynb", "Carol.py", "gradebook.csv.py", "bob.py",
                 "bad\nname.py", "tab\tname.py", "=1+2.py"):
        (tmp_path / name).write_text("")
    (tmp_path / ZOE_NFD).mkdir()
    (tmp_path / ZOE_NFD / "xor_net.py").write_text("")
    (tmp_path / f"{ZOE_NFC}.py").write_text("")
    deep_folder(tmp_path / "deep", 1200, "xor_net.py")
    (tmp_path / "loop").mkdir()
    (tmp_path / "loop" / "up").symlink_to("..")
    (tmp_path / "loop" / "answer.py").write_text("")
    (tmp_path / "padded.py").write_bytes(b"#" * (5 << 20))  # past the 4 MiB cap: no pass reads it
    entries = {e.student: e for e in find_entries(tmp_path)}
    assert set(entries) == {"Carol", "gradebook.csv (renamed)", "bob", "bad\\nname", "tab\\tname", "=1+2",
                            ZOE_NFC, "deep", "loop", "padded"}
    assert entries["padded"].source is None and "5.0 MiB" in entries["padded"].problem
    carol = entries["Carol"]
    assert carol.source is None
    for spelling in ("'carol.py.py'", "'carol.py'", "'carol.ipynb'", "'Carol.py'"):
        assert spelling in carol.problem
    zoe = entries[ZOE_NFC]
    assert zoe.source is None and ascii(ZOE_NFD) in zoe.problem and ascii(f"{ZOE_NFC}.py") in zoe.problem
    assert "the files the kit writes" in entries["gradebook.csv (renamed)"].problem
    assert "control" in entries["bad\\nname"].problem and entries["bad\\nname"].source is None
    assert entries["=1+2"].source == tmp_path / "=1+2.py"
    assert entries["deep"].source is None and "folders deep" in entries["deep"].problem
    assert entries["loop"].source == tmp_path / "loop" / "answer.py"
    remove_deep(tmp_path / "deep")


def test_one_name_rule_for_roster_times_and_overrides(tmp_path):
    from autograder.coursework.bad_input import BadInput
    from autograder.coursework.late import read_policy
    from autograder.coursework.roster import read_roster

    assert names.key(ZOE_NFD) == names.key(ZOE_NFC.upper())
    roster = tmp_path / "roster.csv"
    roster.write_text(f"student,email\n{ZOE_NFC},z@uni.test\n{ZOE_NFD},z2@uni.test\n",
                      encoding="utf-8")
    with pytest.raises(BadInput, match="same student") as refused:
        read_roster(roster)
    assert ascii(ZOE_NFC) in str(refused.value) and ascii(ZOE_NFD) in str(refused.value)
    roster.write_text(f"student,email\n{ZOE_NFC},z@uni.test\n", encoding="utf-8")
    assert read_roster(roster).get(ZOE_NFD, "email") == "z@uni.test"
    roster.write_text("student,sis_id\nann,=1+2\n")
    with pytest.raises(BadInput, match="sis_id '=1\\+2' starts with '='"):
        read_roster(roster)
    times = tmp_path / "times.csv"
    times.write_text(f"student,submitted\n{ZOE_NFD},2026-03-03T10:00:00+00:00\nann,2026-03-01T10:00:00\n")
    policy = tmp_path / "late.toml"
    policy.write_text('due = "2026-03-02T23:59:00+00:00"\npercent_per_day = 10\ntimes = "times.csv"\n')
    with pytest.raises(BadInput, match="'2026-03-01T10:00:00' has no time zone"):
        read_policy(policy)
    policy.write_text(policy.read_text() + 'timezone = "Europe/Berlin"\n')
    late = read_policy(policy)
    assert late.lateness(ZOE_NFC.title(), None).days == 1
    with pytest.raises(BadInput, match="no submission time for 'bob'"):
        late.check(["ann", ZOE_NFC, "bob"])


def test_gradescopes_submission_metadata_gives_the_times(tmp_path):
    from autograder.coursework.late import read_policy

    (tmp_path / "submission_metadata.yml").write_text(
        "submission_1:\n  :submitters:\n  - :name: Zoë O'Brien\n    :email: Zoe@uni.test\n"
        "  :created_at: 2026-03-03 10:00:00.000000000 +01:00\n  :score: 0.0\n")
    policy = tmp_path / "late.toml"
    policy.write_text('due = "2026-03-02T23:59:00+00:00"\npercent_per_day = 10\n'
                      'times = "submission_metadata.yml"\n')
    late = read_policy(policy)
    assert late.lateness("zoe", None).days == 1 and late.lateness("zoe", None).percent == 10


def test_canvas_and_moodle_exports_are_rosters_as_downloaded(tmp_path):
    from autograder.coursework.roster import read_roster

    canvas = tmp_path / "canvas.csv"
    canvas.write_text("\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,XOR (12)\n"
                      "    Points Possible,,,,,100\n"
                      '"O\'Brien, Zoë",501,S501,zobrien,A,\n', encoding="utf-8")
    roster = read_roster(canvas)
    assert roster.get("ZOBrien", "canvas_id") == "501" and roster.get("zobrien", "name") == "O'Brien, Zoë"
    assert list(roster.rows) == ["zobrien"]
    moodle = tmp_path / "moodle.csv"
    moodle.write_text("First name,Last name,ID number,Institution,Department,Email address,"
                      "Assignment: XOR (Real)\nZoë,O'Brien,S501,,,zobrien@uni.test,-\n", encoding="utf-8")
    roster = read_roster(moodle)
    assert roster.get("zobrien", "email") == "zobrien@uni.test" and roster.get("zobrien", "sis_id") == "S501"


@pytest.fixture(scope="module")
def term(tmp_path_factory) -> Iterator[dict]:
    """A class with every kind of name, a roster, submission times; graded once."""
    root = tmp_path_factory.mktemp("names")
    folder = root / "class"
    folder.mkdir()
    shutil.copy(REFERENCE, folder / "alice.py")
    shutil.copy(STUBS, folder / "bob.py")
    for name in ("carol.py.py", "carol.py", "Carol.py"):
        shutil.copy(REFERENCE, folder / name)
    shutil.copy(STUBS, folder / "gradebook.csv.py")
    shutil.copy(REFERENCE, folder / "=1+2.py")
    shutil.copy(REFERENCE, folder / "bad\nname.py")
    (folder / ZOE_NFD).mkdir()  # macOS's spelling; the roster has the composed one
    shutil.copy(REFERENCE, folder / ZOE_NFD / "xor_net.py")
    deep_folder(folder / "deep", 1200, "xor_net.py")
    (folder / "loop").mkdir()
    (folder / "loop" / "up").symlink_to("..")
    shutil.copy(REFERENCE, folder / "loop" / "xor_net.py")
    files = root / "instructor"
    files.mkdir()
    roster = files / "roster.csv"
    roster.write_text("student,name,email,canvas_id,sis_id\n"
                      f"alice,Alice,alice@uni.test,1,S1\nbob,Bob,bob@uni.test,2,S2\n"
                      f"{ZOE_NFC},Zoë O'Brien,zoe@uni.test,3,S3\n"
                      f'=1+2,"{FORMULA.replace(chr(34), chr(34) * 2)}",eve@uni.test,4,S4\n'
                      "loop,Lou,lou@uni.test,5,S5\nquinn,Quinn,quinn@uni.test,6,S6\n", encoding="utf-8")
    out = root / "class-grades"
    done = run_grader("grade", str(folder), "--jobs", "2", "--exercise", "relu", "--roster", str(roster))
    assert done.returncode == 0, done.stderr[-3000:]
    yield {"root": root, "folder": folder, "out": out, "grade": done, "roster": roster,
           "book": read_table(out / "gradebook.csv")}
    remove_deep(folder / "deep")


@pytest.mark.slow
def test_every_entry_is_graded_or_refused_with_a_status_and_none_takes_another_grade(term):
    book = term["book"]
    assert (term["out"] / "gradebook.csv").is_file()
    assert book["alice"]["status"] == "graded" and book["alice"]["total"] == book["alice"]["max"] != "0"
    assert book["bob"]["total"] == "0"
    assert book["Carol"]["status"].startswith("grader-error: 'Carol.py' and 'carol.py' and 'carol.py.py'")
    assert book["Carol"]["total"] == "0"
    assert book["gradebook.csv (renamed)"]["status"].startswith("grader-error: 'gradebook.csv.py' is named")
    bad = book["bad\\nname"]["status"]
    assert bad.startswith("grader-error:") and "control" in bad
    assert book["deep"]["status"].startswith("grader-error: no .py or .ipynb file")
    for graded in (ZOE_NFC, "loop", "'=1+2"):  # the formula-looking name is escaped, still graded
        assert book[graded]["status"] == "graded" and book[graded]["total"] == book["alice"]["total"], graded
    assert book[ZOE_NFC]["name"] == "Zoë O'Brien", "the roster's composed name matches macOS's decomposed one"
    assert book["quinn"]["status"] == "missing: on the roster, no submission"
    assert len(book) == 10


@pytest.mark.slow
def test_every_csv_file_is_spreadsheet_safe_and_read_back(term):
    raw = (term["out"] / "gradebook.csv").read_bytes()
    assert raw.startswith("\ufeff".encode()), "a byte-order mark, so that Excel reads UTF-8"
    for path in (term["out"] / "gradebook.csv", term["out"] / "similarity.csv"):
        with path.open(newline="", encoding="utf-8-sig") as table:
            rows = list(csv.reader(table))
        assert rows and all(not cell.startswith(("=", "+", "@", "\t", "\r")) for row in rows for cell in row)
    assert term["book"]["'=1+2"]["name"] == "'" + FORMULA
    pairs = read_table(term["out"] / "similarity.csv", "student_1")
    assert any("'=1+2" in (row["student_1"], row["student_2"]) for row in pairs.values())


@pytest.mark.slow
def test_a_grade_the_judge_did_not_write_is_regraded_and_never_exported(term, tmp_path):
    out = term["out"]
    bob = out / "bob" / "results.json"
    forged = json.loads(bob.read_text())
    forged["score"] = forged["max_score"]
    for test in forged["tests"]:
        test.update(score=test["max_score"], status="passed")
    bob.write_text(json.dumps(forged))
    export = run_grader("export", str(out), "--out", str(tmp_path))
    assert export.returncode == 2 and "bob: results not written by this kit's judge" in export.stderr
    assert not (tmp_path / "canvas.csv").exists()
    again = run_grader("grade", str(term["folder"]), "--jobs", "2", "--exercise", "relu")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "results not written by this kit's judge: bob" in again.stderr
    assert read_table(out / "gradebook.csv")["bob"]["total"] == "0"


@pytest.mark.slow
def test_export_refuses_stale_or_ungraded_grades_unless_allowed_and_leaves_the_missing_blank(term, tmp_path):
    out = term["out"]
    done = run_grader("export", str(out), "--out", str(tmp_path))
    assert done.returncode == 2
    refused = [line.strip() for line in done.stderr.splitlines()[1:]]
    assert refused == [f"{name}: grader-error: {term['book'][name]['status'].split(': ', 1)[1]}"
                       for name in ("bad\\nname", "Carol", "deep", "gradebook.csv (renamed)")]
    allowed = run_grader("export", str(out), "--out", str(tmp_path), "--allow-incomplete")
    assert allowed.returncode == 0, allowed.stderr[-2000:]
    assert "grades of kit " in allowed.stdout and "left blank (--allow-incomplete): " in allowed.stdout
    canvas = read_table(tmp_path / "canvas.csv", "Student")
    column = [c for c in next(iter(canvas.values())) if c.startswith("XOR")][0]
    assert canvas["Quinn"][column] == "", "nothing handed in: blank, so Canvas keeps what it has"
    assert canvas["Zoë O'Brien"][column] == term["book"]["alice"]["total"]
    assert canvas["'" + FORMULA][column] == term["book"]["alice"]["total"]
    assert not (tmp_path / "canvas.csv").read_bytes().startswith("\ufeff".encode())
    moodle = read_table(tmp_path / "moodle.csv", "Email address")
    assert moodle["quinn@uni.test"]["XOR network"] == "" and moodle["bob@uni.test"]["XOR network"] == "0"


@pytest.mark.slow
def test_a_stale_grade_stops_export_and_feedback(term, tmp_path):
    folder, out = term["folder"], term["out"]
    original = (folder / "alice.py").read_bytes()
    try:
        (folder / "alice.py").write_bytes(original + b"\n# changed after grading\n")
        for command in ("export", "feedback"):
            done = run_grader(command, str(out), "--out", str(tmp_path / command))
            assert done.returncode == 2, done.stdout
            assert "  alice: stale: the file changed since it was graded" in done.stderr
            assert not (tmp_path / command).exists()
    finally:
        (folder / "alice.py").write_bytes(original)


@pytest.mark.slow
def test_an_interrupted_forced_regrade_keeps_every_old_grade_whole(term, tmp_path):
    out = tmp_path / "grades"
    shutil.copytree(term["out"], out)
    kept = {s: (out / s / "results.json").read_bytes() for s in ("alice", "bob", ZOE_NFC, "loop")}
    made = {s: regrade.graded_at(out / s) for s in kept}
    env = dict(os.environ, PYTHONWARNINGS="ignore::DeprecationWarning")
    forced = subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(term["folder"]), "--out",
                               str(out), "--jobs", "1", "--exercise", "relu", "--force"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not any((out / ".staging").glob("*/grader.log")) and time.monotonic() < deadline:
        time.sleep(0.2)  # a grading under way: its new grade half written
    forced.send_signal(signal.SIGINT)
    time.sleep(0.3)
    forced.send_signal(signal.SIGINT)  # a second Ctrl-C: quiet
    _, stderr = forced.communicate(timeout=120)
    assert forced.returncode == 130, stderr[-2000:]
    assert "Traceback" not in stderr and "run the same command again" in stderr
    after = {s: (out / s / "results.json").read_bytes() for s in kept}
    assert after == kept, "each student holds the old grade whole until the new one is"
    book = read_table(out / "gradebook.csv")
    assert all(book[s]["graded_at"] == made[s] != "" for s in kept), "and the gradebook says so"
    done = run_grader("export", str(out), "--out", str(tmp_path / "lms"), "--allow-incomplete")
    assert done.returncode == 0, done.stderr[-2000:]
    canvas = read_table(tmp_path / "lms" / "canvas.csv", "Student")
    column = [c for c in canvas["Alice"] if c.startswith("XOR")][0]
    assert canvas["Alice"][column] == term["book"]["alice"]["total"] and canvas["Bob"][column] == "0"


@pytest.mark.slow
def test_a_class_results_txt_names_the_seed_its_results_json_holds(term):
    result = json.loads((term["out"] / "alice" / "results.json").read_text())
    seed = result["extra_data"]["seed"]
    assert seed != 0
    assert f"(inputs from seed {seed}," in (term["out"] / "alice" / "results.txt").read_text()


@pytest.mark.slow
def test_a_student_without_a_submission_time_stops_the_run_naming_them(term, tmp_path):
    times = tmp_path / "times.csv"
    times.write_text("student,submitted\nalice,2026-03-02T10:00:00+00:00\n")
    policy = tmp_path / "late.toml"
    policy.write_text('due = "2026-03-02T23:59:00+00:00"\npercent_per_day = 10\ntimes = "times.csv"\n')
    kept = (term["out"] / "gradebook.csv").read_bytes()
    done = run_grader("grade", str(term["folder"]), "--exercise", "relu", "--late", str(policy))
    assert done.returncode == 2 and "no submission time for '=1+2', 'bob'" in done.stderr, done.stderr[-2000:]
    assert "use_file_times = true" in done.stderr
    assert (term["out"] / "gradebook.csv").read_bytes() == kept


@pytest.mark.slow
def test_an_endless_loop_in_train_is_a_timeout_naming_it(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(CORPUS / "hostile" / "sleep_forever_in_train.py", folder / "tim.py")
    done = run_grader("grade", str(folder), "--jobs", "1", "--exercise", "train", "--call-timeout", "5")
    assert done.returncode == 0, done.stderr[-2000:]
    row = read_table(tmp_path / "class-grades" / "gradebook.csv")["tim"]
    assert row["status"].startswith("timeout: train ran past its time limit"), row["status"]


def test_a_notebook_holding_a_classmates_py_is_flagged_and_size_costs_nothing(tmp_path):
    from test_course import IVAN, IVAN_INIT, stub_with
    from test_ipynb import notebook_of

    from autograder.coursework import similarity

    code = stub_with(relu=IVAN, init_params=IVAN_INIT)
    (tmp_path / "ivan.py").write_text(code)
    notebook_of(code, tmp_path / "jack.ipynb")  # word for word, with trial cells of its own
    shutil.copy(STUBS, tmp_path / "untouched.py")
    padded = REFERENCE.read_text() + "".join(f"v{i} = [{i}, {i + 1}]\n" for i in range(150_000))
    (tmp_path / "padded.py").write_text(padded)  # 3.5 MB: compared byte for byte only
    (tmp_path / "padded_too.py").write_text(padded)
    started = time.monotonic()
    pairs = similarity.find_pairs({p.stem: p for p in tmp_path.iterdir()})
    assert time.monotonic() - started < 20
    assert {(p.first, p.second, p.identical) for p in pairs} == {("ivan", "jack", False),
                                                                  ("padded", "padded_too", True)}


def test_a_gradebook_folder_left_by_an_older_kit_is_one_line_before_any_grading(tmp_path):
    (tmp_path / "class").mkdir()
    shutil.copy(STUBS, tmp_path / "class" / "ann.py")
    (tmp_path / "class-grades" / "gradebook.csv").mkdir(parents=True)  # from a gradebook.csv.py
    done = run_grader("grade", str(tmp_path / "class"), "--exercise", "relu")
    assert done.returncode == 2 and done.stderr.startswith("error: ") and "is a folder" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not (tmp_path / "class-grades" / "ann").exists()
