"""Similarity hints: pairs of submissions that are identical or nearly so once names, strings
and formatting are normalised, leaving out what the stubs already hold. A hint for a person
to look at, never a penalty.

The fingerprints are copydetect's (winnowing over pygments tokens, as MOSS does).
"""

import csv
import io
import logging
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from autograder import EXERCISE_PATH

FILE = "similarity.csv"
THRESHOLD = 0.9  # share of each file's fingerprinted code found in the other
NOISE = 25  # copydetect's k: matches shorter than this many normalised characters are ignored
# Below this much code of their own (normalised characters beyond the stubs) two files are
# compared byte for byte only: a one-line answer looks like every other one-line answer.
MIN_OWN_CODE = 100


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    identical: bool  # byte for byte
    similarity: float  # the smaller of the two shares, 0..1

    def hint(self, student: str) -> str:
        other = self.second if student == self.first else self.first
        return f"{other} ({'identical' if self.identical else f'{self.similarity:.0%} similar'})"


def source_text(path: Path) -> str:
    if path.suffix == ".ipynb":
        from autograder.authoring.notebook_module import notebook_to_source

        try:
            return notebook_to_source(path)
        except (ValueError, OSError):  # NotebookError is a ValueError
            return ""
    return path.read_text(errors="replace")


def find_pairs(sources: dict[str, Path], threshold: float = THRESHOLD) -> list[Pair]:
    """The pairs of students whose submissions match at least ``threshold`` both ways."""
    from copydetect import CodeFingerprint, compare_files

    logging.getLogger().setLevel(logging.ERROR)  # copydetect warns about short files
    stubs = CodeFingerprint("stubs.py", NOISE, 1, fp=io.StringIO(EXERCISE_PATH.read_text()))
    boilerplate = list(stubs.hashes)
    texts = {student: source_text(path) for student, path in sources.items()}
    prints = {student: CodeFingerprint("x.py", NOISE, 1, boilerplate=boilerplate, fp=io.StringIO(text))
              for student, text in texts.items() if text.strip()}
    pairs = []
    for first, second in combinations(sorted(prints), 2):
        if not prints[first].hashes or not prints[second].hashes:
            continue  # nothing beyond the stubs: an untouched stub is not a copy
        if texts[first] == texts[second]:
            pairs.append(Pair(first, second, True, 1.0))
            continue
        if min(prints[first].token_coverage, prints[second].token_coverage) < MIN_OWN_CODE:
            continue
        _, shares, _ = compare_files(prints[first], prints[second])
        similarity = float(min(shares))
        if similarity >= threshold:
            pairs.append(Pair(first, second, False, similarity))
    return pairs


def write_pairs(path: Path, pairs: list[Pair]) -> None:
    from autograder.coursework import spreadsheet

    spreadsheet.write(path, [["student_1", "student_2", "identical", "similarity"],
                             *([p.first, p.second, "yes" if p.identical else "no", f"{p.similarity:.2f}"]
                               for p in pairs)], for_people=True)


def read_pairs(path: Path) -> list[Pair]:
    from autograder.coursework.spreadsheet import uncell

    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8-sig") as table:
        return [Pair(uncell(row["student_1"]), uncell(row["student_2"]), row["identical"] == "yes",
                     float(row["similarity"])) for row in csv.DictReader(table)]
