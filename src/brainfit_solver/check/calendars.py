"""The checker's own reading of the calendars: busy time and study blocks from the bytes.

The checker must not trust the planner's reading: a bug there (a lost lecture, a wrong
zone) would plan a session on top of a lecture and the check, fed the same reading, would
pass it. So this module shares none of the planner's reading code (``calendars.reading``,
``calendars.prefilter``, ``model.week``); it shares only what the inputs mean — the profile's
``[busy]`` and ``[study]`` settings and the README's "Calendars" section — and the libraries:

- icalendar parses (Windows zone names such as "W. Europe Standard Time" are mapped by
  icalendar itself, with or without a VTIMEZONE), x-wr-timezone applies Google's and
  Apple's X-WR-TIMEZONE, recurring-ical-events expands RRULE, RDATE, EXDATE and overrides
  over the checked span only (``between``), so a series without end costs nothing;
- times stay exact aware datetimes: no grid, no rounding. Floating times and dates (all-day
  events) are read in the user's zone (RFC 5545 §3.3.4, §3.3.5);
- an occurrence blocks time unless it is CANCELLED, one of this tool's own sessions (UID
  ``…@brainfit-solver``), an invitation declined by one of the user's addresses, TENTATIVE
  (also Outlook's X-MICROSOFT-CDO-BUSYSTATUS) while ``busy.tentative`` is off, an all-day
  event not marked busy (TRANSP:OPAQUE, Outlook BUSY/OOF) while ``busy.all_day`` is off,
  or a timed event marked free (TRANSP:TRANSPARENT, Outlook FREE) that is not study;
- an event is study when its calendar is a study calendar (given as one, or named by its
  X-WR-CALNAME in ``[study] calendars``), a CATEGORIES value is in ``[study] categories``
  (case-insensitive) or its SUMMARY matches ``[study] summary_pattern``;
- VFREEBUSY periods block time unless FBTYPE is FREE, or BUSY-TENTATIVE while
  ``busy.tentative`` is off (RFC 5545 §3.2.9);
- an event without length blocks nothing; the same block (start, end, title) found twice
  is one block, study if either copy is;
- a timed event that blocks time also blocks the travel time Apple Calendar reserves before
  it (X-APPLE-TRAVEL-DURATION), as a block of its own, "Travel to <title>", never study.
- faults that cannot change busy time are mended before parsing (``mend``): an event
  without DTSTART holds no time and is left out, so is a line icalendar cannot split into
  name, parameters and value, or one outside any VCALENDAR; concatenated VCALENDARs are
  read as one (the first one's properties name it); an RRULE is read without the spaces
  old Exchange servers write (``BYDAY=MO, TU``), CATEGORIES without a VALUE=TEXT. The
  planner refuses these faults where they could change busy time, so what the checker is
  given to mend holds none of those.

Speed: parsing a 50 MB, ten-year export whole takes icalendar about 40 s and 1 GB, so
``_near`` first leaves out, on the text alone, the VEVENTs that cannot reach the checked
days. It is the checker's own filter, deliberately simpler and more conservative than the
planner's: anything it does not plainly understand is kept, and a UID is kept or left out
whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events
import x_wr_timezone
from icalendar.error import GloballyUniqueTZIDGuessed, InvalidCalendar
from icalendar.parser import Contentline
from icalendar.timezone import tzp
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from ..core.errors import CalendarError, TimeZoneError
from ..rules.profile import BusyPolicy, Profile, StudyRecognition

PLAN_UID_SUFFIX = "@brainfit-solver"
FREEBUSY_SUMMARY = "busy (free/busy)"
UNTITLED = "(no title)"
# Any zone offset (at most 14 h) and any reading of floating times and dates in the user's
# zone moves a date by less than this.
_MARGIN = dt.timedelta(days=2)


@dataclass(frozen=True)
class CalendarBytes:
    """A calendar as read from its source, whole; ``study``: given as a study calendar."""

    source: str
    data: bytes
    study: bool = False


@dataclass(frozen=True)
class Block:
    """A stretch of busy time [start, end), held as UTC instants.

    UTC, because Python compares and adds aware datetimes that share one ``tzinfo`` by
    their wall-clock readings: in one zone, 01:55 + 15 min is "02:10" on the night the
    clock jumps from 02:00 to 03:00, which a meeting at 03:05 seems to clear by an hour
    when only 10 real minutes lie between them."""

    start: dt.datetime
    end: dt.datetime
    summary: str
    source: str
    study: bool

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", self.start.astimezone(dt.UTC))
        object.__setattr__(self, "end", self.end.astimezone(dt.UTC))


@dataclass(frozen=True)
class BusyTime:
    """Every busy block of the calendars over a span, sorted; the study blocks among them."""

    blocks: tuple[Block, ...]

    @property
    def study(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.study)


def read_busy(
    calendars: Sequence[CalendarBytes], profile: Profile, start: dt.datetime, end: dt.datetime
) -> BusyTime:
    """The busy blocks of ``calendars`` overlapping [start, end); ``start``'s zone is the
    user's, in which floating times and dates are read."""
    found: dict[tuple[dt.datetime, dt.datetime, str], Block] = {}
    for calendar in calendars:
        for block in _read_blocks(calendar, profile.busy, profile.study, start, end):
            key = (block.start, block.end, block.summary)
            kept = found.setdefault(key, block)
            if block.study and not kept.study:
                found[key] = block
    blocks = sorted(found.values(), key=lambda b: (b.start, b.end, b.summary, b.source))
    return BusyTime(tuple(blocks))


