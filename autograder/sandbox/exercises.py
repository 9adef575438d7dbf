"""The exercises, defined once: their order, parameters, which exercises each calls, how the
sandbox runs them, the network's default sizes and the XOR data. Every room reads them from
here, the sandbox child too (this file lies in the room the walls let it see).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    name: str
    parameters: tuple[str, ...]  # as the contract names them (docs/contract.md)
    calls: tuple[str, ...] = ()  # exercises it calls: its tests lend it the reference's versions
    # Plain calls run under jax.jit first (one compile instead of dozens of op-by-op ones),
    # these arguments kept static; None: run as it is (init_params and train need Python values).
    compile_first: tuple[str, ...] | None = None


SIZE_PARAMETERS = ("input_dims", "n_hidden", "output_dims")  # init_params's layer sizes
DEFAULT_SIZES = (2, 16, 1)  # their defaults: the XOR network

REGISTRY = (
    Exercise("relu", ("x",), compile_first=()),
    Exercise("init_params", ("key", *SIZE_PARAMETERS, "scale")),
    Exercise("predict", ("params", "x"), ("relu",), compile_first=()),
    Exercise("batched_predict", ("params", "X"), ("predict",), compile_first=()),
    Exercise("loss", ("params", "x", "y"), ("predict",), compile_first=()),
    Exercise("update", ("params", "x", "y", "step_size"), ("loss",), compile_first=()),
    Exercise("train", ("params", "X", "Y", "epochs", "step_size"), ("update", "loss")),
)
BY_NAME = {exercise.name: exercise for exercise in REGISTRY}
# The exercises in the order students do them and the grader grades them.
EXERCISES = tuple(exercise.name for exercise in REGISTRY)
# The end-to-end tests that use the student's functions together.
END_TO_END = "xor"
SECTIONS = (*EXERCISES, END_TO_END)
# Which exercises each calls: its tests run it with the reference versions of these, so one
# mistake costs one exercise (docs/contract.md).
CALLS = {exercise.name: exercise.calls for exercise in REGISTRY}

XOR_INPUTS = ((0, 0), (0, 1), (1, 0), (1, 1))  # the module's X
XOR_LABELS = (0, 1, 1, 0)  # the module's Y: true XOR


def network_shapes(sizes: tuple[int, int, int] = DEFAULT_SIZES) -> dict[str, tuple[int, ...]]:
    """The parameters' shapes for (input_dims, n_hidden, output_dims), as init_params returns them."""
    d_in, hidden, d_out = sizes
    return {"w1": (hidden, d_in), "b1": (hidden,), "w2": (d_out, hidden), "b2": (d_out,)}


def marker_description(section: str) -> str:
    """What ``pytest -m SECTION`` selects, as ``pytest --markers`` lists it."""
    if section == END_TO_END:
        return "end-to-end: the student's functions together learn XOR"
    return f"the {section} exercise"
