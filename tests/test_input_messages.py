"""Small mistakes and surprises a careful user meets, each answered plainly (issue 9's
"smaller ones"): every test is named after what it pins."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from brainfit_solver import api, pipeline
from brainfit_solver.cli import main
from brainfit_solver.core.errors import CalendarError, ProfileError
from brainfit_solver.core.timegrid import parse_week
from brainfit_solver.rules.profile import load_profile
from support import Ev, write_calendar


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], env={"COLUMNS": "200"})
    return result.exit_code, " ".join(result.output.split())


@pytest.fixture
def calendar(tmp_path: Path) -> Path:
    events = [Ev(d, "09:00", "12:00", "Lecture: Statistics") for d in range(5)]
    return write_calendar(tmp_path / "uni.ics", events)


def test_a_pdf_given_as_a_calendar_is_called_not_a_calendar(tmp_path: Path) -> None:
    pdf = tmp_path / "timetable.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    with pytest.raises(CalendarError) as err:
        api.load_inputs([pdf], week="2026-W49")
    message = err.value.render()
    assert "a PDF document, not an iCalendar file" in message
    assert "iconv" not in message


def test_a_typo_in_a_profile_key_suggests_the_right_one(tmp_path: Path) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text('timezone = "Europe/Berlin"\nbufer_min = 10\n', encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(profile)
    assert "did you mean 'buffer_min'?" in err.value.render()


def test_a_typo_in_a_nested_profile_key_suggests_the_right_one(tmp_path: Path) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text("[busy]\ntentativ = false\n", encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(profile)
    assert "did you mean 'tentative'?" in err.value.render()


@pytest.mark.parametrize("value", ["true", '"40"', "12.5"])
def test_weights_must_be_whole_numbers_not_true_or_text(tmp_path: Path, value: str) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text(f"[weights]\nnear_study = {value}\n", encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(profile)
    assert "weights.near_study" in err.value.render()


def test_a_study_calendars_entry_naming_nothing_is_an_error(calendar: Path, tmp_path: Path) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text('[study]\ncalendars = ["Uni Stundenplan"]\n', encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        api.load_inputs([calendar], profile=profile, week="2026-W49")
    message = err.value.render()
    assert "'Uni Stundenplan'" in message and "names no calendar" in message


def test_a_profile_can_leave_out_an_optional_kind(calendar: Path, tmp_path: Path) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text('exclude = ["sprint_snack", "impact"]\n', encoding="utf-8")
    result = pipeline.plan(api.load_inputs([calendar], profile=profile, week="2026-W49"))
    kinds = {s.kind for s in result.plan.sessions}
    assert kinds and not kinds & {"sprint_snack", "impact"}


def test_a_profile_cannot_leave_out_a_kind_the_rules_require(
    calendar: Path, tmp_path: Path
) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text('exclude = ["hiit"]\n', encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        api.load_inputs([calendar], profile=profile, week="2026-W49")
    assert "hiit is required" in err.value.render()


def test_a_lowercase_iso_week_is_accepted() -> None:
    assert parse_week("2026-w49") == parse_week("2026-W49")


def test_window_default_off_opens_only_the_named_days(calendar: Path, tmp_path: Path) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text(
        '[window]\ndefault = "off"\ntue = "06:00-22:00"\nthu = "06:00-22:00"\nsat = "08:00-20:00"\n'
        'sun = "08:00-20:00"\n',
        encoding="utf-8",
    )
    inputs = api.load_inputs([calendar], profile=profile, week="2026-W49")
    days = {inputs.horizon.day_of(s.start) for s in pipeline.plan(inputs).plan.sessions}
    assert days and days <= {1, 3, 5, 6}


def sunday_night(tmp_path: Path, window: str, minutes: int) -> list[str | Path]:
    """Profile and rule options for one zone 2 session of ``minutes`` a week, on Sunday's
    ``window`` only, in Berlin, without a buffer."""
    profile = tmp_path / "profile.toml"
    profile.write_text(
        'timezone = "Europe/Berlin"\nbuffer_min = 0\n'
        f'[window]\ndefault = "off"\nsun = "{window}"\n',
        encoding="utf-8",
    )
    rules = tmp_path / "rules.toml"
    rules.write_text(
        f"[meta]\nname='night'\n[kinds.zone2]\ntitle='Zone 2 cardio'\nduration_min={minutes}\n"
        "intensity='moderate'\nper_week={min=1,max=1}\nprotocol='p'\nwhy='w'\n"
        "cites='a long enough passage'\n",
        encoding="utf-8",
    )
    return ["--profile", profile, "--rules", rules]


def test_a_session_on_a_dst_day_notes_the_clock_change(tmp_path: Path) -> None:
    """01:30–03:30 on the spring-forward night is a 60-minute session, not 120: the summary
    says that the clocks change during it, so the length shown is not a riddle."""
    empty = write_calendar(tmp_path / "empty.ics", [], week="2026-W13")
    args = sunday_night(tmp_path, "01:30-03:30", 60)
    code, output = run("plan", empty, "--week", "2026-W13", *args, "-o", tmp_path / "w.ics")
    assert code == 0, output
    assert "clocks go forward" in output


def test_check_finds_the_plans_zone_when_its_first_session_is_written_in_utc(
    tmp_path: Path,
) -> None:
    """A session in the hour the clock repeats is written in UTC (clients disagree on which
    02:30 a TZID time means): `brainfit check` does not take UTC for the plan's zone from it,
    but a zone its other sessions name, else the profile's."""
    empty = write_calendar(tmp_path / "empty.ics", [], week="2026-W43")
    plan = tmp_path / "w.ics"
    args = sunday_night(tmp_path, "02:00-02:30", 30)
    code, output = run("plan", empty, "--week", "2026-W43", *args, "-o", plan)
    assert code == 0, output
    assert b"DTSTART:20261025T00" in plan.read_bytes()  # Sunday 02:00 CEST, in UTC
    code, output = run("check", plan, empty, *args)
    assert code == 0, output


def test_quiet_prints_no_comparison_table(calendar: Path, tmp_path: Path) -> None:
    code, output = run(
        "plan",
        calendar,
        "--week",
        "2026-W49",
        "-o",
        tmp_path / "w.ics",
        "--quiet",
        "--compare-weights",
        "near_study=0",
    )
    assert code == 0
    assert output == ""


def test_an_unexpandable_recurrence_names_its_event(tmp_path: Path) -> None:
    """The corpus's RRULE with a misspelt UNTIL used to say "the event named above" and name
    none; the message names the event and its line."""
    path = tmp_path / "club.ics"
    path.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:fine@t\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Choir\r\n"
        b"DTSTART:20261102T180000Z\r\nDTEND:20261102T190000Z\r\nRRULE:FREQ=WEEKLY\r\n"
        b"END:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:broken@t\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Book club\r\n"
        b"DTSTART:20261105T180000Z\r\nDTEND:20261105T190000Z\r\n"
        b"RRULE:FREQ=WEEKLY;UNTL=20271023;BYDAY=TH\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    code, output = run("plan", path, "--week", "2026-W49", "-o", tmp_path / "w.ics")
    assert code == 2
    assert "named above" not in output
    assert "event 'Book club' (UID broken@t)" in output and "line 13" in output
