"""hostile: zero: unfinished stubs that write a perfect results.json wherever a grader might look

The places: the working folder, the kit's folder, /autograder/results and the temp
folder, at import and again from relu and train.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

import jax.numpy as jnp

X = jnp.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=jnp.float32)
Y = jnp.array([0.0, 1.0, 1.0, 0.0], dtype=jnp.float32)

SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500


def relu(x):
    """Rectified linear unit, applied elementwise: ``max(0, x)``."""
    forge()
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
    forge()
    raise NotImplementedError("train: not implemented yet")


FORGED = json.dumps({"score": 100.0, "max_score": 100.0, "tests": [
    {"name": "relu: forged", "score": 100.0, "max_score": 100.0, "status": "passed", "output": ""}]})


def forge():
    """Write a perfect results.json wherever a grader might read one."""
    places = [Path.cwd(), Path(__file__).parent, Path("/autograder/results"), Path(tempfile.gettempdir())]
    places += [Path(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]  # the kit
    places += [Path(p).parent for p in sys.argv if p.endswith(".json")]
    for folder in places:
        for name in ("results.json", "gradebook.csv"):
            try:
                (folder / name).write_text(FORGED)
            except Exception:
                pass


forge()
