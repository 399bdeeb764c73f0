"""Which events of a big calendar can touch the planned days, judged on its text alone.

Parsing is where a big calendar's time and memory go (icalendar builds an object for every
property of every event), yet a ten-year export holds a few hundred events near the planned
weeks. ``calendars.prefilter`` reads the text once, before parsing, and leaves out the VEVENTs that
cannot put anything into the planned days; what it keeps is the input's own text, line for
line, so the parser and the recurrence library see exactly what they would have seen.

The rules, each erring on the side of keeping (RFC 5545 §3.6.1, §3.8.2, §3.8.4.4, §3.8.5):

- Dates are read from the first 8 digits of DTSTART, DTEND, RECURRENCE-ID and UNTIL values
  and widened by ``MARGIN`` (2 days) on each side, which covers any zone offset (at most
  14 hours) and any reading of floating and all-day times in the planned zone.
- A one-off event is kept if [DTSTART, DTEND] (or DTSTART + DURATION, or one day) touches
  the widened days: a multi-day event that started before them is kept.
- A recurring event (RRULE) is kept unless its last possible start (UNTIL, or a bound from
  COUNT for plain DAILY/WEEKLY/MONTHLY/YEARLY rules) plus its length ends before the days,
  or it starts after them. RDATE or EXRULE: always kept (an RDATE may lie before DTSTART).
- Components sharing a UID are judged together, because the recurrence library does: it
  picks one master per UID by SEQUENCE and lets the master's EXDATEs hide overrides. So a
  UID is kept or dropped whole, except that the overrides (RECURRENCE-ID) of a series
  whose master is kept are judged one by one: an override is kept when its own span touches
  the days, or when the occurrence it replaces could (RECURRENCE-ID up to the series' length
  before them), or when it replaces the same occurrence as a kept one (two versions of one
  override: the library chooses between them by SEQUENCE). RANGE=THISANDFUTURE keeps the UID.
- Anything not understood keeps the event: a missing or unreadable date, a property given
  twice, DTEND before DTSTART, a negative or unreadable DURATION, an RRULE or EXDATE that
  is not plainly well-formed, a nested VEVENT. Such events are then parsed and reported
  exactly as without the filter.

The structural scan in ``calendars.reading`` runs on the whole text before this, so a malformed
line anywhere is still an error. What the dropped events would have added to the facts the
loader gathers (the newest DTSTAMP, the most used zone, unknown TZIDs) is returned as
``stubs``: lines standing for their DTSTAMP, LAST-MODIFIED and zoned values, to be parsed
on their own. A broken value of another property in a dropped event (a SUMMARY, an EXDATE)
is not looked at: it could not change the planned weeks.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

MARGIN = dt.timedelta(days=2)
_ONCE = frozenset({"UID", "DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "RRULE"})
_ZONED = frozenset({"DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE"})
_BLOCK = re.compile(r"(?:\A|\n)(BEGIN|END)(?=[;:])([^\r\n]*)(\r?\n[ \t])?", re.IGNORECASE)
_PROPERTY = re.compile(
    r"(?:\A|\n)(UID|DTSTART|DTEND|DURATION|RECURRENCE-ID|RRULE|RDATE|EXRULE|EXDATE|DTSTAMP"
    r'|LAST-MODIFIED)((?:;(?:[^:"\r\n]|"[^"\r\n]*")*)?):([^\r\n]*)(\r?\n[ \t])?',
    re.IGNORECASE,
)  # name, parameters (with their ';'), value, and the fold after it if there is one
_FOLD = re.compile(r"\r?\n[ \t]")
_DATE_VALUE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?")
_DURATION = re.compile(r"([+-]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_UTC_STAMP = re.compile(r"\d{8}T\d{6}Z")
_FIRST_VALUE = re.compile(r"[^,/]*")  # the first of a list, or the start of a PERIOD
_WEEKDAY = r"(?:MO|TU|WE|TH|FR|SA|SU)"
_NUMBERS = r"[+-]?\d{1,3}(?:,[+-]?\d{1,3})*"
_RULE_PART = (
    r"(?:FREQ=(?:SECONDLY|MINUTELY|HOURLY|DAILY|WEEKLY|MONTHLY|YEARLY)"
    r"|UNTIL=\d{8}(?:T\d{6}Z?)?|COUNT=\d+|INTERVAL=\d+"
    rf"|BY(?:SECOND|MINUTE|HOUR|MONTHDAY|YEARDAY|WEEKNO|MONTH|SETPOS)={_NUMBERS}"
    rf"|BYDAY=[+-]?\d{{0,2}}{_WEEKDAY}(?:,[+-]?\d{{0,2}}{_WEEKDAY})*|WKST={_WEEKDAY})"
)
_RULE = re.compile(rf"{_RULE_PART}(?:;{_RULE_PART})*")  # RFC 5545 §3.3.10, nothing else
_CHECKED_RULE = re.compile(r"SECONDLY|MINUTELY|INTERVAL=0+(?:;|$)|BYSECOND|BYMINUTE|BYHOUR")
_UNIT_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}
_WEEKDAYS = frozenset({"MO", "TU", "WE", "TH", "FR", "SA", "SU"})

_ZoneKey = tuple[str, bool]  # (parameters holding a TZID, whether the value has a time)


@dataclass(frozen=True)
class Filtered:
    """The kept text and what the loader needs to know about the rest."""

    text: str
    dropped: int  # VEVENTs left out
    runs: tuple[tuple[int, int], ...]  # (first line in ``text``, same line in the input), 1-based
    zones: tuple[str, ...]  # the VTIMEZONE components' text, to parse ``stubs`` with them
    stubs: tuple[tuple[str, int], ...]  # (content line standing for dropped values, DTSTARTs)

    def original_line(self, line: int) -> int:
        """The input's line number of line ``line`` of ``text``."""
        index = bisect.bisect_right([run[0] for run in self.runs], line) - 1
        kept, original = self.runs[max(index, 0)]
        return original + line - kept


