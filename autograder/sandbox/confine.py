"""The kernel wall a sandbox process raises around itself where namespaces cannot start.

Where user namespaces are refused (bubblewrap fails in some containers), the sandbox child
confines itself after importing JAX and before importing a submission, with two Linux
mechanisms that need no privilege:

* **Landlock** (written here with ``ctypes``): files may be read (and executed) only under
  the ``readable`` paths and changed only under the ``writable`` ones (plus ``/dev/null``);
  every TCP bind and connect is refused; from ABI 6 on, no signal nor abstract Unix socket
  reaches a process outside the sandbox (the judge that started it).
* **seccomp** (through ``pyseccomp``, over the system's libseccomp): no new process
  (``fork``, ``vfork``, ``clone`` without ``CLONE_THREAD``), no ``execve``, no sockets, no
  ``ptrace`` nor reading another process's memory, no namespaces nor mounts, no kernel
  keyrings, BPF, perf, userfaultfd, io_uring, SysV IPC, no signal to another process, and no
  change to a file's mode, owner or times.

Both hold until the process ends: nothing can lift them, not even the code they confine.
``RLIMIT_NPROC`` optionally bounds the threads of the sandbox's user. Call ``confine``
before JAX's backend starts (before the first array): see its docstring.

It does not stop: reading whatever ``readable`` holds, seeing which paths exist (``stat``
is not a Landlock right), using descriptors opened before the wall, or spending CPU, memory
and disk (the caller's limits). The modes, owners and times of files are seccomp's: refused
everywhere, the sandbox's own folder included.
"""

import ctypes
import errno
import functools
import os
import platform
import resource
import stat
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # never at run time: pyseccomp is imported where it is used
    import pyseccomp

# Landlock's system calls (create_ruleset, add_rule, restrict_self): the same numbers on
# x86_64 and aarch64. Another machine gets ABI 0 (the caller decides what to do).
LANDLOCK_SYSCALLS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446)}
LANDLOCK_CREATE_RULESET_VERSION = 1 << 0
LANDLOCK_RULE_PATH_BENEATH = 1
LANDLOCK_RESTRICT_SELF_TSYNC = 1 << 3  # ABI 8: every thread of the process, not just this one
PR_SET_NO_NEW_PRIVS = 38

# include/uapi/linux/landlock.h: filesystem rights, with the ABI that introduced each. ABI 1:
# execute, write file, read file, read dir, remove dir/file, make char/dir/reg/sock/fifo/block/sym.
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_ABI_1 = (1 << 13) - 1
FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15  # ABI 2, 3, 5
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6
FS_READ = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
# The rights a rule on a file (not a folder) may carry.
FS_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV

# seccomp: calls refused with EPERM whatever their arguments. Names this libseccomp does not
# know are skipped; those this architecture lacks (``fork`` on aarch64) match nothing.
REFUSED_SYSCALLS = (
    # other processes: start, replace, inspect
    "fork", "vfork", "execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev",
    "pidfd_open", "pidfd_getfd", "pidfd_send_signal", "process_madvise", "process_mrelease",
    "tkill",  # glibc signals threads with tgkill, checked below
    # the network and local sockets
    "socket", "socketpair",
    # namespaces, mounts and the other ways out of a filesystem view
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "open_by_handle_at",
    "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
    # the kernel's larger attack surface
    "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key", "personality",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff", "acct",
    "iopl", "ioperm", "settimeofday", "clock_settime", "sethostname", "setdomainname",
    # the modes, owners and times of files (Landlock has no right for them): a file this user
    # owns outside the sandbox's folder, say the kit's caches, is not its to change
    "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat",
    "utime", "utimes", "utimensat", "futimesat",
    # nor their ACLs and other attributes: an ACL is a chmod by another name (an attack opened
    # the grading secret and the reference to every user with system.posix_acl_access)
    "setxattr", "lsetxattr", "fsetxattr", "setxattrat", "removexattr", "lremovexattr",
    "fremovexattr", "removexattrat",
    # shared state with other processes that Landlock does not see
    "shmget", "shmat", "shmctl", "msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop",
    "semtimedop", "semctl", "mq_open",
    # the priority of every process of a user, or of another one
    "setpriority", "ioprio_set",
    # memory outside the address-space limit: a memfd's pages are never mapped (an attack
    # held 6 GB in memfds against a 4 GB limit)
    "memfd_create", "memfd_secret",
)
CLONE_THREAD = 0x00010000
CLONE_NAMESPACES = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000,
                    0x40000000)  # NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET
