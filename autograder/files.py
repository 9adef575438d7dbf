"""The kit's careful file handling, in one place: read a submission once without following
a link, make a private folder for a sandbox, remove one however deep or read-only it is."""

import os
import stat
import subprocess
import tempfile
from pathlib import Path

# Every sandbox's home is a folder in here; a submission may read its own home only, not a
# classmate's being graded beside it (the folder itself lets others pass but not list).
SANDBOX_ROOT = Path(tempfile.gettempdir()) / "xor-kit-sandboxes"


def private_folder(prefix: str = "xor-sandbox-") -> Path:
    """A new folder in SANDBOX_ROOT that only this user can list (the caller removes it)."""
    try:
        SANDBOX_ROOT.mkdir(mode=0o711, exist_ok=True)
        if SANDBOX_ROOT.stat().st_uid == os.geteuid():
            SANDBOX_ROOT.chmod(0o711)  # whatever the umask: 'nobody' must pass through to its home
        return Path(tempfile.mkdtemp(prefix=prefix, dir=SANDBOX_ROOT))
    except OSError:  # someone else's SANDBOX_ROOT: a private folder of our own still works
        return Path(tempfile.mkdtemp(prefix=prefix))


def read_submission(path: Path) -> bytes:
    """The submission's bytes. A symbolic link anywhere in the path is refused, not followed
    (it could point anywhere, and be swapped in after a check): each folder is opened
    beneath the one before, without following links, and the file must be a regular one."""
    descriptor = _open_without_links(Path(os.path.abspath(path)))
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise SubmissionFileError(f"{path} is not a regular file: hand in the file itself")
        data = file.read(MAX_SUBMISSION_BYTES + 1)
    if len(data) > MAX_SUBMISSION_BYTES:  # refused whole: a cut file would be graded as another
        raise SubmissionFileError(f"{path} is larger than {MAX_SUBMISSION_BYTES >> 20} MiB: a submission "
                                  "may be 4 MiB at most")
    return data


def _open_without_links(path: Path) -> int:
    parts = path.parts
    current = os.open(parts[0], os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for depth, part in enumerate(parts[1:], start=2):
            last = depth == len(parts)
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | (os.O_NONBLOCK if last else os.O_DIRECTORY)
            try:
                opened = os.open(part, flags, dir_fd=current)
            except OSError as error:
                where = Path(*parts[:depth])
                if where.is_symlink():
                    what = "is a symbolic link" if last else f"lies in {where}, a symbolic link"
                    raise SubmissionFileError(f"{path} {what}: grade the file itself "
                                              f"({os.path.realpath(path)})") from None
                raise SubmissionFileError(f"cannot read {path}: {error.strerror}") from None
            os.close(current)
            current = opened
        return current
    except BaseException:
        os.close(current)
        raise


MAX_SUBMISSION_BYTES = 4 << 20


class SubmissionFileError(Exception):
    """The submission file cannot be read as given."""


def remove_folder(folder: Path) -> None:
    """Remove a sandbox's folder once its processes have ended, however deep it nests and
    whatever it made read-only: coreutils walk it without recursion and follow no link."""
    if os.geteuid() != 0:  # root needs no permission bits
        subprocess.run(["chmod", "-R", "u+rwx", "--", str(folder)], capture_output=True, timeout=300)
    subprocess.run(["rm", "-rf", "--one-file-system", "--", str(folder)], capture_output=True, timeout=300)
