"""Every message between the judge and a sandbox child, defined once, with its bounds.

A message travels as a frame: its length (4 bytes, big-endian), then that much JSON, an
object whose ``"type"`` names one of the records below. The order of a sandbox's life:

    judge -> child   Launch                    the wall to build, the limits, what to read
    child -> judge   WallsUp                   sent before the child holds any submission
    judge -> child   Source                    the submission's bytes: the child writes and imports them
    child -> judge   Ready                     the import worked, or why it did not
    judge -> child   Lend | CallRequest        ... then, during a call, any number of:
    child -> judge   Question                  a stand-in asks the judge (autograder.sandbox.lent)
    judge -> child   Answer
    child -> judge   Reply                     the call's value or error, with its token

What the judge sends is its own. What the child sends after ``WallsUp`` comes from the
submission's process, so the judge reads it as an attacker's: ``read_from_child`` takes
only the records the judge expects at that point, checks every field's type and bound, and
raises ``ProtocolError`` (the student's fault) for anything else. Nothing read from a child
chooses a wall, a path, a process or a score: docs/trust.md lists each field and its use.
"""

import base64
import enum
import json
import re
from dataclasses import dataclass, field, fields
from typing import Any, BinaryIO, ClassVar, TypeVar

from autograder.sandbox.calls import Call, ErrorReport
from autograder.sandbox.frames import HEADER
from autograder.sandbox.frames import framed as frame_of