def _read_blocks(
    calendar: CalendarBytes,
    busy: BusyPolicy,
    study: StudyRecognition,
    start: dt.datetime,
    end: dt.datetime,
) -> tuple[Block, ...]:
    """One calendar's blocks, remembered for the same bytes read the same way.

    ``brainfit serve`` checks every re-solve against the same calendars, and parsing them
    was half of each check. The key is everything the reading depends on: the bytes (by
    SHA-256, so a 50 MB calendar is not kept alive by the cache), where they came from (it
    names the blocks and the errors), whether it is a study calendar, the profile's
    ``[busy]`` and ``[study]`` settings (the only parts of the profile ``_blocks`` is given)
    and the span with its zone spelled out (equal instants in different zones compare
    equal, yet floating times are read in the zone). A changed file is new bytes, so a new
    reading; the blocks are frozen, so no caller can alter what another is given."""
    key = (
        hashlib.sha256(calendar.data).digest(),
        len(calendar.data),
        calendar.source,
        calendar.study,
        busy.model_dump_json(),
        study.model_dump_json(),
        start.isoformat(),
        end.isoformat(),
        repr(start.tzinfo),
    )
    with _READ_LOCK:
        blocks = _READ.get(key)
        if blocks is not None:
            _READ.move_to_end(key)
            return blocks
    blocks = tuple(_blocks(calendar, busy, study, start, end))
    with _READ_LOCK:
        _READ[key] = blocks
        while len(_READ) > _READ_SIZE:
            _READ.popitem(last=False)
    return blocks


# The readings remembered, least recently used first; a lock, as ``brainfit serve`` plans in
# a thread of its own. 64 readings: a team's calendars, or the last requests of a batch.
_READ: OrderedDict[tuple[object, ...], tuple[Block, ...]] = OrderedDict()
_READ_LOCK = threading.Lock()
_READ_SIZE = 64


def _blocks(
    calendar: CalendarBytes,
    busy: BusyPolicy,
    study_settings: StudyRecognition,
    start: dt.datetime,
    end: dt.datetime,
) -> Iterator[Block]:
    tz = start.tzinfo
    assert isinstance(tz, dt.tzinfo)
    cal = _parse(mend(near(_decode(calendar), start, end)), calendar.source)
    whole_study = calendar.study or _named_study(cal, study_settings)
    pattern = re.compile(study_settings.summary_pattern) if study_settings.summary_pattern else None
    categories = {c.casefold() for c in study_settings.categories}
    declined = {_address(a) for a in busy.declined_addresses}
    # A day more: an event just after the span may have travel time reaching back into it.
    for event in _occurrences(cal, calendar.source, start, end + dt.timedelta(days=1)):
        if _text(event, "STATUS").upper() == "CANCELLED":
            continue
        if _text(event, "UID").endswith(PLAN_UID_SUFFIX):
            continue
        summary = _text(event, "SUMMARY")
        study = (
            whole_study
            or any(c.casefold() in categories for c in _categories(event))
            or (pattern is not None and pattern.search(summary) is not None)
        )
        begin, finish = event.start, event.end
        all_day = not isinstance(begin, dt.datetime)
        if not _blocks_time(event, busy, declined, all_day=all_day, study=study):
            continue
        # ``between`` gives the occurrences overlapping [start, end + a day): start < finish
        # unless it has no length (then it blocks nothing); one from end on is outside the
        # span, only its travel time may reach back into it.
        begin, finish = _exact(begin, tz), _exact(finish, tz)
        if begin < finish and begin < end:
            yield Block(begin, finish, summary or UNTITLED, calendar.source, study)
        travel = None if all_day else _travel(event, calendar.source)
        if travel and start < begin and begin - travel < end:  # it overlaps the span too
            title = f"Travel to {summary or UNTITLED}"
            yield Block(begin - travel, begin, title, calendar.source, False)
    yield from _freebusy(cal, calendar.source, busy, whole_study, start, end)


