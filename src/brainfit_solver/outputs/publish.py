"""``brainfit publish``: write a plan's sessions into the user's CalDAV calendar, idempotently.

Each session UID becomes one calendar object resource (RFC 4791 §4.1: the components of one
UID plus the VTIMEZONEs they use, no METHOD). Publishing is safe to repeat:

- an object with the UID already in the calendar (found by a calendar-query on UID, wherever
  it is stored and whoever created it) is overwritten in place when the event changed, and
  left alone when it did not: no duplicates, and no traffic for unchanged sessions;
- a new UID is PUT with ``If-None-Match: *`` so nothing already there is overwritten;
- sessions the plan marks STATUS:CANCELLED are deleted from the calendar, and with a
  previous plan so are its sessions that the new plan no longer lists at all.

Only BrainFit sessions (UIDs ending in ``@brainfit-solver``) are ever written or deleted; the
user's own events are never touched. The address must be a calendar collection, checked as
reading checks it (``calendars.sources.calendar_collection``) before anything is written: a
principal or a folder of calendars is refused. It is given as reading takes it (``caldavs://``,
``caldav://``) or as ``https://``/``http://``. SEQUENCE is sent as the plan says (``outputs.replan``
raises it).

Credentials come from the environment or netrc (see ``calendars.credentials``), never from the
command line or the URL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote

from caldav.calendarobjectresource import CalendarObjectResource
from caldav.collection import Calendar as DavCalendar
from caldav.davclient import DAVClient
from caldav.lib.error import NotFoundError
from icalendar import Calendar, Component, Event, Timezone

from ..calendars.credentials import Credentials, check_url
from ..calendars.previous import read_previous
from ..calendars.sources import calendar_collection
from ..core.errors import CalendarError
from .merge import PLAN_UID_SUFFIX
from .replan import changed


@dataclass
class PublishReport:
    """What publishing did, by UID."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.deleted)} deleted"
        )


def resources(data: bytes, *, source: str = "plan") -> tuple[dict[str, Calendar], set[str]]:
    """The plan's active sessions as one VCALENDAR per UID, and the UIDs it cancels."""
    try:
        cal = Calendar.from_ical(data)
    except ValueError as exc:
        raise CalendarError(f"not a readable iCalendar file ({exc})", file=source) from exc
    zones = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE") if isinstance(tz, Timezone)}
    found: dict[str, Calendar] = {}
    cancelled: set[str] = set()
    for event in cal.walk("VEVENT"):
        uid = str(event.get("UID", ""))
        if not uid.endswith(PLAN_UID_SUFFIX):
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            cancelled.add(uid)
            continue
        resource = found.get(uid)
        if resource is None:
            resource = Calendar()
            for name, value in cal.property_items(recursive=False):
                if name not in ("BEGIN", "END", "METHOD"):
                    resource.add(name, value, encode=False)
            found[uid] = resource
        for tzid in sorted(_tzids(event)):
            if tzid in zones and not any(
                str(t.get("TZID")) == tzid for t in resource.walk("VTIMEZONE")
            ):
                resource.add_component(zones[tzid])
        resource.add_component(event)
    return found, cancelled - set(found)


def _tzids(event: Component) -> set[str]:
    tzids = set()
    for value in event.values():
        for prop in value if isinstance(value, list) else [value]:
            tzid = getattr(prop, "params", {}).get("TZID")
            if tzid:
                tzids.add(str(tzid))
    return tzids


def _event(data: str | bytes) -> Event | None:
    try:
        parsed = Calendar.from_ical(data)
    except ValueError:
        return None
    return next((e for e in parsed.walk("VEVENT") if isinstance(e, Event)), None)


def _same(stored: str | bytes, resource: Calendar) -> bool:
    old, new = _event(stored), _event(resource.to_ical())
    if old is None or new is None:
        return False
    return int(old.get("SEQUENCE", 0)) == int(new.get("SEQUENCE", 0)) and not changed(new, old)