@dataclass(slots=True, eq=False)
class _Event:
    """What the text says about one top-level VEVENT; ``doubt`` means: keep it."""

    first: int  # offset of its BEGIN line
    last: int  # offset just past its END line
    uid: str | None = None
    start: dt.date = dt.date.min
    end: dt.date = dt.date.min
    recurrence_id: dt.date | None = None
    recurring: bool = False
    last_start: dt.date | None = None  # of a series; None: unbounded
    timed_end: bool = True  # DTEND or DURATION given
    doubt: bool = False
    this_and_future: bool = False
    stamp: str = ""  # its newest plain UTC DTSTAMP/LAST-MODIFIED
    odd_stamps: tuple[str, ...] = ()  # other DTSTAMP/LAST-MODIFIED lines
    start_zone: _ZoneKey | None = None
    zones: tuple[_ZoneKey, ...] = ()  # of its other zoned values

    @property
    def length(self) -> dt.timedelta:
        return self.end - self.start


def prefilter(text: str, first: dt.date, last: dt.date) -> Filtered | None:
    """The text without the VEVENTs that cannot touch ``first``..``last`` (inclusive), or
    None when nothing can be left out or the text is not laid out as expected."""
    samples: dict[_ZoneKey, str] = {}
    with _collector_paused():
        scanned = _scan(text, samples)
    if scanned is None:
        return None
    events, zones = scanned
    drop = sorted(_dropped(events, first - MARGIN, last + MARGIN), key=lambda e: e.first)
    if not drop:
        return None
    runs: list[tuple[int, int]] = []
    pieces: list[str] = []
    cursor, line, kept_line = 0, 1, 1  # offset in ``text``, its line there and when kept
    for event in drop:
        if event.first > cursor:
            runs.append((kept_line, line))
            pieces.append(text[cursor : event.first])
            lines = text.count("\n", cursor, event.first)
            line, kept_line = line + lines, kept_line + lines
        line += text.count("\n", event.first, event.last)
        cursor = event.last
    runs.append((kept_line, line))
    pieces.append(text[cursor:])
    return Filtered(
        text="".join(pieces),
        dropped=len(drop),
        runs=tuple(runs),
        zones=tuple(zones),
        stubs=tuple(_stubs(drop, samples)),
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the scan makes a few objects per event, none
    of them in a cycle: otherwise it walks the growing list again and again (a third of
    the scan's time on a 50 MB calendar)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- reading the text ----------------------------------------------------------------------


def _scan(text: str, samples: dict[_ZoneKey, str]) -> tuple[list[_Event], list[str]] | None:
    """The top-level VEVENTs and the VTIMEZONE components (as text); None if BEGIN/END do
    not nest as expected (the structural scan accepted the file: only odd folding gets here).

    Regular expressions find the BEGIN/END lines and then, in each event's own lines (its
    nested components such as VALARM cut out), the properties judged; the Python loop runs
    over a tenth of the lines of a typical export.
    """
    stack: list[str] = []
    events: list[_Event] = []
    zones: list[str] = []
    own: list[tuple[int, int]] = []  # the current event's text, nested components cut out
    first = cursor = nested = zone_start = -1
    nested_event = False
    for match in _BLOCK.finditer(text):
        start = match.start(1)
        if match[3] is None:
            line = match[2]
            newline = text.find("\n", match.end(2))
            after = len(text) if newline < 0 else newline + 1
        else:
            line, after = _content_line(text, start)
        block = line.partition(":")[2].strip().upper()
        if match[1].upper() == "BEGIN":
            stack.append(block)
            if len(stack) == 2 and block == "VEVENT":
                first = cursor = start
                own, nested_event = [], False
            elif len(stack) == 2 and block == "VTIMEZONE":
                zone_start = start
            elif len(stack) == 3 and first >= 0:
                nested = start
            if first >= 0 and len(stack) > 2 and block == "VEVENT":
                nested_event = True
            continue
        if not stack or stack[-1] != block or (len(stack) == 1 and block != "VCALENDAR"):
            return None
        stack.pop()
        if len(stack) == 2 and first >= 0 and nested >= 0:
            own.append((cursor, nested))
            cursor, nested = after, -1
        elif len(stack) == 1 and first >= 0 and block == "VEVENT":
            own.append((cursor, after))
            body = "".join(text[a:b] for a, b in own)
            events.append(_judge(body, first, after, nested_event, samples))
            first = -1
        elif len(stack) == 1 and block == "VTIMEZONE" and zone_start >= 0:
            zones.append(text[zone_start:after])
            zone_start = -1
    if stack or not events:
        return None
    return events, zones


def _content_line(text: str, start: int) -> tuple[str, int]:
    """The unfolded content line starting at offset ``start`` (RFC 5545 §3.1) and the
    offset just past its last physical line."""
    parts = []
    begin = start
    while True:
        newline = text.find("\n", begin)
        stop = len(text) if newline < 0 else newline
        parts.append(text[begin:stop].removesuffix("\r"))
        if newline < 0 or text[newline + 1 : newline + 2] not in (" ", "\t"):
            return "".join(parts), stop if newline < 0 else newline + 1
        begin = newline + 2


# --- judging one event ---------------------------------------------------------------------


def _judge(
    body: str, first: int, last: int, nested_event: bool, samples: dict[_ZoneKey, str]
) -> _Event:
    """The event whose own text is ``body`` (from offset ``first`` to ``last``)."""
    found = _PROPERTY.findall(body)
    if any(fold for *_, fold in found):
        found = _PROPERTY.findall(_FOLD.sub("", body))
    props: dict[str, list[tuple[str, str]]] = {}
    repeated = nested_event
    for name, params, value, _ in found:
        key = name.upper()
        if key in props:
            props[key].append((params, value))
            repeated = repeated or key in _ONCE
        else:
            props[key] = [(params, value)]
    event = _Event(first, last)
    _note_facts(event, props, samples)
    start_value = props["DTSTART"][0][1] if "DTSTART" in props else ""
    start = _date(start_value)
    end = _end(props, start_value, start) if start is not None else None
    if repeated or start is None or end is None:
        event.doubt = True
        return event
    if "UID" in props:
        event.uid = _unescape(props["UID"][0][1])
    event.start, event.end = start, end
    event.timed_end = "DTEND" in props or "DURATION" in props
    if "RECURRENCE-ID" in props:
        params, value = props["RECURRENCE-ID"][0]
        event.recurrence_id = _date(value)
        event.this_and_future = "RANGE=" in params.upper()
        if event.recurrence_id is None or "RRULE" in props or "RDATE" in props:
            event.doubt = True
    if "RDATE" in props or "EXRULE" in props or not _plain_dates(props.get("EXDATE", ())):
        event.doubt = True  # an RDATE may lie anywhere, even before DTSTART
    elif "RRULE" in props:
        event.recurring = True
        rule = props["RRULE"][0][1].upper()
        if _RULE.fullmatch(rule) is None or _CHECKED_RULE.search(rule):
            event.doubt = True  # the loader may refuse it: let it say so
        else:
            event.last_start = _last_start(rule, start)
    return event


def _plain_dates(values: Iterable[tuple[str, str]]) -> bool:
    """Whether every EXDATE value is a well-formed DATE or DATE-TIME list."""
    return all(_date(item) is not None for _, value in values for item in value.split(","))


def _note_facts(
    event: _Event, props: dict[str, list[tuple[str, str]]], samples: dict[_ZoneKey, str]
) -> None:
    """The event's stamps and the zones of its values, in case it is left out."""
    odd: list[str] = []
    for name in ("DTSTAMP", "LAST-MODIFIED"):
        found = props.get(name, ())
        if len(found) != 1:
            continue  # given twice, the loader ignores it too
        params, value = found[0]
        if not params and _UTC_STAMP.fullmatch(value) and _date(value) is not None:
            event.stamp = max(event.stamp, value)
        else:
            odd.append(f"{name}{params}:{value}")
    event.odd_stamps = tuple(odd)
    zones: list[_ZoneKey] = []
    for name in _ZONED.intersection(props):
        for params, value in props[name]:
            if "TZID=" not in params.upper():
                continue
            sample = _FIRST_VALUE.match(value.strip())
            first_value = sample[0] if sample else ""
            key = (params, "T" in first_value)
            if key not in samples:
                samples[key] = f"DTSTART{params}:{first_value}"
            if name == "DTSTART":
                event.start_zone = key
            else:
                zones.append(key)
    event.zones = tuple(zones)


def _end(
    props: dict[str, list[tuple[str, str]]], start_value: str, start: dt.date
) -> dt.date | None:
    """The date the event ends on; None when unreadable or before the start."""
    if "DTEND" in props and "DURATION" in props:
        return None
    if "DTEND" in props:
        end_value = props["DTEND"][0][1]
        end = _date(end_value)
        inverted = len(end_value) == len(start_value) and end_value < start_value
        if end is None or end < start or inverted:
            return None
        return end
    if "DURATION" in props:
        match = _DURATION.fullmatch(props["DURATION"][0][1].strip())
        if match is None or match[1] == "-":
            return None
        weeks, days, hours, minutes, seconds = (int(part or 0) for part in match.groups()[1:])
        try:
            length = dt.timedelta(
                weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds
            )
            return start + dt.timedelta(days=-(-length // dt.timedelta(days=1)))
        except OverflowError:
            return None  # longer than any calendar: keep it, the parser will say so
    return start + dt.timedelta(days=1)


def _date(value: str) -> dt.date | None:
    """The date of a DATE or DATE-TIME value (RFC 5545 §3.3.4, §3.3.5), if it is one."""
    match = _DATE_VALUE.fullmatch(value.strip())
    if match is None:
        return None
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match[4] is not None:
            dt.time(int(match[4]), int(match[5]), min(int(match[6]), 59))
    except ValueError:
        return None
    return day


def _last_start(rule: str, start: dt.date) -> dt.date | None:
    """The latest day an occurrence of RRULE ``rule`` can start on; None if unbounded or
    not understood (RFC 5545 §3.3.10). COUNT is bounded only for rules without BY parts
    (WEEKLY may have a plain BYDAY), where every period holds at least one occurrence."""
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        key, sep, value = part.partition("=")
        if not sep or key in parts:
            return None
        parts[key] = value
    if "UNTIL" in parts:
        return None if "COUNT" in parts else _date(parts["UNTIL"])
    freq, count = parts.get("FREQ", ""), parts.get("COUNT", "")
    interval = parts.get("INTERVAL", "1")
    if freq not in _UNIT_DAYS or not count.isdigit() or not interval.isdigit():
        return None
    allowed = {"FREQ", "COUNT", "INTERVAL", "WKST"}
    if freq == "WEEKLY" and set(parts.get("BYDAY", "MO").split(",")) <= _WEEKDAYS:
        allowed.add("BYDAY")
    if not set(parts) <= allowed:
        return None
    leap_day = (start.month, start.day) == (2, 29)
    if (freq == "MONTHLY" and start.day > 28) or (freq == "YEARLY" and leap_day):
        return None  # such rules skip the months or years without that day
    span = int(count) * max(int(interval), 1) * _UNIT_DAYS[freq] + 7
    try:
        return start + dt.timedelta(days=span)
    except OverflowError:
        return None


# --- judging the events of one UID ---------------------------------------------------------


def _touches(start: dt.date, end: dt.date, low: dt.date, high: dt.date) -> bool:
    return start <= high and end >= low


def _dropped(events: list[_Event], low: dt.date, high: dt.date) -> list[_Event]:
    """The events to leave out (see the module docstring for the rules)."""
    groups: dict[object, list[_Event]] = {}
    for event in events:
        groups.setdefault(event.uid if event.uid is not None else id(event), []).append(event)
    drop: list[_Event] = []
    for group in groups.values():
        drop.extend(_dropped_of_uid(group, low, high))
    return drop


def _dropped_of_uid(group: list[_Event], low: dt.date, high: dt.date) -> list[_Event]:
    """The components of one UID to leave out."""
    if any(e.doubt or e.this_and_future for e in group):
        return []
    masters = [e for e in group if e.recurrence_id is None]
    overrides = [e for e in group if e.recurrence_id is not None]
    reach = max((e.length for e in masters), default=dt.timedelta(0))
    if any(e.recurring and e.last_start is None for e in masters):
        needed_master = any(e.start <= high for e in masters)
    else:
        needed_master = any(
            _touches(e.start, (e.last_start or e.start) + e.length, low, high) for e in masters
        )
    needed = [o for o in overrides if _override_needed(o, reach, low, high)]
    if not needed_master and not needed:
        return group
    if not any(e.recurring for e in masters):
        return []  # a one-off event and its overrides stay together
    kept = [o.recurrence_id for o in needed if o.recurrence_id is not None]
    return [
        o
        for o in overrides
        if all(o is not n for n in needed)
        and o.recurrence_id is not None
        and not any(abs(o.recurrence_id - other) <= MARGIN for other in kept)
    ]


def _override_needed(override: _Event, reach: dt.timedelta, low: dt.date, high: dt.date) -> bool:
    """Its own span touches the days, or the occurrence it replaces could."""
    assert override.recurrence_id is not None
    end = override.end if override.timed_end else override.start + max(reach, dt.timedelta(1))
    replaced = override.recurrence_id
    own = _touches(override.start, end, low, high)
    return own or _touches(replaced, replaced + reach, low, high)


# --- what the dropped events would have told the loader ------------------------------------


def _stubs(dropped: list[_Event], samples: dict[_ZoneKey, str]) -> Iterator[tuple[str, int]]:
    """Content lines standing for the dropped events' values that the loader's facts
    depend on, each with the number of DTSTARTs it stands for.

    The newest plain UTC DTSTAMP/LAST-MODIFIED stands for all of them (the format sorts
    as the time does); other forms come one by one. A zoned value is represented once per
    distinct parameters and kind of value (the TZID resolves the same way for all).
    """
    newest = ""
    counts: dict[_ZoneKey, int] = {}
    for event in dropped:
        newest = max(newest, event.stamp)
        for line in event.odd_stamps:
            yield line, 0
        if event.start_zone is not None:
            counts[event.start_zone] = counts.get(event.start_zone, 0) + 1
        for key in event.zones:
            counts.setdefault(key, 0)
    if newest:
        yield f"DTSTAMP:{newest}", 0
    for key, count in counts.items():
        yield samples[key], count


def _unescape(value: str) -> str:
    """A TEXT value's escapes undone (RFC 5545 §3.3.11), as icalendar reads a UID."""
    if "\\" not in value:
        return value
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)
