"""Real `brainfit plan` outputs read by calendar software the project did not write.

Each plan is made through the public API (`api.load_inputs`, then `pipeline.plan` or
`pipeline.plan_weeks`) from calendars built with tests/support.py, written to a file, and read
by every consumer of the harness (ical.js, vobject, icalendar's round trip, Radicale through
caldav, Radicale's own free-busy reading). Each consumer's instants must equal the IANA
database's reading of the file (`zoneinfo_events`), and that reading must equal the planned
sessions: agreement between clients alone would not catch a VTIMEZONE they all misread.

The plans cover both directions of a DST change and both hemispheres of the issue's trap
(a summer week read through a VTIMEZONE that starts in winter): Berlin's spring-forward week,
New York's fall-back week, two Berlin weeks across the end of summer time, and a repeating
template (its RRULE masters).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from brainfit_solver import api, pipeline
from brainfit_solver.pipeline import plan_weeks
from brainfit_solver.rules.profile import Profile
from support import Ev, write_calendar

from .consumers import Consumer, zoneinfo_events

pytestmark = pytest.mark.clients

LECTURES = [Ev(d, "10:00", "12:00", "Lecture") for d in range(5)]


def _inputs(folder: Path, week: str, tz: str, weeks: int = 1) -> api.Inputs:
    events = [
        Ev(d + 7 * k, e.start, e.end, e.summary)
        for k in range(weeks)
        for d, e in enumerate(LECTURES)
    ]
    path = write_calendar(folder / f"{week}-{tz.replace('/', '-')}.ics", events, week=week, tz=tz)
    return api.load_inputs([path], profile=Profile(timezone=tz), week=week)


PLANS = {
    # Sunday 29 March 2026: Berlin springs forward at 02:00.
    "berlin-spring-forward": lambda folder: (
        pipeline.plan(_inputs(folder, "2026-W13", "Europe/Berlin")).ics
    ),
    # Sunday 1 November 2026: New York falls back at 02:00.
    "new-york-fall-back": lambda folder: (
        pipeline.plan(_inputs(folder, "2026-W44", "America/New_York")).ics
    ),
    # Two weeks from 19 October 2026, across Berlin's return to winter time on 25 October.
    "berlin-two-weeks": lambda folder: (
        plan_weeks(_inputs(folder, "2026-W43", "Europe/Berlin", weeks=2), weeks=2).ics
    ),
    # A summer week repeated three times (RRULE masters; their first occurrence is compared).
    "berlin-summer-template": lambda folder: (
        plan_weeks(_inputs(folder, "2026-W27", "Europe/Berlin", weeks=3), weeks=3, repeat=True).ics
    ),
}


@pytest.fixture(scope="module")
def plan_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("plans")
    files = {}
    for name, make in PLANS.items():
        path = folder / f"{name}.ics"
        path.write_bytes(make(folder))
        files[name] = path
    return files


@pytest.mark.parametrize("name", sorted(PLANS))
def test_a_produced_plan_reads_as_zoneinfo_says(
    name: str, plan_files: dict[str, Path], consumer: Consumer, request: pytest.FixtureRequest
) -> None:
    if "template" in name and request.node.callspec.params["consumer"] == "radicale-freebusy":
        pytest.skip(
            "Radicale's free-busy answer has a period per occurrence of a series; this "
            "reader compares one period per event (the caldav round trip covers the template)"
        )
    path = plan_files[name]
    expected = zoneinfo_events(path)
    assert len(expected) >= 10
    assert consumer(path) == expected


@pytest.mark.parametrize("name", sorted(PLANS))
def test_the_zoneinfo_reading_is_the_planned_wall_clock_time(
    name: str, plan_files: dict[str, Path]
) -> None:
    """Every session starts and ends on the 5-minute grid, in the local time it was planned
    for, with the UTC offset zoneinfo gives for that date (so DST was applied)."""
    from icalendar import Calendar

    cal = Calendar.from_ical(plan_files[name].read_bytes())
    by_uid = {i.uid: i for i in zoneinfo_events(plan_files[name])}
    for event in cal.walk("VEVENT"):
        start = event.decoded("DTSTART")
        assert start.minute % 5 == 0
        local = start.replace(tzinfo=None)
        zone = start.tzinfo
        assert zone is not None
        instant = by_uid[str(event["UID"])].start_utc
        assert instant.astimezone(zone).replace(tzinfo=None) == local
        assert instant == local.replace(tzinfo=zone).astimezone(dt.UTC)
