"""``python -m autograder gradescope [--output FILE]``: the Gradescope autograder (default ../autograder.zip).

The zip is the instructor's kit (reference, hidden tests and all) with the two
scripts Gradescope runs at its root (https://gradescope-autograders.readthedocs.io,
"Autograder Specifications"): ``setup.sh`` once, as root, when Gradescope builds
the image, and ``run_autograder`` for every submission. Both hand over to this
module in the image, ``python -m autograder.coursework.gradescope STEP``:

- ``prepare`` (setup.sh): grade the reference once, so that its answers and the
  judge's compiled programs are cached and a broken image fails to build; say
  which wall the sandboxes get here; then make the kit readable by root only,
  except the few modules the sandbox runs.
- ``autograde`` (run_autograder): find the submission, grade it in a process of
  its own and write results/results.json; when no grade comes out, a zero that
  says why.

Both grade with ``--require-isolation``: where the image starts no kernel wall
(neither namespaces nor Landlock), ``prepare`` fails and the image does not build.
Only a zip built with ``--unsafe-without-walls`` grades there, passing that
option on (each report then says that no wall held the code).

``XOR_KIT_GRADESCOPE_ROOT`` moves Gradescope's /autograder (for tests), and
``XOR_KIT_PYTHON`` names the Python to use instead of the one setup.sh installs
(setup.sh then installs nothing).
"""

import argparse
import importlib.util
import json
import os
import stat
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from autograder import KIT_ROOT, SOLUTION_PATH
from autograder.coursework.class_folder import PREFERRED, pick_file
from autograder.coursework.names import walk
from autograder.judge import results_file, seeds
from autograder.judge.library_programs import LIBRARY_DIR
from autograder.judge.marks import total_points
from autograder.judge.report import dumps, write_atomic
from autograder.launch import walls as kernel

ROOT = Path(os.environ.get("XOR_KIT_GRADESCOPE_ROOT", "/autograder"))
VENV = "/opt/xor-kit-venv"  # outside /autograder, so that a sandbox's uid can run its Python
# What the zip carries besides its two scripts: the kit, as its setup.sh installs it.
SOURCES = ("autograder", "solutions", "exercises", "pyproject.toml", "README.md")
LEFT_OUT = ("__pycache__", "answers")  # compiled files; a release's recorded answers
GRADE_SECONDS = 1800  # the grader's own limits stop a submission long before this
NO_SUBMISSION = "Submit one file named xor_net.py (or the notebook xor_net.ipynb)."
REQUIRE, UNSAFE = "--require-isolation", "--unsafe-without-walls"  # what `grade` gets in the image


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", default=str(KIT_ROOT.parent / "autograder.zip"),
                        help="the zip to write (default: autograder.zip beside the kit's folder, not in it: "
                             "the zip holds the solutions)")
    parser.add_argument(UNSAFE, action="store_true",
                        help="let the zip grade where Gradescope's container starts no kernel wall "
                             "(neither namespaces nor Landlock): submissions then run with only the "
                             "audit hook between them and the kit (default: such a zip refuses to build)")


def run(args: argparse.Namespace) -> int:
    if not SOLUTION_PATH.is_file():
        print("error: this kit has no solutions/xor_net.py to grade with", file=sys.stderr)
        return 1
    output = Path(args.output)
    walls = UNSAFE if args.unsafe_without_walls else REQUIRE
    names = build_zip(output, walls)
    print(f"wrote {output}: setup.sh, run_autograder and {len(names) - 2} files of the kit; "
          "upload it on the assignment's Configure Autograder page"
          + ("; UNSAFE: it grades even where no kernel wall starts" if walls == UNSAFE else ""))
    return 0


# -- building the zip (on the instructor's machine) ------------------------------------


def build_zip(output: Path, walls: str = REQUIRE) -> list[str]:
    """Write the autograder zip, its scripts passing ``walls`` to every grading; return the names in it."""
    files = sorted(p for name in SOURCES for p in _files(KIT_ROOT / name))
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        _add_script(archive, "setup.sh", setup_script(pinned_requirements()).replace("@WALLS@", walls))
        _add_script(archive, "run_autograder", RUN_AUTOGRADER.replace("@WALLS@", walls))
        for path in files:
            archive.write(path, path.relative_to(KIT_ROOT).as_posix())
        # This kit's grading secret: a regrade on Gradescope draws the same inputs as here.
        in_kit = seeds.KIT_SECRET_DIR.relative_to(KIT_ROOT) / seeds.SECRET_NAME
        archive.writestr(in_kit.as_posix(), seeds.secret())
        names = archive.namelist()
    partial.replace(output)
    return names


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return [p for p in path.rglob("*") if p.is_file()
            and not any(part in LEFT_OUT for part in p.relative_to(KIT_ROOT).parts)]


def _add_script(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.external_attr = (stat.S_IFREG | 0o755) << 16  # executable once unzipped
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)


