"""Read an .ics file the way calendar software this project did not write reads it.

Every reader returns the same thing, a sorted list of `Instant` (UID, SUMMARY, start and end in
UTC), so a test compares each one with `zoneinfo_events`, the reading straight from the IANA
database, and not only with the others: ical.js, vobject and Radicale all misread a VTIMEZONE
with a multi-valued RDATE in the same way (see outputs.vtimezone), so agreement between
clients proves nothing by itself.

Readers:

- `zoneinfo_events`: the reference; each DTSTART/DTEND wall time with its TZID through zoneinfo,
  the file's VTIMEZONEs ignored.
- `icaljs_events`: Mozilla's ical.js 2 (Thunderbird's parser) under Node.js, with the file's
  VTIMEZONEs registered as Thunderbird does.
- `vobject_events`: vobject (the parser inside Radicale), in a fresh Python process.
- `icalendar_roundtrip_events`: icalendar parses, writes, parses again; what it writes must be a
  fixed point. icalendar resolves IANA TZIDs through zoneinfo, not through the VTIMEZONE.
- `caldav_roundtrip`: each VEVENT PUT to a CalDAV server as its own resource, read back, parsed
  by icalendar: catches a server refusing or rewriting the data.
- `radicale_freebusy_events`: Radicale's own reading, the free-busy answer (RFC 4791 §7.10) of a
  freshly started server for a calendar holding one VEVENT.

A tool that is not installed raises `ConsumerUnavailableError` (`icaljs_or_skip` turns that
into a skip, or into a failure under CI); a consumer that refuses or cannot read the file
raises `ConsumerError` (a failure).

Only timed events with DTSTART and DTEND are compared: a DATE or floating value has no single
instant, and DURATION would bring in each client's idea of nominal days (RFC 5545 §3.3.6).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from caldav.collection import Calendar as CalDAVCalendar
from caldav.davclient import DAVClient
from icalendar import Calendar, Component, Event, Timezone

ICALJS_SPEC = "ical.js@2"
NODE_CACHE = Path.home() / ".cache" / "brainfit-solver-tests" / "node"
"""Where `install_icaljs` puts node_modules: outside the work tree, reused by later runs."""

_HERE = Path(__file__).parent
_ICALJS_DUMP = _HERE / "icaljs_dump.mjs"
_VOBJECT_DUMP = _HERE / "vobject_dump.py"
_CALDAV_USER = "brainfit"
"""Radicale with ``[auth] type = none`` takes the user from any Basic credentials and creates
that user's principal collection on the first request that carries them."""


class ConsumerUnavailableError(Exception):
    """The consumer's tool (node, npm, the ical.js package) cannot be had on this machine."""


class ConsumerError(Exception):
    """The consumer refused the file, crashed on it, or read it into something unusable."""


@dataclass(frozen=True, order=True)
class Instant:
    """One VEVENT as a consumer understood it; start and end are aware datetimes in UTC."""

    uid: str
    summary: str
    start_utc: dt.datetime
    end_utc: dt.datetime


Consumer = Callable[[Path], list[Instant]]
"""What every reader is, once bound to its server or cache: .ics path in, instants out."""


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _vevents(calendar: Component) -> list[Event]:
    return [event for event in calendar.walk("VEVENT") if isinstance(event, Event)]


def _instants(calendar: Component, read: Callable[[Any, str], dt.datetime]) -> list[Instant]:
    """Each VEVENT's DTSTART and DTEND as ``read`` turns a property into a UTC instant."""
    found = []
    for event in _vevents(calendar):
        uid = str(event.get("UID", ""))
        if "DTEND" not in event:
            raise ConsumerError(f"VEVENT {uid} has no DTEND; these helpers compare DTSTART/DTEND")
        found.append(
            Instant(
                uid=uid,
                summary=str(event.get("SUMMARY", "")),
                start_utc=read(event["DTSTART"], f"DTSTART of {uid}"),
                end_utc=read(event["DTEND"], f"DTEND of {uid}"),
            )
        )
    return sorted(found)


def _through_zoneinfo(prop: Any, what: str) -> dt.datetime:
    """The wall time and TZID read with zoneinfo; for a wall time that occurs twice or never,
    RFC 5545 §3.3.5 takes the offset in force before the change, which is zoneinfo's fold=0."""
    value = prop.dt
    if not isinstance(value, dt.datetime):
        raise ConsumerError(f"{what} is a date ({value}), not a time")
    tzid = prop.params.get("TZID")
    if tzid is not None:
        try:
            zone = ZoneInfo(str(tzid))
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise ConsumerError(f"{what}: TZID {tzid!r} is not an IANA zone name") from exc
        return value.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)
    if value.utcoffset() == dt.timedelta(0):
        return value.astimezone(dt.UTC)
    raise ConsumerError(f"{what} is floating time ({value}): no single instant to compare")


