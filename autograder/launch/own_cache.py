"""A student's self-check keeps its own compile cache; no other grading has one.

A sandbox compiles its submission's programs itself (no cache is shared between sandboxes:
docs/trust.md). In a release, the student's copy of the kit, graded by its own student, the
sandbox may also read and write a persistent JAX cache of that user's own, so that a regrade
after editing one function compiles only that function's programs. The only grading a
program planted there could change is the same user's next self-check, so it is allowed:

- only in a kit that ``coursework/release.py`` marked as a release (``RELEASE_MARK``), which
  holds neither the reference (the judge says, ``guarded``) nor a grading secret;
- never in a class run (``grade FOLDER`` names the class's folder in ``CLASS_RUN_ENV`` for
  its graders) and never for a judge running as root (its sandboxes run as leased uids);
- per user and per file graded: ``$XDG_CACHE_HOME/xor-kit/compile-UID/FILE-KEY`` (or
  ``~/.cache/...``), made 0700 by the judge and used only while it is the user's own folder
  that no one else can enter. A file checked in someone's release (an attack poisoned the
  next file its user graded) reaches only its own file's cache.

The judge makes the folder and never reads what is in it; the sandbox reaches it read-write
through its wall (a bubblewrap bind at ``walls.INSIDE_CACHE``, or a Landlock rule) and is told where
it is in JAX's own variable, ``CACHE_VARIABLE`` (``autograder.sandbox.child.own_programs``).
"""

import contextlib
import hashlib
import os
import stat
from pathlib import Path

from autograder import KIT_ROOT, PACKAGE_DIR

RELEASE_MARK = PACKAGE_DIR / "release-mark.txt"  # written by coursework/release.py, nowhere else
# The grading secret's folders (autograder.judge.seeds.SECRET_DIR: tests/test_release.py checks
# they agree): a kit that has one grades officially, and keeps no cache of a submission's.
SECRET_ENV = "XOR_KIT_SECRET_DIR"
KIT_SECRET_DIR = KIT_ROOT / ".cache" / "secret"
CLASS_RUN_ENV = "XOR_KIT_BLOCKED"  # autograder.judge.submissions.BLOCKED_ENV, set by grade FOLDER
CACHE_VARIABLE = "JAX_COMPILATION_CACHE_DIR"  # how the child learns of it (child.CACHE_VARIABLE)


def allowed(guarded: bool) -> bool:
    """Whether this grading is a student's self-check in a release (the rules above)."""
    secrets = [KIT_SECRET_DIR, *([Path(os.environ[SECRET_ENV])] if os.environ.get(SECRET_ENV) else [])]
    return (not guarded and RELEASE_MARK.is_file() and not any(os.path.lexists(s) for s in secrets)
            and not os.environ.get(CLASS_RUN_ENV) and os.geteuid() != 0)


def folder(guarded: bool, submission: Path) -> Path | None:
    """This user's compile cache for self-checks of ``submission``, made if needed; None where
    none is allowed or the folder is not safely this user's own. One per file graded: a file
    checked in a release (a classmate's, say) plants nothing in the cache of another file."""
    if not allowed(guarded):
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    base_dir = Path(base) if os.path.isabs(base) else Path(os.path.expanduser("~")) / ".cache"
    if not base_dir.is_absolute():  # no home to be found: no cache rather than one in the cwd
        return None
    mine = users_own(base_dir / "xor-kit" / f"compile-{os.geteuid()}")
    return users_own(mine / file_key(submission)) if mine is not None else None


def file_key(submission: Path) -> str:
    """The name of the cache folder for the file at ``submission`` (its absolute path's hash)."""
    return hashlib.sha256(os.fsencode(os.path.abspath(submission))).hexdigest()[:16]


def users_own(path: Path) -> Path | None:
    """``path``, made 0700 if new: a folder (not a link) of this user's that no one else may
    enter, or None."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=0o700)
        info = path.lstat()
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid():
            if info.st_mode & 0o077:
                path.chmod(0o700)  # ours, opened wider (by hand): this user's only again
            return path
    return None
