"""Busy time from a CalDAV calendar: a real Radicale on 127.0.0.1, events put in, a week planned.

The calendar is read with a server-side time-range query and put together into one
VCALENDAR, so it must read exactly as the same events in a file; credentials come from the
environment or a netrc file, and every failure is a ``CalendarError`` naming the calendar.
"""

from __future__ import annotations

import datetime as dt
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import caldav
import pytest
from click.testing import CliRunner

from brainfit_solver import api, pipeline
from brainfit_solver.calendars import sources
from brainfit_solver.calendars.credentials import caldav_url
from brainfit_solver.calendars.reading import load_calendar, week_from_calendars
from brainfit_solver.cli import main
from brainfit_solver.core.errors import CalendarError
from brainfit_solver.core.timegrid import Horizon, zone
from brainfit_solver.rules.profile import BusyPolicy, Profile, StudyRecognition
from clients.consumers import running_radicale

pytestmark = pytest.mark.clients

WEEK, MONDAY = "2026-W46", dt.date(2026, 11, 9)
BERLIN = Profile(timezone="Europe/Berlin")
ALICE, SECRET = "alice", "correct-horse-battery-staple"
VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""
# One calendar object resource per UID (RFC 4791 §4.1), as a CalDAV client stores them.
RESOURCES = {
    "lecture": f"""{VTIMEZONE}
BEGIN:VEVENT
UID:lv-950712345-vl@tum.de
DTSTAMP:20261102T060000Z
SUMMARY:Lineare Algebra (Vorlesung)
DTSTART;TZID=Europe/Berlin:20261019T101500
DTEND;TZID=Europe/Berlin:20261019T114500
RRULE:FREQ=WEEKLY;UNTIL=20270212T230000Z;BYDAY=MO,TH
EXDATE;TZID=Europe/Berlin:20261109T101500
END:VEVENT
BEGIN:VEVENT
UID:lv-950712345-vl@tum.de
RECURRENCE-ID;TZID=Europe/Berlin:20261112T101500
DTSTAMP:20261102T060000Z
SUMMARY:Lineare Algebra (Vorlesung, verlegt)
DTSTART;TZID=Europe/Berlin:20261113T141500
DTEND;TZID=Europe/Berlin:20261113T154500
END:VEVENT""",
    "old": """BEGIN:VEVENT
UID:old-2019@example.org
DTSTAMP:20190501T000000Z
SUMMARY:Stammtisch 2019
DTSTART:20190502T180000Z
DTEND:20190502T220000Z
END:VEVENT""",
    "choir": f"""{VTIMEZONE}
BEGIN:VEVENT
UID:choir@example.org
DTSTAMP:20261101T000000Z
SUMMARY:Chor (frei)
DTSTART;TZID=Europe/Berlin:20261111T190000
DTEND;TZID=Europe/Berlin:20261111T210000
TRANSP:TRANSPARENT
END:VEVENT""",
    "dentist": """BEGIN:VEVENT
UID:dentist@example.org
DTSTAMP:20261101T000000Z
SUMMARY:Zahnarzt
DTSTART:20261110T070000Z
DTEND:20261110T080000Z
END:VEVENT""",
    "moving": """BEGIN:VEVENT
UID:moving@example.org
DTSTAMP:20261101T000000Z
SUMMARY:Umzug
DTSTART;VALUE=DATE:20261114
DTEND;VALUE=DATE:20261115
TRANSP:OPAQUE
END:VEVENT""",
}
EXPECTED = [
    "Zahnarzt",  # Tue 08:00; the Monday lecture is cancelled by EXDATE
    "Lineare Algebra (Vorlesung, verlegt)",  # Thursday's lecture moved to Friday
    "Umzug",  # all day, marked busy
]


def wrap(body: str) -> str:
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//tests//EN\n{body}\nEND:VCALENDAR\n"


def fill(client: caldav.DAVClient, name: str) -> str:
    """A new calendar named ``name`` holding RESOURCES; its caldav:// URL."""
    calendar = client.principal().make_calendar(name=name, cal_id=uuid.uuid4().hex)
    for body in RESOURCES.values():
        calendar.save_event(wrap(body))
    return str(calendar.url).replace("http://", "caldav://", 1)


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_radicale(tmp_path_factory.mktemp("radicale")) as url:
        yield url


