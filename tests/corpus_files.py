"""The corpus files as whole modules, the way a student would hand them in.

A file of tests/corpus/mistakes or tests/corpus/correct is stored as what it changes in the
reference (solutions/xor_net.py):

- its module docstring, whose first line is the expectation the tests read
  (``wrong: EXERCISE: description`` or ``correct: description``);
- the imports the reference lacks;
- the top-level functions, classes and assignments that differ from the reference's of the
  same name (their names are looked up in the reference);
- any other top-level code (extras).

``assemble`` puts them into the reference's text: each override replaces the reference's
node of its name (its source lines, so the rest keeps its comments and formatting), extras
go after the last node they use (or at the end), missing imports after the reference's
imports, and the docstring replaces the reference's. Whatever the override leaves out (its
unchanged functions, the reference's private ``_helpers``) is the reference's.

A file that is not a change of the reference (its structure differs, or a document grades
it as it is) is stored whole: its docstring has a line ``whole: why``.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
REFERENCE = ROOT / "solutions" / "xor_net.py"
ASSEMBLED = ("mistakes", "correct")  # the kinds stored as changes (hostile files are whole)
WHOLE = "whole: "


def is_whole(text: str) -> bool:
    """Whether a stored file is a whole module (its docstring has a line ``whole: why``); read
    as text, since a whole file need not parse."""
    docstring = text.split('"""')[1] if text.count('"""') >= 2 else ""
    return any(line.startswith(WHOLE) for line in docstring.splitlines())


def name_of(node: ast.stmt) -> str | None:
    """The one name a top-level def or assignment binds; None for other statements."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return node.name
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
    elif isinstance(node, ast.AnnAssign):
        target = node.target
    else:
        return None
    return target.id if isinstance(target, ast.Name) else None


def is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(
        node.value.value, str)


def is_import(node: ast.stmt) -> bool:
    return isinstance(node, ast.Import | ast.ImportFrom)


def first_line(node: ast.stmt) -> int:
    """Where a node's source begins (its first decorator for a decorated def), 1-based."""
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def last_line(lines: list[str], node: ast.stmt) -> int:
    """Where a node's source ends, 1-based: its last statement, or the indented comments right
    after it (the reference's ``### END SOLUTION``)."""
    end = node.end_lineno or node.lineno
    while end < len(lines) and lines[end][:1].isspace() and lines[end].lstrip().startswith("#"):
        end += 1
    return end


def source_of(lines: list[str], node: ast.stmt) -> str:
    """A node's source lines, with the comment lines right above it."""
    start = first_line(node) - 1
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1
    return "".join(lines[start:last_line(lines, node)])


class Override:
    """A stored change of the reference, split into its parts."""

    def __init__(self, text: str, reference_names: set[str]) -> None:
        tree = ast.parse(text)
        lines = text.splitlines(keepends=True)
        if not tree.body or not is_docstring(tree.body[0]):
            raise ValueError("a stored change begins with its module docstring")
        self.docstring = source_of(lines, tree.body[0])
        self.imports: list[ast.stmt] = []
        self.named: dict[str, str] = {}  # reference name -> the override's source for it
        self.extras: list[tuple[ast.stmt, str]] = []  # other code, with its source
        for node in tree.body[1:]:
            name = name_of(node)
            if is_import(node):
                self.imports.append(node)
            elif name in reference_names:
                if name in self.named:
                    raise ValueError(f"{name} is overridden twice")
                self.named[name] = source_of(lines, node)
            else:
                self.extras.append((node, source_of(lines, node)))


def used_names(node: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def defined_names(node: ast.stmt) -> set[str]:
    name = name_of(node)
    if name is not None:
        return {name}
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def place_extras(body: list[ast.stmt], override: Override) -> dict[int, list[str]]:
    """Where each extra goes: after the index of the last reference node (or earlier extra)
    defining a name it uses, else after the last node; their sources, in the override's order."""
    defined_at = {name: index for index, node in enumerate(body) for name in defined_names(node)}
    after: dict[int, list[str]] = {}
    for node, source in override.extras:
        uses = [defined_at[n] for n in used_names(node) if n in defined_at]
        index = max(uses) if uses else len(body) - 1
        after.setdefault(index, []).append(source)
        defined_at.update(dict.fromkeys(defined_names(node), index))
    return after


def assemble(stored: str, reference: str) -> str:
    """The whole module a stored file stands for (see the module's docstring)."""
    if is_whole(stored):
        return stored
    tree = ast.parse(reference)
    lines = reference.splitlines(keepends=True)
    override = Override(stored, {n for n in map(name_of, tree.body) if n is not None})
    present = {ast.unparse(n) for n in tree.body if is_import(n)}
    missing = "".join(ast.unparse(n) + "\n" for n in override.imports if ast.unparse(n) not in present)
    last_import = max((i for i, n in enumerate(tree.body) if is_import(n)), default=0)
    extras = place_extras(tree.body, override)
    out, done = [], 0  # done: the reference's lines written so far
    for index, node in enumerate(tree.body):
        start = first_line(node) - 1
        out.append("".join(lines[done:start]))  # the comments and blank lines between nodes
        if index == 0 and is_docstring(node):
            out.append(override.docstring)
        else:
            out.append(override.named.get(name_of(node) or "", "".join(lines[start:last_line(lines, node)])))
        if index == last_import:
            out.append(missing)
        out += ["\n\n" + source for source in extras.get(index, [])]
        done = last_line(lines, node)
    out.append("".join(lines[done:]))
    return "".join(out)


def assembled(path: Path) -> str:
    """A corpus file's whole module (a hostile file is one as it is stored)."""
    if path.parent.name not in ASSEMBLED:
        return path.read_text()
    return assemble(path.read_text(), REFERENCE.read_text())


def write_corpus(kind: str, folder: Path) -> dict[Path, Path]:
    """Every file of tests/corpus/KIND, whole, written into ``folder`` under its own name:
    ``{stored file: written file}``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for path in sorted((CORPUS / kind).glob("*.py")):
        written[path] = folder / path.name
        written[path].write_text(assembled(path))
    return written
