"""The judge's one door into the sandbox: start the child, send it calls, read plain data back.

``SandboxProcess`` runs ``autograder.sandbox.child`` in another process, behind the
strongest wall this machine builds (``walls``) and under limits, and talks to it over
two pipes (``wire``). Nothing here knows the reference, the suites or the scores: the
judge hands in what the hook lets the child reach, the names of the reference functions
to stand in for and who answers their questions (``lent``), and gets values or a
``SubmissionError``.
"""

import contextlib
import os
import select
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder import PACKAGE_DIR
from autograder.files import private_folder, read_submission, remove_folder
from autograder.launch import own_cache, walls
from autograder.launch.walls import tasks_of
from autograder.sandbox import frames, protocol, wire
from autograder.sandbox.calls import Call, ErrorReport
from autograder.sandbox.protocol import (
    Answer,
    CallBudget,
    CallRequest,
    Launch,
    Lend,
    Lent,
    ProtocolError,
    Question,
    Ready,
    Reply,
    Source,
    WallsUp,
)

# The folder that holds the ``autograder`` package: the child imports its sandbox room from it.
PACKAGE_PARENT = PACKAGE_DIR.parent
ROOM = PACKAGE_DIR / "sandbox"  # the only part of the kit a sandbox sees


class SubmissionError(Exception):
    """A call did not return: the function raised, timed out, or the sandbox died."""

    def __init__(self, call: Call | None, kind: str, report: ErrorReport) -> None:
        super().__init__(f"{kind}: {report.type_name}: {report.message}")
        self.call, self.kind, self.report = call, kind, report


@dataclass(frozen=True)
class Limits:
    import_seconds: float = 60.0
    call_seconds: float = 60.0
    total_seconds: float = 240.0  # with the judge's own work, a grading ends within 5 minutes
    memory_mb: int = 4096
    output_kb: int = 64
    file_mb: int = 16


@dataclass(frozen=True)
class Recipe:
    """What a sandbox is made of besides its submission and its reach, fixed before its first
    start and the same for every restart: a spare (``SandboxProcess.ahead``) is handed to a
    grading only if the grading's own would be equal."""

    limits: Limits
    hidden: tuple[Path, ...]
    wall: str
    require_isolation: bool
    unsafe: bool
    guarded: bool
    library: Path | None


Reach = Callable[[Path], dict[str, list[str]]]


