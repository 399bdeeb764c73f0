"""`brainfit plan --merge`: the user's own events and the plan in one file, the user's text
copied byte for byte."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import x_wr_timezone
from click.testing import CliRunner
from icalendar import Calendar, Event, Timezone

from brainfit_solver.calendars.reading import load_calendar
from brainfit_solver.check.checker import read_plan
from brainfit_solver.cli import main
from brainfit_solver.outputs.merge import PLAN_UID_SUFFIX, merge_calendars
from brainfit_solver.pipeline import plan_weeks
from support import CALENDARS, Ev, calendar_bytes, inputs_for

LECTURES = [Ev(d, "09:00", "12:00", "Lecture; Analysis, room 3") for d in range(5)]


def vevent_blocks(data: bytes) -> list[bytes]:
    """Each VEVENT's raw bytes, BEGIN to END line endings included."""
    blocks, start = [], 0
    while (begin := data.find(b"BEGIN:VEVENT", start)) >= 0:
        end = data.index(b"END:VEVENT", begin) + len(b"END:VEVENT")
        end = data.index(b"\n", end) + 1
        blocks.append(data[begin:end])
        start = end
    return blocks


def test_the_users_events_are_copied_byte_for_byte(tmp_path: Path) -> None:
    own = calendar_bytes(LECTURES)
    plan = plan_weeks(inputs_for(tmp_path, LECTURES)).ics
    merged = merge_calendars([("cal.ics", own)], plan)
    for block in vevent_blocks(own):
        assert block in merged
    assert merged.startswith(own[: own.index(b"BEGIN:VTIMEZONE")])  # the user's own header
    assert len(read_plan(merged)) == len(read_plan(plan))
    assert merged.count(b"BEGIN:VEVENT") == own.count(b"BEGIN:VEVENT") + plan.count(b"BEGIN:VEVENT")
    assert merged.count(b"BEGIN:VTIMEZONE") == 1
    merged_file = tmp_path / "merged.ics"
    merged_file.write_bytes(merged)
    load_calendar(merged_file)  # the project's own strict reader accepts it


def test_line_endings_and_folding_of_the_users_file_are_kept(tmp_path: Path) -> None:
    own = calendar_bytes(LECTURES).replace(b"\r\n", b"\n")
    plan = plan_weeks(inputs_for(tmp_path, LECTURES)).ics
    merged = merge_calendars([("lf.ics", own)], plan)
    for block in vevent_blocks(own):
        assert block in merged
    assert len(Calendar.from_ical(merged).walk("VEVENT")) == 5 + len(read_plan(plan))


def test_several_calendars_and_an_earlier_plan_give_one_copy_of_each_uid(tmp_path: Path) -> None:
    plan = plan_weeks(inputs_for(tmp_path, LECTURES)).ics
    work = calendar_bytes([Ev(5, "10:00", "14:00", "Café shift")]).replace(b"ev0@", b"work0@")
    with_old_plan = Calendar.from_ical(calendar_bytes(LECTURES))
    for event in Calendar.from_ical(plan).walk("VEVENT"):
        with_old_plan.add_component(event)
    merged = merge_calendars([("cal.ics", with_old_plan.to_ical()), ("work.ics", work)], plan)
    uids = [str(e["UID"]) for e in Calendar.from_ical(merged).walk("VEVENT")]
    assert len(uids) == len(set(uids)) == 5 + 1 + len(read_plan(plan))
    assert merged.count(b"BEGIN:VTIMEZONE") == 1


