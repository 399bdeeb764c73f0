"""Calendars in: iCalendar files become the busy and study stretches of the planned week.

A file goes through four steps, each of which either succeeds or raises ``CalendarError``
(``TimeZoneError`` for a zone nobody knows) naming the file and, where possible, the line or
the event; nothing else escapes, so the CLI can always print one paragraph and exit with 2:

1. **Bytes.** Read from a file, an ICS feed or a CalDAV calendar (``calendars.sources``), at most
   64 MiB, and decoded as UTF-8 (a BOM is allowed). RFC 5545 §3.1.4 makes UTF-8 the only
   charset; a file in another encoding is refused with the line of the first bad byte, not
   guessed at, because a wrong guess silently garbles the summaries that study recognition
   reads ("Übung").
2. **Structure.** Our own scan of the unfolded content lines (§3.1) checks what icalendar's
   tolerant parser lets pass or reports without a place: a file that is not iCalendar at all,
   a line that is not ``NAME[;PARAMS]:VALUE`` or whose parameters cannot be read where it
   may hold a value the planner reads, BEGIN/END that do not pair up, a truncated file, a
   VTIMEZONE rule that would take forever to expand. Faults that cannot change busy time
   (an event without DTSTART, a malformed X- line, concatenated calendars, an RRULE with
   spaces) are mended, keeping line numbers, and counted for one warning per file
   (docs/calendar-sources.md). It costs a few per cent of parsing. When the planned
   days are known (``dates``), ``calendars.prefilter`` then leaves out the events that cannot touch
   them, so a ten-year export is parsed in seconds; the scan still covers the whole file.
3. **Parse.** icalendar parses; a broken value of a property the planner reads (DTSTART,
   RRULE, …) is an error with its line, a broken one the planner never reads (GEO, an X-
   property) is left alone. X-WR-TIMEZONE (Google, Apple) is applied with ``x_wr_timezone``,
   then every event is checked once: one DTSTART that is a date, an unknown TZID, an end
   before the start, an RRULE that cannot be expanded in bounded time.
4. **Week.** ``recurring_ical_events`` expands recurrences over the horizon only, so a series
   without end that started years ago costs nothing; each occurrence is judged busy or not
   and study or not, and cut to whole minutes of the horizon (start floored, end ceiled).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone
from icalendar.error import GloballyUniqueTZIDGuessed
from icalendar.parser import Contentline
from icalendar.timezone import tzp

from ..core.domain import CalendarWeek, Commitment, EarlierEvent
from ..core.errors import CalendarError, InputError, TimeZoneError
from ..core.timegrid import UTC, Horizon, zone, zone_name
from ..rules.profile import BusyPolicy, StudyRecognition
from .prefilter import Filtered, prefilter
from .sources import read_source

_FREEBUSY_SUMMARY = "busy (free/busy)"
_UNTITLED = "(no title)"

_EXPORT_AGAIN = "Export the calendar again from your calendar app as an .ics file"
_PROPERTY_NAME = re.compile(r"[\w.-]+(?=[;:])")  # icalendar's own token rule, \w included
# Properties whose value the planner reads: a broken one would silently change the week.
_READ_PROPERTIES = frozenset(
    {
        "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID",
        "STATUS", "TRANSP", "CATEGORIES", "SUMMARY", "ATTENDEE", "FREEBUSY", "DTSTAMP",
        "LAST-MODIFIED", "X-MICROSOFT-CDO-BUSYSTATUS", "TZID", "TZOFFSETFROM", "TZOFFSETTO",
    }
)  # fmt: skip
_ZONED_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")


@dataclass(frozen=True)
class LoadedCalendar:
    """One parsed calendar file, ready to be read for any week.

    ``calendar`` is already normalised (X-WR-TIMEZONE applied) and checked, so reading a week
    from it can only fail inside the recurrence library. ``study`` marks a calendar loaded as
    a separate study calendar: every event in it is study.

    ``dates`` is set when events that cannot touch those days were left out
    (``calendars.prefilter``); ``original`` keeps the whole text, so a week outside them is read
    from the whole file (``covering``), never from the filtered one, and an error found while
    reading a week can name its line.
    """

    source: str
    calendar: icalendar.Calendar
    zone_hint: str | None
    study: bool
    latest_stamp: dt.datetime | None
    dates: tuple[dt.date, dt.date] | None = None
    original: str | None = field(default=None, repr=False, compare=False)
    zones: tuple[tuple[str, int], ...] = ()  # IANA zone -> events whose DTSTART uses it
    # Faults read with a warning (``_check_structure``), e.g. "3 events without a start
    # time were skipped": said once per file, on stderr and in the JSON report.
    warnings: tuple[str, ...] = ()

    @property
    def warning(self) -> str | None:
        """The file's one warning line, "uni.ics: 3 events … skipped, …", if it has any."""
        return f"{self.source}: {', '.join(self.warnings)}" if self.warnings else None

    @property
    def display_name(self) -> str:
        """The calendar's name in the user's app (X-WR-CALNAME), '' when it has none."""
        return _text(self.calendar, "X-WR-CALNAME")

    def covering(self, horizon: Horizon) -> LoadedCalendar:
        """This calendar if it was read for every day of ``horizon``, else the whole file."""
        if self.dates is None or self.original is None:
            return self
        last = horizon.monday + dt.timedelta(days=horizon.days - 1)
        if self.dates[0] <= horizon.monday and last <= self.dates[1]:
            return self
        return self._whole

    @cached_property
    def _whole(self) -> LoadedCalendar:
        assert self.original is not None
        return _load_text(self.original, self.source, study=self.study, dates=None)

    @cached_property
    def _query(self) -> Any:
        """The recurrence library's view of every series, built once for all weeks read.

        Building it walks every event and is most of the cost of reading a week, so reading
        several weeks from one loaded calendar pays for it only once.
        """
        return recurring_ical_events.of(self.calendar)


def load_calendar(
    source: str | Path, *, study: bool = False, dates: tuple[dt.date, dt.date] | None = None
) -> LoadedCalendar:
    """Read, check and normalise one calendar: an .ics file, a feed URL or a CalDAV
    calendar (steps 1–3 of the module docstring).

    ``dates`` (the first and last planned day) lets the loader leave out events that cannot
    touch those days; the weeks read from the result are the same, only faster.
    """
    data = read_source(source, dates=dates)
    return load_calendar_bytes(data, str(source), study=study, dates=dates)


def load_calendar_bytes(
    data: bytes, source: str, *, study: bool = False, dates: tuple[dt.date, dt.date] | None = None
) -> LoadedCalendar:
    """``load_calendar`` for bytes already read; ``source`` names them in errors."""
    text = _decode(data, source)
    mending = _check_structure(text, source)
    loaded = _load_text(mending.apply(text), source, study=study, dates=dates)
    return dataclasses.replace(loaded, warnings=mending.warnings())


