"""JAX's own compiled programs, made once per machine and read, never written, by the sandboxes.

A sandbox may not read the judge's compiled-program cache (it holds the reference's
programs: docs/trust.md), so it compiles what it runs. Much of that is JAX's library code,
the same for every submission: ``init_params``'s random draws (``jax.random.split`` and
``jax.random.normal``, a large program for each shape, about 0.2 s to compile) and the
primitives applied to them. ``build`` runs those calls in a process of their own, eagerly,
each a single library function or primitive, never a program of several operations, and
XLA's persistent cache keeps what they compile in LIBRARY_DIR. Nothing there comes from the
reference or from a student.

A sandbox behind a kernel wall reads the folder (a read-only bind, or Landlock) with a
minimum compile time too high for JAX ever to write to it, so no submission can change
what another one loads.
"""

import contextlib
import fcntl
import importlib.metadata
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np

# JAX is imported where it is used: `import jax` costs about 1.5 s (1.6-1.8 s against 0.3 s for
# this module, measured), which the commands that never grade (export, feedback, --help) skip.
from autograder import KIT_ROOT
from autograder.launch.door import jax_environment
from autograder.sandbox.calls import Call, perform
from autograder.sandbox.exercises import DEFAULT_SIZES, network_shapes

LIBRARY_DIR = Path(os.environ.get("XOR_KIT_LIBRARY_CACHE", KIT_ROOT / ".cache" / "library-xla"))
# The layer sizes the graded suites pass to init_params (the defaults first).
INIT_SIZES = (DEFAULT_SIZES, (4, 4, 4), (1, 1, 1), (5, 3, 7))
BUILD_SECONDS = 300


def _done_mark(folder: Path) -> Path:
    """Written last by a build: the JAX it was made with (another JAX's programs never match)."""
    return folder / f"built-with-jax-{importlib.metadata.version('jax')}"


def ready() -> Path | None:
    """LIBRARY_DIR, built first if needed (once per machine, under a lock; about 5 s), or None
    when it cannot be built here (a read-only kit): the sandboxes then compile everything.
    A folder that is not the judge's own, or that others could write, is built again."""
    try:
        LIBRARY_DIR.mkdir(parents=True, exist_ok=True)
        with open(LIBRARY_DIR.parent / ".library-xla.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not _untouched(LIBRARY_DIR):
                shutil.rmtree(LIBRARY_DIR)
                LIBRARY_DIR.mkdir()
            if not _done_mark(LIBRARY_DIR).exists():
                environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(KIT_ROOT),
                               **jax_environment()}  # a sandbox's, for the same cache keys
                subprocess.run([sys.executable, "-m", "autograder.judge.library_programs", str(LIBRARY_DIR)],
                               env=environment, capture_output=True, timeout=BUILD_SECONDS, check=True,
                               cwd=KIT_ROOT)
    except (OSError, subprocess.SubprocessError):
        return None
    return LIBRARY_DIR if _done_mark(LIBRARY_DIR).exists() and _untouched(LIBRARY_DIR) else None


def _untouched(folder: Path) -> bool:
    """The folder and every file in it are the judge's own and only it may write them."""
    for path in (folder, *folder.iterdir()):
        info = path.lstat()
        kind_ok = stat.S_ISDIR(info.st_mode) if path == folder else stat.S_ISREG(info.st_mode)
        if not kind_ok or info.st_uid != os.geteuid() or info.st_mode & 0o022:
            return False
    return True


def draws(key, input_dims: int, n_hidden: int, output_dims: int, scale: float = 0.1) -> None:
    """The library calls an init_params makes, in the ways students write it: split (into 4,
    and the default 2), the keys unpacked or indexed, a normal draw of each shape, times scale
    on either side. Run eagerly: each call compiles on its own."""
    import jax  # lazy: JAX costs ~1.5 s to import (see the note at the top)

    keys = jax.random.split(key, 4)
    jax.random.split(key)
    shapes = network_shapes((input_dims, n_hidden, output_dims)).values()
    for i, (own, shape) in enumerate(zip(tuple(keys), shapes, strict=True)):
        drawn = jax.random.normal(own, shape)
        jax.block_until_ready((scale * drawn, drawn * scale, keys[i]))


def build(folder: Path) -> None:
    """Compile the library calls of ``draws`` for every size into XLA's cache in ``folder``."""
    import jax  # lazy: JAX costs ~1.5 s to import (see the note at the top)

    from autograder.sandbox.child import program_cache  # lazy: it imports JAX

    program_cache(str(folder))
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    key = np.array([0, 0], dtype=np.uint32)  # PRNGKey(0), as the suites pass keys: plain data
    for d_in, hidden, d_out in INIT_SIZES:
        call = Call("draws", (key,), {"input_dims": d_in, "n_hidden": hidden, "output_dims": d_out})
        perform(call, {"draws": draws}, {}, jax)  # as a sandbox runs init_params: eagerly
    for path in folder.iterdir():  # sandboxes of other uids read it
        with contextlib.suppress(OSError):
            path.chmod(0o644)
    folder.chmod(0o755)
    _done_mark(folder).touch()


if __name__ == "__main__":
    build(Path(sys.argv[1]))
