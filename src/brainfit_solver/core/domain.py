"""Plain frozen records that flow through the pipeline: commitments in, sessions out.

Pydantic guards the edges (profile, rule files, reports); inside, these small dataclasses
keep the hot path cheap and hashable. Times are integer minutes of a ``Horizon`` here;
aware datetimes are attached only when a plan leaves the program.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Commitment:
    """A busy stretch of the user's calendar, clipped to the horizon, in minutes [start, end).

    ``study`` marks the commitments exercise is placed around (lectures, study blocks, exams).
    """

    start: int
    end: int
    summary: str
    source: str
    study: bool = False
    # The event's real start when it began before the horizon (``start`` is then clipped to
    # 0): a night shift running into Monday from Sunday is still overnight (``rest_after``).
    began: int | None = None
    # Whether ``summary`` is the calendar's own title; False for a block the calendar gave
    # no title (a VFREEBUSY period, an event without SUMMARY), whose summary is a stand-in.
    titled: bool = True


@dataclass(frozen=True, slots=True)
class CalendarWeek:
    """What the calendars say about the horizon.

    ``zone_hint`` is the calendar's own zone (X-WR-TIMEZONE or the most used TZID), used when
    the profile names none; ``latest_stamp`` is the newest DTSTAMP/LAST-MODIFIED seen, from
    which output timestamps are derived so that identical inputs give identical files.
    """

    commitments: tuple[Commitment, ...]
    zone_hint: str | None = None
    latest_stamp: dt.datetime | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Session:
    """One planned exercise session, in horizon minutes [start, end)."""

    kind: str
    start: int
    end: int
    modality: str | None = None
    anchor: str | None = None  # the study block a snack leads into, by summary
    uid: str | None = None  # set when re-planning: the UID the session keeps (``outputs.replan``)

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Plan:
    """A week of sessions with the solver's verdict on it."""

    sessions: tuple[Session, ...]
    status: str  # OPTIMAL or FEASIBLE
    objective: int
    bound: int
    terms: dict[str, int] = field(default_factory=dict)  # soft rule id -> weighted points
    raw: dict[str, int] = field(default_factory=dict)  # soft rule id -> unweighted count
    solve_seconds: float = 0.0
    # Hard rules and weekly minimums this plan breaks (``--relax soft``); empty normally.
    dropped: tuple[str, ...] = ()
    # How many times the plan breaks each of them: consecutive-day pairs, sessions over a
    # day's limit, sessions short of a weekly minimum (``explain.impossible.solve_relaxed``).
    broken: dict[str, int] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative distance between the plan's objective and the best proven bound."""
        if self.bound == self.objective:
            return 0.0
        return abs(self.bound - self.objective) / max(1, abs(self.bound))


@dataclass(frozen=True, slots=True)
class EarlierEvent:
    """A BrainFit event of an earlier plan found on a day before the planned span, in a
    previous plan (``--previous``) or imported into a calendar: context for the rules that
    look across days. ``names`` are its X-BRAINFIT-KIND and CATEGORIES values in that order
    (the first that is a kind of the rule set is its kind; when a calendar app dropped them
    all, the summary names it); a cancelled one still hides older copies of its UID."""

    uid: str
    names: tuple[str, ...]
    summary: str
    start: dt.datetime  # timezone-aware
    cancelled: bool


@dataclass(frozen=True)
class SolverOptions:
    """How hard to search. ``time_limit_s=None`` searches until the optimum is proven.

    A plain record (the solver reads it), so that building a request imports no solver."""

    time_limit_s: float | None = None
    workers: int = 1
    seed: int = 0
    linearization_level: int = 2