def pinned_requirements() -> list[str]:
    """``name==version`` for every package the kit needs, theirs included, as installed here."""
    project = tomllib.loads((KIT_ROOT / "pyproject.toml").read_text())["project"]
    queue = [(Requirement(r), "") for r in project["dependencies"]]
    pins: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    while queue:
        requirement, extra = queue.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        for wanted in ("", *sorted(requirement.extras)):
            if (name, wanted) in seen:
                continue
            seen.add((name, wanted))
            try:
                dist = metadata.distribution(requirement.name)
            except metadata.PackageNotFoundError:
                raise SystemExit(f"error: {requirement.name} is not installed here; "
                                 "install the kit's dependencies first") from None
            pins[name] = f"{dist.metadata['Name']}=={dist.version}"
            queue += [(Requirement(r), wanted) for r in dist.requires or []]
    return sorted(pins.values(), key=str.lower)


def setup_script(pins: list[str]) -> str:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    listed = "\n".join(f"    {pin!r}" for pin in pins)
    return (SETUP_SH.replace("@PYTHON_VERSION@", version).replace("@VENV@", VENV)
            .replace("@PINS@", listed))


SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
# It installs Python @PYTHON_VERSION@ (if need be) and the exact versions of the
# packages the kit was tested with, then hands over to `python -m autograder.coursework.gradescope
# prepare`, which grades the reference once and locks the kit away from submissions.
set -euo pipefail
ROOT="${XOR_KIT_GRADESCOPE_ROOT:-/autograder}"
VENV=@VENV@
PINNED=(
@PINS@
)

