"""Calendar software the project did not write reads a plan-like .ics as the IANA database does.

The sample calendar is built here with icalendar and outputs.vtimezone only, not with
the planner, so these tests pin the harness and the VTIMEZONE form; tests of the planner's own
.ics use the same fixtures. It holds a week in Europe/Berlin across the end of summer time
(Sunday 25 October 2026), summer events (where a misread RDATE shows), and the first week of
November 2026 in America/New_York (clocks go back on Sunday 1 November).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from brainfit_solver.outputs.vtimezone import vtimezone

from .consumers import (
    Consumer,
    Instant,
    icaljs_events,
    icaljs_or_skip,
    radicale_freebusy_events,
    vobject_events,
    zoneinfo_events,
)

pytestmark = pytest.mark.clients

BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"
DTSTAMP = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
SampleEvent = tuple[str, str, dt.datetime, dt.datetime]
"""(summary, IANA zone, local start, local end), wall times as a person would write them."""


def _berlin_week() -> list[SampleEvent]:
    walks: list[SampleEvent] = [
        ("Brisk walk", BERLIN, dt.datetime(2026, 10, day, 7), dt.datetime(2026, 10, day, 7, 45))
        for day in range(19, 26)
    ]
    return [
        *walks,
        (
            "Evening yoga",
            BERLIN,
            dt.datetime(2026, 10, 24, 19, 30),
            dt.datetime(2026, 10, 24, 20, 30),
        ),
        # 01:30 summer time to 03:30 winter time: two hours on the wall, three in fact.
        ("Night run", BERLIN, dt.datetime(2026, 10, 25, 1, 30), dt.datetime(2026, 10, 25, 3, 30)),
        ("Strength", BERLIN, dt.datetime(2026, 10, 25, 10), dt.datetime(2026, 10, 25, 10, 45)),
    ]


def _summers() -> list[SampleEvent]:
    return [
        ("Summer swim", BERLIN, dt.datetime(2026, 7, 15, 10), dt.datetime(2026, 7, 15, 11)),
        ("Midsummer hike", BERLIN, dt.datetime(2026, 6, 21, 9), dt.datetime(2026, 6, 21, 12)),
        ("Independence run", NEW_YORK, dt.datetime(2026, 7, 4, 8), dt.datetime(2026, 7, 4, 9)),
    ]


def _new_york_week() -> list[SampleEvent]:
    lunches: list[SampleEvent] = [
        (
            "Lunch walk",
            NEW_YORK,
            dt.datetime(2026, 11, day, 12, 15),
            dt.datetime(2026, 11, day, 12, 45),
        )
        for day in range(2, 7)
    ]
    return [
        ("Halloween jog", NEW_YORK, dt.datetime(2026, 10, 31, 18), dt.datetime(2026, 10, 31, 19)),
        (
            "Late stretch",
            NEW_YORK,
            dt.datetime(2026, 10, 31, 23, 30),
            dt.datetime(2026, 11, 1, 0, 45),
        ),
        # 00:30 daylight time to 02:30 standard time: two hours on the wall, three in fact.
        ("Night ride", NEW_YORK, dt.datetime(2026, 11, 1, 0, 30), dt.datetime(2026, 11, 1, 2, 30)),
        ("Morning walk", NEW_YORK, dt.datetime(2026, 11, 1, 9), dt.datetime(2026, 11, 1, 9, 45)),
        *lunches,
    ]


SAMPLE = _berlin_week() + _summers() + _new_york_week()


def _uid(number: int) -> str:
    return f"sample-{number:02d}@brainfit.test"


def _calendar(events: list[SampleEvent], *, utc: bool = False) -> Calendar:
    """A VCALENDAR of the events with TZID wall times, or in UTC when ``utc`` is set."""
    calendar = Calendar()
    calendar.add("PRODID", "-//brainfit-solver//client tests//EN")
    calendar.add("VERSION", "2.0")
    for number, (summary, zone, start, end) in enumerate(events):
        event = Event()
        event.add("UID", _uid(number))
        event.add("DTSTAMP", DTSTAMP)
        event.add("SUMMARY", summary)
        for name, wall in (("DTSTART", start), ("DTEND", end)):
            moment = wall.replace(tzinfo=ZoneInfo(zone))
            event.add(name, moment.astimezone(dt.UTC) if utc else moment)
        calendar.add_component(event)
    return calendar


def _with_vtimezones(calendar: Calendar, events: list[SampleEvent]) -> Calendar:
    """The calendar with one outputs.vtimezone per zone its events use, placed first."""
    for zone in sorted({zone for _, zone, _, _ in events}, reverse=True):
        days = [day.date() for _, z, start, end in events if z == zone for day in (start, end)]
        calendar.subcomponents.insert(0, vtimezone(zone, min(days), max(days)))
    return calendar


def _write(calendar: Calendar, path: Path) -> Path:
    path.write_bytes(calendar.to_ical())
    return path


def _misread(
    read: list[Instant], expected: list[Instant]
) -> dict[str, tuple[dt.timedelta, dt.timedelta]]:
    """For each event read wrongly, how far off its start and end are."""
    assert [i.uid for i in read] == [i.uid for i in expected]
    return {
        e.uid: (r.start_utc - e.start_utc, r.end_utc - e.end_utc)
        for r, e in zip(read, expected, strict=True)
        if r != e
    }


@pytest.fixture
def plan_ics(tmp_path: Path) -> Path:
    return _write(_with_vtimezones(_calendar(SAMPLE), SAMPLE), tmp_path / "plan.ics")


def _readers_of_vtimezone(tmp_path: Path) -> dict[str, Consumer]:
    """The consumers that work out instants from the file's VTIMEZONE, not from the TZID name."""
    readers: dict[str, Consumer] = {
        "vobject": vobject_events,
        "radicale-freebusy": lambda path: radicale_freebusy_events(path, tmp_path / "radicale"),
    }
    (tmp_path / "radicale").mkdir()
    try:
        icaljs_or_skip()  # under CI a missing ical.js fails here
        readers["ical.js"] = icaljs_events
    except pytest.skip.Exception:
        pass  # the other two still show it; the consumer-by-consumer test reports the skip
    return readers