SIGNAL_SYSCALLS = ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")  # pid first
# Calls that act on the process named by their first argument: this one (its pid, or 0)
# only, so that under the same uid the judge and classmates' sandboxes are out of reach.
SELF_ONLY_SYSCALLS = ("prlimit64", "sched_setaffinity", "sched_setscheduler", "sched_setparam",
                      "sched_setattr", "migrate_pages", "move_pages", "kcmp", "get_robust_list")
TERMINAL_INJECTION = (0x5412, 0x541C)  # ioctl TIOCSTI, TIOCLINUX
# A descriptor's owner is whom the kernel signals when it is ready, with any signal F_SETSIG
# names: another process's pid there is a kill (SIGKILL, even where Landlock's signal scope is
# missing). fcntl F_SETOWN, F_SETSIG, F_SETOWN_EX; ioctl FIOSETOWN, SIOCSPGRP.
SIGNAL_OWNER_FCNTL = (8, 10, 15)
SIGNAL_OWNER_IOCTL = (0x8901, 0x8902)
# prctl's request for the signal that kills a sandbox when its judge dies (child.die_with, set
# before this filter): cleared, it outlived a killed grader, its uid lease or turn released.
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class ConfineError(Exception):
    """The wall could not be raised; the message is one plain line saying why."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


@functools.cache
def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


def _syscall(number: int, *args: object) -> int:
    result = _libc().syscall(ctypes.c_long(number), *args)
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return result


def landlock_abi() -> int:
    """The Landlock ABI version this kernel offers; 0 when Landlock is unavailable."""
    numbers = LANDLOCK_SYSCALLS.get(platform.machine())
    if numbers is None:
        return 0
    try:
        version = ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION)
        return _syscall(numbers[0], None, ctypes.c_size_t(0), version)
    except OSError:  # ENOSYS: not built in; EOPNOTSUPP: not enabled at boot
        return 0


def seccomp_available() -> bool:
    """Whether ``pyseccomp`` imports and the system's libseccomp loads."""
    try:
        import pyseccomp  # optional: it needs the system's libseccomp, probed here

        pyseccomp.SyscallFilter(pyseccomp.ALLOW)
    except Exception:  # ImportError, RuntimeError (no libseccomp), OSError
        return False
    return True