def _travel(event: icalendar.Component, source: str) -> dt.timedelta | None:
    """Apple Calendar's travel time before an event (X-APPLE-TRAVEL-DURATION, a DURATION
    such as PT30M), busy like the event: None when there is none or it is not positive."""
    value = event.get("X-APPLE-TRAVEL-DURATION")
    if value is None:
        return None
    try:
        length = value.dt if isinstance(getattr(value, "dt", None), dt.timedelta) else None
    except Exception:  # a value icalendar kept but could not read: parsed below, or refused
        length = None
    if length is None:
        try:
            length = _parse_duration(str(value).strip())
        except ValueError as exc:
            raise CalendarError(
                f"event {_text(event, 'SUMMARY')!r} has a travel time that is not a duration "
                f"({str(value)!r})",
                file=source,
                fix="Write X-APPLE-TRAVEL-DURATION as a duration such as PT30M",
            ) from exc
    return length if isinstance(length, dt.timedelta) and length > dt.timedelta(0) else None


def _blocks_time(
    event: icalendar.Component,
    busy: BusyPolicy,
    declined: set[str],
    *,
    all_day: bool,
    study: bool,
) -> bool:
    """Whether an occurrence that is not cancelled blocks time (module docstring)."""
    for attendee in _values(event.get("ATTENDEE")):
        partstat = str(getattr(attendee, "params", {}).get("PARTSTAT", "")).upper()
        if partstat == "DECLINED" and _address(str(attendee)) in declined:
            return False
    transp = _text(event, "TRANSP").upper()
    outlook = _text(event, "X-MICROSOFT-CDO-BUSYSTATUS").upper()
    if not busy.tentative and "TENTATIVE" in (_text(event, "STATUS").upper(), outlook):
        return False
    if all_day:
        return busy.all_day or transp == "OPAQUE" or outlook in ("BUSY", "OOF")
    return study or not (transp == "TRANSPARENT" or outlook == "FREE")


def _freebusy(
    cal: icalendar.Calendar,
    source: str,
    busy: BusyPolicy,
    study: bool,
    start: dt.datetime,
    end: dt.datetime,
) -> Iterator[Block]:
    """FREEBUSY periods (RFC 5545 §3.8.2.6): FBTYPE BUSY by default, x-types count as BUSY."""
    for component in cal.walk("VFREEBUSY"):
        for period in _values(component.get("FREEBUSY")):
            fbtype = str(period.params.get("FBTYPE", "BUSY")).upper()
            if fbtype == "FREE" or (fbtype == "BUSY-TENTATIVE" and not busy.tentative):
                continue
            begin, until = period.dt
            finish = begin + until if isinstance(until, dt.timedelta) else until
            begin, finish = _exact(begin, start.tzinfo), _exact(finish, start.tzinfo)
            if begin < finish and begin < end and start < finish:
                yield Block(begin, finish, FREEBUSY_SUMMARY, source, study)


def _exact(moment: dt.date, tz: dt.tzinfo | None) -> dt.datetime:
    """An aware datetime: a date is midnight, a floating time that wall-clock time, in ``tz``."""
    if not isinstance(moment, dt.datetime):
        return dt.datetime.combine(moment, dt.time(0), tz)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


# --- bytes to a parsed calendar ------------------------------------------------------------


def _decode(calendar: CalendarBytes) -> str:
    try:
        return calendar.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CalendarError(
            "the calendar is not UTF-8 text",
            file=calendar.source,
            fix="Save or export it as UTF-8",
        ) from exc


_CORRECT_IT = "Correct the value (RFC 5545 format) or export the calendar again"


