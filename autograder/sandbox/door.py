"""Two ways to ask a submission for answers, behind one interface.

``SandboxSubmission`` (the grader's): the submission runs in another process,
``autograder.sandbox``; only plain data comes back. ``InProcessSubmission``
(a notebook's, where nbgrader keeps the trust, and the reference's): the
functions run here. The graded checks call ``Submission.run`` and cannot tell
which one they have.
"""

import contextlib
import functools
import os
import pwd
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograder import CALLS, KIT_ROOT, PACKAGE_DIR, XLA_CACHE_DIR, reference, wire
from autograder.calls import Call, ErrorReport, perform, report_error
from autograder.wire import HEADER, MAX_MESSAGE

if TYPE_CHECKING:
    from autograder.answers import AnswerBook


class SubmissionError(Exception):
    """A call did not return: the function raised, timed out, or the sandbox died."""

    def __init__(self, call: Call | None, kind: str, report: ErrorReport) -> None:
        super().__init__(f"{kind}: {report.type_name}: {report.message}")
        self.call, self.kind, self.report = call, kind, report


class Submission:
    """What the graded checks talk to."""

    name = "submission"

    def call(self, call: Call) -> Any:
        raise NotImplementedError

    def run(self, function: str, *args: Any, transforms: tuple[str, ...] = (), in_axes: Any = 0,
            with_reference: tuple[str, ...] | None = None, echo_args: bool = False,
            **kwargs: Any) -> Any:
        """``function(*args, **kwargs)``, transformed; the functions it calls are the
        reference's unless ``with_reference`` says otherwise."""
        if with_reference is None:  # a student's release has no reference to lend: its own then
            with_reference = CALLS.get(function, ()) if reference.available() else ()
        return self.call(Call(function, tuple(args), dict(kwargs), tuple(transforms), in_axes,
                              tuple(with_reference), echo_args))

    def printed(self) -> str:
        """What the submission printed so far (capped)."""
        return ""

    def close(self) -> None:
        pass


class InProcessSubmission(Submission):
    """Functions from a namespace in this process; results still go through the wire
    so that both back ends hand the checks the same kinds of values."""

    def __init__(self, namespace: Mapping[str, Any], source_file: str | None = None,
                 name: str = "submission") -> None:
        import jax

        self.namespace = namespace
        self.source_file = source_file
        self.name = name
        self._jax = jax

    def call(self, call: Call) -> Any:
        references = vars(reference.load()) if call.with_reference else {}
        try:
            value = perform(call, self.namespace, references, self._jax)  # type: ignore[arg-type]
        except Exception as error:
            raise SubmissionError(call, "raised", report_error(error, self.source_file)) from None
        return wire.decode(wire.encode(value))


class ReferenceSubmission(Submission):
    """The reference solution; answers come from the answer book when it has them."""

    name = "reference"

    def __init__(self, book: "AnswerBook | None" = None, live: bool | None = None) -> None:
        """``live``: compute what the book lacks (default: when this kit has the reference)."""
        from autograder.answers import AnswerBook, answers_file

        self.book = book if book is not None else AnswerBook(answers_file())
        self.live = reference.available() if live is None else live
        self._module: InProcessSubmission | None = None

    def call(self, call: Call) -> Any:
        call = replace(call, with_reference=())
        known = self.book.get(call)
        if known is not None:
            return known[0]
        if not self.live:
            raise LookupError(f"no recorded reference answer for {call.describe()}")
        if self._module is None:
            use_compilation_cache(writable=True)
            module = reference.load()
            self._module = InProcessSubmission(vars(module), module.__file__, name="reference")
        value = self._module.call(call)
        self.book.put(call, value)
        return value

    def close(self) -> None:
        self.book.save()


def use_compilation_cache(writable: bool) -> None:
    """Read compiled programs from XLA_CACHE_DIR; write new ones only if ``writable``
    (the judge, never a sandbox)."""
    import jax

    if writable:
        with contextlib.suppress(OSError):
            XLA_CACHE_DIR.mkdir(parents=True, exist_ok=True)
    if not XLA_CACHE_DIR.is_dir():
        return
    jax.config.update("jax_compilation_cache_dir", str(XLA_CACHE_DIR))
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0 if writable else 1e9)


@dataclass(frozen=True)
class Limits:
    import_seconds: float = 60.0
    call_seconds: float = 60.0
    total_seconds: float = 600.0
    memory_mb: int = 4096
    output_kb: int = 64
    file_mb: int = 16


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


# More paths a submission may not read, separated by os.pathsep: ``grade FOLDER`` names the
# class's folder and its grades here, so that no student reads another's work.
BLOCKED_ENV = "XOR_KIT_BLOCKED"


