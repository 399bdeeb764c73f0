"""`brainfit plan --merge`: the user's own events and the plan in one file, the user's text
copied byte for byte."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from icalendar import Calendar, Event, Timezone

from brainfit_solver.calendar_in import load_calendar
from brainfit_solver.check import read_plan
from brainfit_solver.cli import main
from brainfit_solver.merge import merge_calendars
from brainfit_solver.schedule import plan_weeks
from support import Ev, calendar_bytes, inputs_for

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