def _parse(text: str, source: str) -> icalendar.Calendar:
    """icalendar's parse, every zoned time resolved, X-WR-TIMEZONE applied.

    ``use_zoneinfo`` empties icalendar's cache of VTIMEZONE definitions, so each file's
    custom zones (Outlook's "Customized Time Zone") are its own."""
    tzp.use_zoneinfo()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GloballyUniqueTZIDGuessed)
            cal = icalendar.Calendar.from_ical(text)
    except OSError as exc:  # zoneinfo opening a TZID such as 'Europe', a folder of zones
        name = str(exc.filename).rpartition("zoneinfo/")[2]
        raise TimeZoneError(
            f"unknown time zone {name!r} (a folder of zones)", file=source, where="TZID"
        ) from None
    except Exception as exc:  # the parser raises ValueError, KeyError, …
        raise CalendarError(f"icalendar cannot parse the calendar ({exc})", file=source) from exc
    for event in cal.walk("VEVENT"):
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
            for value in _values(event.get(name)):
                try:
                    moment = getattr(value, "dt", None)
                except InvalidCalendar as exc:  # icalendar 7 raises on use, not on parse
                    raise CalendarError(
                        f"event {_text(event, 'SUMMARY')!r} has a {name} that cannot be read"
                        f" ({exc.__cause__ or exc})",
                        file=source,
                        fix=_CORRECT_IT,
                    ) from exc
                if not isinstance(moment, dt.date):  # VALUE=TEXT, PERIOD, …: no time at all
                    raise CalendarError(
                        f"event {_text(event, 'SUMMARY')!r} has a {name} that is not a date or "
                        "date-time",
                        file=source,
                        fix=_CORRECT_IT,
                    )
                naive = isinstance(moment, dt.datetime) and moment.tzinfo is None
                if naive and value.params.get("TZID"):
                    raise TimeZoneError(
                        f"event {_text(event, 'SUMMARY')!r} uses the unknown time zone "
                        f"{str(value.params['TZID'])!r}",
                        file=source,
                    )
    return declared_zone_applied(cal, source)  # after: it takes a zoneless time for floating


def declared_zone_applied(cal: icalendar.Calendar, source: str) -> icalendar.Calendar:
    """``cal`` with its UTC and floating times moved into the zone its X-WR-TIMEZONE names
    (Google, Apple; Outlook writes a Windows name), and without that property.

    It is removed once applied: recurring-ical-events applies a calendar's X-WR-TIMEZONE
    again on its own, reading the name raw, and fails on a Windows name."""
    declared = _text(cal, "X-WR-TIMEZONE")
    if not declared:
        return cal
    try:
        zone = ZoneInfo(WINDOWS_TO_OLSON.get(declared, declared))
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a directory, …
        raise TimeZoneError(
            f"unknown time zone {declared!r}", file=source, where="X-WR-TIMEZONE"
        ) from exc
    try:
        standard: icalendar.Calendar = _FloatingOnly(zone).walk(cal)
    except Exception as exc:  # third-party code on user data
        raise CalendarError(f"cannot apply X-WR-TIMEZONE ({exc})", file=source) from exc
    standard.pop("X-WR-TIMEZONE")
    return standard


class _FloatingOnly(x_wr_timezone.UTCChangingWalker):  # type: ignore[misc]
    """x-wr-timezone's walk, taking only a time without any zone for floating: it took one
    whose zone has no name (a VTIMEZONE without TZNAME, as Outlook writes custom zones) for
    floating too, and moved it into the declared zone."""

    def is_Floating(self, moment: dt.datetime) -> bool:  # noqa: N802 (the library's name)
        return moment.tzinfo is None


def _named_study(cal: icalendar.Calendar, study: StudyRecognition) -> bool:
    """A calendar named by its display name (X-WR-CALNAME) in ``[study] calendars``."""
    name = _text(cal, "X-WR-CALNAME").casefold()
    return bool(name) and any(entry.casefold() == name for entry in study.calendars)


def _occurrences(
    cal: icalendar.Calendar, source: str, start: dt.datetime, end: dt.datetime
) -> list[icalendar.Event]:
    try:
        found: list[icalendar.Event] = recurring_ical_events.of(cal).between(start, end)
    except Exception as exc:  # third-party code on user data
        raise CalendarError(f"cannot expand the recurring events ({exc})", file=source) from exc
    return found


_PLAIN = re.compile(r"([A-Za-z0-9-]+):(.*)")