def test_sample_plan_crosses_both_dst_changes_and_has_summer_events(plan_ics: Path) -> None:
    """The sample shows what it claims: events lasting longer than their wall times say."""
    instants = zoneinfo_events(plan_ics)
    expected = {i.summary: i for i in instants}
    assert len(instants) == len(SAMPLE)
    for summary in ("Night run", "Night ride"):
        assert expected[summary].end_utc - expected[summary].start_utc == dt.timedelta(hours=3)
    assert expected["Summer swim"].start_utc == dt.datetime(2026, 7, 15, 8, tzinfo=dt.UTC)


def test_consumer_reads_every_event_at_the_zoneinfo_instant(
    consumer: Consumer, plan_ics: Path
) -> None:
    assert consumer(plan_ics) == zoneinfo_events(plan_ics)


def _summer_time_shift(events: list[SampleEvent]) -> dict[str, tuple[dt.timedelta, dt.timedelta]]:
    """An hour late for each start or end in summer time, keyed like `_misread`: a reader that
    keeps only the first date of each RDATE knows of no change since decades ago."""

    def late(zone: str, wall: dt.datetime) -> dt.timedelta:
        return (
            dt.timedelta(hours=1) if wall.replace(tzinfo=ZoneInfo(zone)).dst() else dt.timedelta()
        )

    shifts = {
        _uid(number): (late(zone, start), late(zone, end))
        for number, (_, zone, start, end) in enumerate(events)
    }
    return {
        uid: shift for uid, shift in shifts.items() if shift != (dt.timedelta(), dt.timedelta())
    }


def test_icalendar_multi_valued_rdate_puts_summer_time_an_hour_late_in_real_clients(
    tmp_path: Path,
) -> None:
    """Why outputs.vtimezone exists: icalendar's own VTIMEZONE (``add_missing_timezones``,
    one RDATE holding every change since 1970) makes real clients read every time in summer
    time an hour late, while winter times come out right."""
    calendar = _calendar(SAMPLE)
    calendar.add_missing_timezones()
    trap = _write(calendar, tmp_path / "icalendar-vtimezone.ics")
    assert any("," in line for line in trap.read_text().splitlines() if line.startswith("RDATE"))
    expected = zoneinfo_events(trap)

    misread = {
        name: _misread(read(trap), expected)
        for name, read in _readers_of_vtimezone(tmp_path).items()
    }

    assert any(misread.values()), f"no consumer misread the multi-valued RDATE: {misread}"
    for name, wrong in misread.items():
        assert wrong in ({}, _summer_time_shift(SAMPLE)), f"{name} misread it otherwise: {wrong}"


REPEATED_OR_SKIPPED: list[SampleEvent] = [
    ("Repeated hour", BERLIN, dt.datetime(2026, 10, 25, 2, 30), dt.datetime(2026, 10, 25, 4)),
    ("Skipped hour", BERLIN, dt.datetime(2026, 3, 29, 2, 30), dt.datetime(2026, 3, 29, 4)),
    ("Repeated hour", NEW_YORK, dt.datetime(2026, 11, 1, 1, 30), dt.datetime(2026, 11, 1, 3)),
    ("Skipped hour", NEW_YORK, dt.datetime(2026, 3, 8, 2, 30), dt.datetime(2026, 3, 8, 4)),
]
"""Wall times that happen twice or never. RFC 5545 §3.3.5 reads both with the offset in force
before the change (zoneinfo's fold=0); ical.js takes the second of a repeated time, and ical.js
and vobject put a skipped time an hour early."""


def test_wall_times_in_a_repeated_or_skipped_hour_are_misread_by_real_clients(
    tmp_path: Path,
) -> None:
    """Pins why the plan's .ics must not give such times as TZID wall times (use UTC)."""
    wall = _write(
        _with_vtimezones(_calendar(REPEATED_OR_SKIPPED), REPEATED_OR_SKIPPED),
        tmp_path / "ambiguous.ics",
    )
    expected = zoneinfo_events(wall)

    misread = {
        name: _misread(read(wall), expected)
        for name, read in _readers_of_vtimezone(tmp_path).items()
    }

    assert any(misread.values()), f"every consumer now follows RFC 5545 §3.3.5: {misread}"


def test_repeated_or_skipped_hour_given_in_utc_is_read_alike(
    consumer: Consumer, tmp_path: Path
) -> None:
    utc = _write(_calendar(REPEATED_OR_SKIPPED, utc=True), tmp_path / "utc.ics")
    assert consumer(utc) == zoneinfo_events(utc)