pick_python() {
    local candidate
    for candidate in python@PYTHON_VERSION@ python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
                "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if [ -n "${XOR_KIT_PYTHON:-}" ]; then
    PYTHON="$XOR_KIT_PYTHON"  # an environment that has everything already
else
    export DEBIAN_FRONTEND=noninteractive
    if ! command -v python@PYTHON_VERSION@ >/dev/null 2>&1; then
        apt-get update -q
        apt-get install -y -q python@PYTHON_VERSION@ python@PYTHON_VERSION@-venv || true
    fi
    BASE=$(pick_python) || { echo "setup.sh: no Python 3.11 or newer" >&2; exit 1; }
    if ! "$BASE" -m venv "$VENV"; then
        apt-get install -y -q "$BASE-venv"
        "$BASE" -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install -q --no-cache-dir "${PINNED[@]}"
    "$VENV/bin/python" -m pip install -q --no-cache-dir --no-deps -e "$ROOT/source"
    PYTHON="$VENV/bin/python"
fi

cd "$ROOT/source"
"$PYTHON" -m autograder.coursework.gradescope prepare @WALLS@
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this, as root, for every submission: grade /autograder/submission
# into /autograder/results/results.json (see autograder/coursework/gradescope.py).
ROOT="${XOR_KIT_GRADESCOPE_ROOT:-/autograder}"
PYTHON="${XOR_KIT_PYTHON:-@VENV@/bin/python}"
RESULTS="$ROOT/results/results.json"
export PYTHONDONTWRITEBYTECODE=1  # no compiled files left readable beside the locked kit

mkdir -p "$ROOT/results"
rm -f "$RESULTS"
cd "$ROOT/source" && "$PYTHON" -m autograder.coursework.gradescope autograde @WALLS@
if [ ! -s "$RESULTS" ]; then  # no explained zero: the kit's one builder writes it if it imports
    "$PYTHON" -m autograder.judge.results_file "$RESULTS" 2>/dev/null
fi
if [ ! -s "$RESULTS" ]; then  # not even that: Python itself fails, so the same zero, written here
    cat > "$RESULTS" <<'EOF'
{"score": 0.0, "execution_time": 0, "output_format": "text", "visibility": "visible",
 "tests": [],
 "output": "Not graded: the autograder could not start (not your mistake). Your instructor can see why.",
 "extra_data": {"status": "grader-error", "reason": "the autograder could not start"}}
EOF
fi
exit 0
""".replace("@VENV@", VENV)


# -- inside Gradescope's image -----------------------------------------------------------


def prepare(source: Path = KIT_ROOT, root: Path = ROOT, walls: str = REQUIRE) -> int:
    """Grade the reference once (it must score full marks), then lock the kit away."""
    if walls == REQUIRE and (refusal := kernel.refusal()):
        print(f"prepare: {refusal}\nprepare: this container starts no kernel wall; build the zip "
              f"with `python -m autograder gradescope {UNSAFE}` to grade here anyway", file=sys.stderr)
        return 1
    result = grade(SOLUTION_PATH, walls) or {}
    if not result or result["score"] != result["max_score"]:
        failed = [t["name"] for t in result.get("tests", []) if t.get("status") != "passed"]
        print(f"prepare: the reference did not get full marks here (failed: {failed[:5]})",
              file=sys.stderr)
        return 1
    lock_down(source, root)
    wall = (result.get("extra_data") or {}).get("wall", "unknown")
    print(f"prepare: reference {result['score']:g} / {result['max_score']:g}; the kit is locked "
          f"away from submissions; their sandboxes here: {wall}")
    return 0


def sandbox_modules(source: Path) -> list[Path]:
    """The kit's modules that ``python -m autograder.sandbox.child`` imports (asked of a fresh Python)."""
    probe = ("import sys, autograder.sandbox.child, autograder.launch.door; print('\\n'.join("
             "m.__file__ for n, m in sys.modules.items() if n.split('.')[0] == 'autograder'))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=source, capture_output=True,
                          text=True, check=True, env=dict(os.environ, PYTHONPATH=str(source)))
    return sorted(Path(line) for line in done.stdout.split())


def lock_down(source: Path, root: Path) -> None:
    """Root only for everything in ``source``, except what a sandbox's uid needs where no
    namespace binds the kit in: the folders down to the package and the modules the
    sandbox imports (and their compiled files); and JAX's library programs, which its
    sandbox reads (unreadable, JAX would print a warning into every student's result)."""

    modules = sandbox_modules(source)
    for path in [source, *source.rglob("*")]:
        if not path.is_symlink():
            path.chmod(stat.S_IMODE(path.lstat().st_mode) & ~0o077)
    readable = [*modules, *(Path(importlib.util.cache_from_source(str(m))) for m in modules)]
    folders = {source}
    for module in modules:  # every folder down to each module, and its compiled files' folder
        folders |= {p for p in module.parents if p.is_relative_to(source)} | {module.parent / "__pycache__"}
    for path in [*readable, *sorted(folders)]:
        if path.exists() and not path.is_symlink():
            path.chmod(stat.S_IMODE(path.stat().st_mode) | (0o055 if path.is_dir() else 0o044))
    library = LIBRARY_DIR.resolve()  # JAX's library programs (nothing of the reference): JAX reads them
    if library.is_relative_to(source.resolve()) and library.is_dir():
        for path in [library, *library.rglob("*")]:
            if not path.is_symlink():
                path.chmod(stat.S_IMODE(path.stat().st_mode) | (0o055 if path.is_dir() else 0o044))
        for folder in library.parents:  # passed through, not listed
            if not folder.is_relative_to(source.resolve()):
                break
            folder.chmod(stat.S_IMODE(folder.stat().st_mode) | 0o011)
    root.chmod(stat.S_IMODE(root.stat().st_mode) | 0o011)  # a sandbox's uid may pass through to its code


def find_submission(folder: Path) -> Path | str:
    """The file to grade: as a batch finds it in a student's folder, else xor_net.py or
    xor_net.ipynb anywhere below (a whole repository handed in; the shallowest), walked as
    autograder.coursework.names walks; or why there is none."""
    found = pick_file(folder)
    if isinstance(found, Path):
        return found
    below = list(walk(folder))  # breadth first: the shallowest first
    for name in PREFERRED:
        if deeper := [p for p in below if p.name == name]:
            return deeper[0]
    return found


def autograde(root: Path = ROOT, walls: str = REQUIRE) -> int:
    """Grade the submission in ``root``/submission into ``root``/results/results.json."""
    started = time.monotonic()
    found = find_submission(root / "submission")
    result = grade(found, walls) if isinstance(found, Path) else None
    if result is None:
        reason = (f"{found}. {NO_SUBMISSION}" if isinstance(found, str)
                  else "the grader itself failed on this submission")
        result = results_file.not_graded(reason, total_points(), time.monotonic() - started)
    write_atomic(root / "results" / "results.json", dumps(result))
    print(f"autograde: {found}: {result['score']:g} / {result.get('max_score', 0):g}")
    return 0


def grade(path: Path, walls: str = REQUIRE) -> dict | None:
    """``python -m autograder grade PATH --format json WALLS`` in its own process; its results,
    or None when it wrote none that Gradescope could read."""
    with tempfile.TemporaryDirectory(prefix="xor-kit-grade-") as folder:
        out = Path(folder) / "results.json"
        try:
            done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(path),
                                   "--format", "json", "--output", str(out), walls], cwd=KIT_ROOT,
                                  capture_output=True, text=True, timeout=GRADE_SECONDS)
        except subprocess.TimeoutExpired:
            print(f"autograde: the grader ran for more than {GRADE_SECONDS} s", file=sys.stderr)
            return None
        print(done.stdout + done.stderr[-5000:], end="")  # Gradescope shows this to instructors
        try:
            result = json.loads(out.read_text())
        except (OSError, ValueError):
            return None
    tests = result.get("tests") if isinstance(result, dict) else None
    if done.returncode != 0 or not isinstance(tests, list) or not isinstance(result.get("score"),
                                                                              int | float):
        return None
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.coursework.gradescope",
                                     description="The steps Gradescope's image runs.")
    parser.add_argument("step", choices=("prepare", "autograde"))
    chosen = parser.add_mutually_exclusive_group()
    for flag in (REQUIRE, UNSAFE):
        chosen.add_argument(flag, dest="walls", action="store_const", const=flag, default=REQUIRE)
    args = parser.parse_args(argv)
    return prepare(walls=args.walls) if args.step == "prepare" else autograde(walls=args.walls)


if __name__ == "__main__":
    sys.exit(main())
