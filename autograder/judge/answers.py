"""The reference's answers, remembered: each call is computed once, then read back; and
computed ahead, in a thread of the judge's, while the sandbox works on the same call.

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
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

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


def program_key(call: Call) -> str:
    """A call as the program it runs: the function, its transforms but ``jit`` (which changes no
    value), the shapes of its arrays and its other arguments; not the arrays' numbers, which
    every seed draws anew while the tests ask the same programs."""
    def shaped(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): shaped(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [shaped(v) for v in value]
        return list(np.shape(value)) if isinstance(value, np.ndarray | np.generic) else repr(value)

    data = [call.function, [t for t in call.transforms if t != "jit"], repr(call.in_axes), call.echo_args,
            shaped(call.args), shaped(dict(sorted(call.kwargs.items())))]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:32]


def asked_file() -> Path:
    """Which programs the tests asked the reference for, over an instructor kit's gradings."""
    return ANSWERS_DIR / "asked-programs.json"


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


class AskedPrograms(AnswerBook):
    """The programs (``program_key``) the tests have asked the reference for: the calls whose
    answers are worth computing ahead. Learnt by gradings, kept in one file like a book."""

    def knows(self, call: Call) -> bool:
        return program_key(call) in self.answers

    def add(self, call: Call) -> None:
        key = program_key(call)
        if key not in self.answers:
            self.answers[key] = True
            self.dirty = True


class AnswersAhead:
    """The reference's answers to calls the judge sends a sandbox, computed in one thread of the
    judge's while the child works (the judge would wait for it anyway), kept by call key apart
    from the book until a test asks for one: an answer is the reference's function of a call the
    judge made, whatever the child replies, and a book saves only what was asked."""

    def __init__(self, compute: Callable[[Call], Any]) -> None:
        self._compute = compute
        self._pending: dict[str, Future] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._closed = False

    def start(self, call: Call) -> None:
        """Begin computing ``call``'s answer, unless it is under way (or this is closed)."""
        key = call_key(call)
        if self._closed or key in self._pending:
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="reference-answers")
        self._pending[key] = self._pool.submit(self._compute, call)

    def take(self, call: Call) -> tuple[Any] | None:
        """``(answer,)`` once computed, waiting for it if under way; None if never started or it
        failed (the caller computes it again, and says what failed as it always has)."""
        future = self._pending.pop(call_key(call), None)
        if future is None:
            return None
        try:
            return (future.result(),)
        except Exception:
            return None

    def close(self) -> None:
        """Drop what no test asked for; wait for the answer being computed, if any."""
        self._closed = True
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pending.clear()
