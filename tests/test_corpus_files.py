"""The mistakes and correct corpora are stored as changes over the reference
(tests/corpus_files.py): each assembles to a whole module that differs from the reference in
exactly the names it overrides."""

import ast
import textwrap

import pytest
from conftest import corpus
from corpus_files import REFERENCE, assemble, assembled, is_docstring, is_whole, name_of

from autograder import EXERCISES

STORED = corpus("mistakes") + corpus("correct")


def top_level(text: str) -> dict[str, ast.stmt]:
    """A module's top-level statements by key: "module docstring", the name a def or an
    assignment binds, or the statement's text (an import, other code)."""
    table: dict[str, ast.stmt] = {}
    for node in ast.parse(text).body:
        key = "module docstring" if is_docstring(node) and not table else name_of(node) or ast.unparse(node)
        table[key] = node
    return table


def dumped(table: dict[str, ast.stmt]) -> dict[str, str]:
    return {key: ast.dump(node) for key, node in table.items()}


def code(node: ast.stmt) -> str:
    """A statement without its docstrings: what it computes."""
    copy = ast.parse(ast.unparse(node))
    for inner in ast.walk(copy):
        if isinstance(inner, ast.FunctionDef | ast.ClassDef) and inner.body and is_docstring(inner.body[0]):
            inner.body = inner.body[1:] or [ast.Pass()]
    return ast.dump(copy)


@pytest.mark.parametrize("path", STORED, ids=[f"{p.parent.name}/{p.stem}" for p in STORED])
def test_a_stored_file_assembles_to_the_reference_with_its_changes(path):
    text = assembled(path)
    functions = {n.name for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)}
    assert set(EXERCISES) <= functions, f"{path.name} lacks {set(EXERCISES) - functions}"
    if is_whole(path.read_text()):
        assert text == path.read_text()
        return
    stored, reference = top_level(path.read_text()), top_level(REFERENCE.read_text())
    assert dumped(top_level(text)) == dumped({**reference, **stored}), "the reference, the stored nodes in"
    overridden = (set(stored) & set(reference)) - {"module docstring"}
    same = [k for k in overridden if code(stored[k]) == code(reference[k])]
    assert not same, f"{path.name} stores {same} as they are in the reference: leave them out"


def test_few_files_are_stored_whole():
    whole = [p.name for p in STORED if is_whole(p.read_text())]
    assert len(whole) <= len(STORED) // 10, whole


REFERENCE_TEXT = '''\
"""The reference."""

import jax.numpy as jnp

# A constant, commented.
SCALE = 0.1


def relu(x):
    """Elementwise."""
    ### BEGIN SOLUTION
    return jnp.maximum(x, 0.0)
    ### END SOLUTION


@jax.jit
def _helper(x):
    return relu(x) * SCALE


def train(x):
    return _helper(x)
'''


def test_assemble_replaces_by_name_and_keeps_the_rest_as_written():
    stored = textwrap.dedent('''\
        """wrong: relu: a mistake.
        cause: words
        """

        import numpy as np
        import jax.numpy as jnp


        # the override's own comment
        @np.vectorize
        def relu(x):
            return np.abs(x)


        def double(x):
            return 2 * relu(x)


        print("loaded")
        ''')
    assert assemble(stored, REFERENCE_TEXT) == textwrap.dedent('''\
        """wrong: relu: a mistake.
        cause: words
        """

        import jax.numpy as jnp
        import numpy as np

        # A constant, commented.
        SCALE = 0.1


        # the override's own comment
        @np.vectorize
        def relu(x):
            return np.abs(x)


        def double(x):
            return 2 * relu(x)


        @jax.jit
        def _helper(x):
            return relu(x) * SCALE


        def train(x):
            return _helper(x)


        print("loaded")
        ''')


def test_a_whole_file_is_its_own_module():
    stored = '"""wrong: relu: a syntax error.\nwhole: it does not parse\n"""\ndef relu(x) return x\n'
    assert is_whole(stored) and assemble(stored, REFERENCE_TEXT) == stored
    assert not is_whole('"""wrong: relu: compares a whole array with 0."""\n')
