"""``brainfit plan --merge``: the user's own calendars and the plan in one file.

The user's components are copied byte for byte (their text as read, line endings and folding
included): the file starts with the first calendar's own header (PRODID, VERSION,
X-WR-CALNAME…), then every component of every calendar, then the plan's VEVENTs. Only three
things are not copied as they were, each to keep the file valid and read alike everywhere:

- a user VEVENT that is itself a BrainFit session (UID ending in ``@brainfit-solver``, from
  an earlier plan imported into the calendar) is left out: the plan's copy of that UID
  replaces it (two VEVENTs with one UID and no RECURRENCE-ID are invalid, RFC 5545 §3.8.4.7);
- VTIMEZONEs are kept once per TZID (RFC 5545 §3.6.5), the first one met;
- a user VTIMEZONE for the plan's zone written with a multi-valued RDATE (the form that
  ical.js, vobject and Radicale misread, see ``vtimezone``) is replaced by the plan's
  generated one, widened to the years of the user's events in that zone; a correct one is
  kept and the plan's events use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from icalendar import Calendar, Component

from .errors import CalendarError
from .vtimezone import vtimezone

PLAN_UID_SUFFIX = "@brainfit-solver"


@dataclass(frozen=True)
class _Chunk:
    """One top-level component of a calendar file, as its raw bytes."""

    name: str
    text: bytes


def _split(data: bytes, source: str) -> tuple[bytes, list[_Chunk]]:
    """The calendar's header (BEGIN:VCALENDAR and its own properties) and its components."""
    header: list[bytes] = []
    chunks: list[_Chunk] = []
    current: list[bytes] = []
    name, depth, started = "", 0, False
    for line in data.splitlines(keepends=True):
        bare = line.rstrip(b"\r\n").upper()
        if not started:
            header.append(line)
            started = bare == b"BEGIN:VCALENDAR"
            continue
        if depth == 0:
            if bare.startswith(b"BEGIN:"):
                name, depth, current = bare[6:].decode("ascii", "replace"), 1, [line]
            elif bare == b"END:VCALENDAR":
                break
            elif bare:
                header.append(line)  # the calendar's own properties, wherever they stand
            continue
        current.append(line)
        if bare.startswith(b"BEGIN:"):
            depth += 1
        elif bare.startswith(b"END:"):
            depth -= 1
            if depth == 0:
                chunks.append(_Chunk(name, b"".join(current)))
    if not started:
        raise CalendarError("not an iCalendar file (no BEGIN:VCALENDAR)", file=source)
    return b"".join(header), chunks


def _parsed(chunk: _Chunk) -> Component:
    return Calendar.from_ical(b"BEGIN:VCALENDAR\r\n" + chunk.text + b"END:VCALENDAR\r\n")


def _tzid(chunk: _Chunk) -> str:
    return next((str(tz.get("TZID")) for tz in _parsed(chunk).walk("VTIMEZONE")), "")


def _uid(chunk: _Chunk) -> str:
    return next((str(ev.get("UID", "")) for ev in _parsed(chunk).walk("VEVENT")), "")


def _misread_form(chunk: _Chunk) -> bool:
    """A STANDARD/DAYLIGHT naming several onsets in RDATE (read as the first only)."""
    for sub in _parsed(chunk).walk():
        if sub.name not in ("STANDARD", "DAYLIGHT"):
            continue
        rdates = sub.get("RDATE")
        listed = rdates if isinstance(rdates, list) else [rdates] if rdates is not None else []
        if sum(len(getattr(r, "dts", [r])) for r in listed) > 1:
            return True
    return False


def _years_in(sources: Sequence[bytes], tzid: str) -> list[dt.date]:
    dates = []
    for data in sources:
        for event in Calendar.from_ical(data).walk("VEVENT"):
            for name in ("DTSTART", "DTEND"):
                prop = event.get(name)
                if prop is not None and str(prop.params.get("TZID", "")) == tzid:
                    value = prop.dt
                    dates.append(value.date() if isinstance(value, dt.datetime) else value)
    return dates


def _ensure_newline(text: bytes) -> bytes:
    return text if text.endswith(b"\n") else text + b"\r\n"


def merge_calendars(sources: Sequence[tuple[str, bytes]], plan: bytes) -> bytes:
    """The calendars ``(name, bytes)`` and the plan's events in one VCALENDAR."""
    if not sources:
        return plan
    _, plan_chunks = _split(plan, "plan")
    plan_zones = {_tzid(c): c for c in plan_chunks if c.name == "VTIMEZONE"}
    plan_events = [c for c in plan_chunks if c.name == "VEVENT"]
    header = b""
    kept: list[_Chunk] = []
    zones: dict[str, int] = {}
    for index, (name, data) in enumerate(sources):
        own_header, chunks = _split(data, name)
        if index == 0:
            header = own_header
        for chunk in chunks:
            if chunk.name == "VEVENT" and _uid(chunk).endswith(PLAN_UID_SUFFIX):
                continue
            if chunk.name == "VTIMEZONE":
                tzid = _tzid(chunk)
                if tzid in zones:
                    continue
                zones[tzid] = len(kept)
            kept.append(chunk)
    for tzid, plan_zone in plan_zones.items():
        if tzid not in zones:
            kept.insert(0, plan_zone)
            zones = {k: v + 1 for k, v in zones.items()}
            zones[tzid] = 0
        elif _misread_form(kept[zones[tzid]]):
            dates = _years_in([data for _, data in sources], tzid)
            plan_dates = [
                ev.decoded("DTSTART").date()
                for c in plan_events
                for ev in _parsed(c).walk("VEVENT")
            ]
            first, last = min(dates + plan_dates), max(dates + plan_dates)
            generated = vtimezone(tzid, first, last).to_ical()
            kept[zones[tzid]] = _Chunk("VTIMEZONE", bytes(generated))
    body = b"".join(_ensure_newline(c.text) for c in [*kept, *plan_events])
    return _ensure_newline(header) + body + b"END:VCALENDAR\r\n"