def test_a_misread_vtimezone_of_the_plans_zone_is_replaced(tmp_path: Path) -> None:
    """icalendar's from_tzinfo lists every onset in one RDATE, which ical.js, vobject and
    Radicale read as the first one only; the user's events in that zone are still copied."""
    own = Calendar()
    own.add("prodid", "-//someone//EN")
    own.add("version", "2.0")
    own.add_component(Timezone.from_tzinfo(ZoneInfo("Europe/Berlin")))
    event = Event()
    event.add("uid", "summer@example.org")
    event.add("dtstamp", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    event.add("dtstart", dt.datetime(2026, 7, 1, 9, tzinfo=ZoneInfo("Europe/Berlin")))
    event.add("dtend", dt.datetime(2026, 7, 1, 10, tzinfo=ZoneInfo("Europe/Berlin")))
    event.add("summary", "Summer lecture")
    own.add_component(event)
    data = own.to_ical()
    assert b"RDATE:" in data and b"," in data.split(b"RDATE:")[1].split(b"\r\n")[0]
    plan = plan_weeks(inputs_for(tmp_path, LECTURES)).ics
    merged = merge_calendars([("own.ics", data)], plan)
    assert vevent_blocks(data)[0] in merged
    (zone,) = Calendar.from_ical(merged).walk("VTIMEZONE")
    assert "RDATE" not in zone.to_ical().decode()
    onsets = [sub.decoded("DTSTART").date() for sub in zone.walk() if sub.name == "DAYLIGHT"]
    assert dt.date(2026, 3, 29) in onsets  # covers the user's summer event and the plan


def test_cli_merge_writes_one_file_that_check_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cal.ics").write_bytes(calendar_bytes(LECTURES))
    runner = CliRunner()
    out = runner.invoke(main, ["plan", "cal.ics", "--week", "2026-W49", "--merge", "-o", "m.ics"])
    assert out.exit_code == 0, out.output
    merged = (tmp_path / "m.ics").read_bytes()
    assert all(block in merged for block in vevent_blocks(calendar_bytes(LECTURES)))
    checked = runner.invoke(main, ["check", "m.ics", "cal.ics"])
    assert checked.exit_code == 0, checked.output


# --- every user event keeps its instant (X-WR-TIMEZONE and floating times) -----------------


NEW_YORK = (CALENDARS / "merge_xwr_new_york_floating_and_utc.ics").read_bytes()
BERLIN = (CALENDARS / "merge_xwr_berlin_floating_and_utc_series.ics").read_bytes()
FLOATING = (CALENDARS / "merge_floating_without_xwr.ics").read_bytes()


def occurrences(data: bytes) -> set[tuple[str, object, object]]:
    """Every user event's occurrences as icalendar with x-wr-timezone reads them: aware
    times as UTC instants, floating ones as they are (still floating)."""

    def instant(value: dt.datetime) -> object:
        return value.astimezone(dt.UTC) if value.tzinfo else ("floating", value)

    calendar = x_wr_timezone.to_standard(Calendar.from_ical(data))
    start, end = dt.datetime(2026, 8, 1, tzinfo=dt.UTC), dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
    return {
        (str(e["UID"]), instant(e.decoded("DTSTART")), instant(e.decoded("DTEND")))
        for e in recurring_ical_events.of(calendar).between(start, end)
        if not str(e["UID"]).endswith(PLAN_UID_SUFFIX)
    }


def test_every_user_event_keeps_its_instant_under_another_calendars_x_wr_timezone(
    tmp_path: Path,
) -> None:
    """A 10:00 Berlin lecture (floating, Berlin X-WR-TIMEZONE) merged after a New York
    calendar once read as 16:00; floating times of a calendar without X-WR-TIMEZONE were
    pulled into New York time; a UTC series from summer lost its local wall-clock time."""
    sources = [("ny.ics", NEW_YORK), ("berlin.ics", BERLIN), ("paper.ics", FLOATING)]
    plan = plan_weeks(inputs_for(tmp_path, LECTURES)).ics
    merged = merge_calendars(sources, plan)
    expected = set().union(*(occurrences(data) for _, data in sources))
    assert len(expected) == 3 + 11 + 20 + 1  # the seminar: 12 Thursdays, one excluded
    assert ("lecture@berlin", dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)) in {
        (uid, start) for uid, start, _ in expected
    }
    assert occurrences(merged) == expected
    assert len(read_plan(merged)) == len(read_plan(plan))


def test_the_merged_file_declares_no_calendar_zone_and_defines_every_tzid(tmp_path: Path) -> None:
    sources = [("ny.ics", NEW_YORK), ("berlin.ics", BERLIN), ("paper.ics", FLOATING)]
    plan = plan_weeks(inputs_for(tmp_path, LECTURES)).ics
    merged = merge_calendars(sources, plan)
    calendar = Calendar.from_ical(merged)
    assert "X-WR-TIMEZONE" not in calendar and str(calendar["X-WR-CALNAME"]) == "Work"
    defined = sorted(str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE"))
    assert defined == ["America/New_York", "Europe/Berlin"]
    assert vevent_blocks(FLOATING)[0] in merged  # no X-WR-TIMEZONE: copied byte for byte
    assert b"DTSTART:20261202T180000Z" in merged  # a one-off UTC time is kept as it was
    (tmp_path / "merged.ics").write_bytes(merged)
    load_calendar(tmp_path / "merged.ics")


def test_a_windows_zone_name_and_lf_line_ends_survive_the_conversion(tmp_path: Path) -> None:
    outlook = BERLIN.replace(b"\r\n", b"\n").replace(
        b"X-WR-TIMEZONE:Europe/Berlin", b"X-WR-TIMEZONE:W. Europe Standard Time"
    )
    plan = plan_weeks(inputs_for(tmp_path, LECTURES)).ics
    merged = merge_calendars([("outlook.ics", outlook), ("ny.ics", NEW_YORK)], plan)
    assert b"DTSTART;TZID=Europe/Berlin:20261202T100000\n" in merged
    assert b"RRULE:FREQ=WEEKLY;UNTIL=20261217T130000Z\n" in merged  # 14:00 CET in UTC
    assert occurrences(merged) == occurrences(BERLIN) | occurrences(NEW_YORK)