def _load_text(
    text: str, name: str, *, study: bool, dates: tuple[dt.date, dt.date] | None
) -> LoadedCalendar:
    """Steps 2b and 3 on structurally sound text."""
    filtered = prefilter(text, *dates) if dates is not None else None
    if filtered is None:
        calendar = _parse(text, name)
    else:
        calendar = _parse(filtered.text, name, line_of=filtered.original_line)
    _check_broken_properties(calendar, text, name)
    declared_zone = _declared_zone(calendar, name)
    if declared_zone is not None:
        for event in calendar.walk("VEVENT"):
            _check_zones(event, text, name)  # first: X-WR-TIMEZONE would move zoneless times
        calendar = _apply_declared_zone(calendar, declared_zone, name)
    facts = _inspect_components(calendar, text, name)
    if filtered is not None:
        dropped = _dropped_facts(filtered, declared_zone, name)
        if dropped is None:  # a left-out event would be an error: read it all to report it
            return _load_text(text, name, study=study, dates=None)
        facts.add(dropped)
    hint = zone_name(declared_zone) if declared_zone is not None else facts.most_used_zone()
    return LoadedCalendar(
        source=name,
        calendar=calendar,
        zone_hint=hint,
        study=study,
        latest_stamp=facts.latest_stamp,
        dates=dates if filtered is not None else None,
        original=text,
        zones=tuple(sorted(facts.zones.items())),
    )


def zone_hint(calendars: Sequence[LoadedCalendar]) -> str | None:
    """The calendars' zone for profiles naming none (``zone_choice``), without the reason."""
    choice = zone_choice(calendars)
    return choice[0] if choice is not None else None


def zone_choice(calendars: Sequence[LoadedCalendar]) -> tuple[str, str] | None:
    """The zone most events of all the calendars use, and why, whatever the order of the
    calendars; None when no calendar names a zone.

    Events are counted by the zone of their DTSTART (a calendar's X-WR-TIMEZONE is applied
    first, so a Google export's UTC times count for its zone); ties go to the first name
    alphabetically. A calendar that declares a zone but has no zoned events counts once.
    """
    counts: Counter[str] = Counter()
    for loaded in calendars:
        counts.update(dict(loaded.zones))
        if not loaded.zones and loaded.zone_hint:
            counts[loaded.zone_hint] += 1
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    name, used = ranked[0]
    total = sum(counts.values())
    why = f"the zone most events in the calendars use ({used} of {total})"
    if len(ranked) > 1:
        others = ", ".join(f"{zone_} {n}" for zone_, n in ranked[1:4])
        why += f"; others: {others}" + (", …" if len(ranked) > 4 else "")
    return name, why


def week_from_calendars(
    calendars: Sequence[LoadedCalendar],
    horizon: Horizon,
    *,
    study: StudyRecognition,
    busy: BusyPolicy,
) -> CalendarWeek:
    """The busy stretches of the horizon in all calendars, sorted and without duplicates.

    Sorting by (start, end, summary, source) makes the result, and so the plan, independent
    of the order of files and of events inside them. A source given twice (say once as a
    calendar and once as a study calendar) is read once, as study if either copy is.
    """
    judge = _Judge(study, busy)
    copies: dict[str, list[LoadedCalendar]] = {}
    for loaded in calendars:
        copies.setdefault(loaded.source, []).append(loaded)
    found: set[Commitment] = set()
    for same in copies.values():
        is_study_calendar = any(judge.is_study_calendar(loaded) for loaded in same)
        first = same[0].covering(horizon)
        found.update(_event_commitments(first, horizon, judge, is_study_calendar))
        found.update(_freebusy_commitments(first, horizon, busy, is_study_calendar))
    stamps = [loaded.latest_stamp for loaded in calendars if loaded.latest_stamp is not None]
    return CalendarWeek(
        commitments=_one_per_block(found),
        zone_hint=zone_hint(calendars),
        latest_stamp=max(stamps, default=None),
        sources=tuple(copies),
    )


def _one_per_block(found: Iterable[Commitment]) -> tuple[Commitment, ...]:
    """Sorted, one commitment per (start, end, summary): the same event in two calendars (a
    meeting in the work and the family calendar, a feed also saved as a file) is one block
    of busy time, and one study block if any copy is study; the first source names it."""
    merged: dict[tuple[int, int, str], Commitment] = {}
    for found_one in sorted(found, key=lambda c: (c.start, c.end, c.summary, c.source, c.study)):
        key = (found_one.start, found_one.end, found_one.summary)
        kept = merged.setdefault(key, found_one)
        if found_one.study and not kept.study:
            merged[key] = dataclasses.replace(kept, study=True)
    return tuple(merged.values())


def read_calendars(
    sources: Sequence[str | Path],
    horizon: Horizon,
    *,
    study_sources: Sequence[str | Path] = (),
    study: StudyRecognition,
    busy: BusyPolicy,
) -> CalendarWeek:
    """Load every file and read the horizon from them.

    A file named both as a calendar and as a study calendar is read once, as a study
    calendar, so its events are not counted twice.
    """
    study_paths = {Path(source).resolve() for source in study_sources}
    loaded = [
        load_calendar(source) for source in sources if Path(source).resolve() not in study_paths
    ]
    loaded += [load_calendar(source, study=True) for source in study_sources]
    return week_from_calendars(loaded, horizon, study=study, busy=busy)


# --- step 1: bytes -------------------------------------------------------------------------


# Files people pick by mistake: what they are, told by their first bytes.
_NOT_CALENDARS = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word, Excel or OpenDocument file)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
)


def _decode(data: bytes, name: str) -> str:
    """UTF-8 text (RFC 5545 §3.1.4); any other encoding is refused with the line it breaks.

    A file that is not text at all (a PDF of the timetable, a screenshot) is named for what
    it is, since "save it as UTF-8" would send its owner the wrong way."""
    for magic, what in _NOT_CALENDARS:
        if data.startswith(magic):
            raise CalendarError(
                f"this is {what}, not an iCalendar file",
                file=name,
                fix="Export the calendar from your calendar app as an .ics file and pass that",
            )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CalendarError(
            f"the calendar is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded)",
            file=name,
            where=f"line {line}",
            fix="Save or export it as UTF-8, e.g. iconv -f latin1 -t utf-8 in.ics > out.ics",
        ) from exc


# --- step 2: structure ---------------------------------------------------------------------


def _physical_lines(text: str, chunk: int = 1 << 20) -> Iterator[str]:
    """``text.split("\n")``, a megabyte at a time: a 50 MB file's million lines never all
    exist at once."""
    start = 0
    while (cut := text.find("\n", start + chunk)) >= 0:
        yield from text[start:cut].split("\n")
        start = cut + 1
    yield from text[start:].split("\n")


