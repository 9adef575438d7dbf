"""The reference solution, as the judge sees it: a module, and source to lend out."""

import ast
import importlib.util
import marshal
from functools import cache
from pathlib import Path
from types import ModuleType

from autograder import CALLS, SOLUTION_PATH


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


def needed(exercises: tuple[str, ...]) -> list[str]:
    """``exercises`` and everything they call, callees first."""
    order: list[str] = []

    def visit(name: str) -> None:
        for callee in CALLS.get(name, ()):
            visit(callee)
        if name not in order:
            order.append(name)

    for name in exercises:
        visit(name)
    return order


def source_of(exercises: tuple[str, ...], path: Path = SOLUTION_PATH) -> str:
    """Source that defines the reference ``exercises`` and what they call, nothing more.

    Module-level imports and constants come along; other functions do not.
    """
    tree = ast.parse(path.read_text())
    wanted = set(needed(exercises))
    kept = [
        node for node in tree.body
        if (isinstance(node, ast.FunctionDef) and node.name in wanted)
        or isinstance(node, ast.Import | ast.ImportFrom | ast.Assign | ast.AnnAssign)
    ]
    return "\n\n".join(ast.unparse(node) for node in kept) + "\n"


def code_of(exercises: tuple[str, ...], path: Path = SOLUTION_PATH) -> bytes:
    """``source_of`` compiled here, docstrings dropped, marshalled: what a sandbox is lent."""
    return marshal.dumps(compile(source_of(exercises, path), "<reference>", "exec", optimize=2))