def _as_icalendar_reads_it(prop: Any, what: str) -> dt.datetime:
    value = prop.dt
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise ConsumerError(f"{what} is {value!r}, not a time with a zone")
    return value.astimezone(dt.UTC)


def zoneinfo_events(ics_path: Path) -> list[Instant]:
    """The instants the IANA database gives for the file's wall times: what others must match."""
    calendar = Calendar.from_ical(ics_path.read_bytes())
    return _instants(calendar, _through_zoneinfo)


def _from_dump(stdout: str) -> list[Instant]:
    """Instants from the JSON that icaljs_dump.mjs and vobject_dump.py print."""
    return sorted(
        Instant(
            uid=item["uid"],
            summary=item["summary"] or "",
            start_utc=dt.datetime.fromisoformat(item["start"]).astimezone(dt.UTC),
            end_utc=dt.datetime.fromisoformat(item["end"]).astimezone(dt.UTC),
        )
        for item in json.loads(stdout)
    )


def _run_dump(command: list[str], ics_path: Path, who: str) -> list[Instant]:
    # TZ=UTC: a time the consumer wrongly took as floating would then be read as UTC,
    # the same on every machine, instead of in whatever zone the machine is set to.
    result = subprocess.run(
        [*command, str(ics_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TZ": "UTC"},
        check=False,
    )
    if result.returncode != 0:
        raise ConsumerError(f"{who} could not read {ics_path}:\n{_tail(result.stderr)}")
    return _from_dump(result.stdout)


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock, so two test runs never npm-install into one folder at once."""
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _icaljs_package(cache: Path) -> Path:
    return cache / "node_modules" / "ical.js" / "package.json"


def _installed_icaljs_version(cache: Path) -> str | None:
    package = _icaljs_package(cache)
    if not package.is_file():
        return None
    return str(json.loads(package.read_text(encoding="utf-8"))["version"])


_install_failures: dict[Path, str] = {}
"""Why an install failed, per cache folder: asked again in the same run, fail at once rather
than wait for the registry a second time."""


def install_icaljs(cache: Path = NODE_CACHE) -> str:
    """Install ical.js 2 into ``cache`` unless it is there already; return its version.

    Raises ConsumerUnavailableError, with the reason, when node or npm is missing or npm fails
    (no registry, no disk): see `icaljs_or_skip` for what a test then does.
    """
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        raise ConsumerUnavailableError("node and npm must be on PATH to run ical.js")
    if cache in _install_failures:
        raise ConsumerUnavailableError(_install_failures[cache])
    cache.mkdir(parents=True, exist_ok=True)
    with _exclusive(cache / ".install.lock"):
        version = _installed_icaljs_version(cache)
        if version is not None and version.startswith("2."):
            return version
        # A package.json of its own keeps npm from installing into a project found higher up.
        (cache / "package.json").write_text('{"private": true}\n', encoding="utf-8")
        command = [npm, "install", "--no-audit", "--no-fund", "--fetch-retries=1", ICALJS_SPEC]
        try:
            result = subprocess.run(
                command, cwd=cache, capture_output=True, text=True, timeout=120, check=False
            )
            failure = _tail(result.stderr) if result.returncode != 0 else "nothing installed"
        except subprocess.TimeoutExpired:
            failure = "no answer within 120 s"
        version = _installed_icaljs_version(cache)
        if version is None or not version.startswith("2."):
            _install_failures[cache] = f"npm install {ICALJS_SPEC} failed in {cache}: {failure}"
            raise ConsumerUnavailableError(_install_failures[cache])
        return version


def under_ci() -> bool:
    """Whether the tests run in CI: ``CI=true`` (or 1, yes), as CI services and .ci/run set it."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def icaljs_or_skip(cache: Path = NODE_CACHE) -> None:
    """Make sure ical.js is installed in ``cache``, or end the calling test.

    Without it the strongest interop check (Thunderbird's own parser) does not run. On a
    developer's machine without Node.js that is a skip with the reason; under CI it is a
    failure, since a skip there would let every ical.js test pass unseen.
    """
    try:
        install_icaljs(cache)
    except ConsumerUnavailableError as exc:
        if under_ci():
            pytest.fail(f"ical.js is required under CI=true and cannot be had: {exc}")
        pytest.skip(f"ical.js unavailable: {exc}")


def icaljs_events(ics_path: Path, cache: Path = NODE_CACHE) -> list[Instant]:
    """The file as Thunderbird's parser reads it (after `install_icaljs` into ``cache``).

    The ESM entry point named in ical.js's package.json is handed to the script, because Node
    resolves a bare ``import "ical.js"`` next to the script, not in the cache.
    """
    node = shutil.which("node")
    package = _icaljs_package(cache)
    if node is None or not package.is_file():
        raise ConsumerUnavailableError(
            f"ical.js is not installed in {cache}; call install_icaljs()"
        )
    entry = package.parent / json.loads(package.read_text(encoding="utf-8"))["exports"]["import"]
    return _run_dump([node, str(_ICALJS_DUMP), str(entry)], ics_path, "ical.js")


def vobject_events(ics_path: Path) -> list[Instant]:
    """The file as vobject reads it, in a process of its own (see vobject_dump.py for why)."""
    return _run_dump([sys.executable, str(_VOBJECT_DUMP)], ics_path, "vobject")


def icalendar_roundtrip_events(ics_path: Path) -> list[Instant]:
    """The file after icalendar parsed and rewrote it twice; the rewrite must not drift.

    The first rewrite may differ from the file (line folding, property order); a second one
    that differs from the first means icalendar loses or changes something on each pass.
    """
    written = Calendar.from_ical(ics_path.read_bytes()).to_ical()
    reparsed = Calendar.from_ical(written)
    rewritten = reparsed.to_ical()
    if rewritten != written:
        pairs = zip(written.splitlines(), rewritten.splitlines(), strict=False)
        first = next(((a, b) for a, b in pairs if a != b), "one is longer")
        raise ConsumerError(
            f"icalendar's rewrite of {ics_path} is not stable; first difference: {first!r}"
        )
    return _instants(reparsed, _as_icalendar_reads_it)


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        connection.request("OPTIONS", "/")
        connection.getresponse().read()
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
    return True


@contextmanager
def running_radicale(
    folder: Path, startup_timeout: float = 30.0, *, users: Mapping[str, str] | None = None
) -> Iterator[str]:
    """A real Radicale on a free loopback port, storing in ``folder``; yields its base URL.

    Authentication is off and every user may read and write everything: the server exists
    only for this process's tests. With ``users`` (name -> password), it asks for Basic
    credentials from a plain htpasswd file and each user reaches only their own
    collections. Its log is ``folder / "radicale.log"``.
    """
    port = _free_loopback_port()
    config = folder / "radicale.conf"
    auth = "[auth]\ntype = none\n[rights]\ntype = authenticated\n"
    if users is not None:
        htpasswd = folder / "users.htpasswd"
        htpasswd.write_text("".join(f"{u}:{p}\n" for u, p in users.items()), encoding="utf-8")
        auth = (
            f"[auth]\ntype = htpasswd\nhtpasswd_filename = {htpasswd}\n"
            "htpasswd_encryption = plain\n[rights]\ntype = owner_only\n"
        )
    config.write_text(
        "[server]\n"
        f"hosts = 127.0.0.1:{port}\n"
        f"{auth}"
        "[storage]\n"
        f"filesystem_folder = {folder / 'collections'}\n"
        "[web]\n"
        "type = none\n"
        "[logging]\n"
        "level = warning\n",
        encoding="utf-8",
    )
    log = folder / "radicale.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(config)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + startup_timeout
        while not _answers(port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise ConsumerError(
                    f"Radicale did not start on port {port}:\n"
                    f"{_tail(log.read_text(encoding='utf-8', errors='replace'))}"
                )
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _referenced_tzids(event: Event) -> set[str]:
    tzids = set()
    for value in event.values():
        for prop in value if isinstance(value, list) else [value]:
            params = getattr(prop, "params", {})
            if "TZID" in params:
                tzids.add(str(params["TZID"]))
    return tzids


def _resources(calendar: Calendar) -> dict[str, Calendar]:
    """One VCALENDAR per UID with the VTIMEZONEs its events use, as CalDAV stores them.

    RFC 4791 §4.1: a calendar object resource holds the components of one UID, with the
    VTIMEZONEs they reference, and no METHOD property.
    """
    timezones = {
        str(tz["TZID"]): tz for tz in calendar.walk("VTIMEZONE") if isinstance(tz, Timezone)
    }
    resources: dict[str, Calendar] = {}
    for event in _vevents(calendar):
        uid = str(event["UID"])
        if uid not in resources:
            resource = Calendar()
            for name, value in calendar.items():
                if name != "METHOD":
                    resource[name] = value
            resources[uid] = resource
        resource = resources[uid]
        present = {str(tz["TZID"]) for tz in resource.walk("VTIMEZONE")}
        for tzid in sorted(_referenced_tzids(event) - present):
            if tzid in timezones:
                resource.subcomponents.insert(len(present), timezones[tzid])
                present.add(tzid)
        resource.add_component(event)
    return resources


def _client(url: str) -> DAVClient:
    return DAVClient(url=url, username=_CALDAV_USER, password=_CALDAV_USER, auth_type="basic")


def _put(client: DAVClient, calendar: CalDAVCalendar, uid: str, ics: bytes) -> None:
    target = str(calendar.url.join(f"{uuid.uuid4().hex}.ics"))
    response = client.put(target, ics.decode("utf-8"), {"Content-Type": "text/calendar"})
    if response.status not in (200, 201, 204):
        raise ConsumerError(
            f"the CalDAV server refused VEVENT {uid}: HTTP {response.status} "
            f"(the server's log says why)"
        )


def caldav_roundtrip(url: str, ics_path: Path) -> list[Instant]:
    """Store each UID of the file as its own resource on the server at ``url``, read them back.

    A fresh calendar collection is made for each call, so calls share a server safely. The
    returned data is read with icalendar (which resolves IANA TZIDs through zoneinfo), so
    this catches a server refusing, dropping or rewriting events; it does not show how the
    server itself reads a VTIMEZONE, which `radicale_freebusy_events` does.
    """
    calendar_file = Calendar.from_ical(ics_path.read_bytes())
    with _client(url) as client:
        calendar = client.principal().make_calendar(name=ics_path.name, cal_id=uuid.uuid4().hex)
        for uid, resource in _resources(calendar_file).items():
            _put(client, calendar, uid, resource.to_ical())
        stored = [Calendar.from_ical(event.data) for event in calendar.get_events()]
    return sorted(instant for data in stored for instant in _instants(data, _as_icalendar_reads_it))


def _busy_periods(freebusy_text: str) -> list[tuple[dt.datetime, dt.datetime]]:
    answer = Calendar.from_ical(freebusy_text)
    periods = []
    for component in answer.walk("VFREEBUSY"):
        found = component.get("FREEBUSY", [])
        for prop in found if isinstance(found, list) else [found]:
            start, end = prop.dt
            periods.append((start.astimezone(dt.UTC), end.astimezone(dt.UTC)))
    return periods


def radicale_freebusy_events(ics_path: Path, folder: Path) -> list[Instant]:
    """How Radicale itself reads each VEVENT: its free-busy answer for that event alone.

    A new server is started in ``folder`` for each call, because Radicale parses with vobject,
    which keeps the first VTIMEZONE it ever saw for a TZID for the life of the process: a
    shared server would read this file with whatever an earlier test uploaded.

    Each UID goes into a calendar of its own, so the server's busy period is that event's
    start and end. TRANSP is dropped first (a transparent event has no busy time, and the
    property does not change when the event is); SUMMARY comes from the file, since free-busy
    does not carry it.
    """
    calendar_file = Calendar.from_ical(ics_path.read_bytes())
    expected = {instant.uid: instant for instant in zoneinfo_events(ics_path)}
    window_start = min(i.start_utc for i in expected.values()) - dt.timedelta(days=7)
    window_end = max(i.end_utc for i in expected.values()) + dt.timedelta(days=7)
    found = []
    with running_radicale(folder) as url, _client(url) as client:
        principal = client.principal()
        for uid, resource in _resources(calendar_file).items():
            for event in resource.walk("VEVENT"):
                event.pop("TRANSP", None)
            calendar = principal.make_calendar(name=uid, cal_id=uuid.uuid4().hex)
            _put(client, calendar, uid, resource.to_ical())
            answer = calendar.freebusy_request(window_start, window_end)
            periods = _busy_periods(answer.data)
            if len(periods) != 1:
                raise ConsumerError(
                    f"Radicale's free-busy answer for VEVENT {uid} has {len(periods)} periods, "
                    "not 1 (a zero-length event has none)"
                )
            start, end = periods[0]
            found.append(Instant(uid, expected[uid].summary, start, end))
    return sorted(found)
