"""``brainfit plan --merge``: the user's own calendars and the plan in one file.

Every user event keeps the instant it had in its own calendar, and the user's text is
otherwise copied byte for byte (line endings and folding included): the file starts with the
first calendar's own header (PRODID, VERSION, X-WR-CALNAME…), then every component of every
calendar, then the plan's VEVENTs. What is not copied as it was, each to keep the file valid
and every event where it was for every reader:

- X-WR-TIMEZONE is left out of the header. It is not RFC 5545, only a calendar-wide default
  that Google and Apple (and the ``x-wr-timezone`` package) apply to the floating and UTC
  times of the whole file: kept, it would move the events of the other calendars (a 10:00
  Berlin lecture read as 10:00 New York). Instead, in the VEVENTs of each calendar that
  declares one, the times it governs (DTSTART, DTEND, RDATE, EXDATE, RECURRENCE-ID, the
  properties ``x-wr-timezone`` converts) become local times with ``TZID`` of that zone, as
  ``x-wr-timezone`` reads them: floating times keep their wall-clock time, and a UTC time of a
  recurring event (or of one of its overrides) becomes the local time, so the series keeps its
  local time across daylight-saving changes, as Google means it. A floating UNTIL of such a
  series becomes UTC (RFC 5545 §3.3.10). UTC times of one-off events are kept: they are the
  same instant either way. A calendar without X-WR-TIMEZONE is copied unchanged: its floating
  times mean "this wall-clock time wherever the reader is", for every reader, and stay so;
- a user VEVENT that is itself a BrainFit session (UID ending in ``@brainfit-solver``, from
  an earlier plan imported into the calendar) is left out: the plan's copy of that UID
  replaces it (two VEVENTs with one UID and no RECURRENCE-ID are invalid, RFC 5545 §3.8.4.7);
- VTIMEZONEs are kept once per TZID (RFC 5545 §3.6.5), the first one met; a zone the
  conversion above or the plan needs and no calendar defines is added (the plan's own, or one
  generated like it, see ``outputs.vtimezone``, covering the user's events in it and the plan);
- a user VTIMEZONE for such a zone written with a multi-valued RDATE (the form that ical.js,
  vobject and Radicale misread, see ``outputs.vtimezone``) is replaced by a generated one, widened
  to the years of the user's events in that zone; a correct one is kept and used.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component

from ..core.errors import CalendarError
from ..core.timegrid import zone, zone_name
from .vtimezone import vtimezone

PLAN_UID_SUFFIX = "@brainfit-solver"
X_WR_TIMEZONE = "X-WR-TIMEZONE"
_ZONED = ("DTSTART", "DTEND", "RDATE", "EXDATE", "RECURRENCE-ID")  # what x-wr-timezone converts
_NAME = re.compile(rb"([A-Za-z0-9-]+)")
_DATE_TIME = re.compile(r"^(\d{8}T\d{6})(Z?)$")
_FLOATING_UNTIL = re.compile(r"(?i)(?<![A-Z])UNTIL=(\d{8}T\d{6})(?=;|$)")


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


def _logical_lines(text: bytes) -> list[bytes]:
    """The content lines of ``text``, each with its folded continuation lines and line ends."""
    lines: list[bytes] = []
    for line in text.splitlines(keepends=True):
        if lines and line[:1] in (b" ", b"\t"):
            lines[-1] += line
        else:
            lines.append(line)
    return lines


def _unfolded(line: bytes) -> str:
    return re.sub(rb"\r?\n[ \t]", b"", line).rstrip(b"\r\n").decode("utf-8", "replace")


def _name(line: bytes) -> str:
    """The property name (or BEGIN/END) of a content line; a name is never folded away, since
    the first physical line holds 75 octets."""
    found = _NAME.match(line)
    return found[1].decode("ascii").upper() if found else ""


def _head_and_value(text: str) -> tuple[str, str]:
    """``NAME;PARAM=…`` and the value: split at the first colon outside a quoted parameter."""
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return text[:index], text[index + 1 :]
    return text, ""


def _params(head: str) -> dict[str, str]:
    return {k.upper(): v.strip('"') for k, v in re.findall(r';([^=;:"]+)=("[^"]*"|[^;:]*)', head)}


def _line_end(line: bytes) -> bytes:
    return line[len(line.rstrip(b"\r\n")) :] or b"\r\n"


def _folded(text: str, ending: bytes) -> bytes:
    """A content line folded at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character."""
    data, parts = text.encode(), []
    while len(data) > 75:
        cut = 75
        while data[cut] & 0xC0 == 0x80:
            cut -= 1
        parts.append(data[:cut])
        data = b" " + data[cut:]
    return ending.join([*parts, data]) + ending


def _declared_zone(header: bytes, source: str) -> ZoneInfo | None:
    """The zone a calendar's X-WR-TIMEZONE names (Windows names mapped), or None."""
    for line in _logical_lines(header):
        if _name(line) == X_WR_TIMEZONE:
            value = _unfolded(line).partition(":")[2].strip()
            return zone(value, file=source, where=X_WR_TIMEZONE) if value else None
    return None


def _without_declared_zone(header: bytes) -> bytes:
    return b"".join(line for line in _logical_lines(header) if _name(line) != X_WR_TIMEZONE)