def mend(text: str) -> str:
    """One VCALENDAR of well-formed content lines holding the events that have a start
    (module docstring): the calendar as its author meant it, for icalendar to parse."""
    kept: list[str] = []
    depth, calendars = 0, 0
    event: list[str] | None = None
    start = False
    for raw in _FOLD.sub("", text).split("\n"):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        plain = _PLAIN.match(line)  # most lines: no parameters, nothing to check
        if plain is not None:
            name, value, at = plain[1], plain[2], plain.end(1)
        else:
            content = Contentline(line)  # type: ignore[no-untyped-call]
            try:
                name, params, value = content.parts()
            except ValueError:
                continue  # not a content line: it holds nothing the checker reads
            at = content.value_separator_index()  # not the first colon: '"9:00"' is quoted
            if name.upper() == "CATEGORIES" and str(params.get("VALUE")).upper() == "TEXT":
                line = "CATEGORIES" + line[at:]  # see _categories; no parameter of it is read
        name, value = name.upper(), str(value).strip()
        if name == "RRULE":  # (recurring-ical-events reads no EXRULE)
            line = f"{line[:at]}:{''.join(value.split())}"
        if name == "BEGIN":
            depth += 1
            if depth == 1:
                calendars += value.upper() == "VCALENDAR"
                if calendars == 1:
                    kept.append(line)
                continue
            if depth == 2 and value.upper() == "VEVENT":
                event, start = [line], False
                continue
        elif name == "END":
            depth -= 1
            if depth == 0:
                continue
            if depth == 1 and event is not None:
                if start:
                    kept += [*event, line]
                event = None
                continue
        elif depth == 0 or (depth == 1 and calendars > 1):
            continue  # outside the calendars, or a later calendar's VERSION, PRODID, …
        elif depth == 2 and event is not None and name == "DTSTART":
            start = True
        (event if event is not None else kept).append(line)
    return "\r\n".join([*kept, "END:VCALENDAR", ""])


# --- the pre-filter ------------------------------------------------------------------------

