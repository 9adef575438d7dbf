"""An instructor's file the course commands cannot use, and reading the CSV files they give."""

import csv
from pathlib import Path


class BadInput(Exception):
    """A roster, overrides file, manifest or late policy that cannot be used: one line saying why."""


def read_csv(path: Path, required: tuple[str, ...], what: str) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of a CSV file that must have the ``required`` columns."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as table:  # -sig: as Excel saves it
            reader = csv.DictReader(table)
            header = [name.strip() for name in reader.fieldnames or []]
            rows = [{key.strip(): (value or "").strip() for key, value in row.items() if key}
                    for row in reader]
    except OSError as error:
        raise BadInput(f"cannot read the {what} {path}: {error.strerror or error}") from None
    except (csv.Error, UnicodeDecodeError) as error:
        raise BadInput(f"the {what} {path} is not a readable CSV file: {error}") from None
    if missing := [name for name in required if name not in header]:
        raise BadInput(f"the {what} {path} has no column {', '.join(missing)} "
                       f"(its header: {', '.join(header) or 'empty'})")
    return header, rows