def _content_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(first physical line, last physical line, unfolded line) for each content line (§3.1)."""
    number, parts = 0, list[str]()
    index = 0
    for index, raw in enumerate(_physical_lines(text), start=1):
        line = raw.removesuffix("\r")
        if parts and line[:1] in (" ", "\t"):
            parts.append(line[1:])
            continue
        if parts:
            yield number, index - 1, "".join(parts)
        number, parts = index, [line]
    if parts:
        yield number, index, "".join(parts)


def _content_lines(text: str) -> Iterator[tuple[int, str]]:
    """(number of the first physical line, unfolded line) for each content line (§3.1)."""
    for number, _, line in _content_spans(text):
        yield number, line


def _not_icalendar(name: str, why: str) -> CalendarError:
    return CalendarError(
        f"not an iCalendar file ({why})",
        file=name,
        fix="Pass an .ics file exported from a calendar app; it starts with BEGIN:VCALENDAR",
    )


# A malformed line is refused when it may hold a value the planner reads: it starts with the
# name of such a property (or BEGIN/END), or it may be the rest of one whose fold lost its
# leading space (it does not start like a property of its own: NAME then ';', ':' or '=').
_DECIDING = _READ_PROPERTIES | {"EXRULE"}
_LEADING_NAME = re.compile(r"\s*([A-Za-z][A-Za-z0-9-]*)")
_OWN_PROPERTY = re.compile(r"[A-Za-z][A-Za-z0-9-]*[;:=]")
_RECURRING = ("RRULE", "RDATE", "RECURRENCE-ID")


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@dataclass
class _Mending:
    """What ``_check_structure`` leaves out or rewrites in a file whose faults cannot change
    busy time, and how often, for the file's one warning (docs/calendar-sources.md).

    Edits keep the file's line numbers: a left-out line becomes empty (icalendar skips empty
    lines), so every later error still names the user's line.
    """

    edits: list[tuple[int, int, str]] = field(default_factory=list)  # first, last, new first
    events: int = 0  # events without DTSTART, left out
    lines: int = 0  # malformed lines that hold nothing the planner reads
    after_end: int = 0  # content lines outside BEGIN:VCALENDAR … END:VCALENDAR
    calendars: int = 1  # VCALENDARs, read as one
    rules: int = 0  # RRULE/EXRULE values with spaces (old Exchange), read without them

    def leave_out(self, first: int, last: int) -> None:
        """Empty lines ``first`` to ``last``."""
        self.edits.append((first, last, ""))

    def leave_out_event(self, first: int, last: int) -> None:
        """Empty the event on lines ``first`` to ``last``, forgetting the edits inside it
        (they are the latest, since the scan has just left it)."""
        while self.edits and self.edits[-1][0] >= first:
            self.edits.pop()
        self.leave_out(first, last)
        self.events += 1

    def warnings(self) -> tuple[str, ...]:
        said = [
            (self.events, "event without a start time was skipped",
             "events without a start time were skipped"),
            (self.lines, "malformed line that holds no busy time was ignored",
             "malformed lines that hold no busy time were ignored"),
            (self.after_end, "line outside the VCALENDAR was ignored",
             "lines outside the VCALENDAR were ignored"),
            (self.calendars if self.calendars > 1 else 0, "",
             "calendars in one file were read as one"),
            (self.rules, "RRULE written with spaces was read without them",
             "RRULEs written with spaces were read without them"),
        ]  # fmt: skip
        return tuple(_plural(count, one, many) for count, one, many in said if count)

    def apply(self, text: str) -> str:
        """``text`` with the edits made; the same text when there are none."""
        if not self.edits:
            return text
        lines = text.split("\n")
        for first, last, new in sorted(self.edits):
            lines[first - 1] = new
            lines[first:last] = [""] * (last - first)
        return "\n".join(lines)


@dataclass
class _EventScan:
    """What the scan notes about a top-level VEVENT to decide whether it can be read."""

    first: int
    uid: str = ""
    uid_line: int = 0
    summary: str = ""
    start: bool = False
    recurring: str = ""  # the first of RRULE, RDATE, RECURRENCE-ID it has


def _check_structure(text: str, name: str) -> _Mending:
    """Refuse what cannot be read as VCALENDARs, naming the line (RFC 5545 §3.1, §3.4), and
    return what is mended in faults that cannot change busy time.

    Parameters are checked here too, with icalendar's own reader of a content line, so a
    damaged one (``DTSTART;\\ZID=…``) is an error wherever it is, also in an event that the
    pre-filter then leaves out. Each distinct parameter section is read once.

    Read with a warning, since they hold no time to block: a malformed line that cannot hold
    a value the planner reads (``_refuse_malformed``), a line after END:VCALENDAR, an event
    without DTSTART that does not recur. Several VCALENDARs in one file (concatenated
    exports) are read as one, the first one's properties naming it, unless their
    X-WR-TIMEZONEs differ (that zone decides when their UTC and floating times are). An
    RRULE with spaces (old Exchange: ``BYDAY=MO, TU``) is read without them.
    """
    mending = _Mending()
    open_blocks: list[tuple[str, int]] = []
    seen_calendar = False
    parameters_read: dict[str, str | None] = {}
    previous = ""  # the name of the last well-formed content line
    last_end = (0, 0)  # the lines of the last END:VCALENDAR
    zones: tuple[str, int] | None = None  # the first calendar's X-WR-TIMEZONE and its line
    zone_here: tuple[str, int] = ("", 0)  # this calendar's
    event: _EventScan | None = None
    for number, last, line in _content_spans(text):
        if not line.strip():
            continue
        match = _PROPERTY_NAME.match(line)
        if match is None or ":" not in line:
            if not seen_calendar:
                raise _not_icalendar(name, f"line {number} reads {_excerpt(line)!r}")
            _refuse_malformed(line, number, name, previous)
            mending.leave_out(number, last)
            mending.lines += 1
            continue
        keyword = match[0].upper()
        if line[match.end()] == ";":
            problem = _parameter_problem(line, parameters_read)
            if problem is not None:
                if keyword in _DECIDING or keyword in ("BEGIN", "END"):
                    raise CalendarError(
                        f"this line cannot be read ({_excerpt(problem, 120)})",
                        file=name,
                        where=f"line {number}",
                        fix="Repair or delete that line, or export the calendar again",
                    )
                mending.leave_out(number, last)
                mending.lines += 1
                continue
        previous = keyword
        if keyword == "CATEGORIES" and line[match.end()] == ";":
            typed = _without_text_type(line, match.end())
            if typed != line:
                line = typed
                mending.edits.append((number, last, line))
        if keyword in ("RRULE", "EXRULE"):
            head, _, value = line.partition(":")
            if any(char.isspace() for char in value.strip()):
                line = f"{head}:{''.join(value.split())}"
                mending.edits.append((number, last, line))
                mending.rules += 1
        if keyword == "BEGIN":
            block = line.partition(":")[2].strip().upper()
            if not open_blocks:
                if not seen_calendar and block != "VCALENDAR":
                    raise _not_icalendar(name, f"it starts with {_excerpt(line)!r}")
                if seen_calendar and block != "VCALENDAR":
                    raise CalendarError(
                        f"{_excerpt(line)} lies after END:VCALENDAR",
                        file=name,
                        where=f"line {number}",
                        fix="Move it into the calendar, or export the calendar again",
                    )
                if seen_calendar:  # the next of concatenated calendars: read as one
                    mending.leave_out(*last_end)
                    mending.leave_out(number, last)
                    mending.calendars += 1
                    zone_here = ("", number)
                seen_calendar = True
            elif len(open_blocks) == 1 and block == "VEVENT":
                event = _EventScan(first=number)
            open_blocks.append((block, number))
        elif keyword == "END":
            block = line.partition(":")[2].strip().upper()
            if not open_blocks or open_blocks[-1][0] != block:
                state = (
                    f"BEGIN:{open_blocks[-1][0]} from line {open_blocks[-1][1]} is still open"
                    if open_blocks
                    else "nothing is open"
                )
                raise CalendarError(
                    f"END:{block} does not match ({state})",
                    file=name,
                    where=f"line {number}",
                    fix=f"The file is damaged. {_EXPORT_AGAIN}",
                )
            open_blocks.pop()
            if len(open_blocks) == 1 and block == "VEVENT" and event is not None:
                if not event.start:
                    _refuse_recurring_without_start(event, name)
                    mending.leave_out_event(event.first, last)
                event = None
            elif not open_blocks:
                last_end = (number, last)
                if zones is None:
                    zones = zone_here
                elif zone_here[0] != zones[0]:
                    raise CalendarError(
                        "the calendars in this file declare different time zones "
                        f"(X-WR-TIMEZONE {zones[0] or 'none'!r} and {zone_here[0] or 'none'!r}), "
                        "so their times cannot be read as one calendar",
                        file=name,
                        where=f"line {zone_here[1]}",
                        fix="Split the file into one .ics per calendar and pass each of them",
                    )
        elif not open_blocks:
            mending.leave_out(number, last)
            mending.after_end += 1
        elif len(open_blocks) == 1:
            if keyword == "X-WR-TIMEZONE":
                zone_here = (line.partition(":")[2].strip(), number)
            if mending.calendars > 1:
                mending.leave_out(number, last)  # a later calendar's VERSION, PRODID, …
        elif len(open_blocks) == 2 and event is not None:
            if keyword == "DTSTART":
                event.start = True
            elif keyword == "UID":
                event.uid, event.uid_line = line.partition(":")[2].strip(), number
            elif keyword == "SUMMARY":
                event.summary = line.partition(":")[2].strip()
            elif keyword in _RECURRING and not event.recurring:
                event.recurring = keyword
        elif keyword == "RRULE" and open_blocks[-1][0] in _ZONE_RULE_BLOCKS:
            _check_zone_rule(line, number, name)
    if not seen_calendar:
        raise _not_icalendar(name, "it is empty")
    if open_blocks:
        block, opened = open_blocks[-1]
        raise CalendarError(
            f"the file ends inside BEGIN:{block} (opened at line {opened}) without "
            "END:VCALENDAR; it looks truncated",
            file=name,
            where="end of file",
            fix="Download or copy the whole file again, or export it again from your calendar app",
        )
    return mending


# One parameter of a content line: ";NAME=value", a quoted value may hold ";" and ":".
_PARAMETER = re.compile(r';(?:[^;:"]|"[^"]*")*')


def _without_text_type(line: str, at: int) -> str:
    """A CATEGORIES line without its parameter VALUE=TEXT (its parameters from ``at``).

    TEXT is the only type CATEGORIES has (RFC 5545 §3.8.1.2), so the line means the same
    without it; with it, icalendar 7.3 reads the value as the text of a Python list
    (``"['Study']"``) and the event's categories (study, BrainFit) were lost."""
    head, kept = line[:at], []
    while (parameter := _PARAMETER.match(line, at)) is not None:
        if parameter[0].upper() != ";VALUE=TEXT":
            kept.append(parameter[0])
        at = parameter.end()
    return head + "".join(kept) + line[at:]


