"""An independent checker: re-reads an exported plan and the inputs, tests every hard rule.

It shares no code with the planner's reading or model (never ``calendars.reading``,
``calendars.prefilter``, ``model.week``, the model or OR-Tools): busy time and study blocks come
from its own reading of the calendars' bytes (``check.calendars``), windows and time tastes on
the instants their wall-clock edges name (``_edge``, by its own search) straight from the
profile, overlaps, buffers and snack lead times on exact times,
and every soft rule's score is recomputed from the file, so a plan is never trusted because the
solver said so. What it shares with the planner is the meaning of the inputs: the profile
and rule-set models and this package's iCalendar names (CATEGORIES, X-BRAINFIT-KIND).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar, Component
from icalendar.error import InvalidCalendar

from ..core.domain import Session
from ..core.errors import CalendarError, InputError
from ..core.planfile import CATEGORY, DROPPED_PROPERTY, KIND_PROPERTY
from ..core.timegrid import Horizon
from ..rules.profile import KindPreference, Profile, TimeRange
from ..rules.ruleset import (
    BEFORE_DAYS,
    ActiveDays,
    DislikedTimes,
    KindTable,
    LongerSessions,
    MaxPerDay,
    NearStudy,
    NotOnConsecutiveDays,
    PreferredTimes,
    RestAfter,
    RuleSet,
    Selector,
    SessionBonus,
    Stability,
    TeamAttendance,
    sign,
)
from .calendars import Block, BusyTime, declared_zone_applied, mend, near


@dataclass(frozen=True)
class PlannedEvent:
    """A session as the exported file states it."""

    uid: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    shared: bool = False  # a group event (it lists ATTENDEEs): a team's shared session
    zone: str = ""  # the IANA zone the file states the start in ("UTC" for a Z time; "": none)

    def __post_init__(self) -> None:
        # UTC instants, as ``Block``'s (see there): exact arithmetic across a clock change;
        # the zone as written is kept, for `brainfit check` to find the plan's week and zone.
        if isinstance(self.start.tzinfo, ZoneInfo):
            object.__setattr__(self, "zone", self.start.tzinfo.key)
        object.__setattr__(self, "start", self.start.astimezone(dt.UTC))
        object.__setattr__(self, "end", self.end.astimezone(dt.UTC))


@dataclass(frozen=True)
class DaysBefore:
    """What the checker read about the week before a checked span: whether an earlier plan
    covers it (some BrainFit event there, even a cancelled one) and its sessions."""

    known: bool
    events: tuple[PlannedEvent, ...] = ()


@dataclass
class CheckReport:
    """Violations of hard rules (empty when the plan is valid) and the recomputed score.

    ``before`` is what the days before the week held, as the checker read it (None: the week
    before is part of the same plan and checked with ``check_seams``)."""

    events: list[PlannedEvent]
    violations: list[str] = field(default_factory=list)
    raw: dict[str, int] = field(default_factory=dict)
    terms: dict[str, int] = field(default_factory=dict)
    before: DaysBefore | None = None

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def objective(self) -> int:
        return sum(self.terms.values())


# A plan covers at most 52 weeks (``plan --weeks``): a repeating session is expanded over
# this long from its first start and no further, whatever its RRULE says.
PLAN_SPAN = dt.timedelta(weeks=53)


def read_plan(data: bytes, *, source: str = "plan") -> list[PlannedEvent]:
    """The BrainFit sessions in an exported plan; other events (a ``--merge`` file holds the
    user's own) are ignored, and never expanded."""
    try:
        cal = Calendar.from_ical(_what_is_read(data))
    except (ValueError, TypeError) as exc:  # icalendar's parser raises both
        raise CalendarError(
            f"the plan is not a readable iCalendar file ({exc})",
            file=source,
            fix="Check the .ics file that brainfit plan wrote, as it wrote it",
        ) from exc
    events = []
    for component in _sessions(cal, source):
        categories = _categories(component)
        if _cancelled(component):
            continue
        kind = str(component.get(KIND_PROPERTY) or next(c for c in categories if c != CATEGORY))
        start, end = _zoned(component, source), _end(component, source)
        uid, summary = str(component.get("uid")), str(component.get("summary"))
        events.append(PlannedEvent(uid, kind, start, end, summary, "ATTENDEE" in component))
    return sorted(events, key=lambda e: (e.start, e.kind))


def _zoned(component: Component, source: str) -> dt.datetime:
    start = component.decoded("dtstart")
    if not isinstance(start, dt.datetime) or start.tzinfo is None:
        raise CalendarError(
            "its start is a date or a floating time, not a time in a zone",
            file=source,
            where=f"event {component.get('uid')}",
            fix="Give a BrainFit session a DTSTART with a TZID or in UTC, as brainfit plan does",
        )
    return start


def _end(component: Component, source: str) -> dt.datetime:
    """DTEND, or DTSTART plus DURATION (RFC 5545 §3.6.1: either may give the end)."""
    try:
        end: dt.datetime = component.end  # type: ignore[attr-defined]  # a VEVENT: an Event
    except InvalidCalendar as exc:
        raise CalendarError(
            "it has both DTEND and DURATION (RFC 5545 allows one)",
            file=source,
            where=f"event {component.get('uid')}",
            fix="Keep the one that gives the session's end",
        ) from exc
    return end


def _sessions(cal: Calendar, source: str) -> list[Component]:
    """The plan's BrainFit VEVENTs, a repeating one (RRULE, a ``--repeat`` template) expanded
    by recurring_ical_events over ``PLAN_SPAN`` from the first session's start."""
    sessions = [c for c in cal.walk("VEVENT") if CATEGORY in _categories(c)]
    if not any("RRULE" in c or "RDATE" in c for c in sessions):
        return sessions
    only = Calendar()
    for component in [*cal.walk("VTIMEZONE"), *sessions]:
        only.add_component(component)
    first = min(_zoned(c, source) for c in sessions)
    try:
        return list(recurring_ical_events.of(only).between(first, first + PLAN_SPAN))
    except Exception as exc:  # third-party code on user data: never let it escape raw
        raise CalendarError(
            f"cannot expand the plan's repeating events ({exc})",
            file=source,
            fix="Correct the RRULE, RDATE or EXDATE of its repeating sessions",
        ) from exc


def read_days_before(
    sources: Sequence[tuple[str, bytes]], horizon: Horizon, rules: RuleSet
) -> DaysBefore:
    """The BrainFit sessions on the ``BEFORE_DAYS`` days before ``horizon``, read straight
    from the files: the plan being checked, then the previous plan, then the calendars, in
    that order of authority (a UID counts once, as the first file states it, so a session
    the previous plan moved or cancelled is not also counted where an older import in a
    calendar still shows it; an event without a UID always counts, as nothing matches it to
    another). A BrainFit event is one with a UID ending in ``@brainfit-solver`` or
    CATEGORIES BrainFit; its kind is X-BRAINFIT-KIND, else its other category, else the kind
    whose title starts its summary."""
    start = dt.datetime.combine(
        horizon.monday - dt.timedelta(days=BEFORE_DAYS), dt.time(0), horizon.tz
    )
    found: list[tuple[str, Component, dt.datetime]] = []
    uids: set[str] = set()
    for source, data in sources:
        if not _may_hold_sessions(data):
            continue
        for component in _between(data, source, start, horizon.start):
            uid = str(component.get("uid", ""))
            categories = [c.casefold() for c in _categories(component)]
            if not (uid.endswith("@brainfit-solver") or "brainfit" in categories):
                continue
            begin = component.decoded("dtstart")
            if not isinstance(begin, dt.datetime):
                continue
            begin = begin if begin.tzinfo else begin.replace(tzinfo=horizon.tz)
            # between() gives what overlaps the days before: not what began earlier.
            if begin >= start and (not uid or uid not in uids):
                uids.add(uid)
                found.append((uid, component, begin))
    events = []
    for uid, component, begin in found:
        if _cancelled(component):
            continue
        kind = _kind_of(component, rules)
        if kind is not None:
            end = component.decoded("dtend")  # recurring_ical_events gives each one an end
            summary = str(component.get("summary", ""))
            events.append(PlannedEvent(uid, kind, begin, end, summary))
    return DaysBefore(bool(found), tuple(sorted(events, key=lambda e: (e.start, e.kind, e.uid))))


def _between(data: bytes, source: str, start: dt.datetime, end: dt.datetime) -> list[Component]:
    """The file's BrainFit event occurrences overlapping [start, end), X-WR-TIMEZONE
    applied. Only events whose text mentions BrainFit and that may reach the span (the
    pre-filter of busy time, ``near``) are parsed (the lines unfolded first, RFC 5545 §3.1):
    a ten-year calendar with an imported plan in it is read in a second, not in minutes of
    expanding every series it holds, and the plan being checked, already parsed whole by
    ``read_plan``, is not parsed whole again for the days before its week. What the checker
    never reads (descriptions, reminders, all attendees but the first) is dropped before
    anything else reads the text (``_what_is_read``; mending a team member's attendees line
    by line cost 2 % of a 200-member team's CPU)."""
    try:
        text = _what_is_read(data).decode("utf-8-sig")
        kept = _mentioning_brainfit(mend(near(text, start, end)).encode())  # as for busy time
        if b"vevent" not in kept.lower():
            return []  # no event left that could be a session: nothing to parse or expand
        cal = declared_zone_applied(Calendar.from_ical(kept), source)
        return list(recurring_ical_events.of(cal).between(start, end))
    except InputError:
        raise  # an unknown X-WR-TIMEZONE, already naming file, place and fix
    except Exception as exc:  # third-party code on user data: never let it escape raw
        raise CalendarError(
            f"cannot read its events before the checked week ({exc})", file=source
        ) from exc


_ICAL_FOLD = re.compile(rb"(\r?\n)+[ \t]")  # a fold, as icalendar's parser unfolds it


def _what_is_read(data: bytes) -> bytes:
    """The file without the lines the checker never reads, which are most of icalendar's
    parsing of a plan: each session's DESCRIPTION (what to do, why, the source's words: a
    third of the file) and its VALARM (the reminder), and all but the first ATTENDEE of each
    component (of a group event the checker reads only that it is one,
    ``PlannedEvent.shared``; a team's shared session lists every member who attends it, in
    every member's file: 191 of them made a member's plan of a 200-member team parse in
    21 ms, not 6). The example week's plan parses in about three quarters of the time. The
    lines are unfolded as icalendar unfolds them; nothing else changes."""
    lowered = data.lower()
    if not any(name in lowered for name in (b"attendee", b"description", b"valarm")):
        return data
    kept: list[bytes] = []
    alarm = 0  # how deep inside a VALARM this line is
    seen = False  # an ATTENDEE since the last BEGIN or END line
    for line in _ICAL_FOLD.sub(b"", data).split(b"\n"):
        head = line[:12].upper()
        if head.startswith(b"BEGIN:"):
            seen = False
            if alarm or head == b"BEGIN:VALARM":
                alarm += 1
                continue
        elif head.startswith(b"END:"):
            seen = False
            if alarm:
                alarm -= 1
                continue
        elif alarm or (head[:11] == b"DESCRIPTION" and head[11:12] in (b";", b":")):
            continue
        elif head[:8] == b"ATTENDEE" and head[8:9] in (b";", b":"):
            if seen:
                continue
            seen = True
        kept.append(line)
    return b"\n".join(kept)


def _may_hold_sessions(data: bytes) -> bool:
    """Whether some event of the file may be a BrainFit session: BrainFit is mentioned after
    the first VEVENT begins (its lines unfolded). A session is known by its UID or category,
    which are its own lines, so a file naming BrainFit only before its events (a PRODID of
    this package's synthetic calendars, an X-WR-CALNAME) holds none and is not parsed: a
    team's calendars are each read once for busy time, not twice."""
    text = _unfolded(data).lower()
    first = text.find(b"vevent")
    return first >= 0 and b"brainfit" in text[first:]


def _unfolded(data: bytes) -> bytes:
    """The content lines unfolded (RFC 5545 §3.1), so a word split by a fold is found."""
    for fold in (b"\r\n ", b"\r\n\t", b"\n ", b"\n\t"):
        data = data.replace(fold, b"")
    return data


_MENTION = re.compile(rb"brainfit")
_ZONE = re.compile(rb"begin:vtimezone")


def _mentioning_brainfit(data: bytes) -> bytes:
    """The calendar with its header, its VTIMEZONEs and only the VEVENTs whose text mentions
    BrainFit (a UID ending in @brainfit-solver, the category, the kind). ``data`` is as
    ``mend`` gives it: one VCALENDAR, its lines unfolded, each ending in CRLF."""
    low = data.lower()
    first = low.find(b"begin:vevent")
    if first < 0:
        return data

    def block(begin: int, name: bytes) -> bytes:
        return data[begin : low.find(b"\n", low.find(b"end:" + name, begin)) + 1]

    kept: dict[int, bytes] = {}
    for mention in _MENTION.finditer(low, first):
        begin = low.rfind(b"begin:vevent", first, mention.start())
        if b"end:vevent" not in low[begin : mention.start()]:
            kept.setdefault(begin, block(begin, b"vevent"))
    zones = [block(zone.start(), b"vtimezone") for zone in _ZONE.finditer(low, first)]
    return b"".join([data[:first], *zones, *kept.values(), b"END:VCALENDAR\r\n"])


def _cancelled(component: Component) -> bool:
    """STATUS:CANCELLED, in any case (RFC 5545: enumerated values are case-insensitive)."""
    return str(component.get("status")).upper() == "CANCELLED"


def _categories(component: Component) -> list[str]:
    listed = _as_list(component.get("categories"))
    return [str(c).strip() for cats in listed for c in getattr(cats, "cats", ())]


def _kind_of(component: Component, rules: RuleSet) -> str | None:
    given = str(component.get(KIND_PROPERTY, ""))
    named = [given.strip(), *_categories(component)]
    kind = next((k for k in named if k in rules.kinds), None)
    if kind is not None:
        return kind
    summary = str(component.get("summary", ""))
    return next((k for k, v in rules.kinds.items() if summary.startswith(f"{v.title} —")), None)


def declared_dropped(data: bytes) -> tuple[str, ...]:
    """The rules a ``--relax soft`` plan says it drops (X-BRAINFIT-DROPPED), so that checking
    it later tests what it promises and not the rules it openly gave up."""
    try:
        value = Calendar.from_ical(data).get(DROPPED_PROPERTY)
    except ValueError:
        return ()
    return tuple(part.strip() for part in str(value or "").split(",") if part.strip())


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _edge(date: dt.date, minute: int, tz: ZoneInfo) -> dt.datetime:
    """The first instant of ``date`` at which the local clock reads ``minute`` minutes after
    midnight or later (1440: the next midnight), as a UTC instant: the rule text's meaning
    of a wall-clock edge on the nights the clock changes (constraints/README.md, "Clock
    changes"): a time shown twice is its first occurrence, a time the clock jumps over is
    the jump.

    Found by its own search, not the planner's: Python reads a wall time at two instants
    (fold 0 and 1), equal unless the clock jumps over it or shows it twice. The earlier one
    is the first occurrence; inside a jump it is an instant before the jump, at which the
    clock still reads less, so the search moves on a minute at a time (offsets and their
    changes are whole minutes) until the clock reads the time or later."""
    days, minute = divmod(minute, 1440)
    wall = dt.datetime.combine(date + dt.timedelta(days=days), dt.time(*divmod(minute, 60)))
    second = min(int(wall.replace(tzinfo=tz, fold=fold).timestamp()) for fold in (0, 1))
    while dt.datetime.fromtimestamp(second, tz).replace(tzinfo=None) < wall:
        second += 60
    return dt.datetime.fromtimestamp(second, dt.UTC)


def _inside(e: PlannedEvent, date: dt.date, r: TimeRange, tz: ZoneInfo) -> bool:
    """The session lies wholly within the range's instants on ``date``."""
    return _edge(date, r.start_minute, tz) <= e.start and e.end <= _edge(date, r.end_minute, tz)


def _touches(e: PlannedEvent, date: dt.date, r: TimeRange, tz: ZoneInfo) -> bool:
    """The session shares time with the range's instants on ``date``."""
    return e.start < _edge(date, r.end_minute, tz) and _edge(date, r.start_minute, tz) < e.end


def check_plan(
    events: list[PlannedEvent],
    *,
    profile: Profile,
    rules: RuleSet,
    busy: BusyTime,
    horizon: Horizon,
    previous: Sequence[Session] = (),
    now: dt.datetime | None = None,
    dropped: Collection[str] = (),
    before: DaysBefore | None = None,
) -> CheckReport:
    """Every hard rule tested on the plan as exported; the soft score recomputed.

    ``busy`` is the checker's own reading of the calendars (``check.calendars.read_busy``)
    over at least the horizon and the buffer around it; snacks and scores use the study
    blocks that overlap the horizon.

    When re-planning, ``previous`` holds the previous plan's sessions in this week (for the
    stability score) and ``now`` the moment before which nothing may be new or moved.
    ``dropped`` names hard rules and weekly minimums (``zone2_per_week``) that a ``--relax
    soft`` plan says it drops: the plan is checked against the rest of the rules.
    ``before`` holds the sessions of the days before the week (``read_days_before``): rules
    that look across days are tested against them too."""
    report = CheckReport(events, before=before)
    bad = report.violations.append
    tz, buffer = horizon.tz, profile.buffer_min
    blocks = busy.blocks
    study = [b for b in busy.study if b.start < horizon.end and horizon.start < b.end]

    def label(e: PlannedEvent) -> str:
        return f"{e.kind} {e.start.astimezone(tz):%a %d %b %H:%M}"

    spans: list[tuple[int, int, PlannedEvent]] = []
    snacked: set[dt.datetime] = set()
    for e in events:
        if e.kind not in rules.kinds:
            bad(f"{label(e)}: unknown session kind {e.kind!r}")
            continue
        kind = rules.kinds[e.kind]
        start, end = horizon.to_minute(e.start), horizon.to_minute(e.end)
        spans.append((start, end, e))
        local_start = e.start.astimezone(tz)
        minutes = end - start
        low, high = kind.duration_min
        if not low <= minutes <= high:
            bad(f"{label(e)}: lasts {minutes} min, outside {low}-{high} min")
        if not (horizon.start <= e.start and e.end <= horizon.end):
            bad(f"{label(e)}: outside the planned week {horizon.label}")
        window, field = _window_on(profile, local_start.date())
        if window is None:
            bad(f"{label(e)}: {local_start:%A} is a day off in the profile ({field})")
        elif not _inside(e, local_start.date(), window, tz):
            bad(f"{label(e)}: outside the daily window {window} ({field})")
        margin = buffer if kind.buffer else 0
        pad = dt.timedelta(minutes=margin)
        for c in blocks:
            if c.start < e.end + pad and e.start - pad < c.end:
                bad(f"{label(e)}: overlaps '{c.summary}' (or its {margin}-min buffer)")
        if kind.anchor == "before_study":
            # A snack leads into the first study start at or after its end; blocks starting
            # at the same minute are one study start, and each takes one snack.
            block = next((s for s in study if s.start >= e.end), None)
            lead = dt.timedelta(minutes=kind.lead_max_min)
            if block is None or block.start - lead > e.end:
                bad(f"{label(e)}: not within {kind.lead_max_min} min before a study block")
            elif block.start in snacked:
                bad(f"{label(e)}: a second snack before '{block.summary}' (one per study start)")
            else:
                snacked.add(block.start)

    for i, (s1, e1, a) in enumerate(spans):
        for s2, e2, b in spans[i + 1 :]:
            ka, kb = rules.kinds.get(a.kind), rules.kinds.get(b.kind)
            gap = buffer if (ka and ka.buffer) or (kb and kb.buffer) else 0
            if s2 < e1 + gap and s1 < e2 + gap:
                bad(f"{label(a)} and {label(b)}: closer than {gap} min")

    kept = _without(rules, dropped)
    _check_counts(report, kept, horizon)
    earlier = list(before.events) if before is not None else []
    evidence = Evidence(kept, horizon, profile, report.events, earlier, blocks, study, previous)
    for rule in kept.hard:
        report.violations += HARD_CHECKS[rule.kind](rule, evidence)
    if now is not None:
        _check_past(report, previous, now, horizon)
    for soft in rules.soft:
        raw = SCORES[soft.kind](soft, evidence)
        report.raw[soft.id] = raw
        report.terms[soft.id] = sign(soft) * soft.weight * raw
    return report


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _window_on(profile: Profile, date: dt.date) -> tuple[TimeRange | None, str]:
    """The profile's window on a local date and the field that sets it: the date's own
    entry in ``[window.dates]``, else its weekday's, else ``window.default`` (None: off)."""
    window = profile.window
    own = window.dates.get(date)
    if own is not None:
        field = f'window.dates."{date.isoformat()}"'
    else:
        own = getattr(window, _WEEKDAYS[date.weekday()])
        field = f"window.{_WEEKDAYS[date.weekday()]}"
    if own is None or own is True:
        return window.default, "window.default" if own is None else field
    return (None, field) if own is False else (own, field)


def _without(rules: RuleSet, dropped: Collection[str]) -> RuleSet:
    """The rule set minus dropped hard rules, dropped weekly minimums lowered to 0."""
    if not dropped:
        return rules
    kinds = {
        k: kind.model_copy(update={"per_week": kind.per_week.model_copy(update={"min": 0})})
        if f"{k}_per_week" in dropped
        else kind
        for k, kind in rules.kinds.items()
    }
    hard = [r for r in rules.hard if r.id not in dropped]
    return rules.model_copy(update={"kinds": kinds, "hard": hard})


def _check_past(
    report: CheckReport, previous: Sequence[Session], now: dt.datetime, horizon: Horizon
) -> None:
    """Re-planning: a session starting before ``now`` is one of the previous plan's, as it was."""
    before = {(p.kind, p.start, p.end) for p in previous}
    for e in report.events:
        start, end = horizon.to_minute(e.start), horizon.to_minute(e.end)
        if e.start < now and (e.kind, start, end) not in before:
            report.violations.append(
                f"{e.kind} {e.start.astimezone(horizon.tz):%a %d %b %H:%M}: starts before "
                f"now ({now.astimezone(horizon.tz):%a %d %b %H:%M}) and is not a kept session"
            )


def check_seams(
    events: Sequence[PlannedEvent], rules: RuleSet, horizons: Sequence[Horizon]
) -> list[str]:
    """Multi-week plans: each ``not_on_consecutive_days`` rule between the last day of one
    week and the first day of the next (within a week, ``check_plan`` tests it)."""
    found = []
    for a, b in itertools.pairwise(horizons):
        sunday, monday = a.date(a.days - 1), b.monday
        for rule in rules.hard:
            if rule.kind != "not_on_consecutive_days":
                continue
            matching = _matching(list(events), rules, rule.applies_to)
            days = {e.start.astimezone(a.tz).date() for e in matching}
            if sunday in days and monday in days:
                found.append(f"{rule.id}: sessions on both {sunday} and the next day")
    return found


def _day(e: PlannedEvent, horizon: Horizon) -> int:
    return (e.start.astimezone(horizon.tz).date() - horizon.monday).days


def _matching(events: list[PlannedEvent], rules: RuleSet, selector: Selector) -> list[PlannedEvent]:
    kinds = set(rules.select(selector))
    return [e for e in events if e.kind in kinds]


def _check_counts(report: CheckReport, rules: RuleSet, horizon: Horizon) -> None:
    """Each session kind's weekly count and, for free kinds, its count per day."""
    bad = report.violations.append
    events = [e for e in report.events if e.kind in rules.kinds]
    per_kind = Counter(e.kind for e in events)
    for kind_id, kind in rules.kinds.items():
        n = per_kind[kind_id]
        if not kind.per_week.min <= n <= kind.per_week.max:
            bad(
                f"{kind_id}_per_week: {n} {kind.title} session(s), "
                f"rule needs {kind.per_week.min}-{kind.per_week.max}"
            )
        if kind.anchor == "free":
            per_day = Counter(_day(e, horizon) for e in events if e.kind == kind_id)
            for day, count in sorted(per_day.items()):
                if count > kind.per_day_max:
                    bad(
                        f"{kind_id}: {count} sessions on {horizon.date(day)}, "
                        f"at most {kind.per_day_max}"
                    )


@dataclass(frozen=True)
class Evidence:
    """What the checker read, for each rule kind's check or score: the rules (hard rules a
    plan drops are gone), the week, the profile, the plan's events, the sessions of the days
    before the week (``earlier``), the busy blocks, the study blocks overlapping the week,
    and the previous plan's sessions when re-planning."""

    rules: RuleSet
    horizon: Horizon
    profile: Profile
    events: list[PlannedEvent]
    earlier: list[PlannedEvent]
    blocks: Sequence[Block]
    study: list[Block]
    previous: Sequence[Session]

    def matching(self, selector: Selector) -> list[PlannedEvent]:
        """The plan's sessions of the kinds ``selector`` picks."""
        return _matching(self.events, self.rules, selector)

    def days(self, selector: Selector) -> Counter[int]:
        """Matching sessions per day of the week (0: Monday)."""
        return Counter(_day(e, self.horizon) for e in self.matching(selector))


HARD_CHECKS: KindTable[Callable[[Any, Evidence], list[str]]] = KindTable(
    "check.checker.HARD_CHECKS", hard=True
)
"""Each hard rule kind tested on the plan as exported: its violations (``rules.ruleset.KINDS``)."""

SCORES: KindTable[Callable[[Any, Evidence], int]] = KindTable("check.checker.SCORES", hard=False)
"""Each soft rule kind's raw score, recomputed from the plan as exported
(``rules.ruleset.KINDS``)."""


@HARD_CHECKS.part("max_per_day")
def max_per_day(rule: MaxPerDay, seen: Evidence) -> list[str]:
    """No day holds more than ``rule.max`` matching sessions."""
    return [
        f"{rule.id}: {count} sessions on {seen.horizon.date(day)} (at most {rule.max})"
        for day, count in sorted(seen.days(rule.applies_to).items())
        if count > rule.max
    ]


@HARD_CHECKS.part("not_on_consecutive_days")
def not_on_consecutive_days(rule: NotOnConsecutiveDays, seen: Evidence) -> list[str]:
    """No two consecutive days hold a matching session, the days before the week included."""
    days = seen.days(rule.applies_to)
    before = {_day(e, seen.horizon) for e in _matching(seen.earlier, seen.rules, rule.applies_to)}
    days.update(day for day in before if -rule.days_back <= day < 0)
    found = []
    for day in sorted(days):
        if day + 1 in days:
            where = " (an earlier plan's, before the week)" if day < 0 else ""
            found.append(
                f"{rule.id}: sessions on both {seen.horizon.date(day)}{where} and the next day"
            )
    return found


def _overnight(block: Block, tz: ZoneInfo) -> bool:
    """Whether a block holds a local midnight: the first one after it starts (the next
    midnight after its local start date, so always after its start) is before its end."""
    return _edge(block.start.astimezone(tz).date(), 1440, tz) < block.end


@HARD_CHECKS.part("rest_after")
def rest_after(rule: RestAfter, seen: Evidence) -> list[str]:
    """From the checker's own busy blocks (constraints/README.md, "Rest after long or
    overnight commitments"): after each block overlapping the week that holds a local
    midnight, or lasts more than ``long_block_min``, no matching session starts before the
    rest is over."""
    horizon, tz = seen.horizon, seen.horizon.tz
    week = [b for b in seen.blocks if b.start < horizon.end and horizon.start < b.end]
    matching = seen.matching(rule.applies_to)
    found = []
    for b in week:
        overnight = _overnight(b, tz)
        long = b.end - b.start > dt.timedelta(minutes=rule.long_block_min)
        rest = max(
            rule.after_overnight_min if overnight else 0,
            rule.after_long_min if long else 0,
        )
        until = b.end + dt.timedelta(minutes=rest)
        why = "an overnight" if overnight and rest == rule.after_overnight_min else "a long"
        for e in matching:
            if rest and b.end <= e.start < until:
                found.append(
                    f"{rule.id}: {e.kind} {e.start.astimezone(tz):%a %d %b %H:%M} starts "
                    f"{_minutes(e.start - b.end)} after {why} commitment, '{b.summary}' "
                    f"(ended {b.end.astimezone(tz):%a %H:%M}); no workout before "
                    f"{until.astimezone(tz):%a %H:%M}"
                )
    return found


def _minutes(delta: dt.timedelta) -> str:
    return f"{int(delta.total_seconds() // 60)} min"


@SCORES.part("session_bonus")
def session_bonus(rule: SessionBonus, seen: Evidence) -> int:
    """Matching sessions planned."""
    return len(seen.matching(rule.applies_to))


@SCORES.part("longer_sessions")
def longer_sessions(rule: LongerSessions, seen: Evidence) -> int:
    """Grid steps each matching session runs beyond its kind's minimum duration."""
    grid, to_minute = seen.rules.meta.granularity_min, seen.horizon.to_minute
    return sum(
        (to_minute(e.end) - to_minute(e.start) - seen.rules.kinds[e.kind].duration_min[0]) // grid
        for e in seen.matching(rule.applies_to)
    )


@SCORES.part("active_days")
def active_days(rule: ActiveDays, seen: Evidence) -> int:
    """Days holding at least one matching session."""
    return len(seen.days(rule.applies_to))


@SCORES.part("near_study")
def near_study(rule: NearStudy, seen: Evidence) -> int:
    """Matching sessions ending at most ``within_min`` before a study block starts, or
    starting at most ``within_min`` after one ends."""
    w = dt.timedelta(minutes=rule.within_min)
    return sum(
        any(b.start - w <= e.end <= b.start or b.end <= e.start <= b.end + w for b in seen.study)
        for e in seen.matching(rule.applies_to)
    )


@SCORES.part("preferred_times")
def preferred_times(rule: PreferredTimes, seen: Evidence) -> int:
    """Matching sessions lying wholly inside a preferred time for their kind."""
    return sum(
        any(_inside(e, date, r, seen.horizon.tz) for r in pref.preferred)
        for e, date, pref in _tastes(seen.matching(rule.applies_to), seen)
    )


@SCORES.part("disliked_times")
def disliked_times(rule: DislikedTimes, seen: Evidence) -> int:
    """Matching sessions overlapping a disliked time for their kind (a penalty)."""
    return sum(
        any(_touches(e, date, r, seen.horizon.tz) for r in pref.disliked)
        for e, date, pref in _tastes(seen.matching(rule.applies_to), seen)
    )


@SCORES.part("stability")
def stability(rule: Stability, seen: Evidence) -> int:
    """Previous plan's sessions kept: same kind, same start."""
    matching = seen.matching(rule.applies_to)
    kinds = {e.kind for e in matching}
    starts = {(e.kind, seen.horizon.to_minute(e.start)) for e in matching}
    return sum(p.kind in kinds and (p.kind, p.start) in starts for p in seen.previous)


@SCORES.part("team_attendance")
def team_attendance(rule: TeamAttendance, seen: Evidence) -> int:
    """Shared team sessions attended: the plan's group events (with ATTENDEEs)."""
    return sum(e.shared for e in seen.matching(rule.applies_to))


def _tastes(
    events: list[PlannedEvent], seen: Evidence
) -> list[tuple[PlannedEvent, dt.date, KindPreference]]:
    """Each session whose kind has preferences, with its local start date (the date whose
    preferred and disliked times apply) and those preferences."""
    found = []
    for e in events:
        pref = seen.profile.preferences.get(e.kind)
        if pref is not None:
            found.append((e, e.start.astimezone(seen.horizon.tz).date(), pref))
    return found
