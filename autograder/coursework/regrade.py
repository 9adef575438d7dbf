"""What a student's grade depends on, kept beside it, and why a class run grades them again.

A grade on disk counts only if the judge can tell it wrote it: ``.grade-mac`` holds an HMAC,
under the grading secret (autograder.judge.seeds, out of every sandbox's reach), of the key,
results.json and results.txt. Anything else (a file rewritten by hand or by a process a
submission left behind) is regraded, and ``export`` refuses it.

A regrade never loses a grade: the new one is written in ``.staging/STUDENT`` and moved into
place whole once it is signed (``install``); until then the old one stays, whole.

The key is the submission's sha256, the version of the kit that grades (its package version
and a hash of the graded suites, the judge, the sandbox and the reference solution, or in a
release the reference's recorded answers) and the options that change a
grade (``--exercise``, the limits, ``--seed``). A grade whose key differs from the run's in
any part is stale: the student is graded again, and the summary says which part changed.
"""

import argparse
import hashlib
import hmac
import json
import shutil
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from autograder import KIT_ROOT, PACKAGE_DIR, SOLUTION_PATH
from autograder.judge import seeds, training_file
from autograder.judge.report import write_atomic

KEY_FILE, MAC_FILE, STAGING = ".grade-key.json", ".grade-mac", ".staging"
SET_ASIDE = ".set-aside"  # old grades on their way out: apart, so no student name meets them
SIGNED = (KEY_FILE, "results.json", "results.txt")  # what the MAC covers
OPTIONALLY_SIGNED = (training_file.NAME,)  # covered too, and whether it is there at all
ABSENT = (1 << 64) - 1  # the length an optional file that is not there is signed with
GRADING_SOURCES = ("suites", "judge", "sandbox")  # what decides a grade, under autograder/
NEW, CHANGED, KIT, FORCED, ASKED, FORGED = (
    "no grade yet", "submission changed", "grading suites or kit changed", "--force", "--student",
    "results not written by this kit's judge")


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
    graded_at = datetime.now(UTC).isoformat(timespec="seconds")
    write_atomic(folder / KEY_FILE, json.dumps({**key, "graded_at": graded_at}, sort_keys=True) + "\n")


def graded_at(folder: Path) -> str:
    """When the grade in ``folder`` was made (ISO 8601, UTC); "" when unknown."""
    try:
        return str(json.loads((folder / KEY_FILE).read_text()).get("graded_at", ""))
    except (OSError, ValueError, AttributeError):
        return ""


def mac(folder: Path) -> str:
    """The HMAC of the signed files in ``folder`` (each with its length, so none can borrow
    another's bytes; an optional one absent as a length no file has); raises OSError when a
    required one is missing."""
    digest = hmac.new(seeds.secret(), digestmod=hashlib.sha256)
    for name in (*SIGNED, *OPTIONALLY_SIGNED):
        path = folder / name
        data = path.read_bytes() if name in SIGNED or path.exists() else None
        length = (len(data) if data is not None else ABSENT).to_bytes(8, "big")
        digest.update(name.encode() + b"\0" + length + (data or b""))
    return digest.hexdigest()


def sign(folder: Path) -> None:
    write_atomic(folder / MAC_FILE, mac(folder) + "\n")


def signed(folder: Path) -> bool:
    """Whether the grade in ``folder`` is whole and the judge's own."""
    try:
        return hmac.compare_digest((folder / MAC_FILE).read_text().strip(), mac(folder))
    except (OSError, UnicodeDecodeError):
        return False


def staging(out: Path, student: str) -> Path:
    """An empty folder to grade ``student`` into, beside the grade it will replace."""
    folder = out / STAGING / student
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def install(new: Path, final: Path) -> None:
    """Put the signed grade in ``new`` at ``final``: the old one moves aside, the new one in,
    the old one goes. ``recover`` finishes the move if it was interrupted between the two."""
    old = final.parent / SET_ASIDE / final.name
    shutil.rmtree(old, ignore_errors=True)
    old.parent.mkdir(exist_ok=True)
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def recover(out: Path, student: str) -> None:
    """After an interruption: a student without a grade folder gets back the signed one that
    was on its way in, or else the one that was moving out."""
    final = out / student
    if final.exists():
        return
    for candidate in (out / STAGING / student, out / SET_ASIDE / student):
        if signed(candidate):
            candidate.rename(final)
            return


def stale_because(folder: Path, key: dict[str, object]) -> str | None:
    """Why the grade in ``folder`` does not fit ``key``; None when it does."""
    try:
        kept = json.loads((folder / KEY_FILE).read_text())
        if not (folder / "results.json").is_file():
            return NEW
    except (OSError, ValueError):
        return NEW
    if not signed(folder):
        return FORGED
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