# A line that starts a component's edge or a property the filter reads. Anchored on the
# newline before it, which the regular expression engine finds fast: the scan of a 50 MB
# file is most of the filter's cost.
_LINE = re.compile(
    r"\n(BEGIN|END|UID|DTSTART|DTEND|DURATION|RRULE|RDATE|EXRULE|RECURRENCE-ID)(?=[;:])",
    re.IGNORECASE,
)
_REST = re.compile(r'((?:;(?:[^:"]|"[^"]*")*)?):(.*)', re.DOTALL)  # parameters, value
_FOLD = re.compile(r"\r?\n[ \t]")
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DURATION = re.compile(r"\+?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_PLAIN_RULE_PARTS = frozenset({"FREQ", "COUNT", "INTERVAL", "WKST", "BYDAY"})
_UNIT_DAYS = {"DAILY": 1, "WEEKLY": 7}

_Properties = dict[str, list[tuple[str, str]]]


def near(text: str, start: dt.datetime, end: dt.datetime) -> str:
    """``text`` without the VEVENTs that plainly cannot reach [start, end) in any zone."""
    return _near(text, start.date() - _MARGIN, end.date() + _MARGIN)


def _near(text: str, first: dt.date, last: dt.date) -> str:
    """``text`` without the VEVENTs that cannot put anything into [first, last].

    One scan finds the components' edges and the few properties judged; properties of a
    component inside an event (a VALARM) are not the event's. A UID is judged whole (the
    recurrence library picks a master per UID and lets its overrides and EXDATEs act on
    each other); everything but VEVENTs is kept, and so is the whole text when it does not
    start with BEGIN:VCALENDAR or its BEGIN and END lines do not plainly pair up."""
    if not text.startswith("BEGIN:VCALENDAR"):
        return text
    stack = ["VCALENDAR"]
    events: list[tuple[int, int, str | None, bool]] = []
    begun, props = 0, _Properties()
    for match in _LINE.finditer(text):
        name, line, finish = match[1].upper(), *_logical_line(text, match.end())
        if name in ("BEGIN", "END"):
            block = line[1:].strip().upper()
            if name == "BEGIN":
                stack.append(block)
                if stack == ["VCALENDAR", "VEVENT"]:
                    begun, props = match.start() + 1, {}
            elif not stack or stack.pop() != block:
                return text
            elif block == "VEVENT" and stack == ["VCALENDAR"]:
                uids = props.get("UID", [])
                uid = uids[0][1] if len(uids) == 1 else None
                events.append((begun, finish, uid, _may_touch(props, first, last)))
        elif stack == ["VCALENDAR", "VEVENT"]:
            parts = _REST.match(line)
            if parts is None:
                props.setdefault(name, []).append(("", ""))  # unreadable: the event is kept
            else:
                props.setdefault(name, []).append((parts[1].upper(), parts[2].strip()))
    if stack:
        return text
    keep = {uid for _, _, uid, near in events if near and uid is not None}
    pieces, at = [], 0
    for begin, finish, uid, near in events:
        if not near and (uid is None or uid not in keep):
            pieces.append(text[at:begin])
            at = finish
    pieces.append(text[at:])
    return "".join(pieces)


def _logical_line(text: str, at: int) -> tuple[str, int]:
    """The rest of the content line from ``at``, unfolded, and where its line break ends."""
    end = text.find("\n", at)
    while end != -1 and text[end + 1 : end + 2] in (" ", "\t"):
        end = text.find("\n", end + 1)
    if end == -1:  # the last line, without a line break
        end = len(text)
    return _FOLD.sub("", text[at:end]), end + 1  # its "\r" goes with the value's spaces


def _may_touch(props: _Properties, first: dt.date, last: dt.date) -> bool:
    """Whether an event, by the properties read, may have an occurrence in [first, last];
    anything missing, repeated or not plainly readable says yes."""
    if "RDATE" in props or "EXRULE" in props:
        return True
    if any("RANGE=" in params for params, _ in props.get("RECURRENCE-ID", [])):
        return True
    once = [props.get(name, []) for name in ("DTSTART", "DTEND", "DURATION", "RRULE")]
    if any(len(values) > 1 for values in once) or len(once[0]) != 1:
        return True
    start = _date(once[0][0][1])
    if start is None:
        return True
    if start > last:
        return False
    if once[1] and once[2]:
        return True
    length = _length_days(
        start, once[1][0][1] if once[1] else None, once[2][0][1] if once[2] else None
    )
    if length is None:
        return True
    final = _last_start(once[3][0][1], start) if once[3] else start
    try:
        return final is None or final + dt.timedelta(days=length) >= first
    except OverflowError:
        return True


def _date(value: str) -> dt.date | None:
    match = _DATE.match(value)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _length_days(start: dt.date, end: str | None, duration: str | None) -> int | None:
    """Whole days from the start's date to the end's date at most; None if unreadable."""
    if end is not None:
        finish = _date(end)
        return None if finish is None or finish < start else (finish - start).days
    if duration is not None:
        match = _DURATION.fullmatch(duration)
        if match is None:
            return None
        weeks, days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
        total = dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
        return total.days + 1
    return 1


def _last_start(rule: str, start: dt.date) -> dt.date | None:
    """The last date a plainly bounded RRULE can start on; None when unbounded or unclear."""
    parts: dict[str, str] = {}
    for part in rule.upper().split(";"):
        name, _, value = part.partition("=")
        if name in parts or "=" in value:  # repeated or unclear: kept
            return None
        parts[name] = value
    if "UNTIL" in parts:
        return _date(parts["UNTIL"])
    freq, count, interval = parts.get("FREQ"), parts.get("COUNT", ""), parts.get("INTERVAL", "1")
    plain = set(parts) <= _PLAIN_RULE_PARTS and ("BYDAY" not in parts or freq == "WEEKLY")
    if not (plain and freq in _UNIT_DAYS and count.isdigit() and interval.isdigit()):
        return None
    try:
        return start + dt.timedelta(days=int(count) * int(interval) * _UNIT_DAYS[freq])
    except OverflowError:
        return None


# --- small readers -------------------------------------------------------------------------


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _text(component: icalendar.Component, name: str) -> str:
    """The first value of a property meant to occur once, stripped; '' if absent."""
    values = _values(component.get(name))
    return str(values[0]).strip() if values else ""


def _categories(event: icalendar.Component) -> Iterable[str]:
    """The names in an event's CATEGORIES. icalendar 7.3 reads ``CATEGORIES;VALUE=TEXT``
    as the text of a Python list (``"['Study']"``), no categories: ``mend`` drops that
    parameter (and the others, none of which is read), TEXT being CATEGORIES' only type
    (RFC 5545 §3.8.1.2), so such a line reads as it would without it."""
    for value in _values(event.get("CATEGORIES")):
        yield from (str(category).strip() for category in getattr(value, "cats", []))


def _address(address: str) -> str:
    return address.strip().casefold().removeprefix("mailto:")


# icalendar's DURATION parser (RFC 5545 §3.3.6), which its stubs leave untyped.
_parse_duration: Callable[[str], Any] = icalendar.vDuration.from_ical
