"""The Gradescope autograder: the zip, its setup.sh (without its pip installs) and its
run_autograder, in a folder laid out like Gradescope's /autograder, on three submissions.

The results.json checks follow Gradescope's "Autograder Specifications"
(https://gradescope-autograders.readthedocs.io/en/latest/specs/).
"""

import json
import math
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import DROP_TO_LAST_ARGUMENT, ROOT, as_user, run_grader

from autograder import EXERCISES, SOLUTION_PATH

VISIBILITY = {"visible", "hidden", "after_due_date", "after_published"}
FORMATS = {"text", "simple_format", "html", "md", "ansi"}
FORGED = "FORGED BY THE SUBMISSION"
HOSTILE = f"""\
import json, sys
forged = {{"score": 100.0, "max_score": 100.0, "tests": [], "output": {FORGED!r}}}
for name in ("results.json", "forged.json"):
    try:
        with open(RESULTS + "/" + name, "w") as out:
            json.dump(forged, out)
    except Exception as error:
        print("could not write", name, type(error).__name__)
sys.exit(0)
"""


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gradescope") / "autograder.zip"
    done = run_grader("gradescope", "--output", str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def unpack(archive: Path, target: Path) -> None:
    """Unzip as Gradescope's unzip does, keeping the modes stored in the zip."""
    with zipfile.ZipFile(archive) as zipped:
        for info in zipped.infolist():
            path = Path(zipped.extract(info, target))
            mode = info.external_attr >> 16
            if mode:
                path.chmod(stat.S_IMODE(mode))


def gradescope_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XOR_")}
    return dict(env, XOR_KIT_GRADESCOPE_ROOT=str(root), XOR_KIT_PYTHON=sys.executable,
                PYTHONWARNINGS="ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def gradescope(autograder_zip) -> dict:
    """setup.sh, then run_autograder on each submission, each in its own /autograder."""
    base = Path(tempfile.mkdtemp(prefix="xor-gradescope-"))  # reachable by user nobody
    base.chmod(0o755)
    try:
        root = base / "autograder"
        (root / "source").mkdir(parents=True)
        root.chmod(0o755)
        unpack(autograder_zip, root / "source")
        for cache in ("xla", "library-xla"):  # compiled programs only: saves minutes here
            if (ROOT / ".cache" / cache).is_dir():
                shutil.copytree(ROOT / ".cache" / cache, root / "source" / ".cache" / cache)
        setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], cwd=root,
                               env=gradescope_env(root), capture_output=True, text=True, timeout=900)
        assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
        submissions = {
            "reference": {"xor_net.py": SOLUTION_PATH.read_text()},
            "stubs": {"xor_net.py": (ROOT / "exercises" / "xor_net.py").read_text()},
            "nothing": {"notes.txt": "I forgot to attach my file"},
        }
        runs = {}
        for name, files in {**submissions, "hostile": {}}.items():
            home = base / name
            if name != "reference":
                home.mkdir()
                home.chmod(0o755)
                (home / "source").symlink_to(root / "source")  # one kit, graded side by side
            else:
                home = root
            (home / "submission").mkdir()
            (home / "results").mkdir()
            if name == "hostile":
                files = {"attack.py": f"RESULTS = {str(home / 'results')!r}\n" + HOSTILE}
            for file, text in files.items():
                (home / "submission" / file).write_text(text)
            runs[name] = (home, subprocess.Popen(
                [str(home / "source" / "run_autograder")], cwd=home, env=gradescope_env(home),
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
        results = {}
        for name, (home, process) in runs.items():
            log, _ = process.communicate(timeout=900)
            assert process.returncode == 0, log[-3000:]
            results[name] = {"home": home, "log": log,
                             "json": json.loads((home / "results" / "results.json").read_text())}
        yield {"root": root, "setup": setup.stdout, **results}
    finally:
        shutil.rmtree(base, ignore_errors=True)


def assert_gradescope_results(result: dict) -> None:
    """The fields and values Gradescope's specification allows, and a score that adds up."""
    assert isinstance(result["score"], int | float) and isinstance(result["max_score"], int | float)
    assert isinstance(result["execution_time"], int | float) and result["execution_time"] >= 0
    assert result.get("output_format", "simple_format") in FORMATS
    assert result.get("visibility", "visible") in VISIBILITY
    assert isinstance(result.get("output", ""), str)
    assert isinstance(result["tests"], list)
    for test in result["tests"]:
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["output"], str)
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in VISIBILITY
        assert 0 <= test["score"] <= test["max_score"]
        assert (test["status"] == "passed") == (test["score"] == test["max_score"])
    assert math.isclose(result["score"], sum(t["score"] for t in result["tests"]))
    if result["tests"]:
        assert math.isclose(result["max_score"], sum(t["max_score"] for t in result["tests"]))


def test_the_zip_has_both_scripts_at_its_root_and_the_whole_kit(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as zipped:
        infos = {i.filename: i for i in zipped.infolist()}
    for script in ("setup.sh", "run_autograder"):
        assert stat.S_IMODE(infos[script].external_attr >> 16) == 0o755, script
    for name in ("solutions/xor_net.py", "autograder/suites/test_hidden.py",
                 "autograder/sandbox/child.py", "pyproject.toml", "exercises/xor_net.py"):
        assert name in infos, name
    # Of the kit's cache, only its grading secret (test_gradescope_draws_the_inputs_this_kit_draws)
    assert not any("__pycache__" in n or n.startswith((".cache", "tests/")) for n in infos
                   if n != ".cache/secret/grading-secret")


def test_setup_pins_the_exact_versions_installed_here_and_both_scripts_parse(autograder_zip, tmp_path):
    unpack(autograder_zip, tmp_path)
    setup = (tmp_path / "setup.sh").read_text()
    pinned = dict(re.findall(r"^\s+'([A-Za-z0-9_.\-]+)==([^']+)'$", setup, re.MULTILINE))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0)
        assert pinned.get(name) == version(name), (name, pinned.get(name))
    installs = [line for line in setup.splitlines() if "pip install" in line]
    assert installs and all('"${PINNED[@]}"' in line or "--no-deps -e" in line for line in installs)
    for script in ("setup.sh", "run_autograder"):
        done = subprocess.run(["bash", "-n", str(tmp_path / script)], capture_output=True, text=True)
        assert done.returncode == 0, (script, done.stderr)


def test_every_results_json_follows_gradescopes_specification(gradescope):
    for name in ("reference", "stubs", "hostile", "nothing"):
        assert_gradescope_results(gradescope[name]["json"])


def test_the_reference_gets_full_marks_with_hidden_tests_shown_after_publishing(gradescope):
    result = gradescope["reference"]["json"]
    assert result["score"] == result["max_score"] == 100, gradescope["reference"]["log"][-2000:]
    hidden = [t for t in result["tests"] if t["visibility"] == "after_published"]
    assert sorted(t["name"].split(":")[0] for t in hidden) == sorted(EXERCISES)
    assert "While grading" not in result.get("output", "")
    assert "prepare: reference 100 / 100" in gradescope["setup"]


def test_the_stubs_get_zero_saying_not_implemented(gradescope):
    result = gradescope["stubs"]["json"]
    assert result["score"] == 0 and result["max_score"] == 100
    assert all("not implemented yet" in t["output"] for t in result["tests"])


def test_a_hostile_submission_forges_nothing_and_scores_zero(gradescope):
    hostile = gradescope["hostile"]
    result = hostile["json"]
    assert result["score"] == 0 and len(result["tests"]) > 40
    assert FORGED not in json.dumps(result)
    assert not (hostile["home"] / "results" / "forged.json").exists()
    assert [p.name for p in (hostile["home"] / "results").iterdir()] == ["results.json"]
    assert "SystemExit" in result["tests"][0]["output"]


def test_no_file_to_grade_is_an_explained_zero(gradescope):
    result = gradescope["nothing"]["json"]
    assert result["score"] == 0 and result["tests"] == [] and result["max_score"] == 100
    assert "xor_net.py" in result["output"]


def run_as(uid: int, code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``python -c CODE`` as ``uid``, the way the kit runs a sandbox's uid (conftest.as_user)."""
    command, user = as_user([sys.executable, "-c", DROP_TO_LAST_ARGUMENT + code], uid)
    return subprocess.run(command, cwd="/", capture_output=True, text=True, timeout=120, env=env, **user)


@pytest.mark.skipif(os.geteuid() != 0, reason="the lock-down is for a grader running as root")
def test_submissions_user_cannot_read_the_reference_but_can_run_the_sandbox(gradescope):
    source = gradescope["root"] / "source"
    nobody = pwd.getpwnam("nobody")

    def as_nobody(code: str) -> subprocess.CompletedProcess:
        done = run_as(nobody.pw_uid, "import os; assert os.getuid() != 0\n" + code,
                      {"PYTHONPATH": str(source), "PATH": os.environ["PATH"]})
        assert "AssertionError" not in done.stderr, "ran as root"
        return done

    for secret in ("solutions/xor_net.py", "autograder/suites/test_hidden.py", "setup.sh",
                   ".cache/secret/grading-secret"):
        done = as_nobody(f"open({str(source / secret)!r}).read()")
        assert "PermissionError" in done.stderr, secret
    for closed in (".cache/xla", ".cache/secret"):  # the judge's programs hold the reference's
        done = as_nobody(f"import os; os.listdir({str(source / closed)!r})")
        assert "PermissionError" in done.stderr, closed
    library = source / ".cache" / "library-xla"  # JAX's own programs: its sandbox reads them
    done = as_nobody(f"import os; print(len([open({str(library)!r} + '/' + n, 'rb').read(1) "
                     f"for n in os.listdir({str(library)!r})]))")
    assert done.returncode == 0 and int(done.stdout) > 0, done.stderr[-2000:]
    done = as_nobody("import autograder.sandbox.child, autograder.launch.door; print('ok')")
    assert done.stdout.strip() == "ok", done.stderr[-2000:]


def test_the_stubs_result_holds_nothing_the_stubs_did_not_print(gradescope):
    """The lock-down leaves JAX's library programs readable: no warning of JAX's own about
    them (or anything else) lands in a student's result as if the code had printed it."""
    result = gradescope["stubs"]["json"]
    assert "Your code printed" not in json.dumps(result), result.get("output", "")[:2000]


def test_the_zip_requires_a_kernel_wall_unless_built_unsafe(autograder_zip, tmp_path):
    unpack(autograder_zip, tmp_path / "safe")
    for script in ("setup.sh", "run_autograder"):
        text = (tmp_path / "safe" / script).read_text()
        assert "--require-isolation" in text and "--unsafe-without-walls" not in text, script
    unsafe = tmp_path / "unsafe.zip"
    done = run_grader("gradescope", "--output", str(unsafe), "--unsafe-without-walls")
    assert done.returncode == 0 and "UNSAFE" in done.stdout, done.stderr[-2000:]
    unpack(unsafe, tmp_path / "unsafe")
    for script in ("setup.sh", "run_autograder"):
        text = (tmp_path / "unsafe" / script).read_text()
        assert "--unsafe-without-walls" in text and "--require-isolation" not in text, script


def test_the_image_refuses_to_build_where_no_kernel_wall_starts(tmp_path):
    """`prepare` with --require-isolation (the zip's default) where only the audit hook would
    hold a submission (XOR_KIT_WALL=hook stands for such a container): no image, the reason
    and the unsafe option named. Run in a copy of the kit: prepare locks down the kit it runs in."""
    for name in ("autograder", "solutions", "exercises"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(os.environ, XOR_KIT_WALL="hook", PYTHONWARNINGS="ignore::DeprecationWarning")
    done = subprocess.run([sys.executable, "-m", "autograder.coursework.gradescope", "prepare",
                           "--require-isolation"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert "no kernel wall" in done.stderr and "--unsafe-without-walls" in done.stderr
    assert "reference" not in done.stdout, "nothing graded"
    assert stat.S_IMODE((tmp_path / "solutions" / "xor_net.py").stat().st_mode) & 0o044, "nothing locked"


def test_the_finder_survives_deep_and_cyclic_folders(tmp_path):
    from autograder.coursework.gradescope import find_submission

    deep = tmp_path / "deep"
    deep.mkdir()
    os.chdir(deep)  # 1,200 folders, made one at a time: beyond any recursion limit
    try:
        for _ in range(1200):
            os.mkdir("d")
            os.chdir("d")
        Path("xor_net.py").write_text("")
    finally:
        os.chdir(ROOT)
    (deep / "loop").mkdir()
    (deep / "loop" / "up").symlink_to("..")  # a loop of links: never followed
    assert isinstance(find_submission(deep), str)
    (deep / "loop" / "xor_net.py").write_text("")
    assert find_submission(deep) == deep / "loop" / "xor_net.py"
    subprocess.run(["rm", "-rf", "--", str(deep)], check=True, timeout=120)  # shutil's would recurse


def test_the_file_to_grade_is_found_in_a_whole_repository_too(tmp_path):
    from autograder.coursework.gradescope import find_submission

    (tmp_path / "exercises").mkdir()
    (tmp_path / "autograder").mkdir()
    for name in ("exercises/xor_net.py", "autograder/__init__.py", "setup.py"):
        (tmp_path / name).write_text("")
    assert find_submission(tmp_path) == tmp_path / "exercises" / "xor_net.py"
    (tmp_path / "xor_net.ipynb").write_text("{}")
    assert find_submission(tmp_path) == tmp_path / "xor_net.ipynb"
    assert isinstance(find_submission(tmp_path / "exercises" / "nothing"), str)


def test_gradescope_draws_the_inputs_this_kit_draws(gradescope, reference_result):
    """The zip carries the kit's grading secret (locked away like the reference): the same
    file gets the same seed there as here, so a regrade on Gradescope changes nothing."""
    seed = gradescope["reference"]["json"]["extra_data"]["seed"]
    assert seed == reference_result["extra_data"]["seed"] != 0
    secret = gradescope["root"] / "source" / ".cache" / "secret" / "grading-secret"
    assert stat.S_IMODE(secret.stat().st_mode) & 0o077 == 0