@pytest.fixture(scope="module")
def locked_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Radicale asking for a password (htpasswd): only alice, only her own calendars."""
    folder = tmp_path_factory.mktemp("radicale-auth")
    with running_radicale(folder, users={ALICE: SECRET}) as url:
        yield url


@pytest.fixture(scope="module")
def uni(open_server: str) -> str:
    with caldav.DAVClient(url=open_server, username="student", password="x") as client:
        return fill(client, "Uni")


@pytest.fixture(scope="module")
def alice_calendar(locked_server: str) -> str:
    with caldav.DAVClient(url=locked_server, username=ALICE, password=SECRET) as client:
        return fill(client, "Privat")


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No credentials from the machine running the tests: each test sets its own."""
    for name in ("BRAINFIT_CALDAV_USER", "BRAINFIT_CALDAV_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    netrc = tmp_path / "netrc"
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return netrc


def summaries(inputs: api.Inputs) -> list[str]:
    return [c.summary for c in inputs.calendar.commitments]


# --- reading and planning ------------------------------------------------------------------


def test_a_week_planned_from_caldav_reads_as_the_same_events_in_a_file(
    uni: str, tmp_path: Path
) -> None:
    from_caldav = api.load_inputs([uni], profile=BERLIN, week=WEEK)
    assert summaries(from_caldav) == EXPECTED
    as_file = tmp_path / "same.ics"
    as_file.write_text(wrap("\n".join(RESOURCES.values()).replace(VTIMEZONE + "\n", "", 1)))
    from_file = api.load_inputs([as_file], profile=BERLIN, week=WEEK)
    spans = [(c.start, c.end, c.summary, c.study) for c in from_caldav.calendar.commitments]
    assert spans == [(c.start, c.end, c.summary, c.study) for c in from_file.calendar.commitments]
    result = pipeline.plan(from_caldav)  # solved, exported and independently checked
    assert result.check.ok and result.plan.sessions


def test_only_the_events_near_the_planned_days_are_asked_for(uni: str) -> None:
    near = sources.read_source(uni, dates=(MONDAY, MONDAY + dt.timedelta(days=6)))
    everything = sources.read_source(uni)
    assert b"old-2019@example.org" not in near and b"old-2019@example.org" in everything
    assert near.count(b"BEGIN:VTIMEZONE") == 1  # shared by two events, given once
    assert b"RECURRENCE-ID" in near and b"X-WR-CALNAME:Uni" in near


def test_the_calendar_display_name_can_make_it_a_study_calendar(uni: str) -> None:
    """The collection's display name becomes X-WR-CALNAME, which study recognition reads."""
    loaded = load_calendar(uni, dates=(MONDAY, MONDAY + dt.timedelta(days=6)))
    horizon = Horizon(zone("Europe/Berlin"), MONDAY)
    week = week_from_calendars(
        [loaded], horizon, study=StudyRecognition(calendars=["uni"]), busy=BusyPolicy()
    )
    assert all(c.study for c in week.commitments)
    assert "Chor (frei)" in {c.summary for c in week.commitments}  # study stays busy


def test_plan_and_check_read_caldav_on_the_command_line(uni: str, tmp_path: Path) -> None:
    out = tmp_path / "week.ics"
    args = ["plan", uni, "--week", WEEK, "--tz", "Europe/Berlin", "-o", str(out), "--quiet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    check = CliRunner().invoke(main, ["check", str(out), uni])
    assert check.exit_code == 0, check.output


def test_caldavs_means_https() -> None:
    assert caldav_url("caldavs://dav.example.org/cal/a") == "https://dav.example.org/cal/a/"
    assert caldav_url("caldav://127.0.0.1:5232/u/c/") == "http://127.0.0.1:5232/u/c/"
    assert sources.kind("caldavs://dav.example.org/") == "caldav"


# --- credentials ---------------------------------------------------------------------------


def test_credentials_from_the_environment(
    alice_calendar: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRAINFIT_CALDAV_USER", ALICE)
    monkeypatch.setenv("BRAINFIT_CALDAV_PASSWORD", SECRET)
    assert summaries(api.load_inputs([alice_calendar], profile=BERLIN, week=WEEK)) == EXPECTED


def test_credentials_from_a_netrc_file(alice_calendar: str, no_credentials: Path) -> None:
    no_credentials.write_text(f"machine 127.0.0.1 login {ALICE} password {SECRET}\n")
    no_credentials.chmod(0o600)
    assert summaries(api.load_inputs([alice_calendar], profile=BERLIN, week=WEEK)) == EXPECTED


def test_no_credentials_says_where_to_put_them(alice_calendar: str) -> None:
    with pytest.raises(CalendarError) as caught:
        sources.read_source(alice_calendar)
    assert "refused access" in caught.value.message and caught.value.file == alice_calendar
    assert "BRAINFIT_CALDAV_USER" in (caught.value.fix or "") and ".netrc" in (
        caught.value.fix or ""
    )


def test_a_wrong_password_says_to_check_it(
    alice_calendar: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRAINFIT_CALDAV_USER", ALICE)
    monkeypatch.setenv("BRAINFIT_CALDAV_PASSWORD", "wrong")
    with pytest.raises(CalendarError) as caught:
        sources.read_source(alice_calendar)
    assert "refused access" in caught.value.message
    assert "Check the user name and password" in (caught.value.fix or "")
    assert "wrong" not in caught.value.render()


def test_credentials_in_the_url_are_refused_and_not_repeated(locked_server: str) -> None:
    url = locked_server.replace("http://", f"caldav://{ALICE}:{SECRET}@")
    with pytest.raises(CalendarError) as caught:
        sources.read_source(url + f"{ALICE}/")
    assert "contains credentials" in caught.value.message
    assert SECRET not in caught.value.render()


# --- calendars that cannot be read ---------------------------------------------------------


def test_a_collection_that_is_no_calendar_is_named(open_server: str) -> None:
    principal = open_server.replace("http://", "caldav://") + "student/"
    with pytest.raises(CalendarError) as caught:
        sources.read_source(principal)
    assert "not a CalDAV calendar collection" in caught.value.message


def test_a_missing_calendar_is_http_404(open_server: str) -> None:
    missing = open_server.replace("http://", "caldav://") + "student/no-such-calendar/"
    with pytest.raises(CalendarError) as caught:
        sources.read_source(missing)
    assert "HTTP 404" in caught.value.message


def test_an_unreachable_server_is_named() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"caldav://127.0.0.1:{port}/student/uni/"
    with pytest.raises(CalendarError) as caught:
        sources.read_source(url)
    assert caught.value.file == url and "server is running" in (caught.value.fix or "")


def test_the_cli_reports_a_refused_calendar_with_exit_code_2(
    alice_calendar: str, tmp_path: Path
) -> None:
    out = tmp_path / "week.ics"
    result = CliRunner().invoke(main, ["plan", alice_calendar, "--week", WEEK, "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert alice_calendar in result.output and "Traceback" not in result.output
