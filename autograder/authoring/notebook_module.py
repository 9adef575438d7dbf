"""A notebook submission as a module: its code cells in order, IPython syntax commented out.

The grader grades a ``.ipynb`` exactly like a ``.py``: this module turns one
into the other. Magics (``%time``, ``%%writefile``) and shell escapes
(``!pip install``, ``files = !ls``) mean nothing outside IPython, so they
become comments instead of syntax errors; a ``%%`` cell magic comments out
its whole cell. nbgrader's autograded test cells (``grade`` true,
``solution`` false) are left out: they call the kit's checks, which a
submission never imports.
"""

import json
import re
from pathlib import Path

import nbformat

# `x = !cmd`, `x = %magic`: an assignment whose right-hand side is IPython syntax.
_ASSIGNED_ESCAPE = re.compile(r"^[\w.,\s()\[\]]+=\s*[!%]")
# `jnp.maximum?`, `??relu`: IPython's help syntax.
_HELP = re.compile(r"^(\?{1,2}[\w.]+|[\w.]+\?{1,2})$")


class NotebookError(ValueError):
    """The file is not a notebook the grader can read."""


def is_ipython_line(line: str) -> bool:
    """Whether ``line`` is IPython syntax rather than Python: a magic, a shell escape, help."""
    text = line.strip()
    return (text.startswith(("%", "!")) or bool(_ASSIGNED_ESCAPE.match(text))
            or bool(_HELP.match(text)))


def is_autograded_test(cell: nbformat.NotebookNode) -> bool:
    """An nbgrader test cell: graded, and not where the student writes a solution."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution", False)


def cell_to_source(source: str) -> str:
    """One code cell as Python: IPython lines become comments (``pass`` keeps a block valid)."""
    if source.lstrip().startswith("%%"):
        return "\n".join(f"# [cell magic] {line}" for line in source.splitlines())
    lines = []
    for line in source.splitlines():
        if is_ipython_line(line):
            indent = line[: len(line) - len(line.lstrip())]
            line = f"{indent}pass  # [IPython] {line.strip()}" if indent else f"# [IPython] {line}"
        lines.append(line)
    return "\n".join(lines)


def read_notebook(path: Path, content: bytes | None = None) -> nbformat.NotebookNode:
    """The notebook at ``path`` (or its ``content``, read already), or a NotebookError that
    says what is wrong with it."""
    unreadable = f"{path.name} is not a readable Jupyter notebook"
    try:
        data = json.loads((path.read_bytes() if content is None else content).decode("utf-8"))
    except UnicodeDecodeError:
        raise NotebookError(f"{unreadable}: it is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise NotebookError(f"{unreadable}: it is not valid JSON ({error.msg} at line {error.lineno}, "
                            f"column {error.colno})") from None
    except RecursionError:  # a red-team notebook nested 60,000 lists deep
        raise NotebookError(f"{unreadable}: its JSON is nested too deep") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError(f"{unreadable}: it is JSON, but has no list of cells")
    try:
        return nbformat.reads(json.dumps(data), as_version=4)
    except Exception as error:  # nbformat's version and validation errors alike
        raise NotebookError(f"{unreadable} ({type(error).__name__}: "
                            f"{str(error).splitlines()[0][:300]})") from None


def notebook_to_source(path: Path | str, content: bytes | None = None) -> str:
    """The notebook's code cells, in order, as the source of one module."""
    path = Path(path)
    notebook = read_notebook(path, content)
    parts = [f"# Converted from {path.name} by the XOR kit's grader: its code cells in order."]
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.get("cell_type") != "code" or is_autograded_test(cell):
            continue
        parts.append(f"# --- cell {number} ---\n{cell_to_source(cell.get('source', ''))}")
    return "\n\n".join(parts) + "\n"
