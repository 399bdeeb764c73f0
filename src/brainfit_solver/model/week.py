"""One person's week, ready to model: every input resolved to minutes of the horizon.

This is the unit a team or multi-week model holds several of. It knows nothing of OR-Tools;
the model reads it, and so does the checker (which re-derives nothing from the model).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ..core.domain import CalendarWeek, Commitment, EarlierEvent, Session
from ..core.timegrid import Horizon
from ..rules.profile import Profile, TimeRange
from ..rules.ruleset import BEFORE_DAYS, RuleSet


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range of horizon minutes [start, end)."""

    start: int
    end: int


@dataclass(frozen=True)
class Week:
    """Everything the model and the checker need about one person's week."""

    horizon: Horizon
    rules: RuleSet
    profile: Profile
    windows: tuple[Span | None, ...]  # per day; None: no exercise that day
    busy: tuple[Span, ...]  # merged, sorted busy time (study included)
    study: tuple[Commitment, ...]  # study commitments that take time, sorted
    commitments: tuple[Commitment, ...]
    buffer: int
    preferred: dict[str, tuple[tuple[Span, ...], ...]]  # kind -> per day spans
    disliked: dict[str, tuple[tuple[Span, ...], ...]]
    # Re-planning (see ``model.replan``): the previous plan's sessions in this week, those of them
    # already started at "now" (kept exactly), and the first minute new sessions may start.
    previous: tuple[Session, ...] = ()
    pinned: tuple[Session, ...] = ()
    not_before: int | None = None
    # The days before the week (see ``with_days_before``): BrainFit events of an earlier plan
    # found there, one per UID, in order of authority.
    before: tuple[EarlierEvent, ...] = ()

    @property
    def days(self) -> int:
        return self.horizon.days

    @property
    def grid(self) -> int:
        return self.rules.meta.granularity_min

    @property
    def before_known(self) -> bool:
        """Whether an earlier plan covers the week before: some BrainFit event (even a
        cancelled one) on one of its days, in a previous plan or a calendar."""
        return bool(self.before)

    @property
    def earlier(self) -> tuple[tuple[str, int], ...]:
        """The earlier plan's sessions as (kind, day), day -1 being the day before the week's
        first day: what rules looking across days (``RuleSet.looking_back``) see before it.
        Sessions of kinds this rule set does not know are left out."""
        found = set()
        for event in self.before:
            named = (n for n in event.names if n in self.rules.kinds)
            kind = next(named, None) or self._titled(event.summary)
            if kind is not None and not event.cancelled:
                day = (event.start.astimezone(self.horizon.tz).date() - self.horizon.monday).days
                found.add((kind, day))
        return tuple(sorted(found, key=lambda s: (s[1], s[0])))

    def _titled(self, summary: str) -> str | None:
        """The kind whose title the summary starts with ("HIIT — 25 min bike"): what is left
        when a calendar app dropped the event's CATEGORIES and X-BRAINFIT-KIND."""
        return next(
            (k for k, kind in self.rules.kinds.items() if summary.startswith(f"{kind.title} —")),
            None,
        )

    def modality(self, kind: str) -> str | None:
        pref = self.profile.preferences.get(kind)
        if pref is not None and pref.modality:
            return pref.modality
        modalities = self.rules.kinds[kind].modalities
        return modalities[0] if modalities else None


def merge(spans: list[Span]) -> tuple[Span, ...]:
    """Union of spans, sorted, touching or overlapping ones joined."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end))
        else:
            merged.append(span)
    return tuple(merged)


def _wall_span(horizon: Horizon, day: int, clock: TimeRange) -> Span:
    start = horizon.wall_minute(day, clock.start)
    if clock.end_minute >= 24 * 60:
        end = horizon.day_span(day)[1]
    else:
        end = horizon.wall_minute(day, dt.time(*divmod(clock.end_minute, 60)))
    return Span(start, end)


def prepare_week(
    profile: Profile, rules: RuleSet, calendar: CalendarWeek, horizon: Horizon
) -> Week:
    """Resolve a profile's wall-clock settings and the calendar into horizon minutes."""
    windows = tuple(
        None
        if (clock := profile.window.for_date(horizon.date(day))) is None
        else _wall_span(horizon, day, clock)
        for day in range(horizon.days)
    )

    def per_day(ranges: list[TimeRange]) -> tuple[tuple[Span, ...], ...]:
        return tuple(
            tuple(_wall_span(horizon, day, r) for r in ranges) for day in range(horizon.days)
        )

    preferred = {k: per_day(p.preferred) for k, p in profile.preferences.items() if p.preferred}
    disliked = {k: per_day(p.disliked) for k, p in profile.preferences.items() if p.disliked}
    commitments = tuple(sorted(calendar.commitments, key=lambda c: (c.start, c.end, c.summary)))
    return Week(
        horizon=horizon,
        rules=rules,
        profile=profile,
        windows=windows,
        busy=merge([Span(c.start, c.end) for c in commitments if c.end > c.start]),
        study=tuple(c for c in commitments if c.study and c.end > c.start),
        commitments=commitments,
        buffer=profile.buffer_min,
        preferred=preferred,
        disliked=disliked,
    )


def with_days_before(week: Week, found: Iterable[EarlierEvent]) -> Week:
    """The week with earlier BrainFit events on the ``BEFORE_DAYS`` days before it.

    ``found`` comes in order of authority and goes before what the week already holds (the
    previous plan before the calendars: a session it moved or cancelled is not also counted
    where an older import in a calendar still shows it); a UID counts once, first seen, and
    an event without a UID always counts (nothing matches it to another)."""
    first = week.horizon.monday
    seen: dict[str, EarlierEvent] = {}
    unnamed: list[EarlierEvent] = []
    for event in (*found, *week.before):
        date = event.start.astimezone(week.horizon.tz).date()
        if first - dt.timedelta(days=BEFORE_DAYS) <= date < first:
            if event.uid:
                seen.setdefault(event.uid, event)
            else:
                unnamed.append(event)
    ordered = sorted([*seen.values(), *unnamed], key=lambda e: (e.start, e.uid))
    return dataclasses.replace(week, before=tuple(ordered))
