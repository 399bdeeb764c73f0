"""One person's week, ready to model: every input resolved to minutes of the horizon.

This is the unit a team or multi-week model holds several of. It knows nothing of OR-Tools;
the model reads it, and so does the checker (which re-derives nothing from the model).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .domain import CalendarWeek, Commitment, Session
from .profile import Profile, TimeRange
from .rules import RuleSet
from .timegrid import Horizon


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
    study: tuple[Commitment, ...]  # study commitments, sorted
    commitments: tuple[Commitment, ...]
    buffer: int
    preferred: dict[str, tuple[tuple[Span, ...], ...]]  # kind -> per day spans
    disliked: dict[str, tuple[tuple[Span, ...], ...]]
    # Re-planning (see ``replan``): the previous plan's sessions in this week, those of them
    # already started at "now" (kept exactly), and the first minute new sessions may start.
    previous: tuple[Session, ...] = ()
    pinned: tuple[Session, ...] = ()
    not_before: int | None = None

    @property
    def days(self) -> int:
        return self.horizon.days

    @property
    def grid(self) -> int:
        return self.rules.meta.granularity_min

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
        study=tuple(c for c in commitments if c.study),
        commitments=commitments,
        buffer=profile.buffer_min,
        preferred=preferred,
        disliked=disliked,
    )
