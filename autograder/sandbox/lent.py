"""Reference functions lent to a submission, as stand-ins that ask the judge.

When ``loss`` is graded with the reference ``predict`` in place, the sandbox never holds
the reference's code: ``predict`` in the submission's module is a stand-in that sends its
arguments to the judge and returns what the judge's reference computes. It works under
``jax.jit`` and ``jax.vmap`` (a host callback, one question per row) and ``jax.grad`` (a
custom VJP whose backward pass asks the judge too). The judge answers only for the
functions lent to the call it is waiting on, so a stand-in kept for later earns nothing.
"""

import threading
from collections.abc import Callable
from typing import Any, BinaryIO

import numpy as np

from autograder.sandbox import protocol, wire
from autograder.sandbox.protocol import Answer, Ask, Question


class JudgeLine:
    """Questions to the judge from inside a call (from whichever thread JAX runs a callback on)."""

    def __init__(self, requests: BinaryIO, replies: BinaryIO) -> None:
        self._requests, self._replies, self._lock = requests, replies, threading.Lock()

    def ask(self, question: Question) -> Any:
        with self._lock:
            protocol.write(self._replies, question)
            answer = protocol.read(self._requests, (Answer,))
        if answer is None:
            raise RuntimeError("the grader stopped answering")
        if answer.error is not None:
            raise ValueError(answer.error)
        return wire.decode(answer.value)


def bind(name: str, parameters: list[list], args: tuple, kwargs: dict) -> tuple:
    """The arguments in the order of ``parameters`` ([name] or [name, default]), as Python would."""
    values, given = list(args), dict(kwargs)
    if len(values) > len(parameters):
        raise TypeError(f"{name}() takes {len(parameters)} arguments but {len(values)} were given")
    for parameter in parameters[len(values):]:
        if parameter[0] in given:
            values.append(given.pop(parameter[0]))
        elif len(parameter) > 1:
            values.append(parameter[1])
        else:
            raise TypeError(f"{name}() missing required argument: '{parameter[0]}'")
    if given:
        raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(given))}'")
    return tuple(values)


def stand_in(name: str, parameters: list[list], line: JudgeLine, jax: Any) -> Callable:
    """What the submission's module holds instead of the reference ``name`` during a call."""

    def function(*args: Any, **kwargs: Any) -> Any:
        values = jax.tree.map(jax.numpy.asarray, bind(name, parameters, args, kwargs))
        leaves, tree = jax.tree.flatten(values)

        def ask(kind: Ask, arrays: list, cotangent: Any = None) -> Any:
            return line.ask(Question(kind, name, wire.encode(tree.unflatten(arrays)),
                                     None if cotangent is None else wire.encode(cotangent)))

        @jax.custom_vjp
        def run(*leaves: Any) -> Any:
            shapes = jax.tree.map(lambda z: jax.ShapeDtypeStruct(np.shape(z), np.asarray(z).dtype),
                                  ask(Ask.SHAPE, [np.zeros(leaf.shape, leaf.dtype) for leaf in leaves]))
            return jax.pure_callback(lambda *xs: ask(Ask.VALUE, list(xs)), shapes, *leaves,
                                     vmap_method="sequential")

        def forward(*leaves: Any) -> tuple:
            return run(*leaves), leaves

        def backward(saved: tuple, cotangent: Any) -> tuple:
            pieces, shape_of_cotangent = jax.tree.flatten(cotangent)
            count = len(saved)

            def vjp(*xs: Any) -> tuple:
                got = ask(Ask.VJP, list(xs[:count]), shape_of_cotangent.unflatten(list(xs[count:])))
                return tuple(np.asarray(g, dtype=s.dtype) for g, s in zip(jax.tree.leaves(got), saved,
                                                                            strict=True))

            specs = tuple(jax.ShapeDtypeStruct(leaf.shape, leaf.dtype) for leaf in saved)
            return jax.pure_callback(vjp, specs, *saved, *pieces, vmap_method="sequential")

        run.defvjp(forward, backward)
        return run(*leaves)

    function.__name__ = function.__qualname__ = name
    return function
