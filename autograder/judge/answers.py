"""The reference's answers, remembered: each call is computed once, then read back.

Grading a class asks the reference the same questions for every student; a
student's release has no reference at all. Both read answers from one JSON
file, kept where submissions cannot read it (the sandbox blocks ``ANSWERS_DIR``):
in an instructor's kit one per version of the reference and of JAX, computed as
needed; in a release the one it ships, ``autograder/judge/answers/answers-public.json``,
which holds the answers to the public tests' calls and nothing else.
"""

import hashlib
import json
import os
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

from autograder import KIT_ROOT, SOLUTION_PATH
from autograder.sandbox import wire
from autograder.sandbox.calls import Call

# Where a release keeps its answers: in the package, so that they travel with it.
RELEASE_ANSWERS_DIR = Path(__file__).resolve().parent / "answers"
PUBLIC_ANSWERS = "answers-public.json"  # a release has no reference to name its answers after
ANSWERS_DIR = Path(os.environ.get("XOR_KIT_ANSWERS") or (
    KIT_ROOT / ".cache" / "reference" if SOLUTION_PATH.is_file() else RELEASE_ANSWERS_DIR))


def call_key(call: Call) -> str:
    data = call.to_wire()
    data.pop("with_reference")  # the reference always calls its own functions
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]


def answers_file(solution: Path = SOLUTION_PATH) -> Path:
    """The file for this reference and this JAX (a new version means new answers); in a
    release, which has no reference, the answers it ships."""
    if not solution.is_file():
        return ANSWERS_DIR / PUBLIC_ANSWERS
    digest = hashlib.sha256(solution.read_bytes()).hexdigest()[:16]
    return ANSWERS_DIR / f"answers-{digest}-jax{version('jax')}.json"


class AnswerBook:
    """Answers by call key, loaded from and saved to one file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.answers: dict[str, Any] = {}
        self.dirty = False
        if path is not None and path.is_file():
            try:
                self.answers = json.loads(path.read_text())
            except (OSError, ValueError):
                self.answers = {}

    def get(self, call: Call) -> Any:
        encoded = self.answers.get(call_key(call))
        return None if encoded is None else (wire.decode(encoded),)

    def put(self, call: Call, value: Any) -> None:
        self.answers[call_key(call)] = wire.encode(value)
        self.dirty = True

    def save(self) -> None:
        """Write atomically, so parallel graders never read half a file."""
        if not self.dirty or self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            merged = dict(AnswerBook(self.path).answers, **self.answers)
            with tempfile.NamedTemporaryFile("w", dir=self.path.parent, delete=False) as out:
                json.dump(merged, out)
            os.replace(out.name, self.path)
            self.dirty = False
        except OSError:
            pass  # a read-only kit still grades; it just computes again next time
