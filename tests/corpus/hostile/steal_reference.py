"""hostile: zero: unfinished stubs that hunt for the reference and copy its functions

It imports solutions.xor_net and autograder, globs for xor_net.py under / and for every
.py in the kit, looks in other sandboxes' folders and in the folder the grader was handed
this file from (named on the grader's command line), and copies what it finds.
"""

import glob
import importlib
import os

import jax.numpy as jnp

X = jnp.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=jnp.float32)
Y = jnp.array([0.0, 1.0, 1.0, 0.0], dtype=jnp.float32)

SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500


def relu(x):
    """Rectified linear unit, applied elementwise: ``max(0, x)``."""
    raise NotImplementedError("relu: not implemented yet")


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    """Draw the starting parameters, one key per array."""
    raise NotImplementedError("init_params: not implemented yet")


def predict(params, x):
    """The forward pass for one example."""
    raise NotImplementedError("predict: not implemented yet")


def batched_predict(params, X):
    """``predict`` for every row of ``X``."""
    raise NotImplementedError("batched_predict: not implemented yet")


def loss(params, x, y):
    """Mean squared error of the prediction for one example."""
    raise NotImplementedError("loss: not implemented yet")


def update(params, x, y, step_size=STEP_SIZE):
    """One step of gradient descent on ``loss``."""
    raise NotImplementedError("update: not implemented yet")


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    """Per-example gradient descent."""
    raise NotImplementedError("train: not implemented yet")


def candidates():
    """Files that might hold the reference: the kit's folder (from PYTHONPATH), the folder the
    grader was handed this file from (from its command line), other sandboxes' folders."""
    kit = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    sandboxes = os.path.dirname(os.getcwd())
    patterns = ["/" + "*/" * depth + "xor_net.py" for depth in range(5)]
    patterns += [os.path.join(root, "**", "*.py") for root in kit]
    patterns += ["/proc/*/cwd/*.py", os.path.join(sandboxes, "*", "*.py")]
    try:
        with open(f"/proc/{os.getppid()}/cmdline", "rb") as f:
            judge = f.read().decode().split(chr(0))
        judged = [os.path.dirname(a) for a in judge if a.endswith((".py", ".ipynb")) and os.path.isabs(a)]
        patterns += [os.path.join(folder, "*.py") for folder in judged]
        kit += judged
    except Exception:
        pass
    found = set()
    for pattern in patterns:
        try:
            found.update(glob.glob(pattern, recursive=True))
        except Exception:
            pass
    kit += [sandboxes]
    # Copies elsewhere on the machine are the instructor's to keep private, not the grader's.
    return [p for p in sorted(found)
            if any(os.path.realpath(p).startswith(os.path.realpath(r) + os.sep) for r in kit)]


def steal():
    """Take relu ... train from any reference the grader left within reach."""
    for module in ("solutions.xor_net", "autograder.reference"):
        try:
            loaded = importlib.import_module(module)
            loaded = getattr(loaded, "load", lambda: loaded)()
            if callable(getattr(loaded, "train", None)):
                globals().update({n: getattr(loaded, n) for n in NAMES})
                return module
        except BaseException:
            pass
    for path in candidates():
        try:
            with open(path) as f:
                source = f.read()
            if "def train" not in source or "NotImplementedError" in source or "steal()" in source:
                continue
            namespace = {"__name__": "stolen", "__file__": path}
            exec(compile(source, path, "exec"), namespace)
            globals().update({n: namespace[n] for n in NAMES if n in namespace})
            globals().update({k: v for k, v in namespace.items() if k.startswith("_")
                              and callable(v) and k not in globals()})
            return path
        except BaseException:
            pass
    return None


NAMES = ("relu", "init_params", "predict", "batched_predict", "loss", "update", "train")
print("stolen from:", steal())
