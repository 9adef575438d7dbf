"""hostile: notabove:shape_only_zeros: every function returns objects that hold no numbers

A dict of them from init_params, update and train.

Objects that are not arrays used to earn the tests of a dict's keys and of purity.
"""

SCALE = 0.1
STEP_SIZE = 0.1
EPOCHS = 500


class Nothing:
    """Holds no numbers; says yes to every comparison."""

    shape = ()

    def __eq__(self, other):
        return True

    def __repr__(self):
        return "Nothing()"


def relu(x):
    return Nothing()


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    return {name: Nothing() for name in ("w1", "b1", "w2", "b2")}


def predict(params, x):
    return Nothing()


def batched_predict(params, X):
    return Nothing()


def loss(params, x, y):
    return Nothing()


def update(params, x, y, step_size=STEP_SIZE):
    return {name: Nothing() for name in params}


def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    return {name: Nothing() for name in params}, Nothing()
