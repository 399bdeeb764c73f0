"""Re-planning in the model: the previous plan's sessions in the week, the started ones pinned.

The policy (what is kept, which UID each session keeps, SEQUENCE) is described in
``outputs.replan``; this part decides what the solver must keep: sessions that had started by
"now" (the ``keep_past`` hard rule) when they still fit the calendar, and nothing new before now.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from ortools.sat.python import cp_model

from ..calendars.previous import PreviousPlan
from ..core.domain import Session
from .person import WeekModel
from .week import Week

__all__ = ["with_previous"]


def _fits(week: Week, session: Session) -> bool:
    return bool(WeekModel(cp_model.CpModel(), week).hosts(session, same_end=True))


def with_previous(week: Week, previous: PreviousPlan, now: dt.datetime) -> Week:
    """The week with the previous plan's sessions in it, the started ones pinned, and no new
    session before ``now``."""
    horizon = week.horizon
    sessions = tuple(
        Session(
            kind=e.kind,
            start=horizon.to_minute(e.start),
            end=horizon.to_minute(e.end),
            modality=week.modality(e.kind),
            uid=e.uid,
        )
        for e in previous.active_in(horizon)
        if e.kind in week.rules.kinds
    )
    cutoff = horizon.to_minute(now)
    started = [s for s in sessions if s.start < cutoff]
    base = dataclasses.replace(week, previous=sessions)
    pinned = tuple(s for s in started if _fits(base, s))
    return dataclasses.replace(base, pinned=pinned, not_before=max(0, cutoff))