def _refuse_malformed(line: str, number: int, name: str, previous: str) -> None:
    """Refuse a line that is not NAME:value if it may hold a value the planner reads."""
    leading = _LEADING_NAME.match(line)
    word = leading[1].upper() if leading is not None else ""
    why = None
    if word in _DECIDING or word in ("BEGIN", "END"):
        why = f"a broken {word} line"
    elif previous in _DECIDING and _OWN_PROPERTY.match(line) is None:
        why = f"it may be the rest of the {previous} line above, folded without its leading space"
    if why is not None:
        raise CalendarError(
            f"this is not a content line NAME:value ({_excerpt(line)!r}): {why}",
            file=name,
            where=f"line {number}",
            fix="Repair or delete that line, or export the calendar again",
        )


def _refuse_recurring_without_start(event: _EventScan, name: str) -> None:
    """An event without DTSTART holds no time, unless it recurs: then its occurrences exist
    but cannot be placed, which changes busy time (RFC 5545 §3.8.5.3)."""
    if event.recurring:
        label = f"event {event.summary!r}" if event.summary else "event"
        uid = f" (UID {_excerpt(event.uid, 48)})" if event.uid else ""
        raise CalendarError(
            f"{label}{uid} has {event.recurring} but no DTSTART, so its occurrences cannot "
            "be placed",
            file=name,
            where=f"line {event.uid_line or event.first}",
            fix="Give the event a start time or delete it",
        )


_HEAD = re.compile(r'[^":\\]*(?:"[^"]*"[^":\\]*)*:')  # up to the value, if no \ is in the way


def _parameter_problem(line: str, seen: dict[str, str | None]) -> str | None:
    """Why icalendar cannot read a line's parameters (RFC 5545 §3.2), or None."""
    head = _HEAD.match(line)
    key = head[0] if head is not None else None
    if key is not None and key in seen:
        return seen[key]
    try:
        Contentline(line).parts()  # type: ignore[no-untyped-call]  # untyped __new__
        problem = None
    except ValueError as exc:
        problem = str(exc)
    if key is not None:
        seen[key] = problem
    return problem


_ZONE_RULE_BLOCKS = frozenset({"STANDARD", "DAYLIGHT"})
_ZONE_RULE_FREQS = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})


def _check_zone_rule(line: str, number: int, name: str) -> None:
    """Refuse a VTIMEZONE rule that cannot be expanded in bounded time (RFC 5545 §3.6.5).

    icalendar turns a VTIMEZONE into offsets while parsing, walking each rule from its
    DTSTART (1601 in Outlook's): an hourly rule takes seconds, a secondly one or INTERVAL=0
    never ends. Real zones change a few times a year, so such a rule is damage.
    """
    parts = [part.partition("=") for part in line.partition(":")[2].strip().upper().split(";")]
    freqs = [value for key, _, value in parts if key == "FREQ"]
    intervals = [value for key, _, value in parts if key == "INTERVAL"]
    per_period = math.prod(
        len(value.split(","))
        for key, _, value in parts
        if key in ("BYSECOND", "BYMINUTE", "BYHOUR")
    )
    if (
        len(freqs) != 1
        or freqs[0] not in _ZONE_RULE_FREQS
        or any(not value.isdigit() or int(value) == 0 for value in intervals)
        or per_period > 4
    ):
        raise CalendarError(
            f"the time zone rule {_excerpt(line)!r} is not a rule a time zone follows",
            file=name,
            where=f"line {number}",
            fix="Time zones change a few times a year (FREQ=YEARLY). The file is damaged. "
            + _EXPORT_AGAIN,
        )


def _excerpt(line: str, width: int = 40) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


# --- step 3: parse and check ---------------------------------------------------------------


def _parse(
    text: str, name: str, *, line_of: Callable[[int], int] | None = None
) -> icalendar.Calendar:
    """icalendar's parse of a structurally sound file.

    icalendar remembers the zone a VTIMEZONE defines under its TZID for the whole process, so
    a second Outlook file with its own "Customized Time Zone" would silently get the first
    file's offsets; the cache is emptied before each file (``use_zoneinfo`` starts a fresh
    one), so each file's VTIMEZONEs define its own TZIDs. IANA names always come from tzdata.
    ``line_of`` maps a line of ``text`` to the user's file when ``text`` was filtered.

    Globally unique TZIDs such as ``/mozilla.org/20050126_1/Europe/Berlin`` (old Thunderbird,
    Evolution) are resolved by dropping the vendor prefix, which is what every client does;
    icalendar warns about that guess, and the warning is silenced here on purpose.
    """
    tzp.use_zoneinfo()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GloballyUniqueTZIDGuessed)
            return icalendar.Calendar.from_ical(text)
    except OSError as exc:  # zoneinfo opening a TZID that names a folder of zones
        where = str(exc.filename or "").rpartition("zoneinfo/")[2] or "?"
        raise TimeZoneError(
            f"unknown time zone {where!r}: a TZID names a folder of zones, not a zone",
            file=name,
            where="TZID",
            fix="Name a zone in it, e.g. Europe/Berlin, or export the calendar again",
        ) from None
    except Exception as exc:  # the parser raises ValueError, TypeError, KeyError, …
        line = getattr(exc, "line_number", None)
        if isinstance(line, int) and line_of is not None:
            line = line_of(line)
        raise CalendarError(
            f"icalendar cannot parse the calendar ({exc})",
            file=name,
            where=f"line {line}" if line else None,
            fix=_EXPORT_AGAIN,
        ) from exc


