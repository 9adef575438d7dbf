"""The sandbox process: the only place where a submission's code runs.

Started by the judge (``autograder.launch.door.SandboxProcess``) as
``python -m autograder.sandbox.child REQUEST_FD REPLY_FD``, holding no submission. It imports
JAX, sets its limits, installs an audit hook that keeps the submission away from the kit's
files, other processes and the network, says its walls are up, then waits for the
submission's bytes (it may be a spare, started while another student is graded), writes
them into its own home, imports them and answers the judge's calls one at a time with
plain data (``autograder.sandbox.wire``).
"""

import _posixsubprocess
import contextlib
import ctypes
import importlib.util
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jax
import jax.numpy  # noqa: F401  (imported before the submission can patch it)
import numpy  # noqa: F401

from autograder.sandbox import calls, confine, lent, protocol, wire
from autograder.sandbox.protocol import CallRequest, Launch, Lend, Lent, Ready, Reply, Source, Wall, WallsUp

# Audit events a submission never needs: other processes, the network, native code.
FORBIDDEN_EVENTS = frozenset({
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "subprocess.Popen", "pty.spawn", "os.kill", "os.killpg", "signal.pthread_kill",
    "socket.__new__", "socket.connect", "socket.bind", "socket.sendto", "ctypes.dlopen", "ctypes.dlsym",
    "ctypes.cdata", "ctypes.call_function", "sys.addaudithook", "gc.get_objects",
    "gc.get_referrers", "gc.get_referents", "sys.remote_exec", "os.setuid", "os.putenv",
})
# Events whose first argument is a path that may only be changed inside the sandbox's folder.
WRITE_EVENTS = frozenset({
    "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link",
    "os.symlink", "os.truncate", "os.utime", "shutil.rmtree", "shutil.copyfile", "shutil.move",
})
LIST_EVENTS = frozenset({"os.listdir", "os.scandir", "glob.glob", "os.chdir"})
# jax.config options that change what a transformation does; restored before every call.
GUARDED_OPTIONS = ("jax_disable_jit", "jax_compilation_cache_dir",
                   "jax_persistent_cache_min_compile_time_secs", "jax_enable_x64", "jax_numpy_rank_promotion",
                   "jax_default_matmul_precision", "jax_debug_nans", "jax_debug_infs",
                   "jax_numpy_dtype_promotion")


# JAX as the grader applies it (jit, grad, vmap, jnp.asarray), taken before a submission runs:
# ``jax.jit = lambda f, **k: f`` in a submission must not let an unjittable function pass.
GENUINE_JAX = SimpleNamespace(**dict(vars(jax), numpy=SimpleNamespace(**vars(jax.numpy))))
CACHE_VARIABLE = "JAX_COMPILATION_CACHE_DIR"  # set by the judge in a release's self-check only


class Guard:
    """The audit hook: reading the kit, writing outside ``home`` and the events above fail.

    It keeps an honest mistake or a casual attempt out; the walls against a
    determined one are the operating system's (a separate process, resource
    limits and, when the grader runs as root, an unprivileged user).
    """

    def __init__(self, blocked: list[str], home: str, private: list[str] = (),
                 allowed: list[str] = ()) -> None:
        self.blocked = [os.path.realpath(p) for p in blocked]  # never readable
        self.private = [os.path.realpath(p) for p in private]  # readable only where allowed
        self.allowed = [os.path.realpath(p) for p in allowed]
        self.home = os.path.realpath(home)
        self.writable = [self.home]  # and a self-check's own compile cache (main adds it)

    def _inside(self, path: Any, roots: list[str]) -> bool:
        if isinstance(path, int) or path is None:
            return False
        try:
            real = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return False
        return any(real == r or real.startswith(r + os.sep) for r in roots)

    def _blocked(self, path: Any) -> bool:
        if self._inside(path, [self.home]):
            return False
        return self._inside(path, self.blocked) or (
            self._inside(path, self.private) and not self._inside(path, self.allowed))

    def _holds_blocked(self, path: Any) -> bool:
        """A folder above a blocked one: a descriptor of it would reach the blocked one
        through ``dir_fd``, which the audit events do not show."""
        if isinstance(path, int) or path is None or self._inside(path, [self.home]):
            return False
        try:
            real = os.path.realpath(os.fsdecode(path)).rstrip(os.sep) + os.sep
        except (TypeError, ValueError):
            return False
        if not any(b.startswith(real) for b in self.blocked + self.private) or not os.path.isdir(real):
            return False
        return any(b.startswith(real) for b in self.blocked) or not self._inside(path, self.allowed)

    def _writable(self, path: Any) -> bool:
        if isinstance(path, int):
            return True
        return self._inside(path, self.writable) or os.fsdecode(path) == "/dev/null"

    def __call__(self, event: str, args: tuple) -> None:
        if event in FORBIDDEN_EVENTS:
            raise PermissionError(f"the grader does not allow {event} in a submission")
        if event == "open":
            path, mode = args[0], args[1]
            if self._blocked(path) or self._holds_blocked(path):
                raise PermissionError(f"the grader's own files are off limits: {path}")
            writing = isinstance(mode, str) and any(c in mode for c in "wax+")
            if isinstance(args[2], int) and args[2] & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
                writing = True
            if writing and not self._writable(path):
                raise PermissionError(f"a submission may not write to {path}")
        elif event in LIST_EVENTS and args and self._blocked(args[0]):
            raise PermissionError(f"the grader's own files are off limits: {args[0]}")
        elif event in WRITE_EVENTS and args and not self._writable(args[0]):
            raise PermissionError(f"a submission may not change {args[0]}")
        elif event == "import" and args and str(args[0]).split(".")[0] in (
                "autograder", "solutions", "_posixsubprocess"):
            raise ImportError(f"a submission may not import {args[0]}")