class SandboxProcess:
    """A submission file running in its own process, behind the strongest wall this machine
    builds (``walls``), under limits.

    ``reach(home)``: what the hook lets the child read when no namespace hides the disk
    (``child.Guard``); ``hidden``: folders of the kit the child must never see, even where
    they lie inside the interpreter's own folders."""

    def __init__(self, path: Path | None, limits: Limits, reach: Reach,
                 hidden: list[Path] = (), wall: str | None = None, require_isolation: bool = False,
                 lender: Callable[[Call, Question], Answer] | None = None, source: bytes | None = None,
                 library: Path | None = None, unsafe: bool = False, guarded: bool = True,
                 cache: Path | None = None) -> None:
        """``wall``: the judge's choice (default: the strongest this machine builds), fixed for
        every start of this sandbox; ``require_isolation``: refuse all but a kernel wall;
        ``unsafe``: allow the hook alone where ``walls.check`` refuses it (a root judge, a
        ``guarded`` kit: one that holds the reference or the grading secret).
        ``source``: the submission's bytes, when the caller has read them already (once);
        ``library``: a folder of JAX's compiled library programs the child may read, not write
        (autograder.judge.library_programs), used behind a kernel wall only; ``cache``: a
        folder of compiled programs the child reads and writes (default: the user's own in a
        release's self-check, ``own_cache``), never for a leased uid. ``path`` None: a spare,
        launched ahead with no submission (``ahead``, ``hand_over``)."""
        self.path = None if path is None else Path(path)
        # Read once, never again through a path: what runs is what the judge hashed.
        self.source = source if source is not None or path is None else read_submission(self.path)
        self.limits = limits
        self.spent = 0.0  # seconds the submission has used, import included
        self.import_error: SubmissionError | None = None
        # Set once the child broke the protocol (only a hostile one can): it is not started again.
        self.broken: ErrorReport | None = None
        self.events: list[str] = []  # what happened to the sandbox, for the report
        self._process: subprocess.Popen | None = None
        self._drainer: threading.Thread | None = None
        self._output = bytearray()
        self._output_dropped = 0
        self.reach, self.hidden = reach, list(hidden)
        # Chosen here, once, from what the judge checked itself; no message changes it.
        self.wall: str = wall or walls.available()
        walls.check(self.wall, require_isolation, unsafe, guarded)
        self.unsafe = unsafe
        self.recipe = Recipe(limits, tuple(self.hidden), self.wall, require_isolation, unsafe, guarded,
                             library)
        self.revealed: set[str] = set()  # reference functions the child holds stand-ins for
        self.lender = lender  # answers a stand-in's question during a call: {"value": ...} or {"error": ...}
        self.lending_spent = 0.0  # the judge's seconds answering them, for this submission
        self.hung: dict[str, str] = {}  # function -> why its call timed out (not tried again)
        self.home: Path | None = None
        self.lease = walls.UidLease()  # a uid of its own when the judge is root
        self._turn: walls.UidTurn | None = None  # else the one turn of this uid's sandboxes
        self.library = library
        # Chosen once, like the wall: no message of a child changes it.
        self.cache = None if self.lease.uid is not None or path is None else (
            cache or own_cache.folder(guarded, self.path))
        self._launched: float | None = None  # when a child not yet known to be ready was started
        self._ahead = False  # its child was started before its grading: that start is not charged
        self._launch_reach: dict[str, list[str]] | None = None  # what the child's hook was given
        self.then: Callable[[], None] | None = None  # called once, when the first child's walls are up
        self.programs: list[int] = [0, 0]  # what the child says it compiled and loaded (benchmarks only)

    @property
    def name(self) -> str:
        return self.path.name if self.path is not None else ""

    # -- a spare: started before its submission is known ----------------------

    @classmethod
    def ahead(cls, recipe: Recipe, reach: Reach) -> "SandboxProcess":
        """A spare: a child started now from ``recipe`` (its own uid lease), walled, JAX
        imported, holding no submission; ``hand_over`` gives it one, once."""
        spare = cls(None, recipe.limits, reach, recipe.hidden, recipe.wall, recipe.require_isolation,
                    library=recipe.library, unsafe=recipe.unsafe, guarded=recipe.guarded)
        spare._ahead = True
        try:
            spare._launch()
        except BaseException:
            spare.close()
            raise
        return spare

    def hand_over(self, recipe: Recipe, path: Path, source: bytes, reach: Reach,
                  lender: Callable[[Call, Question], Answer] | None) -> bool:
        """Give this spare its one submission, if it was made exactly as the grading would make
        its own sandbox (``recipe``, the hook's reach for its home, no compile cache of a
        user's) and its child still runs; False otherwise (the caller closes it). Its child
        gets the bytes once its walls are up (``_await_ready``); a restart starts a fresh
        child for the same submission."""
        alive = self._process is not None and self._process.poll() is None and self._launched is not None
        same_reach = self.home is None or reach(self.home) == self._launch_reach
        own_cache_wanted = self.lease.uid is None and own_cache.folder(recipe.guarded, path) is not None
        if self.path is not None or not alive or recipe != self.recipe or not same_reach or own_cache_wanted:
            return False
        self.path, self.source, self.reach, self.lender = Path(path), source, reach, lender
        return True

    # -- process management -------------------------------------------------

    def _start(self) -> None:
        self._launch()
        self._await_ready()

    def _launch(self) -> None:
        """Spawn the child behind its wall and send it its settings; it imports JAX and the
        submission meanwhile, and says when it is ready (``_await_ready``)."""
        uid = self.lease.uid
        namespaces = self.wall == walls.NAMESPACES
        requests_r, requests_w = os.pipe()
        replies_r, replies_w = os.pipe()
        child = [sys.executable, "-m", "autograder.sandbox.child", str(requests_r), str(replies_w)]
        launch = None if uid is None or namespaces else walls.as_uid(child, uid, PACKAGE_PARENT)
        if uid is not None and not namespaces and launch is None:
            self.events.append(_NO_DROP)
            uid = None
        if uid is None and not namespaces and self._turn is None:  # held until close, restarts too
            # A spare never waits: the grading that would wait for it may hold the turn.
            longest = self.limits.total_seconds + 2 * self.limits.import_seconds  # another's grading
            self._turn = walls.UidTurn(0 if self._ahead else longest)
        # Namespaces: the home is a small tmpfs inside; nothing of it is on the judge's disk.
        # Otherwise a fresh, empty folder of the judge's. The child writes the submission there.
        home = None if namespaces else private_folder()
        self.home = home
        if home is not None and uid is not None:
            os.chown(home, uid, uid)  # a new folder in root's SANDBOX_ROOT: no one else can swap it
        inside = Path(walls.INSIDE_HOME) if namespaces else home
        cache = None if self.cache is None else walls.INSIDE_CACHE if namespaces else str(self.cache)
        env = child_environment(inside, walls.INSIDE_KIT if namespaces else str(PACKAGE_PARENT), cache)
        library = self.library if self.wall in walls.KERNEL_WALLS and cache is None else None
        user: dict[str, Any] = {}
        passed = [requests_r, replies_w]
        if namespaces:
            child += [str(uid)] if uid is not None else []  # as root: the child drops to it first
            command = walls.bwrap_command(child, ROOM, self.hidden, library, self.cache)
        else:
            command, user = launch or (child, {})
        self._process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            pass_fds=passed, cwd=home or "/", env=env, start_new_session=True, **user,
        )
        for descriptor in passed:
            os.close(descriptor)
        os.set_blocking(requests_w, False)
        self._requests = requests_w
        self._replies = replies_r
        self.revealed = set()
        self._stop_draining = threading.Event()
        self._drainer = threading.Thread(target=self._drain, args=(self._process.stdout, self._stop_draining),
                                         daemon=True)
        self._drainer.start()
        # Where bubblewrap binds the interpreter in for the uid (walls.as_uid), it is the child's parent.
        parent = self._process.pid if launch is not None and not user else os.getpid()
        settings = self._settings(home, inside, parent, library, namespaces)
        self._launched = time.monotonic()
        with contextlib.suppress(TimeoutError, OSError):  # if unread, _await_ready says so
            deadline = self._launched + self.limits.import_seconds
            frames.write_all(self._requests, protocol.framed(settings), deadline)

    def _settings(self, home: Path | None, inside: Path, parent: int, library: Path | None,
                  namespaces: bool) -> Launch:
        reach = self.reach(home) if home is not None else {"blocked": [], "private": [], "allowed": []}
        if home is not None and self.cache is not None:  # the hook lets it read its own cache too
            reach = {**reach, "allowed": [*reach["allowed"], str(self.cache)]}
        self._launch_reach = reach
        readable = [*walls.readable_paths(self.hidden), str(ROOM), str(ROOM.parent / "__init__.py"),
                    *([str(library)] if library else [])]
        return Launch(
            submission=str(inside / "xor_net.py"), home=str(inside), judge_pid=parent, wall=self.wall,
            readable=tuple(readable), blocked=tuple(reach["blocked"]), private=tuple(reach["private"]),
            allowed=tuple(reach["allowed"]),
            library=None if library is None else walls.INSIDE_LIBRARY if namespaces else str(library),
            seccomp=namespaces and walls.seccomp_works(),
            memory_mb=self.limits.memory_mb, file_mb=self.limits.file_mb,
            cpu_seconds=int(self.limits.total_seconds + self.limits.import_seconds + 30),
            max_processes=MAX_PROCESSES + (0 if self.lease.uid is not None else tasks_of(os.getuid())))

    def _await_ready(self) -> None:
        """The child's two answers: its walls are up (before it holds the submission: without
        it, the wall failed and the grading cannot go on), then, once it has the submission's
        bytes, ready, or why the import failed. A spare's start is not the student's time."""
        launched, self._launched = self._launched, None
        ahead, self._ahead, spent = self._ahead, False, self.spent
        try:
            self._exchange(None, self.limits.import_seconds, None, "starting the sandbox",
                           since=None if ahead else launched, expected=(WallsUp,))
        except SubmissionError as error:  # no submission code has run yet: the wall failed
            if error.kind == "budget":  # a restart after the submission spent its time
                self.import_error = SubmissionError(None, "budget", error.report)
                return
            self._kill()
            raise walls.WallError(f"the sandbox's wall ({self.wall}) did not start: {error.report.message}"
                                  f"{self._output_tail()}") from None
        finally:
            self.spent = spent if ahead else self.spent
        if self.then is not None:
            then, self.then = self.then, None
            then()
        try:  # the submission's import has its own limit, from now
            ready = self._exchange(Source(self.source), self.limits.import_seconds, None,
                                   "importing your module", expected=(Ready,))
        except SubmissionError as error:  # hung or died while importing: it would again
            self.import_error = SubmissionError(None, "import", error.report)
            return
        if ready.error is not None:
            self.import_error = SubmissionError(None, "import", ready.error)

    def _output_tail(self) -> str:
        """What the child printed before its wall was up (the kit's and bubblewrap's words)."""
        text = self.printed().strip()
        return f" (it printed: {text[-600:]})" if text else ""

    def _drain(self, stream: Any, stop: threading.Event) -> None:
        """Keep what the child prints, until EOF or ``stop``: a process the submission left
        behind may hold the pipe open for ever, and the judge must not wait on it. Meanwhile,
        where the home is a folder on the judge's disk, keep it as small as a namespace's."""
        cap, fd, after_stop, checked = self.limits.output_kb * 1024, stream.fileno(), 0, time.monotonic()
        while after_stop < 16:  # once stopped, what is already in the pipe, and not a flood
            after_stop += stop.is_set()
            if self.home is not None and time.monotonic() - checked > 0.5 and not stop.is_set():
                checked = time.monotonic()
                self._keep_home_small(self.home)
            ready, _, _ = select.select([fd], [], [], 0 if stop.is_set() else 0.2)
            if not ready:
                if stop.is_set():
                    return
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return
            room = cap - len(self._output)
            self._output += chunk[: max(room, 0)]
            self._output_dropped += max(len(chunk) - max(room, 0), 0)

    def _keep_home_small(self, home: Path) -> bool:
        """Stop the child once its home holds more than a namespace's home may (HOME_BYTES, or
        HOME_ENTRIES files and folders): outside namespaces it is the judge's disk (an attack
        wrote 2 GB there, 16 MB a file). The walk reads sizes only and follows no link.
        True when it stopped the child."""
        used, entries, folders = self._unlinked_bytes(), 0, [home]
        while folders and entries <= HOME_ENTRIES and used <= walls.HOME_BYTES:
            with contextlib.suppress(OSError), os.scandir(folders.pop()) as listing:
                for entry in listing:
                    entries += 1
                    with contextlib.suppress(OSError):
                        used += entry.stat(follow_symlinks=False).st_blocks * 512
                        if entry.is_dir(follow_symlinks=False):
                            folders.append(Path(entry.path))
        if entries <= HOME_ENTRIES and used <= walls.HOME_BYTES:
            return False
        self.events.append(f"your code wrote more than {walls.HOME_BYTES >> 20} MB or {HOME_ENTRIES} "
                           "files into its folder, so its process was stopped")
        process = self._process
        if process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        return True

    def _unlinked_bytes(self) -> int:
        """What the child's files that have no name any more hold (deleted, kept open: an
        attack held 3 GB so): the regular files among its process group's descriptors whose
        last link is gone, read through /proc, the kernel's, not the sandbox's."""
        process, used = self._process, 0
        if process is None:
            return 0
        for pid in _group_of(process.pid):
            with contextlib.suppress(OSError):
                for descriptor in os.listdir(f"/proc/{pid}/fd"):
                    with contextlib.suppress(OSError):
                        info = os.stat(f"/proc/{pid}/fd/{descriptor}")
                        if stat.S_ISREG(info.st_mode) and info.st_nlink == 0:
                            used += info.st_blocks * 512
        return used

    def printed(self) -> str:
        text = protocol.visible(self._output.decode(errors="replace"))
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
                self._stop_draining.set()
                self._drainer.join()
            with contextlib.suppress(OSError):
                self._process.stdout.close()
            with contextlib.suppress(OSError):
                os.close(self._requests)
            with contextlib.suppress(OSError):
                os.close(self._replies)
        self._process, self._launched = None, None
        if self.lease.uid is not None and self.wall != walls.NAMESPACES:
            walls.end_processes_of(self.lease.uid, PACKAGE_PARENT)  # no PID namespace ended them
        if self.home is not None:
            remove_folder(self.home)
            self.home = None

    def close(self) -> None:
        self._kill()
        self.lease.release()
        if self._turn is not None:
            self._turn.release()
            self._turn = None

    # -- messages -------------------------------------------------------------

    def _next_message(self, deadline: float, expected: tuple[type, ...]) -> tuple[Any, int]:
        """The child's next message of an ``expected`` type or a Question, and its frame's size,
        within the deadline and the protocol's bounds."""
        try:
            raw = frames.read_frame(self._replies, protocol.MAX_FRAME, deadline)
        except frames.FrameTooLarge as error:
            raise ProtocolError(str(error)) from None
        return protocol.parse(raw, (*expected, Question)), len(raw)

    def _exchange(self, question: protocol.Message | None, seconds: float, call: Call | None, doing: str,
                  since: float | None = None, expected: tuple[type, ...] = (Reply,)) -> Any:
        """Send ``question`` (None: it was sent at ``since``), then the next message of an
        ``expected`` type (answering stand-ins' questions meanwhile), or a SubmissionError
        saying why none came. Every byte read is charged to the submission's clock."""
        seconds = min(seconds, self.limits.total_seconds - self.spent)
        started, budget = since or time.monotonic(), CallBudget()
        # The judge's time answering stand-ins extends this call's deadline (it is not the
        # submission's doing) but not past the whole submission's time, which counts it.
        deadline, budget_end = started + seconds, started + self.limits.total_seconds - self.spent
        try:
            if seconds <= 0:
                raise TimeoutError
            if question is not None:
                frames.write_all(self._requests, protocol.framed(question), deadline)
            while True:
                message, size = self._next_message(deadline, expected)
                if isinstance(message, WallsUp):  # no submission code has run yet
                    return message
                if not isinstance(message, Question):
                    # The watcher looks every half second; a burst of writes fits between two
                    # looks, so no answer counts from a child whose home has grown too large.
                    if self.home is not None and self._keep_home_small(self.home):
                        self._kill()
                        raise SubmissionError(call, "crashed", ErrorReport("ProcessExit", self.events[-1]))
                    return message
                budget.charge(size)
                answer, took = self._answer_timed(call, message)
                deadline = min(deadline + took, budget_end)
                frames.write_all(self._requests, protocol.framed(answer), deadline)
        except TimeoutError:
            self._kill()
            budget_out = deadline >= budget_end
            kind = "budget" if budget_out else "timeout"
            message = self.ran_out_words() if budget_out else f"no answer after {seconds:g} s while {doing}"
            self.events.append(message)
            if call is not None and kind == "timeout":
                self.hung[call.function] = message
            raise SubmissionError(call, kind, ErrorReport("TimeoutError", message)) from None
        except (EOFError, OSError, ProtocolError) as error:
            raise self._crashed(error, call, doing) from None
        finally:
            self.spent += time.monotonic() - started

    def _crashed(self, error: Exception, call: Call | None, doing: str) -> SubmissionError:
        """The child closed its end, or sent what the judge will not read: it is stopped, and why."""
        code = None
        if isinstance(error, EOFError) and self._process:  # it closed its end: ending, or ended
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = self._process.wait(timeout=5)
        alive = self._process is not None and self._process.poll() is None
        self._kill()
        message = f"the process running your code ended (exit status {code}) while {doing}"
        if isinstance(error, ProtocolError):
            message = (f"the process running your code sent {error} while {doing}; the grader "
                       "stopped talking to it, so nothing more of your code was run")
            self.broken = ErrorReport("ProtocolError", message)
        elif alive and not isinstance(error, EOFError):
            message = f"the process running your code sent something unreadable while {doing}"
        self.events.append(message)
        return SubmissionError(call, "crashed", ErrorReport("ProcessExit", message))

    def _answer_timed(self, call: Call | None, question: Question) -> tuple[Answer, float]:
        """The answer to a stand-in's question, and the judge's seconds spent on it."""
        asked = time.monotonic()
        answer = self._answer(call, question)
        took = time.monotonic() - asked
        self.lending_spent += took
        return answer, took

    def ran_out_words(self) -> str:
        """How a report says that the whole submission's time ran out."""
        return f"the time for this whole submission ({self.limits.total_seconds:g} s) ran out"

    def out_of_time(self) -> str:
        """Why the whole submission stopped short: its time ran out (every later call failed
        at once); '' when it did not."""
        return self.ran_out_words() if self.spent >= self.limits.total_seconds else ""

    def _answer(self, call: Call | None, question: Question) -> Answer:
        if call is None or self.lender is None:
            return Answer(error="no reference function is lent here")
        if self.lending_spent > LENDING_SECONDS:
            return Answer(error=f"the reference stand-ins have used their {LENDING_SECONDS} s")
        return self.lender(call, question)

    def start_soon(self) -> None:
        """Start the child now (the walls, JAX's import, the submission's) while the judge gets
        ready on the other core; the first call waits until it is ready."""
        if self._process is None and self.import_error is None:
            self._launch()

    def start(self) -> None:
        """Start the child if it is not running (after a crash or a timeout, a new one);
        never again once its import failed: it would fail (or hang) the same way."""
        if self._process is not None and self._launched is not None:
            self._await_ready()
        elif self._process is None and self.import_error is None and self.broken is None:
            self._start()

    def lend(self, signatures: dict[str, list[list]], call: Call) -> None:
        """Put stand-ins for the reference functions named in ``signatures`` (name -> its
        parameters) in the child; they ask ``lender`` from inside calls (autograder.sandbox.lent)."""
        self.start()
        if self.import_error is not None or self.broken is not None:
            return
        self._exchange(Lend(signatures), self.limits.call_seconds, call, "loading reference functions",
                       expected=(Lent,))
        self.revealed.update(signatures)

    def call(self, call: Call, described: str = "") -> Any:
        """Run ``call`` in the child; ``described``: the call in the judge's words, for the
        messages about it (autograder.judge.described; by default, the function's name)."""
        if self.spent >= self.limits.total_seconds:
            message = self.ran_out_words()
            raise SubmissionError(call, "budget", ErrorReport("TimeoutError", message))
        if call.function in self.hung:
            message = (f"{self.hung[call.function]} (an earlier call of {call.function} timed out, "
                       "so it was not called again)")
            raise SubmissionError(call, "timeout", ErrorReport("TimeoutError", message))
        if self.broken is not None:
            raise SubmissionError(call, "crashed", self.broken)
        self.start()
        if self.import_error is not None:
            raise SubmissionError(call, self.import_error.kind, self.import_error.report)
        token = os.urandom(8).hex()
        reply: Reply = self._exchange(CallRequest(call, token), self.limits.call_seconds, call,
                                      f"running {described or call.function}")
        if reply.token != token:
            self._kill()
            report = ErrorReport("ProtocolError", "the reply did not match the question")
            raise SubmissionError(call, "crashed", report)
        self.programs = list(reply.programs)
        if reply.error is not None:
            raise SubmissionError(call, "raised", reply.error)
        started = time.monotonic()
        try:
            return wire.decode(reply.value)
        except (ValueError, RecursionError) as error:
            self._kill()
            message = (f"the process running your code sent a value the grader cannot read "
                       f"({str(error)[:200]}); nothing more of your code was run")
            self.broken = ErrorReport("ProtocolError", message)
            raise SubmissionError(call, "crashed", self.broken) from None
        finally:
            self.spent += time.monotonic() - started