def _reach(submission: Path, home: Path) -> dict[str, list[str]]:
    """What a submission may read (autograder.sandbox.Guard). ``blocked``: never (the package,
    the reference and its answers, the kit's tests, this judge's /proc entry). ``private``:
    not, except what is ``allowed`` (its own folder, Python, the compiled-program cache): the
    whole kit (its benchmarks and docs hold working code too), the other sandboxes, the
    folder it was handed in from and, in ``grade FOLDER``, the class's work and grades."""
    names = ["solutions", "tests", "source", "notebooks", ".git", "release"]
    from autograder.answers import ANSWERS_DIR

    extra = [Path(p) for p in os.environ.get(BLOCKED_ENV, "").split(os.pathsep) if p]
    given = [f.resolve() for f in (submission.resolve().parent, *extra)]
    private = [KIT_ROOT, SANDBOX_ROOT.resolve(), *(f for f in given if not home.resolve().is_relative_to(f))]
    allowed = [home, Path(sys.prefix), Path(sys.base_prefix), XLA_CACHE_DIR]
    return {
        "blocked": [str(PACKAGE_DIR), str(ANSWERS_DIR), f"/proc/{os.getpid()}",
                    *(str(KIT_ROOT / n) for n in names)],
        "private": [str(f) for f in private],  # a folder holding the home (say "/") is not given
        "allowed": [str(p.resolve()) for p in allowed],
    }