# Bounds on what a child may send. The largest honest message is a few hundred kB (the
# decision-boundary grid's outputs); a frame's JSON containers bound the judge's parse.
MAX_FRAME = 8 << 20
MAX_CONTAINERS = 200_000
# Per call: a train through lent update and loss asks about 4,000 questions.
MAX_QUESTIONS_PER_CALL = 50_000
MAX_QUESTION_BYTES_PER_CALL = 256 << 20
MAX_TEXT = 4000
# A submission's bytes, at most (autograder.files.MAX_SUBMISSION_BYTES: test_protocol checks they
# agree; the sandbox room imports no other), and their base64 text in a Source message.
MAX_SOURCE = 4 << 20
MAX_SOURCE_TEXT = 4 * -(-MAX_SOURCE // 3)


# Characters that would act in a terminal or hide in a report (escape sequences, bidi
# overrides, zero-width ones): what a child sends shows them as escapes instead.
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def visible(text: str) -> str:
    return INVISIBLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class ProtocolError(ValueError):
    """A message from a child that is not one the judge expects, or breaks a bound."""


class Wall(enum.StrEnum):
    """The walls a sandbox can stand behind, strongest first (autograder.launch.walls)."""

    NAMESPACES = "namespaces (bubblewrap)"
    LANDLOCK = "landlock + seccomp"
    HOOK_ONLY = "audit hook only"


class Ask(enum.StrEnum):
    """What a stand-in asks about a reference function."""

    SHAPE = "shape"  # the shapes and dtypes of its result
    VALUE = "value"  # its result
    VJP = "vjp"  # its vector-Jacobian product with a cotangent


@dataclass(frozen=True)
class Launch:
    """The judge's first message: how to wall, limit and start the child."""

    TYPE: ClassVar[str] = "launch"
    submission: str
    home: str
    judge_pid: int
    wall: Wall
    readable: tuple[str, ...]  # what Landlock lets the child read
    blocked: tuple[str, ...]  # the audit hook's lists (child.Guard)
    private: tuple[str, ...]
    allowed: tuple[str, ...]
    library: str | None  # JAX's compiled library programs, read-only
    seccomp: bool  # behind namespaces too: the judge found the filter can be built here
    memory_mb: int
    file_mb: int
    cpu_seconds: int
    max_processes: int


@dataclass(frozen=True)
class WallsUp:
    """The child's wall holds, its limits are set: sent before the submission is imported,
    so the submission cannot forge it (nor does it carry anything the judge acts on)."""

    TYPE: ClassVar[str] = "walls-up"


@dataclass(frozen=True)
class Source:
    """The submission's exact bytes (base64 on the wire: a file may carry a coding cookie), sent
    once the child's walls are up: it writes them into its own home and imports them."""

    TYPE: ClassVar[str] = "source"
    data: bytes


@dataclass(frozen=True)
class Ready:
    """The submission's import: done, or the error it raised."""

    TYPE: ClassVar[str] = "ready"
    error: ErrorReport | None = None


@dataclass(frozen=True)
class Lend:
    """Put stand-ins for these reference functions (name -> parameters) in the child."""

    TYPE: ClassVar[str] = "lend"
    signatures: dict[str, list[list]]


@dataclass(frozen=True)
class Lent:
    TYPE: ClassVar[str] = "lent"


@dataclass(frozen=True)
class CallRequest:
    TYPE: ClassVar[str] = "call"
    call: Call
    token: str


@dataclass(frozen=True)
class Reply:
    """A call's outcome: ``value`` (wire-encoded, autograder.sandbox.wire) or ``error``.
    ``programs``: XLA programs the child compiled and loaded (benchmarks only)."""

    TYPE: ClassVar[str] = "reply"
    token: str
    value: Any = None
    error: ErrorReport | None = None
    programs: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class Question:
    """A stand-in's question about reference function ``name``, from inside a call."""

    TYPE: ClassVar[str] = "question"
    kind: Ask
    name: str
    args: Any  # wire-encoded
    cotangent: Any = None  # wire-encoded, for Ask.VJP


@dataclass(frozen=True)
class Answer:
    TYPE: ClassVar[str] = "answer"
    value: Any = None  # wire-encoded
    error: str | None = None


Message = Launch | WallsUp | Source | Ready | Lend | Lent | CallRequest | Reply | Question | Answer
M = TypeVar("M", bound=Message)


# -- to JSON -------------------------------------------------------------------------------

def to_json(message: Message) -> dict:
    body: dict = {"type": message.TYPE}
    for name in (f.name for f in fields(message)):
        value = getattr(message, name)
        if value is None and name in ("error", "cotangent"):
            continue
        if isinstance(value, ErrorReport | Call):
            value = value.to_wire()
        elif isinstance(value, bytes):
            value = base64.b64encode(value).decode("ascii")
        body[name] = list(value) if isinstance(value, tuple) else value
    return body


def framed(message: Message) -> bytes:
    return frame_of(json.dumps(to_json(message), separators=(",", ":")).encode())


def write(stream: BinaryIO, message: Message) -> None:
    stream.write(framed(message))
    stream.flush()


# -- from JSON -----------------------------------------------------------------------------

def parse(raw: bytes, expected: tuple[type[M], ...]) -> M:
    """One frame's JSON as one of the ``expected`` records, within every bound, or ProtocolError.
    Linear in the frame's size: the containers are counted before the parse."""
    if len(raw) > MAX_FRAME:
        raise ProtocolError(f"a message of {len(raw)} bytes (at most {MAX_FRAME})")
    if raw.count(b"[") + raw.count(b"{") > MAX_CONTAINERS:
        raise ProtocolError(f"a message nested in more than {MAX_CONTAINERS} lists and objects")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise ProtocolError(f"a message that is not JSON ({type(error).__name__})") from None
    if not isinstance(data, dict):
        raise ProtocolError("a message that is not a JSON object")
    kinds = {kind.TYPE: kind for kind in expected}
    kind = kinds.get(data.get("type"))  # type: ignore[arg-type]
    if kind is None:
        raise ProtocolError(f"a message of type {str(data.get('type'))[:40]!r} where "
                            f"{' or '.join(kinds)} belongs")
    try:
        return _PARSERS[kind](data)  # type: ignore[return-value]
    except (KeyError, TypeError, ValueError, RecursionError) as error:
        raise ProtocolError(f"a malformed {kind.TYPE} message ({type(error).__name__})") from None


def read(stream: BinaryIO, expected: tuple[type[M], ...]) -> M | None:
    """The next message from a blocking stream (the child reads the judge's), None at its end."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    if size > MAX_FRAME:
        raise ProtocolError("message too large")
    return parse(stream.read(size), expected)


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return visible(value[:limit])


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return tuple(_text(v, 4096) for v in value)


def _integer(value: Any, low: int = 0, high: int = 1 << 40) -> int:
    if type(value) is not int or not low <= value <= high:
        raise ValueError("not a whole number in range")
    return value


def _error(data: Any) -> ErrorReport:
    if not isinstance(data, dict):
        raise TypeError("not an error report")
    return ErrorReport(_text(data.get("type", "?"), 100), _text(data.get("message", "")),
                       _text(data.get("where", "")))


def _only(data: dict, *names: str) -> dict:
    extra = set(data) - {"type", *names}
    if extra:
        raise ValueError(f"unexpected fields {sorted(extra)[:3]}")
    return data


def _launch(data: dict) -> Launch:
    return Launch(
        _text(data["submission"], 4096), _text(data["home"], 4096), _integer(data["judge_pid"]),
        Wall(data["wall"]), _strings(data["readable"]), _strings(data["blocked"]),
        _strings(data["private"]), _strings(data["allowed"]),
        None if data["library"] is None else _text(data["library"], 4096), data["seccomp"] is True,
        _integer(data["memory_mb"]), _integer(data["file_mb"]), _integer(data["cpu_seconds"]),
        _integer(data["max_processes"]))


def _source(data: dict) -> Source:
    text = _only(data, "data")["data"]
    if not isinstance(text, str) or len(text) > MAX_SOURCE_TEXT:
        raise ValueError("not the base64 text of a submission")
    source = base64.b64decode(text, validate=True)  # binascii.Error, a ValueError, if not base64
    if len(source) > MAX_SOURCE:
        raise ValueError("a submission larger than the grader takes")
    return Source(source)


def _ready(data: dict) -> Ready:
    _only(data, "error")
    return Ready(None if "error" not in data else _error(data["error"]))


def _reply(data: dict) -> Reply:
    _only(data, "token", "value", "error", "programs")
    programs = data.get("programs", [0, 0])
    if not isinstance(programs, list) or len(programs) != 2:
        raise ValueError("programs is not two numbers")
    counts = (_integer(programs[0], 0, 1 << 20), _integer(programs[1], 0, 1 << 20))
    error = _error(data["error"]) if "error" in data else None
    if error is None and "value" not in data:
        raise ValueError("a reply without a value or an error")
    return Reply(_text(data["token"], 64), data.get("value") if error is None else None, error, counts)


def _question(data: dict) -> Question:
    _only(data, "kind", "name", "args", "cotangent")
    return Question(Ask(data["kind"]), _text(data["name"], 64), data["args"], data.get("cotangent"))


def _answer(data: dict) -> Answer:
    error = data.get("error")
    return Answer(data.get("value"), None if error is None else _text(error))


def _lend(data: dict) -> Lend:
    signatures = data["signatures"]
    if not isinstance(signatures, dict):
        raise TypeError("signatures is not an object")
    return Lend(signatures)


_PARSERS: dict[type, Any] = {
    Launch: _launch, WallsUp: lambda data: WallsUp(), Source: _source, Ready: _ready, Lend: _lend,
    Lent: lambda data: Lent(),
    CallRequest: lambda data: CallRequest(Call.from_wire(data["call"]), _text(data["token"], 64)),
    Reply: _reply, Question: _question, Answer: _answer,
}


@dataclass
class CallBudget:
    """What one call's stand-in questions may add up to (the judge answers each one)."""

    questions: int = 0
    size: int = 0
    errors: list[str] = field(default_factory=list)

    def charge(self, frame_bytes: int) -> None:
        self.questions += 1
        self.size += frame_bytes
        if self.questions > MAX_QUESTIONS_PER_CALL:
            raise ProtocolError(f"more than {MAX_QUESTIONS_PER_CALL} questions to the reference "
                                "functions in one call")
        if self.size > MAX_QUESTION_BYTES_PER_CALL:
            raise ProtocolError(f"more than {MAX_QUESTION_BYTES_PER_CALL >> 20} MB of questions to the "
                                "reference functions in one call")
