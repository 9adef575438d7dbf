"""Which random inputs a grading uses: the seed behind every value the suites draw.

The official grade draws its inputs from a seed that only the judge can work out:
an HMAC of the submission's bytes under a secret kept in the instructor's kit, where no
sandbox can read it. The same file always gets the same seed (a rerun is the same
grading), the report prints it, and ``grade --seed N`` grades with it again. A student's
release has no secret and no reference: its self-check always uses ``FIXED``, the inputs
whose answers it ships.
"""

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from autograder import KIT_ROOT

FIXED = 0  # the release's self-check and a notebook's check() use these inputs
# A folder of its own, so that the walls can hide it whole (autograder.judge.submissions.hidden_paths).
KIT_SECRET_DIR = KIT_ROOT / ".cache" / "secret"
SECRET_DIR = Path(os.environ.get("XOR_KIT_SECRET_DIR") or KIT_SECRET_DIR)
SECRET_NAME = "grading-secret"
SECRET_FILE = SECRET_DIR / SECRET_NAME
SEEDS = 2**31 - 1  # a derived seed is in 1 .. SEEDS (never FIXED)


def secret(path: Path = SECRET_FILE) -> bytes:
    """The judge's secret, made on first use (readable by its owner only). Parallel graders
    may race to make it: each writes its own file whole and links it into place, the
    first link wins and everyone reads the winner's."""
    if not path.is_file():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_hex(32))
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    return path.read_bytes().strip()


def for_submission(data: bytes, key: bytes | None = None) -> int:
    """The seed of a submission with these bytes."""
    digest = hmac.new(secret() if key is None else key, hashlib.sha256(data).digest(),
                      hashlib.sha256).digest()
    return 1 + int.from_bytes(digest[:8], "big") % SEEDS