def _check_broken_properties(calendar: icalendar.Calendar, text: str, name: str) -> None:
    """Refuse a broken value of any property the planner reads, naming line and event.

    icalendar keeps such values as ``vBroken`` in tolerant components (VEVENT) and lists
    them in ``errors``; reading them later would raise far from the cause.
    """
    for component in calendar.walk():
        for prop, problem in component.errors:
            if prop is not None and prop.upper() not in _READ_PROPERTIES:
                continue
            line = None
            if prop is not None:
                raw = _values(component.get(prop))
                line = _find_line(text, str(raw[0]) if raw else "", prefix=prop)
            raise CalendarError(
                f"{_describe(component)}: {prop or 'a line'} cannot be read ({problem})",
                file=name,
                where=f"line {line}" if line else None,
                fix="Correct the value (RFC 5545 format) or export the calendar again",
            )


def _declared_zone(calendar: icalendar.Calendar, name: str) -> ZoneInfo | None:
    """The zone in X-WR-TIMEZONE (Google, Apple), Windows names mapped, or None."""
    declared = _text(calendar, "X-WR-TIMEZONE")
    return zone(declared, file=name, where="X-WR-TIMEZONE") if declared else None


def _apply_declared_zone(
    calendar: icalendar.Calendar, declared: ZoneInfo, name: str
) -> icalendar.Calendar:
    """UTC and floating times moved into X-WR-TIMEZONE, as Google and Apple mean them.

    x-wr-timezone also moves a time whose TZID is unknown (icalendar leaves it without a
    zone), so callers check the zones (``_check_zones``) first.

    The property is then removed: it is applied, and recurring-ical-events applies a
    calendar's X-WR-TIMEZONE again on its own, reading the name raw, so a Windows name
    ("W. Europe Standard Time", as Outlook writes) that ``zone`` mapped failed there."""
    try:
        standard = _ZonelessIsFloating(declared).walk(calendar)
    except Exception as exc:  # third-party code on user data: never let it escape raw
        raise CalendarError(
            f"cannot apply X-WR-TIMEZONE {zone_name(declared)!r} ({exc})",
            file=name,
            fix=_EXPORT_AGAIN,
        ) from exc
    assert isinstance(standard, icalendar.Calendar)
    standard.pop("X-WR-TIMEZONE", None)
    return standard


class _ZonelessIsFloating(x_wr_timezone.UTCChangingWalker):  # type: ignore[misc]
    """x-wr-timezone's walk, but floating means no zone at all: x-wr-timezone also took a
    time whose zone has no name (a VTIMEZONE without TZNAME, as Outlook writes custom
    zones) for floating, and moved a 10:00 New York call to 10:00 in the declared zone."""

    def is_Floating(self, moment: dt.datetime) -> bool:  # noqa: N802 (the library's name)
        return moment.tzinfo is None


@dataclass
class _Facts:
    """What one pass over the components learns besides their validity."""

    zones: Counter[str]
    latest_stamp: dt.datetime | None = None

    def note(self, component: icalendar.Component, start: Any = None, count: int = 1) -> None:
        """A component's DTSTAMP/LAST-MODIFIED, and ``count`` uses of its DTSTART's zone."""
        for prop in ("DTSTAMP", "LAST-MODIFIED"):
            stamp = _utc_stamp(component.get(prop))
            if stamp is not None and (self.latest_stamp is None or stamp > self.latest_stamp):
                self.latest_stamp = stamp
        tzid = start.params.get("TZID") if start is not None else None
        if tzid and count:
            iana = _iana_name(str(tzid), start.dt)
            if iana is not None:
                self.zones[iana] += count

    def add(self, other: _Facts) -> None:
        self.zones.update(other.zones)
        if other.latest_stamp is not None and (
            self.latest_stamp is None or other.latest_stamp > self.latest_stamp
        ):
            self.latest_stamp = other.latest_stamp

    def most_used_zone(self) -> str | None:
        """The most used IANA zone of DTSTARTs; ties go to the first name alphabetically."""
        if not self.zones:
            return None
        return min(self.zones.items(), key=lambda item: (-item[1], item[0]))[0]


def _inspect_components(calendar: icalendar.Calendar, text: str, name: str) -> _Facts:
    """One pass over the calendar's components: checks, zone counts and the newest stamp."""
    facts = _Facts(zones=Counter())
    for component in calendar.subcomponents:
        if component.name != "VEVENT":
            facts.note(component)
            continue
        _check_zones(component, text, name)
        _check_rules(component, text, name)
        facts.note(component, _check_span(component, text, name))
    return facts


def _dropped_facts(filtered: Filtered, declared: ZoneInfo | None, name: str) -> _Facts | None:
    """The facts the events ``calendars.prefilter`` left out would have added: their newest stamp
    and their zones, read from their own lines (``Filtered.stubs``) with the file's VTIMEZONEs.

    None when one of those lines would have been an error (an unknown TZID, a broken
    stamp): the caller then reads the whole file, which reports it as without the filter.
    """
    if not filtered.stubs:
        return _Facts(zones=Counter())
    text = "".join(
        [
            "BEGIN:VCALENDAR\r\n",
            *filtered.zones,
            *(f"BEGIN:VEVENT\r\n{line}\r\nEND:VEVENT\r\n" for line, _ in filtered.stubs),
            "END:VCALENDAR\r\n",
        ]
    )
    facts = _Facts(zones=Counter())
    try:
        stubs = _parse(text, name)
        _check_broken_properties(stubs, text, name)
        for event in stubs.walk("VEVENT"):
            _check_zones(event, text, name)  # first: X-WR-TIMEZONE would move zoneless times
        if declared is not None:
            stubs = _apply_declared_zone(stubs, declared, name)
        for event, (_, count) in zip(stubs.walk("VEVENT"), filtered.stubs, strict=True):
            facts.note(event, event.get("DTSTART"), count)
    except (InputError, ValueError):
        return None
    return facts


def _utc_stamp(value: Any) -> dt.datetime | None:
    """A DTSTAMP/LAST-MODIFIED as aware UTC; a floating one is taken as UTC (§3.8.7.2)."""
    moment = getattr(value, "dt", None)
    if not isinstance(moment, dt.datetime):
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _check_zones(event: icalendar.Component, text: str, name: str) -> None:
    """A TZID that is neither in a VTIMEZONE nor a known IANA/Windows name is an error.

    icalendar leaves such times floating without a word; planning them in the profile's zone
    could move a lecture by hours, so the event and the TZID are named instead.
    """
    for prop in _ZONED_PROPERTIES:
        for value in _values(event.get(prop)):
            tzid = value.params.get("TZID")
            moments = [p for p in getattr(value, "dts", [value]) if hasattr(p, "dt")]
            if tzid and any(isinstance(m.dt, dt.datetime) and m.dt.tzinfo is None for m in moments):
                line = _find_line(text, f"TZID={tzid}", quotes=False)
                raise TimeZoneError(
                    f"{_describe(event)} uses the unknown time zone {str(tzid)!r}",
                    file=name,
                    where=f"line {line}" if line else None,
                    fix="Add its VTIMEZONE to the file or use an IANA name such as 'Europe/Berlin'",
                )


