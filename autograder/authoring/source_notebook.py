"""``python -m autograder notebook``: the assignment as a Jupyter notebook, from solutions/.

Writes the nbgrader source notebook, course/source/xor_net/xor_net.ipynb: a
short explanation before each exercise, the exercise's function exactly as in
solutions/xor_net.py (``### BEGIN/END SOLUTION`` kept for nbgrader), and a
locked test cell worth the exercise's points in the graded suites that runs
them through ``autograder.judge.notebook_checks.check``. Then it runs the real
``nbgrader generate_assignment`` on it (in a scratch copy of the course) and
ships the student notebook it makes as exercises/xor_net.ipynb.
"""

import argparse
import ast
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder import EXERCISES, KIT_ROOT, SECTIONS, SOLUTION_PATH
from autograder.judge.marks import section_points

ASSIGNMENT = "xor_net"
NBGRADER_CONFIG = KIT_ROOT / "nbgrader_config.py"
COURSE_DIR = KIT_ROOT / "course"
SOURCE_NOTEBOOK = COURSE_DIR / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
STUDENT_NOTEBOOK = KIT_ROOT / "exercises" / f"{ASSIGNMENT}.ipynb"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

INTRO = """\
# A neural network for XOR, from scratch in JAX

You will build a network with 2 inputs, 16 hidden units and 1 output, and train it
until it computes XOR, with nothing but JAX functions on arrays: no classes, no
libraries on top. There are seven exercises, one function each, in order.

How to work in this notebook:

1. Run the setup cell first (and again after restarting the kernel).
2. In each exercise cell, replace the `raise NotImplementedError(...)` line with
   your code and run the cell. The docstring says what to compute, the shapes, a
   hint and a common pitfall.
3. Run the test cell below it. It lists each test with its points (`ok` or `FAIL`)
   and, when something fails, says what was called, what came back, what was
   expected and the likely mistake. A test that needs an earlier exercise uses
   the reference version of it, so one mistake costs points in one place only.
4. When grading, your instructor also runs hidden tests of the same kind.

Cells you cannot edit belong to the grader: leave them as they are. You can
also grade this notebook outside Jupyter: `python -m autograder grade xor_net.ipynb`."""

SETUP = """\
## Setup

The four XOR cases and the training settings. `X[i]` is one input pair, `Y[i]`
its label: 1 exactly when the two inputs differ. The defaults make training
reach XOR from every random start the kit has tried (1000 of them)."""

EXPLAIN = {
    "relu": """\
## 1. ReLU

A network of matrix products alone is one big linear map, and no linear map
can separate XOR: the two inputs labelled 1, `(0, 1)` and `(1, 0)`, sit on one
diagonal of the square and the two labelled 0 on the other. The hidden layer
needs a bend. ReLU, `max(0, x)` element by element, is the simplest: it keeps
positive values and zeroes negative ones. Write it with array operations so it
works on any shape and inside `jax.jit`.""",
    "init_params": """\
## 2. The network's parameters

For one input `x` of shape `(2,)` the network computes

    hidden = relu(w1 @ x + b1)    # (16,)
    output = w2 @ hidden + b2     # (1,)

so it needs `w1 (16, 2)`, `b1 (16,)`, `w2 (1, 16)` and `b2 (1,)`, kept in one
dict. They start as small random numbers. JAX has no hidden random state:
every draw takes a key, and one key always gives the same numbers, so split
the key into four and give each array its own.""",
    "predict": """\
## 3. The forward pass

`predict` turns one input into the network's output: the hidden layer, then
ReLU, then the output layer. Read the layer sizes from the arrays rather than
writing 2, 16 or 1: the same function then works for any network of this shape,
and the tests try other sizes.""",
    "batched_predict": """\
## 4. Many inputs at once: `jax.vmap`

`predict` takes one example. `jax.vmap` turns it into a function of a whole
batch without a loop: `in_axes=(None, 0)` says "share the parameters, map over
the rows of the second argument". The result has one row per example.""",
    "loss": """\
## 5. The loss: mean squared error

How wrong is the network on one example? Take the difference between its output
and the target, square it, and average over the output units. A smaller loss
means better predictions, and because it is built from JAX operations, JAX can
differentiate it.""",
    "update": """\
## 6. One step of gradient descent: `jax.grad`

`jax.grad(loss)` is a new function that returns the derivative of the loss with
respect to its first argument, the parameters. Since the parameters are a dict,
so are the gradients, with the same keys and shapes. One step moves every
array a little against its gradient: `new = old - step_size * grad`. Build a
new dict; leave the one you were given as it was.""",
    "train": """\
## 7. The training loop, and making it fast with `jax.jit`

Training repeats `update` over every example, epoch after epoch, and records
the mean loss after each epoch so you can watch it fall. A Python loop is
correct but slow: every step goes back and forth between Python and JAX. The
reference wraps the whole loop in `jax.jit`, which traces it once and compiles
it into one program, with `jax.lax.scan` for the loops; a plain loop is fine for
this exercise.""",
}

XOR_CHECK = """\
## 8. Does it learn XOR?

This test uses only your own functions together: it trains from several random
starts with the defaults and checks that `batched_predict(params, X) > 0.5`
equals `Y` on all four inputs, and that the loss falls."""

LOSS_CURVE = """\
## 9. The loss curve

Train once from `PRNGKey(0)`, plot the mean loss after each epoch (log scale)
and print the truth table. The loss should fall by orders of magnitude, often
after a flat start while the hidden units find their directions."""