@contextmanager
def _calendar(url: str, credentials: Credentials | None) -> Iterator[tuple[DAVClient, DavCalendar]]:
    user = credentials.username if credentials is not None else None
    password = credentials.password if credentials is not None else None
    try:
        with DAVClient(url=url, username=user, password=password) as client:
            yield client, DavCalendar(client=client, url=url)
    except CalendarError:
        raise
    except Exception as exc:  # network and protocol errors of a third-party client
        raise CalendarError(
            f"CalDAV request failed ({type(exc).__name__}: {exc})",
            file=url,
            fix="Check the calendar URL, the network and the credentials",
        ) from exc


def _index(
    calendar: DavCalendar, uids: set[str], start: dt.datetime, end: dt.datetime
) -> dict[str, CalendarObjectResource]:
    """The calendar's objects holding any of ``uids`` among those between ``start`` and
    ``end``: one calendar-query (RFC 4791 §7.8) instead of one per session."""
    found: dict[str, CalendarObjectResource] = {}
    objects: object = calendar.search(start=start, end=end, event=True)
    assert isinstance(objects, list)  # a synchronous client
    for obj in objects:
        event = _event(obj.data)
        uid = str(event.get("UID", "")) if event is not None else ""
        if uid in uids:
            found.setdefault(uid, obj)
    return found


def _find(calendar: DavCalendar, uid: str) -> CalendarObjectResource | None:
    try:
        found = calendar.get_object_by_uid(uid)
    except NotFoundError:
        return None
    assert isinstance(found, CalendarObjectResource)
    return found


def _put(client: DAVClient, target: str, body: bytes, *, create: bool, uid: str) -> None:
    headers = {"Content-Type": "text/calendar; charset=utf-8"}
    if create:
        headers["If-None-Match"] = "*"
    response = client.put(target, body.decode("utf-8"), headers)
    if response.status not in (200, 201, 204):
        raise CalendarError(
            f"the CalDAV server refused session {uid}: HTTP {response.status} {response.reason}",
            file=target,
            fix="Check write access to the calendar (credentials, permissions, quota)",
        )


def _span(*files: bytes | None) -> tuple[dt.datetime, dt.datetime]:
    """From the first start to the last end of the files' events, a day wider each side."""
    moments = [
        event.decoded(name).astimezone(dt.UTC)
        for data in files
        if data is not None
        for event in Calendar.from_ical(data).walk("VEVENT")
        for name in ("DTSTART", "DTEND")
        if name in event and isinstance(event.decoded(name), dt.datetime)
    ]
    now = dt.datetime.now(dt.UTC)
    day = dt.timedelta(days=1)
    return min(moments, default=now) - day, max(moments, default=now) + day


def publish(
    plan: bytes,
    url: str,
    *,
    previous: bytes | None = None,
    credentials: Credentials | None = None,
    source: str = "plan",
) -> PublishReport:
    """Write the plan's sessions to the CalDAV calendar at ``url`` (see the module docstring)."""
    url = check_url(url)
    active, cancelled = resources(plan, source=source)
    remove = set(cancelled)
    if previous is not None:
        before = read_previous(previous, source="previous plan")
        remove |= {e.uid for e in before.events if not e.cancelled and e.uid not in active}
    remove = {uid for uid in remove if uid.endswith(PLAN_UID_SUFFIX)}
    start, end = _span(plan, previous)
    report = PublishReport()
    with _calendar(url, credentials) as (client, calendar):
        calendar_collection(calendar, url)  # before anything is written
        known = _index(calendar, set(active) | remove, start, end)
        for uid, resource in active.items():
            # A UID missing from the range may still be stored (moved by hand elsewhere).
            existing = known.get(uid) or _find(calendar, uid)
            body = bytes(resource.to_ical())
            if existing is None:
                target = url + quote(uid, safe="") + ".ics"
                _put(client, target, body, create=True, uid=uid)
                report.created.append(uid)
            elif _same(existing.data, resource):
                report.unchanged.append(uid)
            else:
                _put(client, str(existing.url), body, create=False, uid=uid)
                report.updated.append(uid)
        for uid in sorted(remove):
            existing = known.get(uid) or _find(calendar, uid)
            if existing is not None:
                existing.delete()
                report.deleted.append(uid)
    return report
