"""hostile: zero: dumps the code of the reference functions lent to it, to hand in next time

Nothing is implemented. loss, update and train, which are graded with reference functions
in place, walk everything those functions reach (code objects, closures, globals, defaults)
and raise an error whose message lists every code object's file, then its names and
constants: what a student would need to rebuild the reference in the next submission.
"""

import types

import jax.numpy as jnp

X = jnp.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=jnp.float32)
Y = jnp.array([0.0, 1.0, 1.0, 0.0], dtype=jnp.float32)

SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500


def reachable_code(start):
    """Every code object reachable from the objects in ``start``."""
    seen, found, todo = set(), [], list(start)
    while todo and len(seen) < 5000:
        thing = todo.pop()
        if id(thing) in seen:
            continue
        seen.add(id(thing))
        if isinstance(thing, types.CodeType):
            found.append(thing)
            todo.extend(c for c in thing.co_consts if isinstance(c, types.CodeType))
        elif isinstance(thing, types.FunctionType):
            todo.append(thing.__code__)
            todo.extend(cell.cell_contents for cell in thing.__closure__ or () if _filled(cell))
            todo.extend(thing.__defaults__ or ())
            todo.extend(v for k, v in thing.__globals__.items() if callable(v) and k not in globals())
        elif hasattr(thing, "__wrapped__"):
            todo.append(thing.__wrapped__)
    return found


def _filled(cell):
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def leak():
    lent = [globals().get(name) for name in ("relu", "predict", "batched_predict", "loss", "update")]
    code = reachable_code([f for f in lent if callable(f) and f.__module__ != __name__])
    files = sorted({c.co_filename for c in code})
    names = sorted({n for c in code for n in c.co_names})
    raise RuntimeError(f"LENT-FILES {files} LENT-NAMES {names}")


def relu(x):
    raise NotImplementedError


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    raise NotImplementedError


def predict(params, x):
    raise NotImplementedError


def batched_predict(params, X):
    raise NotImplementedError


def loss(params, x, y):
    leak()


def update(params, x, y, step_size=STEP_SIZE):
    leak()


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    leak()