FINAL_CELL = """\
if __name__ == "__main__":  # in the notebook; skipped when the grader imports your code
    import sys

    import matplotlib

    if "ipykernel" not in sys.modules:  # not in Jupyter: draw off-screen
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    trained, losses = train(init_params(jax.random.PRNGKey(0)), X, Y)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(losses)
    ax.set(xlabel="epoch", ylabel="mean squared error", yscale="log",
           title="Training loss from PRNGKey(0)")

    outputs = batched_predict(trained, X).reshape(-1)
    print("x1 x2 | XOR | output | > 0.5")
    for (a, b), y, out in zip(X, Y, outputs, strict=True):
        print(f" {int(a)}  {int(b)} |  {int(y)}  | {float(out):6.3f} | {bool(out > 0.5)}")"""


def split_solution(text: str) -> tuple[str, dict[str, str]]:
    """The reference as notebook pieces: the setup (imports and constants) and each
    exercise's source, from its ``def`` to the next exercise (helpers included)."""
    tree = ast.parse(text)
    lines = text.splitlines()
    body = tree.body
    setup_from = body[0].end_lineno if ast.get_docstring(tree) else 0
    starts = [(node.name, min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1)
              for node in body if isinstance(node, ast.FunctionDef) and node.name in EXERCISES]
    if tuple(name for name, _ in starts) != EXERCISES:
        raise ValueError(f"{SOLUTION_PATH.name} must define {', '.join(EXERCISES)} in this order")
    setup = "\n".join(lines[setup_from:starts[0][1]]).strip("\n")
    ends = [start for _, start in starts[1:]] + [len(lines)]
    pieces = {name: "\n".join(lines[start:end]).strip("\n")
              for (name, start), end in zip(starts, ends, strict=True)}
    return setup, pieces


def _nbgrader(grade_id: str, *, points: float | None = None, solution: bool = False,
              locked: bool = False) -> dict:
    meta = {"grade": points is not None, "grade_id": grade_id, "locked": locked,
            "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def check_cell_source(exercise: str) -> str:
    return (f"from autograder.notebook import check\n\n"
            f'check("{exercise}")\n'
            f"### BEGIN HIDDEN TESTS\n"
            f'check("{exercise}", hidden=True)  # all the tests: the cell\'s score\n'
            f"### END HIDDEN TESTS")


def build_source(solution: str) -> str:
    """The nbgrader source notebook, as the text of the .ipynb file."""
    # lazy: nbformat costs ~1.5 s to import, and the command line imports this module for every command
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    setup, pieces = split_solution(solution)
    cells = [new_markdown_cell(INTRO, id="intro"), new_markdown_cell(SETUP, id="setup-text"),
             new_code_cell(setup, id="setup", metadata=_nbgrader("setup", locked=True))]
    for exercise in SECTIONS:
        if exercise in pieces:
            cells += [new_markdown_cell(EXPLAIN[exercise], id=f"{exercise}-text"),
                      new_code_cell(pieces[exercise], id=exercise,
                                    metadata=_nbgrader(exercise, solution=True))]
        else:
            cells.append(new_markdown_cell(XOR_CHECK, id=f"{exercise}-text"))
        cells.append(new_code_cell(check_cell_source(exercise), id=f"test-{exercise}",
                                   metadata=_nbgrader(f"test_{exercise}", locked=True,
                                                      points=section_points()[exercise])))
    cells += [new_markdown_cell(LOSS_CURVE, id="loss-curve-text"),
              new_code_cell(FINAL_CELL, id="loss-curve", metadata=_nbgrader("loss_curve", locked=True))]
    notebook = new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC,
                                                   "language_info": {"name": "python"}})
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"


def generate_student(source: str) -> str:
    """What ``nbgrader generate_assignment`` makes of ``source``, run for real in a scratch
    copy of the course folder."""
    with tempfile.TemporaryDirectory(prefix="xor-kit-nbgrader-") as scratch:
        root = Path(scratch)
        shutil.copy(NBGRADER_CONFIG, root / NBGRADER_CONFIG.name)
        target = root / SOURCE_NOTEBOOK.relative_to(KIT_ROOT)
        target.parent.mkdir(parents=True)
        target.write_text(source)
        done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT,
                               "--no-db", "--log-level=WARN"],
                              cwd=root, capture_output=True, text=True, timeout=300)
        release = root / "course" / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        if done.returncode != 0 or not release.is_file():
            raise RuntimeError(f"nbgrader generate_assignment failed:\n{done.stdout}{done.stderr}")
        return release.read_text()


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true",
                        help="only say whether the source and student notebooks are up to date "
                             "(exit 1 if not)")


def run(args: argparse.Namespace) -> int:
    source = build_source(SOLUTION_PATH.read_text())
    wanted = {SOURCE_NOTEBOOK: source, STUDENT_NOTEBOOK: generate_student(source)}
    stale = [path for path, text in wanted.items()
             if not path.is_file() or path.read_text() != text]
    for path in wanted:
        where = path.relative_to(KIT_ROOT)
        if args.check:
            print(f"{where}: {'out of date' if path in stale else 'up to date'}")
        elif path in stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(wanted[path])
            print(f"wrote {where}")
        else:
            print(f"up to date: {where}")
    return 1 if args.check and stale else 0