OPEN_FILES = 1024  # descriptors at once (each pipe or file holds kernel memory of its own)


def set_limits(memory_mb: int, cpu_seconds: int, file_mb: int, max_processes: int = 0) -> None:
    def lower(which: int, value: int) -> None:
        soft, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))

    if memory_mb:
        lower(resource.RLIMIT_AS, memory_mb << 20)
    if cpu_seconds:
        lower(resource.RLIMIT_CPU, cpu_seconds)
    lower(resource.RLIMIT_FSIZE, file_mb << 20)
    lower(resource.RLIMIT_CORE, 0)
    if max_processes:  # counts every process and thread of this uid (the judge's too, if it is theirs)
        lower(resource.RLIMIT_NPROC, max_processes)
    lower(resource.RLIMIT_NOFILE, OPEN_FILES)


# XLA programs this sandbox handed to XLA, and of those, how many came from the library's cache
# (reported with every answer, for benchmarks/grading.py; nothing is graded on it).
PROGRAMS = {"compiled": 0, "loaded": 0}


def count_programs() -> None:
    def compiled(event: str, duration: float, **_: Any) -> None:
        if event == "/jax/core/compile/backend_compile_duration":
            PROGRAMS["compiled"] += 1

    def loaded(event: str, **_: Any) -> None:
        if event == "/jax/compilation_cache/cache_hits":
            PROGRAMS["loaded"] += 1

    jax.monitoring.register_event_duration_secs_listener(compiled)
    jax.monitoring.register_event_listener(loaded)


def read_library_programs(folder: str | None) -> None:
    """Load JAX's library programs from ``folder`` (autograder.judge.library_programs) when they
    are there, and never write to it: the minimum compile time to write is out of reach."""
    if folder:
        program_cache(folder)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 1e9)


def own_programs() -> str | None:
    """A release's self-check keeps the user's own compile cache (autograder.launch.own_cache),
    which the judge names in JAX's own variable: read and written here, every program kept
    however small or quick to compile, so that a regrade compiles only what changed. None in
    any other grading, which gets no such variable."""
    folder = os.environ.get(CACHE_VARIABLE)
    if folder:
        program_cache(folder)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)
    return folder or None


def program_cache(folder: str) -> None:
    """XLA's persistent cache in ``folder``, its key the same wherever the folder lies (XLA's
    own caches, which it would put in the folder, go in the key by their path)."""
    jax.config.update("jax_compilation_cache_dir", folder)
    jax.config.update("jax_persistent_cache_enable_xla_caches", "none")


def import_submission(path: Path, source: bytes) -> dict:
    """Write ``source`` (the judge's bytes) as ``path`` in this sandbox's own home, where no
    submission code has run yet, then import it as module ``xor_net``; return its namespace."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(descriptor, "wb") as file:
        file.write(source)
    spec = importlib.util.spec_from_file_location("xor_net", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path.name}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["xor_net"] = module
    spec.loader.exec_module(module)
    return module.__dict__


class Sandbox:
    def __init__(self, settings: Launch) -> None:
        self.submission = Path(settings.submission)
        self.namespace: dict = {}
        self.references: dict = {}
        self.options = {name: getattr(jax.config, name) for name in GUARDED_OPTIONS}
        self.update_option = jax.config.update
        self.clear_caches = jax.clear_caches
        self.injected: tuple[str, ...] = ()

    def restore_options(self) -> None:
        for name, value in self.options.items():
            if getattr(jax.config, name, value) != value:
                self.update_option(name, value)

    def lend(self, signatures: dict[str, list[list]], line: lent.JudgeLine) -> None:
        """Stand-ins for reference functions, which the next calls put in place: they ask the
        judge, which holds the reference (autograder.sandbox.lent)."""
        for name, parameters in signatures.items():
            self.references[name] = lent.stand_in(name, parameters, line, GENUINE_JAX)

    def answer(self, request: CallRequest) -> Reply:
        call = request.call
        self.restore_options()
        if call.with_reference != self.injected:
            self.clear_caches()  # jit caches would keep the functions seen at trace time
            self.injected = call.with_reference
        try:
            value = calls.perform(call, self.namespace, self.references, GENUINE_JAX)
        except BaseException as error:  # the submission may raise anything, SystemExit too
            if isinstance(error, KeyboardInterrupt):
                raise
            return Reply(request.token, error=calls.report_error(error, str(self.submission)),
                         programs=programs())
        finally:
            self.restore_options()
        return Reply(request.token, value=wire.encode(value), programs=programs())


def close_side_doors() -> None:
    """Take away the ways to start a process or send a signal that raise no audit event in
    CPython 3.11 (docs/trust.md: without root, a determined submission finds others)."""
    def refused(*args: Any, **kwargs: Any) -> None:
        raise PermissionError("the grader does not allow other processes or signals in a submission")

    _posixsubprocess.fork_exec = subprocess._fork_exec = refused  # type: ignore[attr-defined]
    for module, name in ((signal, "pidfd_send_signal"), (os, "pidfd_open")):
        if hasattr(module, name):
            setattr(module, name, refused)


def die_with(judge: int) -> None:
    """Have Linux kill this process when the judge goes: no sandbox outlives its grading,
    even one stuck in a loop when its judge is killed."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(confine.PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != judge:  # the judge went before the request took effect
        os._exit(1)


