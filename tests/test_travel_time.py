"""Apple Calendar's travel time (X-APPLE-TRAVEL-DURATION): the time an event reserves for
getting there is busy, for the planner, for the checker's own reading and in the listing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from brainfit_solver import api
from brainfit_solver.check.calendars import CalendarBytes, read_busy
from brainfit_solver.cli import main
from brainfit_solver.core.domain import Plan, Session
from brainfit_solver.core.errors import CalendarError
from brainfit_solver.core.timegrid import zone
from brainfit_solver.rules.profile import Profile
from support import CALENDARS, day_at, kind, ruleset

SAMPLE = CALENDARS / "apple_travel_time_before_events.ics"
BERLIN = zone("Europe/Berlin")
PROFILE = Profile(timezone="Europe/Berlin")


def at(day: int, clock: str) -> dt.datetime:
    hour, minute = map(int, clock.split(":"))
    date = dt.date(2026, 11, 30) + dt.timedelta(days=day)
    return dt.datetime.combine(date, dt.time(hour, minute), BERLIN)


def test_the_planner_blocks_the_travel_time_before_an_event() -> None:
    inputs = api.load_inputs([SAMPLE], profile=PROFILE, week="2026-W49")
    busy = {(c.start, c.end, c.summary) for c in inputs.calendar.commitments}
    assert (day_at(2, "09:30"), day_at(2, "10:00"), "Travel to Dentist") in busy
    assert (day_at(3, "16:15"), day_at(3, "17:30"), "Travel to Dinner at Clara") in busy
    assert not any("haircut" in summary for _, _, summary in busy)  # cancelled: no travel


def test_the_checker_reads_the_travel_time_itself() -> None:
    calendar = CalendarBytes(str(SAMPLE), SAMPLE.read_bytes())
    blocks = read_busy([calendar], PROFILE, at(0, "00:00"), at(7, "00:00")).blocks
    found = {(b.start, b.end, b.summary) for b in blocks}
    assert (at(2, "09:30"), at(2, "10:00"), "Travel to Dentist") in found
    assert (at(3, "16:15"), at(3, "17:30"), "Travel to Dinner at Clara") in found
    assert not any("haircut" in b.summary for b in blocks)


def test_both_readers_look_for_travel_time_a_day_past_the_week_and_no_further(
    tmp_path: Path,
) -> None:
    """An event up to a day after the week may reserve travel time inside it (Sunday evening
    travel to a Monday-morning flight); one starting later is not looked at by either reader
    (constraints: more than calendar apps offer), so the two never disagree about it."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tests//EN"]
    for uid, start, travel in (
        ("flight", "20261207T060000", "PT8H"),
        ("far", "20261208T010000", "PT26H"),
    ):
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}@tests",
            f"DTSTART;TZID=Europe/Berlin:{start}",
            "DURATION:PT1H",
            f"SUMMARY:{uid}",
            f"X-APPLE-TRAVEL-DURATION;VALUE=DURATION:{travel}",
            "END:VEVENT",
        ]
    path = tmp_path / "trips.ics"
    path.write_text("\r\n".join([*lines, "END:VCALENDAR", ""]), newline="")
    inputs = api.load_inputs([path], profile=PROFILE, week="2026-W49")
    planner = {(c.summary, c.start, c.end) for c in inputs.calendar.commitments}
    assert planner == {("Travel to flight", day_at(6, "22:00"), day_at(7, "00:00"))}
    blocks = read_busy(
        [CalendarBytes("trips.ics", path.read_bytes())], PROFILE, at(0, "00:00"), at(7, "00:00")
    ).blocks
    assert [(b.summary, b.start, b.end) for b in blocks] == [
        ("Travel to flight", at(6, "22:00"), at(7, "06:00"))
    ]


def test_a_session_in_the_travel_time_is_refused_by_the_checker() -> None:
    inputs = api.load_inputs(
        [SAMPLE], profile=PROFILE, rules=ruleset({"z": kind(30)}), week="2026-W49"
    )
    start = day_at(2, "09:00")  # ends 09:30, when travel to the dentist begins: no buffer left
    plan = Plan(sessions=(Session("z", start, start + 30),), status="OPTIMAL", objective=0, bound=0)
    violations = api.check(api.export(plan, inputs), inputs).violations
    assert any("overlaps 'Travel to Dentist'" in v for v in violations), violations


def test_the_listing_gives_the_travel_time_its_reason() -> None:
    result = CliRunner().invoke(main, ["calendars", str(SAMPLE), "--week", "2026-W49", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["summary"]: (row["role"], row["why"]) for row in json.loads(result.output)}
    assert rows["Travel to Dentist"] == ("busy", "travel time 30 min before 'Dentist'")
    assert rows["Travel to Dinner at Clara"] == (
        "busy",
        "travel time 1 h 15 min before 'Dinner at Clara'",
    )


def test_a_travel_time_that_is_not_a_duration_is_refused_by_both_readers(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    broken = tmp_path / "travel.ics"
    broken.write_text(
        text.replace(
            "X-APPLE-TRAVEL-DURATION;VALUE=DURATION:PT30M", "X-APPLE-TRAVEL-DURATION:soon"
        ),
        encoding="utf-8",
    )
    with pytest.raises(CalendarError, match="travel time") as planner:
        api.load_inputs([broken], profile=PROFILE, week="2026-W49")
    assert "PT30M" in str(planner.value) and str(broken) in str(planner.value)
    calendar = CalendarBytes(str(broken), broken.read_bytes())
    with pytest.raises(CalendarError, match="travel time"):
        read_busy([calendar], PROFILE, at(0, "00:00"), at(7, "00:00"))


def test_a_travel_time_declared_a_duration_but_broken_is_refused_not_a_crash(
    tmp_path: Path,
) -> None:
    """Found by the fuzz test: ``VALUE=DURATION`` with a value icalendar cannot read made
    icalendar raise on access to the value, an internal error (exit 1) instead of exit 2."""
    text = SAMPLE.read_text(encoding="utf-8")
    broken = tmp_path / "travel.ics"
    broken.write_text(
        text.replace(
            "X-APPLE-TRAVEL-DURATION;VALUE=DURATION:PT30M",
            "X-APPLE-TRAVEL-DURATION;VALUE=DURATION:PT30Merlin",
        ),
        encoding="utf-8",
    )
    with pytest.raises(CalendarError, match="travel time"):
        api.load_inputs([broken], profile=PROFILE, week="2026-W49")
    calendar = CalendarBytes(str(broken), broken.read_bytes())
    with pytest.raises(CalendarError, match="travel time"):
        read_busy([calendar], PROFILE, at(0, "00:00"), at(7, "00:00"))
