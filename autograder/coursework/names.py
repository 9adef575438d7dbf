"""Students' names as people and file systems write them, matched one way everywhere.

A class folder, a roster, a submission-times file and an overrides file name the same
students in whatever form their tools wrote: macOS decomposes ``ë`` (NFD), a spreadsheet
keeps it composed (NFC), a student types ``Carol.py`` where the roster says ``carol``. The
name rule: the name without a ``.py``/``.ipynb`` suffix, Unicode NFC, case folded. Two
entries of one file that become the same name are refused, both spellings shown, so that
no row ever takes another's grade. Names with control characters, and names that are the
kit's own output files, are refused too.

Folders are walked without recursion, to a bounded depth and without following links,
so that no folder handed in (1,200 nested levels, a loop of links) stops a class run.
"""

import os
import stat
import unicodedata
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

SUFFIXES = (".py", ".ipynb")
MAX_DEPTH = 32  # folders below a student's own: deeper ones are not searched
MAX_FILES = 10_000  # entries looked at in one student's folder
# What a class run writes in its grades folder, and beside each student's folder there:
# no student may be named like one (a file ``gradebook.csv.py`` would be student ``gradebook.csv``).
RESERVED = {"gradebook.csv", "similarity.csv", "course.json", "feedback", "canvas.csv", "moodle.csv",
            ".staging", ".set-aside", "__pycache__"}


def key(name: str) -> str:
    """The name rule: NFC, case folded, surrounding spaces dropped."""
    return unicodedata.normalize("NFC", name).strip().casefold()


def student_of(file_name: str) -> str:
    """The student a file or folder name stands for: without its suffix, NFC."""
    name = unicodedata.normalize("NFC", file_name)
    while True:  # carol.py.py is carol too
        suffix = next((s for s in SUFFIXES if name.lower().endswith(s) and len(name) > len(s)), "")
        if not suffix:
            return name
        name = name[: -len(suffix)]


def problem(name: str) -> str | None:
    """Why ``name`` cannot be a student's name (in a folder or a file); None when it can."""
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        return "has a control or invisible character in its name"
    if "/" in name or "\\" in name or name.strip() in (".", ".."):
        return "has a folder separator in its name"
    if key(name) in RESERVED or not name.strip():
        return "is named like one of the files the kit writes"
    return None


class Clash(ValueError):
    """Two entries that name the same student once the name rule applies."""


def unique(spellings: Iterable[str], where: str) -> dict[str, str]:
    """Each of ``spellings`` by its key; Clash naming both spellings when two share one."""
    found: dict[str, str] = {}
    for spelling in spellings:
        if (other := found.get(key(spelling))) is not None:
            raise Clash(f"{where}: {spelling!r} is listed twice" if other == spelling else
                        f"{where}: {shown(other, spelling)} are the same student once case and "
                        "Unicode form are ignored")
        found[key(spelling)] = spelling
    return found


def shown(first: str, second: str) -> str:
    """Two spellings, told apart even where they look the same (composed and decomposed)."""
    if unicodedata.normalize("NFC", first) == unicodedata.normalize("NFC", second):
        return f"{ascii(first)} and {ascii(second)}"
    return f"{first!r} and {second!r}"


def walk(folder: Path, max_depth: int = MAX_DEPTH, max_files: int = MAX_FILES) -> Iterator[Path]:
    """Every plain file below ``folder``, breadth first, hidden entries and ``__pycache__``
    left out; links never followed, so no loop; at most ``max_depth`` levels and
    ``max_files`` entries, without recursion."""
    queue, seen = deque([(folder, 0)]), 0
    while queue:
        here, depth = queue.popleft()
        try:
            with os.scandir(here) as entries:
                listed = sorted(entries, key=lambda e: e.name)
        except OSError:
            continue
        for entry in listed:
            seen += 1
            if seen > max_files:
                return
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode) and depth + 1 < max_depth:
                queue.append((Path(entry.path), depth + 1))
            elif stat.S_ISREG(mode):
                yield Path(entry.path)
