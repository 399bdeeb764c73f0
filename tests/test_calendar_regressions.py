"""Calendars that crashed or hung the reader (found by the corpus and fuzz tests), each now a
clear ``CalendarError`` with its place, named after the problem it pins.

A reader that hangs again fails by the timeout below (far above the milliseconds these take;
`benchmarks/bench_guards.py` measures them), not by a wall-clock assertion that a loaded
machine could break."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from brainfit_solver.calendars.reading import load_calendar, week_from_calendars
from brainfit_solver.core.errors import CalendarError
from brainfit_solver.core.timegrid import Horizon, zone
from brainfit_solver.rules.profile import BusyPolicy, StudyRecognition

pytestmark = pytest.mark.timeout(60)

MONDAY = dt.date(2026, 11, 9)
WEEK = (MONDAY, MONDAY + dt.timedelta(days=6))


def calendar(tmp_path: Path, *lines: str, zones: str = "") -> Path:
    path = tmp_path / "damaged.ics"
    body = "\r\n".join(lines)
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//EN\r\n"
        f"{zones}BEGIN:VEVENT\r\nUID:x@tests\r\nSUMMARY:Damaged\r\n{body}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    return path


def error(path: Path, dates: tuple[dt.date, dt.date] | None = WEEK) -> CalendarError:
    with pytest.raises(CalendarError) as caught:
        loaded = load_calendar(path, dates=dates)
        horizon = Horizon(zone("Europe/Berlin"), MONDAY)
        week_from_calendars([loaded], horizon, study=StudyRecognition(), busy=BusyPolicy())
    return caught.value


def test_dtstart_given_twice_is_named_not_a_crash(tmp_path: Path) -> None:
    path = calendar(tmp_path, "DTSTART:20261110T080000Z", "DTSTART:20261110T100000Z")
    assert "has DTSTART more than once" in error(path).message


def test_a_duration_written_as_dtstart_is_named_not_a_crash(tmp_path: Path) -> None:
    path = calendar(tmp_path, "DTSTART:P1W", "DTEND:20261110T100000Z")
    assert "DTSTART is not a date or date-time" in error(path).message


def test_a_duration_longer_than_any_calendar_is_refused_not_a_crash(tmp_path: Path) -> None:
    path = calendar(tmp_path, "DTSTART:20240101T000000Z", "DURATION:P999999999999999999W")
    for dates in (None, WEEK):
        assert "DURATION cannot be read" in error(path, dates).message


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=SECONDLY", "repeats by the second"),
        ("FREQ=MINUTELY;INTERVAL=15", "repeats by the minute"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL=0, which never advances"),
        ("FREQ=HOURLY;BYMINUTE=0,5,10,15,20,25,30,35,40,45,50,55,59", "312 times a day"),
    ],
)
def test_a_rule_that_cannot_be_expanded_in_bounded_time_is_refused_at_once(
    tmp_path: Path, rule: str, words: str
) -> None:
    """dateutil walks a rule from DTSTART: by the second since 2016 never reaches today."""
    path = calendar(tmp_path, "DTSTART:20160110T100000Z", "DTEND:20160110T100100Z", f"RRULE:{rule}")
    found = error(path)
    assert words in found.message and found.where == "line 5"


def test_a_time_zone_rule_repeating_by_the_second_is_refused_before_parsing(
    tmp_path: Path,
) -> None:
    zones = (
        "BEGIN:VTIMEZONE\r\nTZID:Custom\r\nBEGIN:STANDARD\r\nDTSTART:16011028T030000\r\n"
        "RRULE:FREQ=WEEKLY;FREQ=SECONDLY\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
        "END:STANDARD\r\nEND:VTIMEZONE\r\n"
    )
    path = calendar(tmp_path, 'DTSTART;TZID="Custom":20261110T100000', zones=zones)
    found = error(path)
    assert "not a rule a time zone follows" in found.message and found.where == "line 8"


def test_damaged_parameters_are_an_error_even_far_from_the_planned_week(tmp_path: Path) -> None:
    path = calendar(tmp_path, "DTSTART;\\ZID=Europe/Berlin:20190101T100000")
    for dates in (None, WEEK):
        found = error(path, dates)
        assert found.where == "line 7" and "this line cannot be read" in found.message


def test_the_same_study_block_in_two_calendars_is_one_block_not_an_internal_error(
    tmp_path: Path,
) -> None:
    """A lecture in the timetable and again in a study calendar: one block, one snack before
    it (the model counted two blocks, the checker one, and the plan failed its own check)."""
    from click.testing import CliRunner

    from brainfit_solver.cli import main

    lectures = Path(__file__).parent / "calendars" / "weekly_lecture_exdate_and_moved.ics"
    copy = tmp_path / "study.ics"
    copy.write_bytes(lectures.read_bytes())
    out = tmp_path / "week.ics"
    args = ["plan", str(lectures), "--study", str(copy), "--week", "2026-W46", "-o", str(out)]
    result = CliRunner().invoke(main, [*args, "--tz", "Europe/Berlin", "--quiet"])
    assert result.exit_code == 0, result.output
    loaded = [load_calendar(lectures), load_calendar(copy, study=True)]
    horizon = Horizon(zone("Europe/Berlin"), MONDAY)
    week = week_from_calendars(loaded, horizon, study=StudyRecognition(), busy=BusyPolicy())
    assert len(week.commitments) == 1 and week.commitments[0].study
