"""Small builders shared by the tests: calendars written from a compact list of events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from icalendar import Calendar, Event

from brainfit_solver import api
from brainfit_solver.check.calendars import CalendarBytes
from brainfit_solver.core.domain import CalendarWeek, Commitment
from brainfit_solver.core.timegrid import Horizon, parse_week, zone
from brainfit_solver.model.week import prepare_week
from brainfit_solver.rules.profile import Profile
from brainfit_solver.rules.ruleset import RuleSet, load_rules

REPO = Path(__file__).resolve().parent.parent
CALENDARS = REPO / "tests" / "calendars"
EXAMPLES_DIR = REPO / "examples"
STAMP = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Ev:
    """An event on a day of the planned week: day 0 is Monday, times are 'HH:MM'."""

    day: int
    start: str
    end: str
    summary: str = "Busy"
    categories: tuple[str, ...] = ()


def _at(monday: dt.date, day: int, clock: str, tz: dt.tzinfo) -> dt.datetime:
    hour, minute = map(int, clock.split(":"))
    return dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(hour, minute), tz)


def calendar_bytes(
    events: Iterable[Ev], *, week: str = "2026-W49", tz: str = "Europe/Berlin"
) -> bytes:
    """A plain calendar (TZID on every time, as Apple and Thunderbird write it)."""
    monday, tzinfo = parse_week(week), zone(tz)
    cal = Calendar()
    cal.add("prodid", "-//brainfit tests//EN")
    cal.add("version", "2.0")
    for i, ev in enumerate(events):
        event = Event()
        event.add("uid", f"ev{i}@tests")
        event.add("dtstamp", STAMP)
        event.add("dtstart", _at(monday, ev.day, ev.start, tzinfo))
        event.add("dtend", _at(monday, ev.day, ev.end, tzinfo))
        event.add("summary", ev.summary)
        if ev.categories:
            event.add("categories", list(ev.categories))
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def write_calendar(path: Path, events: Iterable[Ev], **kwargs: str) -> Path:
    path.write_bytes(calendar_bytes(events, **kwargs))
    return path


def inputs_for(
    tmp_path: Path,
    events: Sequence[Ev],
    *,
    week: str = "2026-W49",
    tz: str = "Europe/Berlin",
    profile: Profile | None = None,
    rules: RuleSet | None = None,
) -> api.Inputs:
    """Full pipeline inputs from a few events, through the real calendar reader."""
    path = write_calendar(tmp_path / "calendar.ics", events, week=week, tz=tz)
    return api.load_inputs([path], profile=profile or Profile(timezone=tz), rules=rules, week=week)


def inputs_of(
    commitments: Sequence[Commitment],
    *,
    week: str = "2026-W49",
    tz: str = "Europe/Berlin",
    profile: Profile | None = None,
    rules: RuleSet | None = None,
) -> api.Inputs:
    """Model-ready inputs straight from commitments in minutes (the planner reads no file);
    the checker reads the same commitments as calendar bytes, study ones from a study
    calendar, as it always reads its own busy time."""
    horizon = Horizon(zone(tz), parse_week(week))
    profile = profile or Profile(timezone=tz)
    rules = rules or load_rules()
    calendar = CalendarWeek(tuple(commitments))
    files = tuple(
        CalendarBytes(
            f"{'study' if study else 'busy'}.ics",
            commitments_bytes([c for c in commitments if c.study == study], horizon),
            study,
        )
        for study in (False, True)
    )
    return api.Inputs(
        profile,
        rules,
        horizon,
        calendar,
        prepare_week(profile, rules, calendar, horizon),
        calendars=files,
    )


def commitments_bytes(commitments: Iterable[Commitment], horizon: Horizon) -> bytes:
    """Commitments (minutes of ``horizon``) as a calendar of events in UTC."""
    cal = Calendar()
    cal.add("prodid", "-//brainfit tests//EN")
    cal.add("version", "2.0")
    for i, c in enumerate(commitments):
        event = Event()
        event.add("uid", f"c{i}@tests")
        event.add("dtstamp", STAMP)
        event.add("dtstart", horizon.to_datetime(c.start).astimezone(dt.UTC))
        event.add("dtend", horizon.to_datetime(c.end).astimezone(dt.UTC))
        event.add("summary", c.summary)
        cal.add_component(event)
    return bytes(cal.to_ical())


def day_at(day: int, clock: str) -> int:
    """Minutes from Monday 00:00 to a wall-clock time, for weeks without a DST change."""
    hour, minute = map(int, clock.split(":"))
    return day * 1440 + hour * 60 + minute


def busy(
    day: int, start: str, end: str, summary: str = "Busy", *, study: bool = False
) -> Commitment:
    return Commitment(day_at(day, start), day_at(day, end), summary, "test", study)


CITE = "Exercise can be done before, during, or after learning"


def kind(
    duration: int | list[int],
    *,
    per_week: tuple[int, int] = (1, 1),
    intensity: str = "moderate",
    **extra: object,
) -> dict[str, object]:
    """A session kind for a hand-made rule set."""
    return {
        "title": "Session",
        "duration_min": duration,
        "per_week": {"min": per_week[0], "max": per_week[1]},
        "intensity": intensity,
        "protocol": "Do it.",
        "why": "Because.",
        "cites": CITE,
        **extra,
    }


def ruleset(
    kinds: dict[str, dict[str, object]],
    hard: Sequence[dict[str, object]] = (),
    soft: Sequence[dict[str, object]] = (),
) -> RuleSet:
    """A small rule set for testing one rule at a time."""

    def cited(rule: dict[str, object]) -> dict[str, object]:
        return {"description": f"rule {rule['id']}", "cites": CITE, **rule}

    return RuleSet.model_validate(
        {
            "meta": {"name": "test"},
            "kinds": kinds,
            "hard": [cited(r) for r in hard],
            "soft": [cited(r) for r in soft],
        }
    )


def local(inputs: api.Inputs, minute: int) -> dt.datetime:
    return inputs.horizon.to_datetime(minute)
