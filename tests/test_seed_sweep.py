"""Correct code passes every seeded test at every seed, and no message blames it.

The graded tests draw their inputs from the grading's seed (autograder.judge.checks.rng). Here
the reference and every correct corpus variant are graded, in this process and without a
sandbox, by the suites' own test functions (autograder.judge.notebook_checks.run_test) at
``SEEDS`` seeds. The xor tests' seeded inputs are keys below checks.XOR_KEYS, all of which
test_defaults trains the reference from (in one vmapped program); the corpus gradings
(test_corpus) run the xor tests on every correct variant.

A variant is swept on the exercises whose code differs from the reference's: a test of one
exercise lends the reference for the ones it calls, so on the others the variant runs the
reference's very code.
"""

import ast
import importlib.util
import inspect
import textwrap
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import ROOT, corpus

from autograder import EXERCISES
from autograder.judge import checks
from autograder.judge.notebook_checks import GradedTest, graded_tests, quiet_stderr, run_test
from autograder.judge.submissions import InProcessSubmission
from autograder.sandbox import wire
from autograder.sandbox.calls import Call, _echoing, transformed
from autograder.sandbox.exercises import BY_NAME

pytestmark = pytest.mark.slow  # two minutes on one core: CI runs it with the slow half

SEEDS = range(1, 1001)
SWEPT = [e for e in EXERCISES if e != "xor"]


class CompiledOnce(InProcessSubmission):
    """The in-process back end, with each kind of call compiled once (perform compiles anew on
    every call, and the sweep asks the same calls of new numbers a thousand times). A call that
    does not compile (a train that reads its losses with float()) runs as perform runs it."""

    def __init__(self, module: ModuleType) -> None:
        super().__init__(vars(module), module.__file__, name=Path(str(module.__file__)).name)
        self.programs: dict[tuple, Any] = {}
        self.lent = vars(load(ROOT / "solutions" / "xor_net.py"))

    def call(self, call: Call) -> Any:
        key = (call.function, call.transforms, repr(call.in_axes), call.with_reference,
               tuple(call.kwargs), call.echo_args)
        if key not in self.programs:
            self.programs[key] = self._program(call)
        if self.programs[key] is None:
            return super().call(call)
        namespace = self.namespace
        saved = {name: namespace[name] for name in call.with_reference}
        try:
            namespace.update({name: self.lent[name] for name in call.with_reference})  # type: ignore[attr-defined]
            with self._jax.default_matmul_precision("highest"):
                value = self.programs[key](*call.args, **call.kwargs)
        except Exception:
            self.programs[key] = None
            return super().call(call)  # the error, said as a grading says it
        finally:
            namespace.update(saved)  # type: ignore[attr-defined]
        return wire.decode(wire.encode(value))

    def _program(self, call: Call) -> Any:
        static = {"train": ("epochs",), "init_params": ("input_dims", "n_hidden", "output_dims")}.get(
            call.function, BY_NAME[call.function].compile_first if call.function in BY_NAME else None)
        if static is None or "size" in call.transforms:
            return None
        function = transformed(self.namespace[call.function], call, self._jax)
        return self._jax.jit(_echoing(function) if call.echo_args else function, static_argnames=static)


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"swept_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def differs(module: ModuleType, reference: ModuleType, exercise: str) -> bool:
    """Whether ``exercise`` in ``module`` may compute otherwise than the reference's: its source
    differs, or it calls a helper of the module's own (not an exercise)."""
    function = getattr(module, exercise)
    helpers = [n for n in function.__code__.co_names
               if n not in EXERCISES and inspect.isfunction(getattr(module, n, None))]
    return bool(helpers) or body(function) != body(getattr(reference, exercise))


def body(function: Any) -> str:
    """A function's code without its docstring, as a syntax tree."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function))).body[0]
    assert isinstance(tree, ast.FunctionDef)
    statements = tree.body[1:] if ast.get_docstring(tree) else tree.body
    return ast.dump(ast.Module(body=statements, type_ignores=[]))


def sweep(module: ModuleType, tests: list[GradedTest], seeds: range) -> list[str]:
    """Every failure of ``tests`` at ``seeds``, as 'seed N, test: message'."""
    submission, answers = CompiledOnce(module), CompiledOnce(load(ROOT / "solutions" / "xor_net.py"))
    failures = []
    for seed in seeds:
        checks.use_seed(seed)
        for test in tests:
            outcome = run_test(test, submission, answers)
            if not outcome.passed:
                failures.append(f"seed {seed}, {test.name}: {outcome.message[:400]}")
    return failures


@pytest.fixture(scope="module")
def reference_module() -> ModuleType:
    return load(ROOT / "solutions" / "xor_net.py")


VARIANTS = [ROOT / "solutions" / "xor_net.py", *corpus("correct")]


@pytest.mark.parametrize("path", VARIANTS, ids=[p.stem for p in VARIANTS])
def test_correct_code_passes_every_seeded_test_at_every_seed(path, reference_module, whole_corpus):
    module = load(whole_corpus.get(path, path))  # a corpus file as a whole module
    exercises = [e for e in SWEPT if path == VARIANTS[0] or differs(module, reference_module, e)]
    assert exercises, f"{path.name} is the reference's code throughout: it sweeps nothing"
    tests = [t for e in exercises for t in graded_tests(e)]
    started = time.perf_counter()
    try:
        with quiet_stderr():
            failures = sweep(module, tests, SEEDS)
    finally:
        checks.use_seed(0)
    seconds = time.perf_counter() - started
    print(f"{path.name}: {len(tests)} tests of {', '.join(exercises)} at {len(SEEDS)} seeds, {seconds:.1f} s")
    assert not failures, f"{len(failures)} failures, the first:\n" + "\n".join(failures[:5])
