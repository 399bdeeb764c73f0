"""Faults that cannot change when the user is busy are read with one warning per file; a
fault in a value that decides busy time is still refused (docs/calendar-sources.md, "What is
read with a warning and what is refused").

Each sample under tests/calendars/ shows one kind of fault as the exporters named in it
write it. ``brainfit plan`` must make a checked plan from it, print the warning once on
stderr with the count, put the same words into the JSON report, and read the busy time
that the faultless events hold.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from brainfit_solver import api
from brainfit_solver.cli import main
from brainfit_solver.rules.profile import Profile
from support import CALENDARS

WEEK = "2026-W46"  # Monday 9 November 2026


def busy(path: Path) -> list[tuple[str, str, str]]:
    """The busy blocks the planner reads from ``path``, as Berlin wall-clock times."""
    inputs = api.load_inputs([path], profile=Profile(timezone="Europe/Berlin"), week=WEEK)
    h = inputs.horizon
    return [
        (
            h.to_datetime(c.start).strftime("%a %H:%M"),
            h.to_datetime(c.end).strftime("%H:%M"),
            c.summary,
        )
        for c in inputs.calendar.commitments
    ]


def plan_with_warning(path: Path, tmp_path: Path) -> str:
    """Plan from ``path``; the one warning line it prints, which the report also holds."""
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        main,
        ["plan", str(path), "--week", WEEK, "--tz", "Europe/Berlin", "-o", str(tmp_path / "w.ics"),
         "--json", str(report)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1, result.stderr
    assert "warning:" not in result.stdout
    assert json.loads(report.read_text())["warnings"] == [warnings[0].removeprefix("warning: ")]
    return warnings[0]


def test_events_without_a_start_time_are_skipped_with_one_warning(tmp_path: Path) -> None:
    path = CALENDARS / "event_without_start_time.ics"
    warning = plan_with_warning(path, tmp_path)
    assert warning == f"warning: {path}: 3 events without a start time were skipped"
    assert busy(path) == [("Tue 10:00", "12:00", "Seminar Neurobiology")]


def test_malformed_x_property_lines_are_ignored_with_one_warning(tmp_path: Path) -> None:
    path = CALENDARS / "malformed_x_property_lines.ics"
    warning = plan_with_warning(path, tmp_path)
    assert warning == f"warning: {path}: 2 malformed lines that hold no busy time were ignored"
    assert busy(path) == [("Wed 14:00", "15:30", "Dentist"), ("Fri 09:00", "10:00", "Team call")]


def test_calendars_concatenated_in_one_file_are_all_read_with_one_warning(tmp_path: Path) -> None:
    path = CALENDARS / "three_calendars_concatenated.ics"
    warning = plan_with_warning(path, tmp_path)
    assert warning == f"warning: {path}: 3 calendars in one file were read as one"
    assert busy(path) == [
        ("Tue 09:00", "09:30", "Standup"),
        ("Thu 17:00", "18:00", "Kids swim class"),
        ("Sat 10:00", "12:00", "Club match"),
    ]


def test_an_exchange_rrule_with_spaces_in_byday_is_read_with_one_warning(tmp_path: Path) -> None:
    path = CALENDARS / "exchange_rrule_byday_with_spaces.ics"
    warning = plan_with_warning(path, tmp_path)
    assert warning == f"warning: {path}: 1 RRULE written with spaces was read without them"
    assert busy(path) == [
        (f"{day} 09:15", "09:30", "Sprint Daily Standup")
        for day in ("Mon", "Tue", "Wed", "Thu", "Fri")
    ]


def test_a_lost_fold_in_a_description_and_a_line_after_the_calendar_are_ignored_with_one_warning(
    tmp_path: Path,
) -> None:
    path = CALENDARS / "lines_that_hold_no_busy_time.ics"
    warning = plan_with_warning(path, tmp_path)
    assert warning == (
        f"warning: {path}: 1 malformed line that holds no busy time was ignored, "
        "1 line outside the VCALENDAR was ignored"
    )
    assert busy(path) == [("Tue 18:30", "19:30", "Termin")]


def test_a_file_without_faults_prints_no_warning_and_reports_none(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        main,
        ["plan", str(CALENDARS / "weekly_lecture_exdate_and_moved.ics"), "--week", WEEK,
         "--tz", "Europe/Berlin", "-o", str(tmp_path / "w.ics"), "--json", str(report)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    assert json.loads(report.read_text())["warnings"] == []


HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//EN\r\n"
EVENT = "BEGIN:VEVENT\r\nUID:lecture@tests\r\nSUMMARY:Lecture\r\n{}\r\nEND:VEVENT\r\n"
START = "DTSTART;TZID=Europe/Berlin:20261110T100000\r\nDTEND;TZID=Europe/Berlin:20261110T120000"
NO_START = "BEGIN:VEVENT\r\nUID:note@tests\r\nSUMMARY:a note\r\nEND:VEVENT\r\n"


@pytest.mark.parametrize(
    ("text", "line", "words", "fix"),
    [
        pytest.param(
            HEAD + EVENT.format(START + "\r\nRRULE:FREQ=WEEKLY\r\n"
                                "EXDATE;TZID=Europe/Berlin:20261103T100000,\r\n20261110T100000")
            + "END:VCALENDAR\r\n",
            11, "may be the rest of the EXDATE line above", "Repair or delete that line",
            id="an EXDATE list folded without its leading space",
        ),
        pytest.param(
            HEAD + EVENT.format("DTSTART 20261110T100000Z\r\nDTEND:20261110T110000Z")
            + NO_START + "END:VCALENDAR\r\n",
            7, "DTSTART", "Repair or delete that line",
            id="a DTSTART line without its colon",
        ),
        pytest.param(
            HEAD + EVENT.format("RDATE;TZID=Europe/Berlin:20261110T100000") + "END:VCALENDAR\r\n",
            5, "has RDATE but no DTSTART", "Give the event a start time",
            id="a recurring event without DTSTART",
        ),
        pytest.param(
            HEAD + "X-WR-TIMEZONE:Europe/Berlin\r\n" + EVENT.format(START) + "END:VCALENDAR\r\n"
            + HEAD + "X-WR-TIMEZONE:America/New_York\r\n" + EVENT.format(START)
            + "END:VCALENDAR\r\n",
            15, "X-WR-TIMEZONE", "one .ics per calendar",
            id="concatenated calendars in different X-WR-TIMEZONEs",
        ),
        pytest.param(
            HEAD + NO_START + EVENT.format(START.replace("Europe/Berlin", "Mars/Olympus"))
            + "END:VCALENDAR\r\n",
            11, "unknown time zone 'Mars/Olympus'", "VTIMEZONE",
            id="an unknown TZID next to an event without DTSTART",
        ),
        pytest.param(
            HEAD + EVENT.format(START + "\r\nRRULE:FREQ=WEEKLY;BYDAY=MO, XX") + "END:VCALENDAR\r\n",
            9, "RRULE cannot be read", "Correct the value",
            id="an RRULE that is wrong besides its spaces",
        ),
    ],
)  # fmt: skip
def test_a_fault_that_decides_busy_time_is_still_refused_in_one_paragraph(
    tmp_path: Path, text: str, line: int, words: str, fix: str
) -> None:
    path = tmp_path / "damaged.ics"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["plan", str(path), "--week", WEEK, "-o", str(tmp_path / "w.ics")]
    )
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert "\n" not in message and "warning" not in message
    assert message.startswith(f"error: {path}, line {line}: "), message
    assert words in message and fix in message


def test_imported_sessions_before_the_week_are_read_from_a_calendar_with_a_stray_line(
    tmp_path: Path,
) -> None:
    """Found by the fuzz test: a PRODID line before BEGIN:VCALENDAR was read with a warning
    by the planner, but the checker's reading of the days before the week refused it
    ("Property PRODID does not have a parent component"), so `plan` failed with exit 2."""
    text = (CALENDARS / "google_with_imported_brainfit_sessions.ics").read_bytes()
    path = tmp_path / "google.ics"
    path.write_bytes(b"PRODID:-//left over//EN\r\n" + text)
    result = CliRunner().invoke(
        main, ["plan", str(path), "--week", "2026-W47", "-o", str(tmp_path / "w.ics")]
    )
    assert result.exit_code == 0, result.output
    assert "1 line outside the VCALENDAR was ignored" in result.stderr
    check = CliRunner().invoke(main, ["check", str(tmp_path / "w.ics"), str(path)])
    assert check.exit_code == 0, check.output
