"""The late policy: a due date, extensions and a penalty, from a small TOML file.

    due = "2026-03-02T23:59:00+00:00"   # ISO 8601; a time without a zone is UTC
    percent_per_day = 10                # off the total for each day or part of a day late
    cap_percent = 50                    # never more than this (default 100)
    grace_minutes = 15                  # this late is on time (default 0)
    times = "submitted.csv"             # optional: columns student, submitted (ISO 8601);
                                        # without it, the submitted file's modification time
    [extensions]
    dana = "2026-03-04T23:59:00+00:00"  # a new due date for one student
    eve = 2                             # or a number of extra days
"""

import math
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from autograder.coursework.bad_input import BadInput, read_csv

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Lateness:
    submitted: datetime | None
    due: datetime
    days: int  # days late, counted up; 0 when on time or within the grace period
    percent: float  # penalty, percent of the total


@dataclass(frozen=True)
class LatePolicy:
    due: datetime
    percent_per_day: float = 0.0
    cap_percent: float = 100.0
    grace: timedelta = timedelta()
    extensions: dict[str, datetime] = field(default_factory=dict)
    times: dict[str, datetime] = field(default_factory=dict)  # from the manifest

    def lateness(self, student: str, source: Path | None) -> Lateness:
        due = self.extensions.get(student, self.due)
        submitted = self.times.get(student)
        if submitted is None and source is not None:
            submitted = datetime.fromtimestamp(source.stat().st_mtime, UTC)
        late = (submitted - due) if submitted else timedelta()
        days = math.ceil(late / DAY) if late > self.grace else 0
        return Lateness(submitted, due, days, min(self.cap_percent, days * self.percent_per_day))


def parse_time(text: object, where: str) -> datetime:
    try:
        when = datetime.fromisoformat(str(text))
    except ValueError:
        raise BadInput(f"{where}: {text!r} is not a date and time like 2026-03-02T23:59:00+00:00") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def number(config: dict, key: str, default: float, where: str) -> float:
    value = config.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise BadInput(f"{where}: {key} must be a number of 0 or more, not {value!r}")
    return float(value)


def read_policy(path: Path | None) -> LatePolicy | None:
    if path is None:
        return None
    try:
        config = tomllib.loads(path.read_text())
    except OSError as error:
        raise BadInput(f"cannot read the late policy {path}: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise BadInput(f"the late policy {path} is not valid TOML: {error}") from None
    where = f"late policy {path}"
    if unknown := set(config) - {"due", "percent_per_day", "cap_percent", "grace_minutes", "times",
                                 "extensions"}:
        raise BadInput(f"{where}: unknown setting {', '.join(sorted(unknown))}")
    if "due" not in config:
        raise BadInput(f"{where}: no due date (due = \"2026-03-02T23:59:00+00:00\")")
    due = parse_time(config["due"], f"{where}, due")
    extensions = {}
    for student, value in dict(config.get("extensions", {})).items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            extensions[student] = due + value * DAY
        else:
            extensions[student] = parse_time(value, f"{where}, extension of {student}")
    times = {}
    if "times" in config:
        manifest = path.parent / str(config["times"])
        _, rows = read_csv(manifest, ("student", "submitted"), "submission times")
        for line, row in enumerate(rows, start=2):
            times[row["student"]] = parse_time(row["submitted"], f"submission times {manifest} line {line}")
    return LatePolicy(due, number(config, "percent_per_day", 0, where),
                      number(config, "cap_percent", 100, where),
                      timedelta(minutes=number(config, "grace_minutes", 0, where)), extensions, times)
