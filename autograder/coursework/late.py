"""The late policy: a due date, extensions and a penalty, from a small TOML file.

    due = "2026-03-02T23:59:00+00:00"   # ISO 8601, with its zone (or timezone below)
    timezone = "Europe/Berlin"          # optional: the zone of every time written without one
    percent_per_day = 10                # off the total for each day or part of a day late
    cap_percent = 50                    # never more than this (default 100)
    grace_minutes = 15                  # this late is on time (default 0)
    times = "submitted.csv"             # when each student handed in: columns student,
                                        # submitted (ISO 8601); or Gradescope's
                                        # submission_metadata.yml export
    use_file_times = false              # true: a student with no time in `times` (or every
                                        # student, without `times`) is timed by their file's
                                        # modification time; false: that is an error
    [extensions]
    dana = "2026-03-04T23:59:00+00:00"  # a new due date for one student
    eve = 2                             # or a number of extra days

A time is never guessed: a student with no submission time, or a time with no zone and no
``timezone``, stops the command with one line naming them. Students are matched by
autograder.coursework.names' rule.
"""

import math
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from autograder.coursework import names
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
    extensions: dict[str, datetime] = field(default_factory=dict)  # by names.key
    times: dict[str, datetime] = field(default_factory=dict)  # from the manifest, by names.key
    use_file_times: bool = False
    where: str = ""  # the policy's file, for messages

    def check(self, students: Iterable[str]) -> None:
        """BadInput naming the students handed in with no submission time, unless file times may stand in."""
        if self.use_file_times:
            return
        if missing := sorted(s for s in students if names.key(s) not in self.times):
            raise BadInput(f"{self.where}: no submission time for {', '.join(map(repr, missing[:10]))}"
                           + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
                           + " (add them to its times file, or set use_file_times = true to time them "
                           "by their files' modification times)")

    def lateness(self, student: str, source: Path | None) -> Lateness:
        due = self.extensions.get(names.key(student), self.due)
        submitted = self.times.get(names.key(student))
        if submitted is None and source is not None:
            if not self.use_file_times:
                raise BadInput(f"{self.where}: no submission time for {student!r}")
            submitted = datetime.fromtimestamp(source.stat().st_mtime, UTC)
        late = (submitted - due) if submitted else timedelta()
        days = math.ceil(late / DAY) if late > self.grace else 0
        return Lateness(submitted, due, days, min(self.cap_percent, days * self.percent_per_day))


def parse_time(text: object, where: str, zone: tzinfo | None) -> datetime:
    """An ISO 8601 time (a TOML date-time too); one without a zone is in ``zone``, or refused."""
    try:
        when = text if isinstance(text, datetime) else datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise BadInput(f"{where}: {text!r} is not a date and time like 2026-03-02T23:59:00+00:00") from None
    if when.tzinfo is None:
        if zone is None:
            raise BadInput(f"{where}: {str(text)!r} has no time zone: write it like "
                           "2026-03-02T23:59:00+01:00, or give the policy a timezone = \"Europe/Berlin\"")
        when = when.replace(tzinfo=zone)
    return when


def time_zone(config: dict, where: str) -> tzinfo | None:
    if "timezone" not in config:
        return None
    try:
        return ZoneInfo(str(config["timezone"]))
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(f"{where}: timezone {config['timezone']!r} is no IANA time zone "
                       "(like Europe/Berlin or UTC)") from None


def read_times(manifest: Path, zone: tzinfo | None) -> dict[str, datetime]:
    """Each student's submission time (by names.key), from a CSV file or Gradescope's
    submission_metadata.yml."""
    where = f"submission times {manifest}"
    if manifest.suffix in (".yml", ".yaml"):
        entries = gradescope_times(manifest, where)
    else:
        _, rows = read_csv(manifest, ("student", "submitted"), "submission times")
        entries = [(f"{where} line {line}", row["student"], row["submitted"])
                   for line, row in enumerate(rows, start=2)]
    times: dict[str, datetime] = {}
    for place, student, when in entries:
        if names.key(student) in times:
            raise BadInput(f"{place}: {student!r} is listed twice (or in another spelling)")
        times[names.key(student)] = parse_time(when, place, zone)
    return times


def gradescope_times(path: Path, where: str) -> list[tuple[str, str, object]]:
    """(where, student, time) from Gradescope's "Export Submissions" submission_metadata.yml:
    each submission folder's ``:submitters:`` (the student is the email's part before the
    ``@``, as the roster reads a Moodle export) and ``:created_at:``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise BadInput(f"cannot read the {where}: {error}") from None
    def field(entry: object, name: str) -> object:  # Ruby's symbol keys: `:email:` reads as ":email"
        return entry.get(f":{name}", entry.get(name)) if isinstance(entry, dict) else None

    found = []
    for folder, entry in (data or {}).items() if isinstance(data, dict) else ():
        created = field(entry, "created_at")
        for person in field(entry, "submitters") or []:
            email = str(field(person, "email") or "")
            if created is None or not email:
                raise BadInput(f"{where}, {folder}: no :created_at: or no :email: of a submitter")
            found.append((f"{where}, {folder}", email.partition("@")[0], created))
    return found


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
                                 "extensions", "timezone", "use_file_times"}:
        raise BadInput(f"{where}: unknown setting {', '.join(sorted(unknown))}")
    if "due" not in config:
        raise BadInput(f"{where}: no due date (due = \"2026-03-02T23:59:00+00:00\")")
    zone = time_zone(config, where)
    due = parse_time(config["due"], f"{where}, due", zone)
    extensions = {}
    given = dict(config.get("extensions", {}))
    try:
        names.unique(given, f"{where}, extensions")
    except names.Clash as error:
        raise BadInput(str(error)) from None
    for student, value in given.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            extensions[names.key(student)] = due + value * DAY
        else:
            extensions[names.key(student)] = parse_time(value, f"{where}, extension of {student}", zone)
    times = read_times(path.parent / str(config["times"]), zone) if "times" in config else {}
    file_times = config.get("use_file_times", False)
    if not isinstance(file_times, bool):
        raise BadInput(f"{where}: use_file_times must be true or false, not {file_times!r}")
    return LatePolicy(due, number(config, "percent_per_day", 0, where),
                      number(config, "cap_percent", 100, where),
                      timedelta(minutes=number(config, "grace_minutes", 0, where)), extensions, times,
                      file_times, where)
