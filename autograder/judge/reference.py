"""The reference solution, as the judge sees it: a module, and source to lend out."""

import importlib.util
import inspect
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

# JAX is imported where it is used: `import jax` costs about 1.5 s (1.6-1.8 s against 0.3 s for
# this module, measured), which the commands that never grade (export, feedback, --help) skip.
import numpy as np

from autograder import SOLUTION_PATH
from autograder.sandbox import wire
from autograder.sandbox.protocol import Answer, Ask, Question

if TYPE_CHECKING:
    from autograder.sandbox.calls import Call


def available(path: Path = SOLUTION_PATH) -> bool:
    """Whether this kit has the reference; a student's release has only its recorded answers."""
    return path.is_file()


@cache
def load(path: Path = SOLUTION_PATH) -> ModuleType:
    """Import the reference under its own name, apart from any submission."""
    spec = importlib.util.spec_from_file_location("xor_net_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def signatures(names: tuple[str, ...] | list[str]) -> dict[str, list[list]]:
    """Each reference function's parameters, ``[name]`` or ``[name, default]``: all a sandbox
    needs to stand in for it (autograder.sandbox.lent)."""
    module = load()
    return {name: [[p.name] if p.default is inspect.Parameter.empty else [p.name, p.default]
                   for p in inspect.signature(getattr(module, name)).parameters.values()]
            for name in names}


LENT_ELEMENTS = 100_000  # numbers in a question's arguments, and in its answer
LENT_SHAPES = 200  # different argument shapes a submission may ask about (each compiles)
LENT_LEAVES = 64  # arrays and numbers in a question's arguments (the tests pass at most a dozen)


class Lender:
    """Answers a sandbox's stand-ins: what the reference function returns, its output's shape,
    or its vector-Jacobian product, for the functions lent to the call being graded only."""

    def __init__(self) -> None:
        self._compiled: dict[tuple[str, str], Callable] = {}
        self._shapes: set[tuple] = set()  # the argument shapes answered: each costs a compile

    def __call__(self, call: "Call", question: Question) -> Answer:
        name, kind = question.name, question.kind
        if name not in call.with_reference:  # the judge's own list: never a name the child chose
            return Answer(error=f"the reference {name[:40]} is not lent to this call")
        try:
            args = wire.decode(question.args)
            if not isinstance(args, tuple):
                return Answer(error="the arguments of a reference function are not a tuple")
            refusal = self._refusal(name, args)
            if refusal:
                return Answer(error=refusal)
            if kind == Ask.VJP:
                answer = self._program(name, kind)(args, wire.decode(question.cotangent))
            else:
                answer = self._program(name, kind)(*args)
            return Answer(value=wire.encode(_plain(answer)))
        except Exception as error:  # the student's arguments did not fit the reference
            return Answer(error=f"{type(error).__name__}: {str(error).splitlines()[0][:500]}")

    def _refusal(self, name: str, args: tuple) -> str | None:
        """Why a question is not answered: the tests ask about small networks, a few shapes."""
        import jax  # lazy: JAX costs ~1.5 s to import (see the note at the top)

        leaves, tree = jax.tree.flatten(args)
        if len(leaves) > LENT_LEAVES:  # each leaf and key is work for the judge (an attack sent 60,000)
            return f"the arguments of the reference {name} hold more arrays than the tests ever pass"
        shapes = (str(tree), tuple(np.shape(leaf) for leaf in leaves))  # each compiles anew
        if (name, shapes) in self._shapes:  # checked already: its answer's size too
            return None
        if sum(int(np.prod(s)) for s in shapes[1]) > LENT_ELEMENTS:
            return f"the arguments of the reference {name} are larger than the tests ever pass"
        try:
            out = jax.eval_shape(getattr(load(), name), *args)
        except Exception:
            return None  # the call itself will say what does not fit
        if sum(int(np.prod(s.shape)) for s in jax.tree.leaves(out)) > LENT_ELEMENTS:
            return f"the result of the reference {name} would be larger than the tests ever need"
        self._shapes.add((name, shapes))
        if len(self._shapes) > LENT_SHAPES:
            return f"the reference functions were asked about more than {LENT_SHAPES} argument shapes"
        return None

    def _program(self, name: str, kind: Ask) -> Callable:
        import jax  # lazy: JAX costs ~1.5 s to import (see the note at the top)

        key = (name, kind)
        if key not in self._compiled:
            function = getattr(load(), name)
            if kind == Ask.SHAPE:
                self._compiled[key] = lambda *args: jax.tree.map(
                    lambda s: np.zeros(s.shape, s.dtype), jax.eval_shape(function, *args))
            elif kind == Ask.VALUE:
                self._compiled[key] = jax.jit(function)
            else:
                self._compiled[key] = jax.jit(lambda args, cotangent: jax.vjp(function, *args)[1](cotangent))
        return self._compiled[key]


def _plain(value: object) -> object:
    import jax  # lazy: JAX costs ~1.5 s to import (see the note at the top)

    return jax.tree.map(np.asarray, value)
