"""hostile: zero: writes no exercise; borrows the reference from the kit's tests/ where the kit lies
inside the interpreter's folder

attack (layout-dependent): where the kit lies inside the interpreter's folder, borrow the reference
from its tests/

The walls cover only five paths of a kit that lies inside sys.prefix/sys.base_prefix
(walls.bwrap_command's ``hidden``: autograder/, solutions/, the answers, .cache/xla,
.cache/secret). Everything else of the kit stays visible, read-only, under namespaces and under
Landlock: tests/ (the hostile corpus holds full copies of the reference), .git (every version
of solutions/xor_net.py), docs/, benchmarks/. docs/trust.md lists tests/, .git/, source/,
notebooks/ and release/ as "never readable" -- true only of the audit hook's list.

This file writes no exercise. At import it looks under sys.prefix and sys.base_prefix for a
kit's tests/corpus, takes the first file there that defines every exercise and trains XOR, and
exports its functions as its own. Where the kit is not inside the interpreter's folder (the
README's layout, .venv inside the kit) it finds nothing and is graded as the stubs (0).
Layout used: the kit cloned into the venv's folder (/work/redteam/.venv/xorkit).
"""
import os
import sys

import jax.numpy as jnp

X = jnp.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=jnp.float32)
Y = jnp.array([0.0, 1.0, 1.0, 0.0], dtype=jnp.float32)
SCALE, STEP_SIZE, EPOCHS = 0.1, 0.1, 500
NAMES = ("relu", "init_params", "predict", "batched_predict", "loss", "update", "train")


def _candidates():
    for root in dict.fromkeys((sys.prefix, sys.base_prefix)):
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in ("site-packages", "include", "share")]
            if folder.endswith(os.path.join("tests", "corpus", "hostile")):
                for name in sorted(files):
                    if name.endswith(".py"):
                        yield os.path.join(folder, name)


def _borrow():
    for path in _candidates():
        try:
            source = open(path).read()
        except OSError:
            continue
        if "hostile: full" not in source:  # the corpus marks files that earn full marks
            continue
        if any(f"\nimport {m}" in source for m in ("os", "sys", "ctypes", "subprocess", "signal", "gc")):
            continue  # only the plain ones: their import does nothing but define the reference
        namespace = {"__name__": "xor_net_borrowed"}
        try:
            exec(compile(source, path, "exec"), namespace)
        except Exception:
            continue
        if all(callable(namespace.get(n)) for n in NAMES):
            print("BORROWED THE REFERENCE FROM", path)
            return namespace
    print("NOTHING TO BORROW")
    return None


_found = _borrow()
if _found is not None:
    globals().update({n: _found[n] for n in NAMES})
    SCALE, STEP_SIZE, EPOCHS = _found["SCALE"], _found["STEP_SIZE"], _found["EPOCHS"]
else:
    def relu(x):
        raise NotImplementedError