class SandboxSubmission(Submission):
    """A submission file running in its own process, under limits."""

    def __init__(self, path: Path, limits: Limits = Limits()) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.limits = limits
        self.spent = 0.0  # seconds the submission has used, import included
        self.import_error: SubmissionError | None = None
        self.events: list[str] = []  # what happened to the sandbox, for the report
        self._process: subprocess.Popen | None = None
        self._drainer: threading.Thread | None = None
        self._output = bytearray()
        self._output_dropped = 0
        self._revealed: set[str] = set()
        self._home = private_folder()

    # -- process management -------------------------------------------------

    def _start(self) -> None:
        target = self._home / "xor_net.py"
        shutil.copyfile(self.path, target)
        requests_r, requests_w = os.pipe()
        replies_r, replies_w = os.pipe()
        user = _sandbox_user()
        if user:  # Gradescope runs as root: the submission must not
            os.chown(self._home, user["user"], user["group"])
            os.chown(target, user["user"], user["group"])
        elif os.geteuid() == 0:
            self.events.append(_NO_DROP)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self._home), "TMPDIR": str(self._home), "MPLCONFIGDIR": str(self._home),
            "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
            "PYTHONPATH": str(PACKAGE_DIR.parent), "TF_CPP_MIN_LOG_LEVEL": "3",
        }
        for name in ("JAX_PLATFORMS", "XLA_FLAGS", "LANG", "LC_ALL", "CUDA_VISIBLE_DEVICES"):
            if name in os.environ:
                env[name] = os.environ[name]
        self._process = subprocess.Popen(
            [sys.executable, "-m", "autograder.sandbox", str(requests_r), str(replies_w)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            pass_fds=(requests_r, replies_w), cwd=self._home, env=env,
            start_new_session=True, **user,
        )
        os.close(requests_r)
        os.close(replies_w)
        self._requests = os.fdopen(requests_w, "wb")
        self._replies = replies_r
        self._revealed = set()
        self._drainer = threading.Thread(target=self._drain, args=(self._process.stdout,),
                                         daemon=True)
        self._drainer.start()
        settings = {
            "submission": str(target), "home": str(self._home), "judge": os.getpid(),
            **_reach(self.path, self._home),
            "memory_mb": self.limits.memory_mb, "file_mb": self.limits.file_mb,
            "cpu_seconds": int(self.limits.total_seconds + self.limits.import_seconds + 30),
        }
        self._send(settings)
        try:
            ready = self._receive(self.limits.import_seconds, None, "importing your module")
        except SubmissionError as error:  # hung or died while importing: it would again
            self.import_error = SubmissionError(None, "import", error.report)
            return
        if not ready.get("ready"):
            report = ErrorReport.from_wire(ready.get("error", {}))
            self.import_error = SubmissionError(None, "import", report)

    def _drain(self, stream: Any) -> None:
        cap = self.limits.output_kb * 1024
        while chunk := stream.read1(65536):
            room = cap - len(self._output)
            self._output += chunk[: max(room, 0)]
            self._output_dropped += max(len(chunk) - max(room, 0), 0)

    def printed(self) -> str:
        text = self._output.decode(errors="replace")
        if self._output_dropped:
            text += f"\n... ({self._output_dropped} more bytes not kept)"
        return text

    def _kill(self) -> None:
        if self._process and self._process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()
            self._process.wait()
        if self._process:
            if self._drainer is not None:
                self._drainer.join(timeout=5)
            with contextlib.suppress(OSError):
                self._process.stdout.close()
            with contextlib.suppress(OSError):
                self._requests.close()
            with contextlib.suppress(OSError):
                os.close(self._replies)
        self._process = None

    def close(self) -> None:
        self._kill()
        shutil.rmtree(self._home, ignore_errors=True)

    # -- messages -------------------------------------------------------------

    def _send(self, message: dict) -> None:
        assert self._requests is not None
        wire.write_message(self._requests, message)

    def _read_exact(self, size: int, deadline: float) -> bytes:
        data = bytearray()
        while len(data) < size:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self._replies], [], [], left)
            if ready:
                chunk = os.read(self._replies, size - len(data))
                if not chunk:
                    raise EOFError
                data += chunk
        return bytes(data)

    def _receive(self, seconds: float, call: Call | None, doing: str) -> dict:
        """The next reply, or a SubmissionError saying why none came."""
        seconds = min(seconds, self.limits.total_seconds - self.spent)
        started = time.monotonic()
        try:
            if seconds <= 0:
                raise TimeoutError
            deadline = started + seconds
            (size,) = HEADER.unpack(self._read_exact(HEADER.size, deadline))
            if size > MAX_MESSAGE:
                raise ValueError("reply too large")
            return wire.loads(self._read_exact(size, deadline))
        except TimeoutError:
            self._kill()
            budget = self.limits.total_seconds - self.spent <= seconds
            kind = "budget" if budget else "timeout"
            message = (f"the time for this whole submission ({self.limits.total_seconds:g} s) ran out"
                       if budget else f"no answer after {seconds:g} s while {doing}")
            self.events.append(message)
            raise SubmissionError(call, kind, ErrorReport("TimeoutError", message)) from None
        except (EOFError, OSError, ValueError) as error:
            code = self._process.wait() if self._process else None
            self._kill()
            message = f"the process running your code ended (exit status {code}) while {doing}"
            if isinstance(error, ValueError):
                message = f"the process running your code sent something unreadable while {doing}"
            self.events.append(message)
            raise SubmissionError(call, "crashed", ErrorReport("ProcessExit", message)) from None
        finally:
            self.spent += time.monotonic() - started

    def call(self, call: Call) -> Any:
        if self.spent >= self.limits.total_seconds:
            message = f"the time for this whole submission ({self.limits.total_seconds:g} s) ran out"
            raise SubmissionError(call, "budget", ErrorReport("TimeoutError", message))
        if self._process is None:
            self._start()
        if self.import_error is not None:
            raise SubmissionError(call, self.import_error.kind, self.import_error.report)
        missing = tuple(n for n in reference.needed(call.with_reference) if n not in self._revealed)
        if missing:
            self._send({"reveal": reference.source_of(missing)})
            self._receive(self.limits.call_seconds, call, "loading reference functions")
            self._revealed.update(missing)
        token = os.urandom(8).hex()
        self._send({"call": call.to_wire(), "token": token})
        reply = self._receive(self.limits.call_seconds, call, f"running {call.describe()}")
        if reply.get("token") != token:
            self._kill()
            report = ErrorReport("ProtocolError", "the reply did not match the question")
            raise SubmissionError(call, "crashed", report)
        if "error" in reply:
            raise SubmissionError(call, "raised", ErrorReport.from_wire(reply["error"]))
        return wire.decode(reply["value"])


_NO_DROP = (f"the grader runs as root but user 'nobody' cannot run {sys.executable} "
            "(is a folder above it private?), so the submission ran as root")


@functools.cache
def _sandbox_user() -> dict[str, int]:
    """When root: the unprivileged user and group to run submissions as, if it can run Python."""
    if os.geteuid() != 0 or os.environ.get("XOR_KIT_SANDBOX_USER") == "same":
        return {}
    try:
        entry = pwd.getpwnam(os.environ.get("XOR_KIT_SANDBOX_USER", "nobody"))
    except KeyError:
        return {}
    user = {"user": entry.pw_uid, "group": entry.pw_gid}
    # Can that user reach the interpreter and find JAX? (Finding it imports nothing: quick.)
    probe = subprocess.run([sys.executable, "-c", "import importlib.util as u; assert u.find_spec('jax')"],
                           capture_output=True,
                           cwd="/", timeout=120, **user)
    return user if probe.returncode == 0 else {}
