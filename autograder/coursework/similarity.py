"""Similarity hints: pairs of submissions that are identical or nearly so once names, strings
and formatting are normalised, leaving out what the stubs already hold. A hint for a person
to look at, never a penalty.

The fingerprints are copydetect's (winnowing over pygments tokens, as MOSS does).
"""

import ast
import csv
import hashlib
import io
import logging
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from autograder import EXERCISE_PATH
from autograder.coursework import spreadsheet

FILE = "similarity.csv"
THRESHOLD = 0.9  # share of each file's fingerprinted code found in the other
NOISE = 25  # copydetect's k: matches shorter than this many normalised characters are ignored
# Below this much code of their own (normalised characters beyond the stubs) two files are
# compared byte for byte only: a one-line answer looks like every other one-line answer.
MIN_OWN_CODE = 100
MAX_BYTES = 512 << 10  # a file larger than this is compared byte for byte only (its sha256)


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    identical: bool  # the same code (byte for byte, for a file too large to compare otherwise)
    similarity: float  # the smaller of the two shares, 0..1

    def hint(self, student: str) -> str:
        other = self.second if student == self.first else self.first
        return f"{other} ({'identical' if self.identical else f'{self.similarity:.0%} similar'})"


def source_text(path: Path) -> str:
    """The code of a submission, a notebook's code cells or a .py file alike: parsed and
    written back without comments or docstrings, so a copy compares the same in either form.
    Only the first ``MAX_BYTES`` are read; a larger file is compared byte for byte only."""
    try:
        with path.open("rb") as opened:
            data = opened.read(MAX_BYTES + 1)
    except OSError:
        return ""
    if len(data) > MAX_BYTES:
        return ""
    if path.suffix == ".ipynb":
        from autograder.authoring.notebook_module import (
            notebook_to_source,  # imports nbformat: 1.6 s at every command's start
        )

        try:
            text = notebook_to_source(path, data)
        except (ValueError, RecursionError):  # NotebookError is a ValueError
            return ""
    else:
        text = data.decode("utf-8", errors="replace")
    return code_of(text)


def code_of(text: str) -> str:
    """``text`` without comments and docstrings (as it is, where it does not parse)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return text
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)):
            body[0] = ast.Pass()
    try:
        return ast.unparse(tree)
    except (RecursionError, ValueError):  # ValueError: a character 3.11 cannot unparse in an f-string
        return text


def find_pairs(sources: dict[str, Path], threshold: float = THRESHOLD) -> list[Pair]:
    """The pairs of students whose submissions match at least ``threshold`` both ways (one
    way, across a notebook and a .py file)."""
    from copydetect import CodeFingerprint, compare_files  # 0.8 s at every command's start

    logging.getLogger().setLevel(logging.ERROR)  # copydetect warns about short files
    stubs = CodeFingerprint("stubs.py", NOISE, 1, fp=io.StringIO(code_of(EXERCISE_PATH.read_text())))
    boilerplate = list(stubs.hashes)
    texts = {student: source_text(path) for student, path in sources.items()}
    pairs = identical_large(sources, texts)
    prints = {student: CodeFingerprint("x.py", NOISE, 1, boilerplate=boilerplate, fp=io.StringIO(text))
              for student, text in texts.items() if text.strip()}
    for first, second in combinations(sorted(prints), 2):
        if not prints[first].hashes or not prints[second].hashes:
            continue  # nothing beyond the stubs: an untouched stub is not a copy
        if texts[first] == texts[second]:
            pairs.append(Pair(first, second, True, 1.0))
            continue
        if min(prints[first].token_coverage, prints[second].token_coverage) < MIN_OWN_CODE:
            continue
        _, shares, _ = compare_files(prints[first], prints[second])
        # a notebook holds cells a .py has not (trials, plots): across forms, one file's own
        # code found whole in the other is a copy
        across = sources[first].suffix.lower() != sources[second].suffix.lower()
        similarity = float(max(shares) if across else min(shares))
        if similarity >= threshold:
            pairs.append(Pair(first, second, False, similarity))
    return pairs


def identical_large(sources: dict[str, Path], texts: dict[str, str]) -> list[Pair]:
    """The pairs of files too large to fingerprint (``MAX_BYTES``) that are byte for byte the same."""
    digests: dict[str, list[str]] = {}
    for student, path in sources.items():
        if not texts[student] and path.is_file() and path.stat().st_size > MAX_BYTES:
            with path.open("rb") as opened:
                digests.setdefault(hashlib.file_digest(opened, "sha256").hexdigest(), []).append(student)
    return [Pair(a, b, True, 1.0) for same in digests.values() for a, b in combinations(sorted(same), 2)]


def write_pairs(path: Path, pairs: list[Pair]) -> None:
    spreadsheet.write(path, [["student_1", "student_2", "identical", "similarity"],
                             *([p.first, p.second, "yes" if p.identical else "no", f"{p.similarity:.2f}"]
                               for p in pairs)], for_people=True)


def read_pairs(path: Path) -> list[Pair]:
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8-sig") as table:
        return [Pair(spreadsheet.uncell(row["student_1"]), spreadsheet.uncell(row["student_2"]),
                     row["identical"] == "yes", float(row["similarity"])) for row in csv.DictReader(table)]