def _landlock_ruleset(abi: int, readable: list[str], writable: list[str]) -> int:
    """A ruleset file descriptor for ``abi``, asking only for the rights that ABI knows."""
    create, add_rule, _ = LANDLOCK_SYSCALLS[platform.machine()]
    handled = FS_ABI_1 | (FS_REFER if abi >= 2 else 0) | (FS_TRUNCATE if abi >= 3 else 0)
    handled |= FS_IOCTL_DEV if abi >= 5 else 0
    attr = _RulesetAttr(handled, NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0,
                        SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8  # older kernels refuse fields they lack
    ruleset = _syscall(create, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    # No network rule: with TCP bind and connect handled, no port is allowed.
    rules = [(path, FS_READ) for path in readable] + [(path, handled) for path in writable]
    rules.append(("/dev/null", FS_READ_FILE | FS_WRITE_FILE | (FS_TRUNCATE if abi >= 3 else 0)))
    try:
        for path, access in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except FileNotFoundError:
                continue  # e.g. no /lib64 on this system: nothing there to allow
            except OSError as error:
                raise OSError(error.errno, f"{error.strerror}: {path}") from None
            try:
                if not stat.S_ISDIR(os.fstat(fd).st_mode):
                    access &= FS_FILE_RIGHTS
                rule = _PathBeneathAttr(access & handled, fd)
                _syscall(add_rule, ctypes.c_int(ruleset), ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH),
                         ctypes.byref(rule), ctypes.c_uint32(0))
            except OSError as error:
                raise OSError(error.errno, f"{error.strerror}: {path}") from None
            finally:
                os.close(fd)
    except BaseException:
        os.close(ruleset)
        raise
    return ruleset


def _seccomp_filter() -> "pyseccomp.SyscallFilter":
    """A filter that allows every call except those above; loaded with TSYNC so that every
    thread of the process, JAX's included, gets it."""
    import pyseccomp as sc  # optional (seccomp_available says whether it loads)

    refuse = sc.ERRNO(errno.EPERM)
    native = sc.system_arch()
    rules = sc.SyscallFilter(sc.ALLOW)
    rules.set_attr(sc.Attr.CTL_TSYNC, 1)
    # Calls made under another ABI (int 0x80, x32 on x86_64) would dodge the rules: kill them.
    rules.set_attr(sc.Attr.ACT_BADARCH, sc.KILL_PROCESS)

    def add(action: int, name: str, *args: object) -> None:
        if sc.resolve_syscall(native, name) != -1:  # -1: unknown to libseccomp
            rules.add_rule(action, name, *args)

    for name in REFUSED_SYSCALLS:
        add(refuse, name)
    # A process (no CLONE_THREAD) or a new namespace: refused; a thread: allowed. clone3 takes
    # its flags in memory, which seccomp cannot read: ENOSYS makes glibc fall back to clone.
    add(refuse, "clone", sc.Arg(0, sc.MASKED_EQ, CLONE_THREAD, 0))
    for flag in CLONE_NAMESPACES:
        add(refuse, "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
    add(sc.ERRNO(errno.ENOSYS), "clone3")
    # Signals only to this process (pid first for each call); Landlock's scope says the
    # same from ABI 6 on, this holds on older kernels too.
    pid = os.getpid()
    for name in SIGNAL_SYSCALLS:
        add(refuse, name, sc.Arg(0, sc.NE, pid))
    for name in SELF_ONLY_SYSCALLS:
        for comparison in _other_than(sc, pid):
            add(refuse, name, comparison)
    for request in (*TERMINAL_INJECTION, *SIGNAL_OWNER_IOCTL):
        add(refuse, "ioctl", sc.Arg(1, sc.MASKED_EQ, 0xFFFFFFFF, request))
    for command in SIGNAL_OWNER_FCNTL:
        for name in ("fcntl", "fcntl64"):
            add(refuse, name, sc.Arg(1, sc.EQ, command))
    add(refuse, "prctl", sc.Arg(0, sc.EQ, PR_SET_PDEATHSIG))
    return rules


def _other_than(sc: Any, pid: int) -> list[Any]:
    """Comparisons of the first argument that together match every value but 0 and ``pid``
    (a rule takes one comparison per argument): above ``pid``, and 1 to pid - 1 as aligned
    power-of-two blocks, each a masked comparison."""
    comparisons, low = [sc.Arg(0, sc.GT, pid)], 1
    while low < pid:
        size = low & -low  # the largest aligned block starting at low ...
        while low + size > pid:  # ... that stays below pid
            size //= 2
        comparisons.append(sc.Arg(0, sc.MASKED_EQ, ~(size - 1) & 0xFFFFFFFFFFFFFFFF, low))
        low += size
    return comparisons


def _restrict(abi: int, ruleset: int, rules: "pyseccomp.SyscallFilter", max_processes: int | None) -> int:
    """RLIMIT_NPROC, no_new_privs, the seccomp filter, then Landlock; the flags it used."""
    try:
        if max_processes is not None:
            _, hard = resource.getrlimit(resource.RLIMIT_NPROC)
            bound = max_processes if hard == resource.RLIM_INFINITY else min(max_processes, hard)
            resource.setrlimit(resource.RLIMIT_NPROC, (bound, bound))
        if _libc().prctl(PR_SET_NO_NEW_PRIVS, *map(ctypes.c_ulong, (1, 0, 0, 0))) != 0:
            raise ConfineError(f"prctl(PR_SET_NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}")
        # seccomp first: libseccomp is loaded while files can still be read, and the filter
        # spares prctl and Landlock's own calls, so Landlock can follow (the other order works
        # too, with libseccomp loaded beforehand).
        try:
            rules.load()
        except OSError as error:
            raise ConfineError(f"cannot load the seccomp filter: {error.strerror or error}") from None
        # Below ABI 8 this confines the calling thread and the threads and processes it
        # creates later, not threads that exist already (seccomp above holds for them all).
        # Right after ``import jax`` the only other thread is numpy's BLAS worker, which runs
        # no Python: acceptable. Once JAX's backend has started, its pool threads exist, and
        # they do run Python (``jax.pure_callback`` and the like): hence "call it
        # before the first array", and the count of older threads in the description.
        flags = LANDLOCK_RESTRICT_SELF_TSYNC if abi >= 8 else 0
        try:
            _syscall(LANDLOCK_SYSCALLS[platform.machine()][2], ctypes.c_int(ruleset), ctypes.c_uint32(flags))
        except OSError as error:
            raise ConfineError(f"landlock_restrict_self failed: {error.strerror}") from None
    except (OSError, ValueError) as error:  # setrlimit
        raise ConfineError(f"cannot set RLIMIT_NPROC: {error}") from None
    return flags


def seccomp_only() -> str:
    """The seccomp filter alone, for a child behind namespaces (they hold its files and its
    network; the filter holds its processes and its memory): no new process, no memfd, ..."""
    if not seccomp_available():
        raise ConfineError("seccomp cannot be applied: pyseccomp or the system's libseccomp is missing")
    try:
        rules = _seccomp_filter()
        if _libc().prctl(PR_SET_NO_NEW_PRIVS, *map(ctypes.c_ulong, (1, 0, 0, 0))) != 0:
            raise ConfineError(f"prctl(PR_SET_NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}")
        rules.load()
    except (OSError, ValueError) as error:
        raise ConfineError(f"cannot load the seccomp filter: {error}") from None
    return "seccomp"


def confine(readable: list[str], writable: list[str], max_processes: int | None = None) -> str:
    """Confine this process for good, seccomp then Landlock; return what held, such as
    ``"landlock ABI 7 + seccomp"``.

    ``readable``: paths that may be read and executed (a folder with all it holds);
    ``writable``: paths that may also be written, created and removed; paths that do not
    exist are skipped. ``max_processes``: ``RLIMIT_NPROC``, which counts every process *and
    thread* of this real user id, JAX's thread pools and other sandboxes as the same user
    included (root is exempt).

    Call it before JAX's backend starts (before the first array): below Landlock ABI 8,
    threads that exist already stay outside Landlock, and JAX runs ``pure_callback`` code on
    its pool threads. The description then says how many older threads Landlock missed
    (usually numpy's BLAS worker, which runs no Python: harmless).
    Raises ``ConfineError`` when either mechanism cannot be applied. The ruleset and filter
    are built first, and a failure there leaves the process as it was; a later one (rare)
    may leave RLIMIT_NPROC, no_new_privs or the seccomp filter in place.
    """
    abi = landlock_abi()
    if abi == 0:
        raise ConfineError("this kernel offers no Landlock (not built in, or not enabled at boot)")
    if not seccomp_available():
        raise ConfineError("seccomp cannot be applied: pyseccomp or the system's libseccomp is missing")
    try:
        rules = _seccomp_filter()
    except (OSError, ValueError) as error:
        raise ConfineError(f"cannot build the seccomp filter: {error}") from None
    try:
        ruleset = _landlock_ruleset(abi, readable, writable)
    except OSError as error:
        raise ConfineError(f"cannot build the Landlock ruleset: {error.strerror}") from None
    try:
        older_threads = len(os.listdir("/proc/self/task")) - 1
    except OSError:  # no /proc: say nothing rather than guess
        older_threads = 0
    try:
        flags = _restrict(abi, ruleset, rules, max_processes)
    finally:
        os.close(ruleset)
    held = f"landlock ABI {abi} + seccomp"
    if older_threads and not flags:
        held += f"; {older_threads} older thread{'s' if older_threads > 1 else ''} outside Landlock"
    return held
