"""What a class run was given, kept in OUT/course.json so that ``feedback`` and ``export`` (and
the next ``grade``) use the same roster, overrides and late policy without being told again.
An option given again replaces the one kept; ``--no-roster`` and the like drop it."""

import argparse
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.judge.report import write_atomic

FILE = "course.json"
KINDS = {"roster": "roster.csv: every student, with the ids the LMS exports match on",
         "overrides": "overrides.csv: points an instructor sets by hand (student, exercise, points, comment)",
         "late": "late.toml: the due date, extensions and late penalty"}


@dataclass
class Settings:
    folder: str = ""  # the class folder
    students: dict[str, str] = field(default_factory=dict)  # student -> submitted file ("" if none)
    roster: str = ""
    overrides: str = ""
    late: str = ""
    max_score: float = 0.0  # what the run's tests offer (one exercise's with --exercise)
    finished: bool = True  # False from the start of a class run until it ends

    def path(self, kind: str) -> Path | None:
        value = getattr(self, kind)
        return Path(value) if value else None


def configure(group: argparse._ArgumentGroup) -> None:
    for kind, help_text in KINDS.items():
        group.add_argument(f"--{kind}", metavar="FILE", help=f"{help_text} (kept for the next runs)")
        group.add_argument(f"--no-{kind}", action="store_true", help=f"forget the {kind} file kept")


def load(out: Path) -> Settings:
    try:
        return Settings(**json.loads((out / FILE).read_text()))
    except (OSError, ValueError, TypeError):
        return Settings()


def merge(kept: Settings, args: argparse.Namespace) -> Settings:
    """``kept`` with the files given on the command line (absolute, so any folder can run it)."""
    for kind in KINDS:
        if getattr(args, f"no_{kind}", False):
            setattr(kept, kind, "")
        if given := getattr(args, kind, None):
            setattr(kept, kind, str(Path(given).resolve()))
    return kept


def save(out: Path, settings: Settings) -> None:
    write_atomic(out / FILE, json.dumps(asdict(settings), indent=2) + "\n")