_MAX_PER_DAY = 288  # one occurrence every five minutes


def _check_rules(event: icalendar.Component, text: str, name: str) -> None:
    """Refuse an RRULE that cannot be expanded in bounded time (RFC 5545 §3.3.10).

    The recurrence library walks a rule from its DTSTART, period by period, so a rule
    repeating every second or minute since years ago takes minutes and gigabytes to reach
    the planned week, and INTERVAL=0 never does. No calendar app writes such rules; a
    damaged or generated file does, and is refused with the event named. So is a rule
    that would put more than 288 occurrences into one day (BYHOUR × BYMINUTE × BYSECOND).
    """
    for rule in _values(event.get("RRULE")) + _values(event.get("EXRULE")):
        if not hasattr(rule, "get"):
            continue  # unreadable: _check_broken_properties has said so
        freq = str((rule.get("FREQ") or [""])[0]).upper()
        interval = (rule.get("INTERVAL") or [1])[0]
        per_day = math.prod(len(rule.get(part) or [0]) for part in ("BYHOUR", "BYMINUTE"))
        per_day *= len(rule.get("BYSECOND") or [0])
        if freq == "HOURLY":
            per_day *= 24
        problem = None
        if freq in ("SECONDLY", "MINUTELY"):
            problem = f"repeats by the {freq[:-2].lower()} (FREQ={freq})"
        elif not isinstance(interval, int) or interval < 1:
            problem = f"has INTERVAL={interval}, which never advances"
        elif per_day > _MAX_PER_DAY:
            problem = f"repeats {per_day} times a day"
        if problem is not None:
            raise CalendarError(
                f"{_describe(event)} {problem}; such a rule is not expanded",
                file=name,
                where=_where(text, event),
                fix="Make it repeat hourly or slower (at most every five minutes) in the "
                "calendar app, or delete the event",
            )


# icalendar reads a DATE-TIME property's value as whatever it looks like (P1W: a duration).
_SPAN_TYPES = (
    ("DTSTART", dt.date, "a date or date-time"),
    ("DTEND", dt.date, "a date or date-time"),
    ("DURATION", dt.timedelta, "a duration"),
)


def _check_span(event: icalendar.Component, text: str, name: str) -> Any:
    """The event's DTSTART (there is one), after making sure the event does not end before it.

    RFC 5545 §3.6.1 requires DTEND (or start + DURATION) to be later than DTSTART; an
    inverted event is a typo the user should see, not an interval to guess about. Each of
    them "MUST NOT occur more than once": two starts are a choice we will not guess either.
    """
    for prop in ("DTSTART", "DTEND", "DURATION"):
        if isinstance(event.get(prop), list):
            raise CalendarError(
                f"{_describe(event)} has {prop} more than once",
                file=name,
                where=_where(text, event),
                fix=f"Keep the right {prop} and delete the others, or export the calendar again",
            )
    start = event.get("DTSTART")
    assert start is not None  # _check_structure left out events without one
    for prop, kind, what in _SPAN_TYPES:
        value = event.get(prop)
        if value is not None and not isinstance(getattr(value, "dt", None), kind):
            raise CalendarError(
                f"{_describe(event)}: {prop} is not {what}",
                file=name,
                where=_where(text, event),
                fix=f"Correct its {prop} (e.g. 20261110T093000) or export the calendar again",
            )
    end = event.get("DTEND")
    duration = getattr(event.get("DURATION"), "dt", None)
    if end is not None:
        inverted = _comparable(end.dt) < _comparable(start.dt)
    else:
        inverted = isinstance(duration, dt.timedelta) and duration < dt.timedelta(0)
    if inverted:
        raise CalendarError(
            f"{_describe(event)} ends before it starts",
            file=name,
            where=_where(text, event),
            fix="Correct its DTEND (or DURATION) in the calendar app",
        )
    return start


