"""What a student's grade depends on, kept beside it, and why a class run grades them again.

The key is the submission's sha256, the version of the kit that grades (its package version
and a hash of the graded suites, the judge, the sandbox and the reference solution, or in a
release the reference's recorded answers) and the options that change a
grade (``--exercise``, the limits, ``--seed``). A grade whose key differs from the run's in
any part is stale: the student is graded again, and the summary says which part changed.
"""

import argparse
import hashlib
import json
from importlib import metadata
from pathlib import Path

from autograder import KIT_ROOT, PACKAGE_DIR, SOLUTION_PATH
from autograder.judge import seeds

KEY_FILE = ".grade-key.json"
GRADING_SOURCES = ("suites", "judge", "sandbox")  # what decides a grade, under autograder/
NEW, CHANGED, KIT, FORCED, ASKED = ("no grade yet", "submission changed", "grading suites or kit changed",
                                    "--force", "--student")


def kit_version() -> str:
    """The package version and a hash of everything that decides a grade: the code, the
    reference (a release's recorded answers stand in for it) and the grading secret."""
    files = [p for folder in GRADING_SOURCES for p in sorted((PACKAGE_DIR / folder).rglob("*.py"))]
    files += sorted((PACKAGE_DIR / "judge" / "answers").glob("*.json"))
    files += [SOLUTION_PATH] if SOLUTION_PATH.is_file() else []
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(KIT_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    if SOLUTION_PATH.is_file():  # the secret the inputs are drawn with (autograder.judge.seeds)
        digest.update(hashlib.sha256(seeds.secret()).digest())
    try:
        version = metadata.version("xor-jax-kit")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"{version}+{digest.hexdigest()[:16]}"


def grade_options(args: argparse.Namespace) -> dict[str, object]:
    """The options of ``grade`` that change a grade (``seed`` once the kit has it)."""
    names = ("exercise", "call_timeout", "total_timeout", "memory_mb", "student_timeout", "seed")
    return {name: getattr(args, name, None) for name in names}


def key_of(fingerprint: str, kit: str, options: dict[str, object]) -> dict[str, object]:
    return {"submission": fingerprint, "kit": kit, "options": options}


def write_key(folder: Path, key: dict[str, object]) -> None:
    from autograder.judge.report import write_atomic

    write_atomic(folder / KEY_FILE, json.dumps(key, sort_keys=True) + "\n")


def stale_because(folder: Path, key: dict[str, object]) -> str | None:
    """Why the grade in ``folder`` does not fit ``key``; None when it does."""
    try:
        kept = json.loads((folder / KEY_FILE).read_text())
        if not (folder / "results.json").is_file():
            return NEW
    except (OSError, ValueError):
        return NEW
    if kept.get("submission") != key["submission"]:
        return CHANGED
    if kept.get("kit") != key["kit"]:
        return KIT
    if kept.get("options") != key["options"]:
        old, new = kept.get("options") or {}, key["options"]
        changed = [f"--{name.replace('_', '-')} {old.get(name) or 'default'} -> {value or 'default'}"
                   for name, value in new.items() if old.get(name) != value]
        return "options changed (" + ", ".join(changed) + ")"
    return None


def summary(reasons: dict[str, str], skipped: list[str], shown: int = 8) -> str:
    """One line: who is graded and why, who is skipped."""
    groups: dict[str, list[str]] = {}
    for student, reason in reasons.items():
        groups.setdefault(reason, []).append(student)
    parts = [f"{reason}: {names(students, shown)}" for reason, students in groups.items()]
    if skipped:
        parts.append(f"skipped, unchanged since the last run: {names(skipped, shown)}")
    return "; ".join(parts)


def names(students: list[str], shown: int) -> str:
    more = len(students) - shown
    return ", ".join(students[:shown]) + (f" and {more} more" if more > 0 else "")
