"""The planned horizon: zone-aware datetimes at the edges, integer minutes inside.

Minute 0 is local midnight starting the horizon's first day (a Monday). A minute count is
real elapsed time (computed through UTC), so a week with a DST change has 167 or 169 hours;
local wall-clock times such as "06:30 on Tuesday" are turned into minutes through the zone
(``clock_instant``), which is the only place DST has to be right.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import TimeZoneError

UTC = dt.UTC
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ISO_WEEK = re.compile(r"^(\d{4})-[Ww](\d{2})$")


def zone(name: str, *, file: str | None = None, where: str | None = None) -> ZoneInfo:
    """Resolve an IANA zone name (or a Windows zone name, as Outlook writes) to a ZoneInfo."""
    from icalendar.timezone import windows_to_olson

    candidate = windows_to_olson.WINDOWS_TO_OLSON.get(name, name)
    try:
        if not candidate or candidate.startswith(("/", ".")) or ".." in candidate:
            raise ZoneInfoNotFoundError(candidate)
        return ZoneInfo(candidate)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a directory, a long name
        raise TimeZoneError(
            f"unknown time zone {name!r}",
            file=file,
            where=where,
            fix="Use an IANA name such as 'Europe/Berlin' or 'America/New_York'",
        ) from exc


def zone_name(tz: ZoneInfo) -> str:
    return str(tz.key)


def parse_week(text: str, *, where: str = "week") -> dt.date:
    """The Monday of an ISO week ('2026-W49') or of the week holding a date ('2026-11-30')."""
    text = text.strip()
    match = _ISO_WEEK.match(text)
    try:
        if match:
            return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(
            f"{where}: {text!r} is not an ISO week or date; write it as 2026-W49 or 2026-11-30"
        ) from exc
    return day - dt.timedelta(days=day.weekday())


def clock_instant(day: dt.date, clock: dt.time, tz: ZoneInfo) -> dt.datetime:
    """The first instant of ``day`` at which the local clock reads ``clock`` or later.

    This is what a wall-clock edge (a window's, a preferred or disliked time's, a shared
    session's possible start) means on the nights the clock changes (constraints/README.md,
    "Clock changes"), one definition for the model and, in its own code, the checker: a time
    the clock shows twice is its first occurrence (fold 0); a time it jumps over is the
    instant of the jump, so a window "00:00-02:30" ends and "02:30-05:00" opens at 03:00 when
    02:00 jumps to 03:00. (Python's own reading of a skipped time, the offset before the jump,
    would put 02:30 at 03:30: half an hour the clock shows as past 02:30.)
    """
    wall = dt.datetime.combine(day, clock)
    while True:  # ends: a jump skips a finite stretch of the clock (an hour, Samoa 2011 a day)
        moment = wall.replace(tzinfo=tz)
        if moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall:
            return moment
        wall += dt.timedelta(minutes=1)


def next_full_week(today: dt.date) -> dt.date:
    """The Monday after today (today itself never starts the 'next full' week)."""
    return today + dt.timedelta(days=7 - today.weekday())


def iso_week_label(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Horizon:
    """``days`` consecutive local days starting at midnight of ``monday`` in ``tz``."""

    tz: ZoneInfo
    monday: dt.date
    days: int = 7

    @cached_property
    def start(self) -> dt.datetime:
        return clock_instant(self.monday, dt.time(0), self.tz)

    @cached_property
    def end(self) -> dt.datetime:
        return clock_instant(self.monday + dt.timedelta(days=self.days), dt.time(0), self.tz)

    @cached_property
    def _start_utc(self) -> dt.datetime:
        return self.start.astimezone(UTC)

    @property
    def label(self) -> str:
        return iso_week_label(self.monday)

    @property
    def tz_name(self) -> str:
        return zone_name(self.tz)

    @cached_property
    def minutes(self) -> int:
        return self.to_minute(self.end)

    def date(self, day: int) -> dt.date:
        return self.monday + dt.timedelta(days=day)

    def to_minute(self, moment: dt.datetime) -> int:
        """Whole minutes from the horizon start to an aware moment (floored)."""
        if moment.tzinfo is None:
            raise ValueError("naive datetime reached the time grid; attach the profile's zone")
        seconds = (moment.astimezone(UTC) - self._start_utc).total_seconds()
        return int(seconds // 60)

    def to_datetime(self, minute: int) -> dt.datetime:
        """The local, aware moment ``minute`` minutes after the horizon start."""
        return (self._start_utc + dt.timedelta(minutes=minute)).astimezone(self.tz)

    def wall_minute(self, day: int, clock: dt.time) -> int:
        """Minute of a local wall-clock time on a day (``clock_instant``: a time shown twice
        is its first occurrence, a time the clock jumps over is the jump)."""
        return self.to_minute(clock_instant(self.date(day), clock, self.tz))

    def day_span(self, day: int) -> tuple[int, int]:
        """[start, end) minutes of a whole local day (23, 24 or 25 hours long)."""
        return self.wall_minute(day, dt.time(0)), (
            self.minutes if day == self.days - 1 else self.wall_minute(day + 1, dt.time(0))
        )

    def day_of(self, minute: int) -> int:
        """Which local day a minute falls on."""
        return (self.to_datetime(minute).date() - self.monday).days
