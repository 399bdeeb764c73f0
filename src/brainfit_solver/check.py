"""An independent checker: re-reads an exported plan and the inputs, tests every hard rule.

It shares no code with the planner's reading or model (never ``calendar_in``, ``prefilter``,
``week``, the model or OR-Tools): busy time and study blocks come from its own reading of
the calendars' bytes (``check_calendars``), windows are checked on local wall-clock times
straight from the profile, overlaps, buffers and snack lead times on exact times, and every
soft rule's score is recomputed from the file, so a plan is never trusted because the
solver said so. What it shares with the planner is the meaning of the inputs: the profile
and rule-set models and this package's iCalendar names (CATEGORIES, X-BRAINFIT-KIND).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import recurring_ical_events
import x_wr_timezone
from icalendar import Calendar, Component

from .check_calendars import Block, BusyTime
from .domain import Session
from .errors import CalendarError
from .ics_out import CATEGORY, DROPPED_PROPERTY, KIND_PROPERTY
from .profile import Profile
from .rules import BEFORE_DAYS, RuleSet, Selector, sign
from .timegrid import Horizon


@dataclass(frozen=True)
class PlannedEvent:
    """A session as the exported file states it."""

    uid: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    summary: str


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
        cal = Calendar.from_ical(data)
    except ValueError as exc:
        raise CalendarError(
            f"the plan is not a readable iCalendar file ({exc})", file=source
        ) from exc
    events = []
    for component in _sessions(cal, source):
        categories = _categories(component)
        if str(component.get("status", "")).upper() == "CANCELLED":
            continue
        kind = str(component.get(KIND_PROPERTY) or next(c for c in categories if c != CATEGORY))
        start, end = _zoned(component, source), component.decoded("dtend")
        events.append(
            PlannedEvent(str(component.get("uid")), kind, start, end, str(component.get("summary")))
        )
    return sorted(events, key=lambda e: (e.start, e.kind))


def _zoned(component: Component, source: str) -> dt.datetime:
    start = component.decoded("dtstart")
    if not isinstance(start, dt.datetime) or start.tzinfo is None:
        raise CalendarError(f"event {component.get('uid')} has no zoned start time", file=source)
    return start


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
            f"cannot expand the plan's repeating events ({exc})", file=source
        ) from exc


def read_days_before(
    sources: Sequence[tuple[str, bytes]], horizon: Horizon, rules: RuleSet
) -> DaysBefore:
    """The BrainFit sessions on the ``BEFORE_DAYS`` days before ``horizon``, read straight
    from the files: the plan being checked, then the previous plan, then the calendars, in
    that order of authority (a UID counts once, as the first file states it, so a session
    the previous plan moved or cancelled is not also counted where an older import in a
    calendar still shows it). A BrainFit event is one with a UID ending in
    ``@brainfit-solver`` or CATEGORIES BrainFit; its kind is X-BRAINFIT-KIND, else its
    other category, else the kind whose title starts its summary."""
    start = dt.datetime.combine(
        horizon.monday - dt.timedelta(days=BEFORE_DAYS), dt.time(0), horizon.tz
    )
    seen: dict[str, tuple[Component, dt.datetime]] = {}
    for source, data in sources:
        if b"brainfit" not in data.lower():
            continue
        for component in _between(data, source, start, horizon.start):
            # Names are case-insensitive; any default leaves a UID-less event unmatched.
            uid = str(component.get("uid", ""))  # pragma: no mutate
            categories = [c.casefold() for c in _categories(component)]
            if not (uid.endswith("@brainfit-solver") or "brainfit" in categories):
                continue
            begin = component.decoded("dtstart")  # pragma: no mutate (case-insensitive name)
            if not isinstance(begin, dt.datetime):
                continue
            begin = begin if begin.tzinfo else begin.replace(tzinfo=horizon.tz)
            if start <= begin < horizon.start:
                seen.setdefault(uid, (component, begin))
    events = []
    for uid, (component, begin) in seen.items():
        # Names are case-insensitive and no default reads as CANCELLED.
        if str(component.get("status", "")).upper() == "CANCELLED":  # pragma: no mutate
            continue
        kind = _kind_of(component, rules)
        if kind is not None:
            end = component.decoded("dtend", begin)  # pragma: no mutate (case-insensitive)
            summary = str(component.get("summary", ""))
            events.append(PlannedEvent(uid, kind, begin, end, summary))
    return DaysBefore(bool(seen), tuple(sorted(events, key=lambda e: (e.start, e.kind, e.uid))))


def _between(data: bytes, source: str, start: dt.datetime, end: dt.datetime) -> list[Component]:
    """The file's BrainFit event occurrences overlapping [start, end), X-WR-TIMEZONE
    applied. Only events whose text mentions BrainFit are parsed (the lines unfolded first,
    RFC 5545 §3.1): a ten-year calendar with an imported plan in it is read in a second,
    not in minutes of expanding every series it holds."""
    try:
        cal = x_wr_timezone.to_standard(Calendar.from_ical(_mentioning_brainfit(data)))
        return list(recurring_ical_events.of(cal).between(start, end))
    except Exception as exc:  # third-party code on user data: never let it escape raw
        raise CalendarError(
            f"cannot read its events before the checked week ({exc})", file=source
        ) from exc


def _mentioning_brainfit(data: bytes) -> bytes:
    """The calendar with its header, its VTIMEZONEs and only the VEVENTs whose unfolded
    text mentions BrainFit (a UID ending in @brainfit-solver, the category, the kind)."""
    for fold in (b"\r\n ", b"\r\n\t", b"\n ", b"\n\t"):
        data = data.replace(fold, b"")
    low = data.lower()  # pragma: no mutate (upper() keeps the whole file: slower, same result)
    first = low.find(b"begin:vevent")
    if first < 0:
        return data

    def block(begin: int, name: bytes) -> tuple[bytes, int]:
        end = low.find(b"\n", low.find(b"end:" + name, begin))
        end = len(data) if end < 0 else end + 1
        return data[begin:end], end

    kept: dict[int, bytes] = {}
    mention = first
    while (mention := low.find(b"brainfit", mention + 1)) >= 0:
        begin = low.rfind(b"begin:vevent", 0, mention)
        if begin >= 0 and low.rfind(b"end:vevent", begin, mention) < 0:
            kept.setdefault(begin, block(begin, b"vevent")[0])
    zones, at = [], first
    while (at := low.find(b"begin:vtimezone", at)) >= 0:
        zone, at = block(at, b"vtimezone")
        zones.append(zone)
    return b"".join([data[:first], *zones, *kept.values(), b"END:VCALENDAR\r\n"])


def _categories(component: Component) -> list[str]:
    listed = _as_list(component.get("categories"))
    return [str(c).strip() for cats in listed for c in getattr(cats, "cats", ())]


def _kind_of(component: Component, rules: RuleSet) -> str | None:
    # No default value is a kind's id, and no default summary starts with a kind's title.
    given = str(component.get(KIND_PROPERTY, ""))  # pragma: no mutate
    named = [given.strip(), *_categories(component)]
    kind = next((k for k in named if k in rules.kinds), None)
    if kind is not None:
        return kind
    summary = str(component.get("summary", ""))  # pragma: no mutate
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


def _wall(moment: dt.datetime) -> int:
    return moment.hour * 60 + moment.minute


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

    ``busy`` is the checker's own reading of the calendars (``check_calendars.read_busy``)
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
        local_start, local_end = e.start.astimezone(tz), e.end.astimezone(tz)
        minutes = end - start
        low, high = kind.duration_min
        if not low <= minutes <= high:
            bad(f"{label(e)}: lasts {minutes} min, outside {low}-{high} min")
        if not (horizon.start <= e.start and e.end <= horizon.end):
            bad(f"{label(e)}: outside the planned week {horizon.label}")
        window = profile.window.for_weekday(local_start.weekday())
        # Wall-clock minutes from the start day's midnight: 24:00 ends a window, later is past it.
        end_wall = _wall(local_end) + 24 * 60 * (local_end.date() - local_start.date()).days
        if window is None:
            bad(f"{label(e)}: {local_start:%A} is a day off in the profile")
        elif not (window.start_minute <= _wall(local_start) and end_wall <= window.end_minute):
            bad(f"{label(e)}: outside the daily window {window}")
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

    _check_counts(report, _without(rules, dropped), horizon)
    if now is not None:
        _check_past(report, previous, now, horizon)
    _score(report, profile, rules, horizon, study, previous)
    return report


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
    bad = report.violations.append
    events = [e for e in report.events if e.kind in rules.kinds]
    earlier = list(report.before.events) if report.before is not None else []
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
    for rule in rules.hard:
        days = Counter(_day(e, horizon) for e in _matching(events, rules, rule.applies_to))
        if rule.kind == "max_per_day":
            for day, count in sorted(days.items()):
                if count > rule.max:
                    bad(f"{rule.id}: {count} sessions on {horizon.date(day)} (at most {rule.max})")
        else:
            before = {_day(e, horizon) for e in _matching(earlier, rules, rule.applies_to)}
            days.update(day for day in before if -rule.days_back <= day < 0)
            for day in sorted(days):
                if day + 1 in days:
                    where = " (an earlier plan's, before the week)" if day < 0 else ""
                    bad(f"{rule.id}: sessions on both {horizon.date(day)}{where} and the next day")


def _score(
    report: CheckReport,
    profile: Profile,
    rules: RuleSet,
    horizon: Horizon,
    study: list[Block],
    previous: Sequence[Session] = (),
) -> None:
    grid = rules.meta.granularity_min
    events = [e for e in report.events if e.kind in rules.kinds]
    for rule in rules.soft:
        matching = _matching(events, rules, rule.applies_to)
        raw = 0
        if rule.kind == "session_bonus":
            raw = len(matching)
        elif rule.kind == "longer_sessions":
            for e in matching:
                low = rules.kinds[e.kind].duration_min[0]
                raw += (horizon.to_minute(e.end) - horizon.to_minute(e.start) - low) // grid
        elif rule.kind == "active_days":
            raw = len({_day(e, horizon) for e in matching})
        elif rule.kind == "near_study":
            w = dt.timedelta(minutes=rule.within_min)
            for e in matching:
                s, t = e.start, e.end
                raw += any(b.start - w <= t <= b.start or b.end <= s <= b.end + w for b in study)
        elif rule.kind in ("preferred_times", "disliked_times"):
            raw = _time_taste(matching, profile, rule.kind, horizon.tz)
        elif rule.kind == "stability":
            kinds = {e.kind for e in matching}
            starts = {(e.kind, horizon.to_minute(e.start)) for e in matching}
            raw = sum(p.kind in kinds and (p.kind, p.start) in starts for p in previous)
        report.raw[rule.id] = raw
        report.terms[rule.id] = sign(rule) * rule.weight * raw


def _time_taste(events: list[PlannedEvent], profile: Profile, which: str, tz: dt.tzinfo) -> int:
    count = 0
    for e in events:
        pref = profile.preferences.get(e.kind)
        if pref is None:
            continue
        start, end = e.start.astimezone(tz), e.end.astimezone(tz)
        s = _wall(start)
        t = _wall(end) if end.date() == start.date() else 24 * 60
        if which == "preferred_times":
            count += any(r.start_minute <= s and t <= r.end_minute for r in pref.preferred)
        else:
            count += any(s < r.end_minute and r.start_minute < t for r in pref.disliked)
    return count