def _local(value: str, tz: ZoneInfo, *, convert_utc: bool) -> tuple[str, dt.date] | None:
    """A floating date-time (or, with ``convert_utc``, a UTC one) as wall-clock time in
    ``tz`` with its date; None for anything else (a date, a duration, a time left as is)."""
    found = _DATE_TIME.match(value)
    if found is None:
        return None
    moment = dt.datetime.strptime(found[1], "%Y%m%dT%H%M%S")
    if found[2]:
        if not convert_utc:
            return None
        moment = moment.replace(tzinfo=dt.UTC).astimezone(tz).replace(tzinfo=None)
    return moment.strftime("%Y%m%dT%H%M%S"), moment.date()


def _pinned_value(value: str, tz: ZoneInfo, *, convert_utc: bool) -> tuple[str, list[dt.date]]:
    """Each date-time of a (multi-valued, or PERIOD) value in ``tz``; its dates, none when
    nothing needed converting."""
    items, dates = [], []
    for item in value.split(","):
        parts = []
        for part in item.split("/"):  # a PERIOD is start/end or start/duration
            local = _local(part, tz, convert_utc=convert_utc)
            parts.append(local[0] if local else part)
            if local:
                dates.append(local[1])
        items.append("/".join(parts))
    return ",".join(items), dates


def _pinned(chunk: _Chunk, tz: ZoneInfo) -> tuple[_Chunk, list[dt.date]]:
    """The VEVENT with the times X-WR-TIMEZONE governs written with TZID (module docstring),
    and the dates of those times; lines that need no change are kept byte for byte."""
    lines = _logical_lines(chunk.text)
    names = [_name(line) for line in lines]
    recurring = any(name in ("RRULE", "RDATE", "RECURRENCE-ID") for name in names)
    tzid = zone_name(tz)
    out: list[bytes] = []
    dates: list[dt.date] = []
    floating_start = False
    depth = 0
    for line, name in zip(lines, names, strict=True):
        depth += name == "BEGIN"
        depth -= name == "END"
        if depth != 1 or name not in _ZONED:
            out.append(line)
            continue
        head, value = _head_and_value(_unfolded(line))
        params = _params(head)
        if "TZID" in params or params.get("VALUE", "").upper() == "DATE":
            out.append(line)
            continue
        new_value, converted = _pinned_value(value, tz, convert_utc=recurring)
        if not converted:
            out.append(line)
            continue
        floating_start |= name == "DTSTART" and not value.upper().endswith("Z")
        dates += converted
        out.append(_folded(f"{head};TZID={tzid}:{new_value}", _line_end(line)))
    if floating_start:  # a floating UNTIL must now be UTC (RFC 5545 §3.3.10)
        out = [_until_in_utc(line, tz) if _name(line) == "RRULE" else line for line in out]
    return _Chunk(chunk.name, b"".join(out)), dates


def _until_in_utc(line: bytes, tz: ZoneInfo) -> bytes:
    text = _unfolded(line)

    def utc(found: re.Match[str]) -> str:
        local = dt.datetime.strptime(found[1], "%Y%m%dT%H%M%S").replace(tzinfo=tz)
        return f"UNTIL={local.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"

    changed = _FLOATING_UNTIL.sub(utc, text)
    if changed == text:
        return line
    return _folded(changed, _line_end(line))


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
    pinned: dict[str, list[dt.date]] = {}  # zones events were written in, with their dates
    for index, (name, data) in enumerate(sources):
        own_header, chunks = _split(data, name)
        if index == 0:
            header = _without_declared_zone(own_header)
        declared = _declared_zone(own_header, name)
        for chunk in chunks:
            if chunk.name == "VEVENT" and _uid(chunk).endswith(PLAN_UID_SUFFIX):
                continue
            if chunk.name == "VTIMEZONE":
                tzid = _tzid(chunk)
                if tzid in zones:
                    continue
                zones[tzid] = len(kept)
            if chunk.name == "VEVENT" and declared is not None:
                chunk, dates = _pinned(chunk, declared)
                if dates:
                    pinned.setdefault(zone_name(declared), []).extend(dates)
            kept.append(chunk)
    plan_dates = [
        ev.decoded("DTSTART").date() for c in plan_events for ev in _parsed(c).walk("VEVENT")
    ]

    def generated(tzid: str, dates: list[dt.date]) -> _Chunk:
        every = dates + plan_dates
        return _Chunk("VTIMEZONE", bytes(vtimezone(tzid, min(every), max(every)).to_ical()))

    added: list[_Chunk] = []
    for tzid in sorted({*plan_zones, *pinned}):
        if tzid not in zones:
            own = plan_zones.get(tzid)
            added.append(
                own if own is not None and tzid not in pinned else generated(tzid, pinned[tzid])
            )
        elif _misread_form(kept[zones[tzid]]):
            dates = _years_in([data for _, data in sources], tzid) + pinned.get(tzid, [])
            kept[zones[tzid]] = generated(tzid, dates)
    body = b"".join(_ensure_newline(c.text) for c in [*added, *kept, *plan_events])
    return _ensure_newline(header) + body + b"END:VCALENDAR\r\n"
