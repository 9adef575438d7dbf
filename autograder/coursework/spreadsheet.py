"""CSV files that spreadsheets open safely (OWASP's CSV-injection rule) and Python reads back.

A free-text cell (a name, a comment, feedback, a file name) that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is written with a leading ``'``, so that no
spreadsheet runs it as a formula; a number stays a number. An identifier an LMS matches
rows on cannot be escaped without breaking the match: one that starts so is refused.
"""

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

from autograder.coursework.bad_input import BadInput
from autograder.judge.report import write_atomic

RISKY = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def cell(value: object) -> str:
    text = str(value)
    if text.startswith(RISKY) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def uncell(text: str) -> str:
    """A cell as ``cell`` escaped it, as it was."""
    return text[1:] if text.startswith("'") and text[1:].startswith(RISKY) else text


def identifier(value: str, what: str) -> str:
    """``value`` as it is, or BadInput if a spreadsheet would run it."""
    if value.startswith(RISKY) and not NUMBER.fullmatch(value):
        raise BadInput(f"{what} {value!r} starts with {value[0]!r}: a spreadsheet would run it as a "
                       "formula, and escaping it would break the LMS's match; correct it in the roster")
    return value


def write(path: Path, rows: Iterable[Iterable[object]], for_people: bool) -> None:
    """Write ``rows``, every cell escaped (an identifier checked by ``identifier`` is left as
    it is); ``for_people``: with a byte-order mark, so that Excel reads it as UTF-8."""
    text = io.StringIO()
    writer = csv.writer(text)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    write_atomic(path, ("\ufeff" if for_people else "") + text.getvalue())
