"""`brainfit publish PLAN.ics --caldav URL` against a real Radicale server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import caldav
import pytest
from click.testing import CliRunner
from icalendar import Calendar, Event

from brainfit_solver.calendars.credentials import Credentials, find_credentials
from brainfit_solver.calendars.previous import read_previous
from brainfit_solver.cli import main
from brainfit_solver.core.errors import CalendarError
from brainfit_solver.outputs.publish import publish
from brainfit_solver.pipeline import plan_weeks
from clients.consumers import running_radicale
from support import Ev, inputs_for

pytestmark = pytest.mark.clients

USER = "brainfit"
LECTURES = [Ev(d, "09:00", "12:00", "Lecture") for d in range(5)]
BEFORE = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_radicale(tmp_path_factory.mktemp("radicale")) as url:
        yield url


@pytest.fixture
def calendar_url(server: str) -> str:
    """A fresh, empty calendar collection for each test."""
    with caldav.DAVClient(url=server, username=USER, password=USER) as client:
        made = client.principal().make_calendar(name="Sport", cal_id=uuid.uuid4().hex)
        return str(made.url)


@pytest.fixture
def login(monkeypatch: pytest.MonkeyPatch) -> Credentials:
    monkeypatch.setenv("BRAINFIT_CALDAV_USER", USER)
    monkeypatch.setenv("BRAINFIT_CALDAV_PASSWORD", "not-on-the-command-line")
    credentials = find_credentials("http://127.0.0.1/")
    assert credentials is not None
    return credentials


def stored(url: str) -> dict[str, list[Event]]:
    """Every VEVENT on the server by UID (a list, so duplicates would show)."""
    found: dict[str, list[Event]] = {}
    with caldav.DAVClient(url=url, username=USER, password=USER) as client:
        for obj in client.calendar(url=url).get_events():
            for event in Calendar.from_ical(obj.data).walk("VEVENT"):
                found.setdefault(str(event["UID"]), []).append(event)
    return found


def active_uids(ics: bytes) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    return {
        str(e["UID"]): (e.decoded("DTSTART"), e.decoded("DTEND"))
        for e in Calendar.from_ical(ics).walk("VEVENT")
        if str(e.get("STATUS")) != "CANCELLED"
    }


def test_publishing_twice_writes_each_session_once(
    tmp_path: Path, calendar_url: str, login: Credentials
) -> None:
    plan = plan_weeks(inputs_for(tmp_path, LECTURES)).ics
    first = publish(plan, calendar_url, credentials=login)
    expected = active_uids(plan)
    assert sorted(first.created) == sorted(expected)
    second = publish(plan, calendar_url, credentials=login)
    assert sorted(second.unchanged) == sorted(expected)
    assert second.created == second.updated == second.deleted == []
    on_server = stored(calendar_url)
    assert {uid: len(events) for uid, events in on_server.items()} == dict.fromkeys(expected, 1)
    for uid, (start, end) in expected.items():
        event = on_server[uid][0]
        assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (start, end)


def test_a_replan_updates_moved_sessions_and_deletes_cancelled_ones(
    tmp_path: Path, calendar_url: str, login: Credentials
) -> None:
    old = plan_weeks(inputs_for(tmp_path, LECTURES)).ics
    publish(old, calendar_url, credentials=login)
    # The user's own event in the same calendar must survive everything below.
    with caldav.DAVClient(url=calendar_url, username=USER, password=USER) as client:
        client.calendar(url=calendar_url).save_event(
            dtstart=dt.datetime(2026, 12, 1, 18, tzinfo=dt.UTC),
            dtend=dt.datetime(2026, 12, 1, 19, tzinfo=dt.UTC),
            summary="Choir",
            uid="choir@example.org",
        )
    busier = [*LECTURES, Ev(1, "06:30", "21:30", "Conference"), Ev(3, "06:30", "21:30", "Trip")]
    replanned = plan_weeks(inputs_for(tmp_path, busier), previous=read_previous(old), now=BEFORE)
    assert replanned.changes.moved and replanned.changes.cancelled
    report = publish(replanned.ics, calendar_url, previous=old, credentials=login)
    assert sorted(report.deleted) == sorted(replanned.changes.cancelled)
    assert len(report.updated) == replanned.changes.moved
    on_server = stored(calendar_url)
    expected = active_uids(replanned.ics)
    assert set(on_server) == {*expected, "choir@example.org"}
    new_events = {str(e["UID"]): e for e in Calendar.from_ical(replanned.ics).walk("VEVENT")}
    for uid in expected:
        (event,) = on_server[uid]
        assert event.decoded("DTSTART") == expected[uid][0]
        assert int(event["SEQUENCE"]) == int(new_events[uid]["SEQUENCE"])


def test_an_event_stored_under_another_name_is_updated_in_place(
    tmp_path: Path, calendar_url: str, login: Credentials
) -> None:
    """Another client imported the plan first, under a resource name of its own."""
    old = plan_weeks(inputs_for(tmp_path, LECTURES)).ics
    uid = next(iter(active_uids(old)))
    only = Calendar.from_ical(old)
    only.subcomponents = [
        c for c in only.subcomponents if c.name != "VEVENT" or str(c["UID"]) == uid
    ]
    del only["METHOD"]
    with caldav.DAVClient(url=calendar_url, username=USER, password=USER) as client:
        response = client.put(
            calendar_url + "imported-by-thunderbird.ics",
            only.to_ical().decode(),
            {"Content-Type": "text/calendar"},
        )
        assert response.status in (200, 201, 204)
    busier = [*LECTURES, Ev(0, "06:30", "21:30", "Trip"), Ev(1, "06:30", "21:30", "Trip")]
    moved = plan_weeks(inputs_for(tmp_path, busier), previous=read_previous(old), now=BEFORE).ics
    publish(moved, calendar_url, credentials=login)
    assert all(len(events) == 1 for events in stored(calendar_url).values())


def test_cli_publishes_with_credentials_from_the_environment(
    tmp_path: Path, calendar_url: str, login: Credentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan.ics").write_bytes(plan_weeks(inputs_for(tmp_path, LECTURES)).ics)
    runner = CliRunner()
    result = runner.invoke(main, ["publish", "plan.ics", "--caldav", calendar_url])
    assert result.exit_code == 0, result.output
    assert "created" in result.output and "0 updated" in result.output
    again = runner.invoke(main, ["publish", "plan.ics", "--caldav", calendar_url])
    assert again.exit_code == 0 and "0 created" in again.output


def test_credentials_in_the_url_are_refused(tmp_path: Path) -> None:
    (tmp_path / "plan.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    result = CliRunner().invoke(
        main,
        ["publish", str(tmp_path / "plan.ics"), "--caldav", "https://alice:s3cret@dav.test/cal/"],
    )
    assert result.exit_code == 2
    assert "contains credentials" in result.output
    assert "s3cret" not in result.output


def test_credentials_come_from_the_environment_then_netrc(tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine dav.test login alice password from-netrc\n", encoding="utf-8")
    netrc.chmod(0o600)
    env = {"NETRC": str(netrc)}
    found = find_credentials("https://dav.test/cal/", env)
    assert found is not None and (found.username, found.password) == ("alice", "from-netrc")
    assert find_credentials("https://other.test/cal/", env) is None
    env |= {"BRAINFIT_CALDAV_USER": "bob", "BRAINFIT_CALDAV_PASSWORD": "from-env"}
    found = find_credentials("https://dav.test/cal/", env)
    assert found is not None and (found.username, found.password, found.origin) == (
        "bob",
        "from-env",
        "environment",
    )


def test_an_unreachable_server_is_an_input_error(tmp_path: Path) -> None:
    plan = plan_weeks(inputs_for(tmp_path, LECTURES)).ics
    with pytest.raises(CalendarError, match="CalDAV request failed"):
        publish(plan, "http://127.0.0.1:9/cal/", credentials=None)


def collections_of(principal_url: str) -> set[str]:
    """Every collection and resource directly inside the principal collection (Depth: 1)."""
    with caldav.DAVClient(url=principal_url, username=USER, password=USER) as client:
        principal = client.principal()
        return {str(url) for url, *_ in principal.children()}


def test_publishing_to_a_principal_url_writes_nothing_and_exits_2(
    tmp_path: Path, server: str, login: Credentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's principal (the folder of their calendars) is not a calendar: a PUT there
    made one new collection per session on the server."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan.ics").write_bytes(plan_weeks(inputs_for(tmp_path, LECTURES)).ics)
    with caldav.DAVClient(url=server, username=USER, password=USER) as client:
        principal_url = str(client.principal().url)
    before = collections_of(principal_url)
    for url in (principal_url, principal_url.replace("http://", "caldav://")):
        result = CliRunner().invoke(main, ["publish", "plan.ics", "--caldav", url])
        assert result.exit_code == 2, result.output
        assert "not a CalDAV calendar collection" in result.stderr, result.stderr
        assert "Traceback" not in result.output
    assert collections_of(principal_url) == before


def test_publish_accepts_the_caldav_urls_that_reading_accepts(
    tmp_path: Path, calendar_url: str, login: Credentials
) -> None:
    plan = plan_weeks(inputs_for(tmp_path, LECTURES)).ics
    (tmp_path / "plan.ics").write_bytes(plan)
    url = calendar_url.replace("http://", "caldav://").rstrip("/")  # as `plan` reads it
    result = CliRunner().invoke(main, ["publish", str(tmp_path / "plan.ics"), "--caldav", url])
    assert result.exit_code == 0, result.output
    assert set(stored(calendar_url)) == set(active_uids(plan))
    assert f"to {calendar_url}:" in result.stdout  # the http:// address it wrote to


def test_publish_refuses_feed_and_unknown_addresses(tmp_path: Path) -> None:
    (tmp_path / "plan.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    for url in ("webcal://dav.test/cal/", "ftp://dav.test/cal/"):
        result = CliRunner().invoke(main, ["publish", str(tmp_path / "plan.ics"), "--caldav", url])
        assert result.exit_code == 2, result.output
        assert "caldavs://" in result.stderr