def drop_to(uid: int) -> None:
    """As root inside the namespaces, become the uid the judge leased to this sandbox, for good
    (bubblewrap left only the capabilities to do this; they go with it)."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid:
        os._exit(3)


# The exit status of a child whose wall could not be built: the judge reports a grader error.
WALL_FAILED = 70


def build_wall(settings: Launch, cache: str | None = None) -> None:
    """Raise the wall the judge chose, or exit: never run a submission behind a weaker one.
    Namespaces are built around this process by bubblewrap, and seccomp is added inside them
    where the judge found it works; the hook is installed by main. ``cache``: a self-check's
    own compile cache, writable like the home."""
    try:
        if settings.wall == Wall.LANDLOCK:
            writable = [settings.home, *([cache] if cache else [])]
            confine.confine(list(settings.readable), writable, settings.max_processes or None)
        elif settings.wall == Wall.NAMESPACES and settings.seccomp:
            confine.seccomp_only()
    except confine.ConfineError as error:
        print(f"the {settings.wall} wall could not be built: {error}", flush=True)
        os._exit(WALL_FAILED)


def sendable(reply: Reply, function: str) -> bytes:
    """The reply's frame, or, where it is larger than the judge reads (an honest mistake can
    return a huge array or dict), a description of the value in its place."""
    frame = protocol.framed(reply)
    if len(frame) <= protocol.MAX_FRAME and frame.count(b"[") + frame.count(b"{") <= protocol.MAX_CONTAINERS:
        return frame
    text = f"a value of {len(frame) >> 20} MB on the wire, more than the grader reads from {function}"
    return protocol.framed(Reply(reply.token, value={"opaque": "too large", "text": text},
                                 programs=reply.programs))


def programs() -> tuple[int, int]:
    return PROGRAMS["compiled"] - PROGRAMS["loaded"], PROGRAMS["loaded"]


def main(argv: list[str]) -> int:
    if len(argv) > 2:
        drop_to(int(argv[2]))
    requests = os.fdopen(int(argv[0]), "rb")
    replies = os.fdopen(int(argv[1]), "wb")
    settings = protocol.read(requests, (Launch,))
    if settings is None:
        return 2
    count_programs()
    read_library_programs(settings.library)
    cache = own_programs()
    sandbox = Sandbox(settings)  # takes the options as set now, to restore before every call
    if settings.wall != Wall.NAMESPACES:  # in a PID namespace the judge is not the parent
        die_with(settings.judge_pid)
    build_wall(settings, cache)  # before the side doors close: libseccomp is found by running ldconfig
    close_side_doors()
    set_limits(settings.memory_mb, settings.cpu_seconds, settings.file_mb, settings.max_processes)
    guard = Guard(list(settings.blocked), settings.home, list(settings.private), list(settings.allowed))
    guard.writable += [os.path.realpath(cache)] if cache else []
    sys.path[:] = [p for p in sys.path if p and not guard._blocked(p)]
    sys.path.insert(0, str(sandbox.submission.parent))
    os.chdir(settings.home)
    sys.addaudithook(guard)
    protocol.write(replies, WallsUp())  # the last message the submission cannot have touched
    source = protocol.read(requests, (Source,))
    if source is None:  # a spare no grading took: the judge closed its end
        return 0
    try:
        sandbox.namespace = import_submission(sandbox.submission, source.data)
        ready = Ready()
    except BaseException as error:
        ready = Ready(calls.report_error(error, str(sandbox.submission)))
    sys.stdout.flush()
    protocol.write(replies, ready)
    line = lent.JudgeLine(requests, replies)
    while (request := protocol.read(requests, (Lend, CallRequest))) is not None:
        if isinstance(request, Lend):
            sandbox.lend(request.signatures, line)
            protocol.write(replies, Lent())
            continue
        reply = sandbox.answer(request)
        sys.stdout.flush()
        replies.write(sendable(reply, request.call.function))
        replies.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