_NO_DROP = (f"the grader runs as root but other users cannot run {sys.executable} with the kit in "
            f"{PACKAGE_PARENT} (is a folder above either private?) and no namespace could bind them in, "
            "so the submission ran as root")
def _group_of(leader: int) -> list[int]:
    """The processes of the process group ``leader`` started (the child, and bubblewrap's)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == leader:  # after the name: state, ppid, pgrp
                    found.append(int(entry))
    return found


HOME_ENTRIES = 10_000  # files and folders in a home on the judge's disk (outside namespaces)
# The judge's seconds answering a submission's stand-ins, in all (it grades with a few).
LENDING_SECONDS = 60
# Processes and threads a sandbox may start: a leased uid's all, or what a uid shared with the
# judge may add to those it runs at the sandbox's start (JAX starts a few dozen threads).
MAX_PROCESSES = 512


# XLA's flags in a sandbox: its programs are tiny, and LLVM's optimisations cost more compile
# time than they save run time (about a third of the compiling; results move in the last bits).
FAST_COMPILE = "--xla_backend_optimization_level=0"
PASSED_ENV = ("JAX_PLATFORMS", "XLA_FLAGS", "LANG", "LC_ALL", "CUDA_VISIBLE_DEVICES")


def child_environment(home: Path, kit: str, cache: str | None = None) -> dict[str, str]:
    """All a sandbox child gets of an environment: its home, the kit's sandbox room, JAX's flags
    and, in a self-check, where its own compile cache is (as the child sees it: ``own_cache``)."""
    return {
        "PATH": "/usr/bin:/bin", "HOME": str(home), "TMPDIR": str(home), "MPLCONFIGDIR": str(home),
        "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "PYTHONPATH": kit,
        "TF_CPP_MIN_LOG_LEVEL": "3", **jax_environment(),
        **({own_cache.CACHE_VARIABLE: cache} if cache else {}),
    }


def jax_environment() -> dict[str, str]:
    """The variables a sandbox's JAX and XLA get (the library programs are built with the same:
    XLA's cache keys depend on them). A flag given in XLA_FLAGS wins over FAST_COMPILE."""
    env = {name: os.environ[name] for name in PASSED_ENV if name in os.environ}
    env["XLA_FLAGS"] = f"{FAST_COMPILE} {env.get('XLA_FLAGS', '')}".strip()
    return env