def _comparable(moment: dt.date) -> dt.datetime:
    """Dates and floating times as UTC, only to compare the two ends of one event."""
    if not isinstance(moment, dt.datetime):
        return dt.datetime.combine(moment, dt.time(0), UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iana_name(tzid: str, moment: object) -> str | None:
    """The IANA name behind a TZID, if it has one (Outlook's own VTIMEZONE names do not)."""
    tzinfo = getattr(moment, "tzinfo", None)
    if isinstance(tzinfo, ZoneInfo):
        return zone_name(tzinfo)
    try:
        return zone_name(zone(tzid.strip("/")))
    except TimeZoneError:
        return None


# --- step 4: the week ----------------------------------------------------------------------


Role = Literal["busy", "study", "ignored"]


@dataclass(frozen=True)
class Verdict:
    """What an event is to the planner, and the reason in words a user recognises."""

    role: Role
    why: str


@dataclass(frozen=True)
class JudgedEvent:
    """An occurrence of the week with its verdict; ``span`` is None outside the horizon."""

    source: str
    summary: str
    span: tuple[int, int] | None
    verdict: Verdict
    all_day: bool = False
    began: int | None = None  # the real start, when before the horizon (``span`` is clipped)


class _Judge:
    """The busy and study rules of the profile, compiled once for all events."""

    def __init__(self, study: StudyRecognition, busy: BusyPolicy) -> None:
        self.study = study
        self.busy = busy
        self.pattern = re.compile(study.summary_pattern) if study.summary_pattern else None
        self.categories = {category.casefold() for category in study.categories}
        self.declined = {_address(address) for address in busy.declined_addresses}

    def is_study_calendar(self, loaded: LoadedCalendar) -> bool:
        """Loaded as a study calendar, or named in ``study.calendars``.

        An entry of ``study.calendars`` names a calendar by its display name (X-WR-CALNAME,
        case-insensitive) or by its path.
        """
        if loaded.study:
            return True
        display = loaded.display_name.casefold()
        for entry in self.study.calendars:
            if entry.casefold() == display or entry == loaded.source:
                return True
            if "://" not in entry and Path(entry).resolve() == Path(loaded.source).resolve():
                return True
        return False

    def study_reason(self, event: icalendar.Event, summary: str) -> str | None:
        """Why an event is study (CATEGORIES names a study category, or the summary matches
        the study pattern), or None when it is not."""
        for category in _categories(event):
            if category.casefold() in self.categories:
                return f"CATEGORIES {category}"
        found = self.pattern.search(summary) if self.pattern is not None else None
        return f"the title matches the study pattern ({found.group(0)!r})" if found else None

    def verdict(self, event: icalendar.Event, *, all_day: bool, study: str | None) -> Verdict:
        """Whether an occurrence blocks time, and why; ``study`` is why it is study, if it is.

        In order: a cancelled event and a BrainFit session of an earlier plan are ignored; an
        invitation the user declined is free; a tentative one is busy only if
        ``busy.tentative``; an all-day event is free unless it says TRANSP:OPAQUE or Outlook's
        BUSY/OOF, or ``busy.all_day`` is set (Google and Outlook export all-day entries such
        as birthdays and holidays that nobody means as busy); TRANSP:TRANSPARENT and Outlook's
        FREE make a timed event free, except a study block: it is still study the person
        means to do, so marking it free in the app does not make it free for exercise.
        """
        if _text(event, "STATUS").upper() == "CANCELLED":
            return Verdict("ignored", "cancelled (STATUS:CANCELLED)")
        if _is_plan_session(event):
            return Verdict(
                "ignored", "a BrainFit session of an earlier plan (this plan replaces it)"
            )
        if self._declined(event):
            return Verdict("ignored", "an invitation you declined (PARTSTAT=DECLINED)")
        transp = _text(event, "TRANSP").upper()
        outlook = _text(event, "X-MICROSOFT-CDO-BUSYSTATUS").upper()
        tentative = _text(event, "STATUS").upper() == "TENTATIVE" or outlook == "TENTATIVE"
        if tentative and not self.busy.tentative:
            return Verdict("ignored", "tentative, and [busy] tentative = false")
        role: Role = "study" if study else "busy"
        because = [study] if study else []
        if tentative:
            because.append("tentative, and [busy] tentative = true")
        if all_day:
            if self.busy.all_day:
                return Verdict(role, "; ".join([*because, "all day, and [busy] all_day = true"]))
            if transp == "OPAQUE" or outlook in ("BUSY", "OOF"):
                return Verdict(role, "; ".join([*because, "all day, marked busy"]))
            return Verdict("ignored", "all day and not marked busy ([busy] all_day = false)")
        if study:
            return Verdict(role, "; ".join(because))
        if transp == "TRANSPARENT" or outlook == "FREE":
            return Verdict("ignored", "marked free (TRANSP:TRANSPARENT or Outlook FREE)")
        return Verdict(role, "; ".join(because or ["a timed event not marked free"]))

    def _declined(self, event: icalendar.Event) -> bool:
        return any(
            _address(str(attendee)) in self.declined
            and str(attendee.params.get("PARTSTAT", "")).upper() == "DECLINED"
            for attendee in _values(event.get("ATTENDEE"))
        )


def _event_commitments(
    loaded: LoadedCalendar, horizon: Horizon, judge: _Judge, study_calendar: bool
) -> Iterator[Commitment]:
    """The busy occurrences of VEVENTs in the horizon (RFC 5545 §3.6.1, §3.8.5)."""
    for judged in _judged_events(loaded, horizon, judge, study_calendar):
        if judged.verdict.role != "ignored" and judged.span is not None:
            start, end = judged.span
            yield Commitment(
                start,
                end,
                judged.summary,
                loaded.source,
                judged.verdict.role == "study",
                judged.began,
                titled=judged.summary != _UNTITLED,
            )


def _judged_events(
    loaded: LoadedCalendar, horizon: Horizon, judge: _Judge, study_calendar: bool
) -> Iterator[JudgedEvent]:
    """Every VEVENT occurrence in the horizon with the verdict on it: the one place where the
    busy and study policy is applied, for planning and for ``brainfit calendars`` alike."""
    for occurrence in _occurrences(loaded, horizon, TRAVEL_REACH):
        summary = _text(occurrence, "SUMMARY") or _UNTITLED
        start, end = occurrence.start, occurrence.end
        all_day = not isinstance(start, dt.datetime)
        study = "in a study calendar" if study_calendar else judge.study_reason(occurrence, summary)
        verdict = judge.verdict(occurrence, all_day=all_day, study=study)
        if _aware(start, horizon) < horizon.end:  # after it, only its travel time may reach in
            span = _span(horizon, start, end)
            began = _began(horizon, start)
            yield JudgedEvent(loaded.source, summary, span, verdict, all_day=all_day, began=began)
        if verdict.role != "ignored" and not all_day:
            yield from _travel_time(loaded, occurrence, horizon, summary)


def _travel_time(
    loaded: LoadedCalendar, occurrence: icalendar.Event, horizon: Horizon, summary: str
) -> Iterator[JudgedEvent]:
    """The travel time Apple Calendar reserves before a busy event (X-APPLE-TRAVEL-DURATION,
    a DURATION such as PT30M): busy time of its own, named after the event it leads to."""
    value = occurrence.get("X-APPLE-TRAVEL-DURATION")
    if value is None:
        return
    try:
        length = getattr(value, "dt", None)
    except Exception:  # icalendar raises on a value it kept but could not read
        length = None
    if not isinstance(length, dt.timedelta):
        try:
            length = _parse_duration(str(value).strip())
        except ValueError:
            length = None
    if not isinstance(length, dt.timedelta):
        raise CalendarError(
            f"the travel time of {_describe(occurrence)} is not a duration ({str(value)!r})",
            file=loaded.source,
            where=_where(loaded.original or "", occurrence),
            fix="Write X-APPLE-TRAVEL-DURATION as a duration such as PT30M, or set the travel "
            "time again in Apple Calendar",
        )
    start = occurrence.start
    if length <= dt.timedelta(0):
        return
    span = _span(horizon, start - length, start)
    if span is not None:
        why = f"travel time {_minutes_text(length)} before '{summary}'"
        began = _began(horizon, start - length)
        yield JudgedEvent(
            loaded.source, f"Travel to {summary}", span, Verdict("busy", why), began=began
        )


def _minutes_text(length: dt.timedelta) -> str:
    hours, minutes = divmod(math.ceil(length.total_seconds() / 60), 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def judge_events(
    calendars: Sequence[LoadedCalendar],
    horizon: Horizon,
    *,
    study: StudyRecognition,
    busy: BusyPolicy,
) -> tuple[JudgedEvent, ...]:
    """Each event of the week in every calendar as busy, study or ignored, and why, in time
    order (``brainfit calendars``): the same verdicts the planner acts on."""
    judge = _Judge(study, busy)
    found: list[JudgedEvent] = []
    for loaded in calendars:
        study_calendar = judge.is_study_calendar(loaded)
        found += _judged_events(loaded.covering(horizon), horizon, judge, study_calendar)
        role: Role = "study" if study_calendar else "busy"
        found += (
            JudgedEvent(loaded.source, c.summary, (c.start, c.end), Verdict(role, "free/busy"))
            for c in _freebusy_commitments(loaded, horizon, busy, study_calendar)
        )
    return tuple(sorted(found, key=lambda j: (j.span or (-1, -1), j.summary, j.source)))


def earlier_sessions(
    calendars: Sequence[LoadedCalendar], horizon: Horizon, *, days: int
) -> list[EarlierEvent]:
    """BrainFit events of an earlier plan that the user imported into a calendar (UID ending
    in ``@brainfit-solver`` or CATEGORIES BrainFit), starting on the ``days`` days before
    the horizon, cancelled ones included: the seam context of the planned span."""
    before = Horizon(horizon.tz, horizon.monday - dt.timedelta(days=days), days=days)
    found = []
    for loaded in {c.source: c for c in calendars}.values():
        for occurrence in _occurrences(loaded.covering(before), before):
            if not (_is_plan_session(occurrence) or _has_category(occurrence, "BrainFit")):
                continue
            start = occurrence.start
            if not isinstance(start, dt.datetime) or not before.start <= _aware(start, before):
                continue
            found.append(
                EarlierEvent(
                    uid=_text(occurrence, "UID"),
                    names=(_text(occurrence, "X-BRAINFIT-KIND"), *_categories(occurrence)),
                    summary=_text(occurrence, "SUMMARY"),
                    start=_aware(start, before),
                    cancelled=_text(occurrence, "STATUS").upper() == "CANCELLED",
                )
            )
    return sorted(found, key=lambda e: (e.start, e.uid))


def _has_category(event: icalendar.Event, name: str) -> bool:
    return any(c.casefold() == name.casefold() for c in _categories(event))


def _is_plan_session(event: icalendar.Event) -> bool:
    """A BrainFit session of an earlier plan imported into this calendar: not busy time,
    since the plan being made replaces it (``--previous`` is how a re-plan keeps it)."""
    return _text(event, "UID").endswith("@brainfit-solver")


TRAVEL_REACH = dt.timedelta(days=1)
"""How long after the horizon an event may start and still have its travel time
(X-APPLE-TRAVEL-DURATION) reach back into it: a day, more than calendar apps offer."""


def _occurrences(
    loaded: LoadedCalendar, horizon: Horizon, after: dt.timedelta = dt.timedelta(0)
) -> list[icalendar.Event]:
    """Occurrences overlapping the horizon (and the ``after`` that follows it), each with
    its own DTSTART and DTEND."""
    try:
        occurrences: list[icalendar.Event] = loaded._query.between(
            horizon.start, horizon.end + after
        )
    except Exception as exc:  # third-party code on user data: never let it escape raw
        culprit = _unexpandable(loaded, horizon)
        if culprit is None:  # no series fails alone: the cause is the calendar's, not an RRULE
            raise CalendarError(
                f"cannot expand the calendar's events ({exc})",
                file=loaded.source,
                fix=_EXPORT_AGAIN,
            ) from exc
        raise CalendarError(
            f"cannot expand the recurring {_describe(culprit)} ({exc})",
            file=loaded.source,
            where=_where(loaded.original or "", culprit),
            fix="Check that event's RRULE, RDATE and EXDATE, or delete the event and export again",
        ) from exc
    return occurrences


def _unexpandable(loaded: LoadedCalendar, horizon: Horizon) -> icalendar.Component | None:
    """The first event whose recurrence the library cannot expand over the horizon, found by
    expanding each series alone (only on the error path, so its cost does not matter)."""
    zones = list(loaded.calendar.walk("VTIMEZONE"))
    for event in loaded.calendar.walk("VEVENT"):
        if not any(prop in event for prop in ("RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")):
            continue
        alone = icalendar.Calendar()
        for component in [*zones, event]:
            alone.add_component(component)
        try:
            recurring_ical_events.of(alone).between(horizon.start, horizon.end)
        except Exception:  # the library's own error is what the caller reports
            return event
    return None


def _freebusy_commitments(
    loaded: LoadedCalendar, horizon: Horizon, busy: BusyPolicy, study_calendar: bool
) -> Iterator[Commitment]:
    """FREEBUSY periods of VFREEBUSY components (RFC 5545 §3.6.4, §3.8.2.6).

    FBTYPE defaults to BUSY; BUSY-TENTATIVE follows ``busy.tentative``; FREE blocks nothing;
    an unknown (x-name) type counts as BUSY, as the RFC says.
    """
    for component in loaded.calendar.walk("VFREEBUSY"):
        for period in _values(component.get("FREEBUSY")):
            kind = str(period.params.get("FBTYPE", "BUSY")).upper()
            if kind == "FREE" or (kind == "BUSY-TENTATIVE" and not busy.tentative):
                continue
            start, end_or_length = period.dt
            end = (
                start + end_or_length if isinstance(end_or_length, dt.timedelta) else end_or_length
            )
            span = _span(horizon, start, end)
            if span is not None:
                yield Commitment(
                    span[0],
                    span[1],
                    _FREEBUSY_SUMMARY,
                    loaded.source,
                    study_calendar,
                    _began(horizon, start),
                    titled=False,
                )


def _span(horizon: Horizon, start: dt.date, end: dt.date) -> tuple[int, int] | None:
    """[start, end) in whole minutes of the horizon, clipped; None if nothing is left.

    The start is floored and the end ceiled so a commitment never shrinks. Dates (all-day
    events) and floating times are read in the horizon's zone (RFC 5545 §3.3.4, §3.3.5).
    """
    first = horizon.to_minute(_aware(start, horizon))
    last_moment = _aware(end, horizon)
    last = horizon.to_minute(last_moment)
    if horizon.to_datetime(last) < last_moment:
        last += 1
    first, last = max(first, 0), min(last, horizon.minutes)
    return (first, last) if first < last else None


def _began(horizon: Horizon, start: dt.date) -> int | None:
    """The minute (negative, floored) an event starts at when that is before the horizon,
    else None: its span is clipped to the horizon, but whether it ran overnight into the
    first day depends on where it really began (``rest_after``)."""
    first = horizon.to_minute(_aware(start, horizon))
    return first if first < 0 else None


def _aware(moment: dt.date, horizon: Horizon) -> dt.datetime:
    if not isinstance(moment, dt.datetime):
        return dt.datetime.combine(moment, dt.time(0), horizon.tz)
    return moment if moment.tzinfo else moment.replace(tzinfo=horizon.tz)


# --- small readers -------------------------------------------------------------------------


def _values(value: Any) -> list[Any]:
    """A property that may occur once or several times, always as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _text(component: icalendar.Component, prop: str) -> str:
    """The first value of a text property meant to occur once, stripped; '' if absent.

    Some exporters repeat SUMMARY or STATUS; the first one is what clients show.
    """
    values = _values(component.get(prop))
    return str(values[0]).strip() if values else ""


def _categories(event: icalendar.Event) -> Iterable[str]:
    for value in _values(event.get("CATEGORIES")):
        yield from (str(category).strip() for category in getattr(value, "cats", []))


def _address(address: str) -> str:
    """A calendar user address compared without case and without the mailto: scheme."""
    text = address.strip().casefold()
    return text.removeprefix("mailto:")


def _describe(component: icalendar.Component) -> str:
    """How the user finds a component again: its summary and UID (a zone: its TZID)."""
    if component.name == "VTIMEZONE":
        return f"time zone {_text(component, 'TZID')!r}"
    kind = {"VEVENT": "event", "VFREEBUSY": "free/busy block"}.get(
        component.name or "", component.name or "component"
    )
    summary, uid = _text(component, "SUMMARY"), _text(component, "UID")
    label = f"{kind} {summary!r}" if summary else kind
    return f"{label} (UID {_excerpt(uid, 48)})" if uid else label


def _where(text: str, component: icalendar.Component) -> str | None:
    """'line N' of a component's UID line, so an editor jumps to it; None without a UID."""
    uid = _text(component, "UID")
    line = _find_line(text, uid, prefix="UID") if uid else None
    return f"line {line}" if line else None


def _find_line(text: str, needle: str, *, prefix: str = "", quotes: bool = True) -> int | None:
    """The first content line starting with ``prefix`` and holding ``needle``, for errors only.

    ``quotes=False`` ignores double quotes, as in TZID="Eastern Standard Time".
    """
    prefix = prefix.upper()
    for number, line in _content_lines(text):
        content = line if quotes else line.replace('"', "")
        if content.upper().startswith(prefix) and needle in content:
            return number
    return None


# icalendar's DURATION parser (RFC 5545 §3.3.6), which its stubs leave untyped.
_parse_duration: Callable[[str], Any] = icalendar.vDuration.from_ical
