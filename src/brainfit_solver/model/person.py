"""The CP-SAT model of one person's week.

Time inside the model is counted in grid slots of ``meta.granularity_min`` minutes from the
horizon start: sessions start and last on the grid. Busy time, the buffer and the snacks'
study starts stay exact minutes: each candidate's start and end range is rounded once, from
the exact free time (busy time plus buffer), so a plan the real calendar allows on the grid
is never lost and "proven optimal" holds for the real week (the checker verifies it in exact
minutes). Between two sessions, both on the grid, a buffer rounded up to whole slots is exact.

Candidate sessions are indexed by (kind, day, free stretch) for free-standing workouts and
by (kind, study start, free stretch) for snacks, never numbered "zone 2 #1..#n": numbered
copies of identical sessions are symmetric, and the solver would spend its time proving the
same week in every order. Each candidate is an optional interval whose start and end lie in
one free stretch where it fits at its shortest, so a variable-length session is one piece of
free time by its bounds alone (at most one candidate of a kind per day is present, at most
one snack per study start); a per-day no-overlap keeps workouts and their buffers apart.
One candidate per free stretch rather than per day gives each start variable tight bounds,
so the LP relaxation (which sees only bounds, not holes in a domain) prices "near a study
block" or "inside a preferred time" correctly. On 270 generated weeks (three kinds of
profile) that proved weeks optimal 1.1-1.8x faster at the median and 1.5-3.7x on the
slowest, with the same optimum on every week.

``WeekModel`` wraps the variables behind query methods, so the rule compilers in ``model.hard``
and ``model.soft`` (one function per rule kind) and a future team or multi-week model can hold
several weeks in one ``CpModel`` under different name prefixes.

**Shared sessions.** A session several people attend (a team plan's) is created once, by
the caller, in the same ``CpModel`` (``new_shared_session``), and handed to each person's
``WeekModel`` (``shared=``). Each person's model wraps it as one more ``CandidateVars`` over
the same variables, so every rule compiler sees own and shared sessions through one
interface (``select``, ``of_kind``, ``on_day``, ``day_uses``, ``vars``) and counts the
shared one in that person's weekly counts, day limits, rests and scores without knowing it
is shared. What own candidates get from their bounds, a shared session (whose bounds are the
caller's) gets as constraints on its presence: in this person's window and free time, with
their buffer, and of a duration their rules allow; its footprint carries this person's
buffer into their own no-overlap.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ..core.domain import Commitment, Session
from ..rules.ruleset import Selector
from .week import Span, Week


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


@dataclass(frozen=True)
class Candidate:
    """A session that may or may not be planned: its kind, day and where it may lie."""

    key: str
    kind: str
    day: int
    starts: tuple[tuple[int, int], ...]  # allowed start slots, as closed ranges
    ends: tuple[int, int]  # allowed end slots, a closed range in the same free stretch
    slots: tuple[int, int]  # duration range in slots
    buffered: bool
    anchor: Commitment | None = None  # a snack's study start (its first block)


@dataclass
class CandidateVars:
    cand: Candidate
    present: cp_model.IntVar
    start: cp_model.IntVar
    end: cp_model.IntVar | cp_model.LinearExpr
    size: cp_model.IntVar | int
    footprint: cp_model.IntervalVar  # [start, end + buffer) for buffered kinds, else [start, end)


@dataclass(frozen=True, eq=False)
class SharedSession:
    """A session defined outside a person's model, in the same ``CpModel``: one session
    that several people's weeks hold at once (a team's). Slots count from the same horizon
    start on the same grid as theirs. ``day`` is fixed, as each own candidate's is, so the
    day rules read it like any other; a session that may fall on several days is one
    ``SharedSession`` per day with at most one of them present, as own candidates are."""

    key: str
    kind: str
    day: int
    present: cp_model.IntVar
    start: cp_model.IntVar
    end: cp_model.IntVar | cp_model.LinearExpr
    size: cp_model.IntVar | int
    starts: tuple[int, int]  # the start variable's range in slots
    slots: tuple[int, int]  # duration range in slots

    @property
    def ends(self) -> tuple[int, int]:
        return (self.starts[0] + self.slots[0], self.starts[1] + self.slots[1])


def new_shared_session(
    model: cp_model.CpModel,
    key: str,
    kind: str,
    day: int,
    *,
    starts: tuple[int, int],
    slots: tuple[int, int],
) -> SharedSession:
    """The variables of a shared session: an optional start in ``starts`` and a duration in
    ``slots`` (both in grid slots), present when its literal is true."""
    present = model.new_bool_var(f"{key}.present")
    start = model.new_int_var(*starts, f"{key}.start")
    low, high = slots
    if low == high:
        return SharedSession(key, kind, day, present, start, start + low, low, starts, slots)
    size = model.new_int_var(low, high, f"{key}.size")
    end = model.new_int_var(starts[0] + low, starts[1] + high, f"{key}.end")
    model.add(end == start + size)
    return SharedSession(key, kind, day, present, start, end, size, starts, slots)


def free_stretches(
    window: Span, busy: Iterable[Span], pad: int, length: int, grid: int
) -> tuple[tuple[int, int, int], ...]:
    """Each stretch of free time in the window where a session of ``length`` minutes fits, as
    (first start, last start, last end) in slots: a session [start, end) there keeps ``pad``
    minutes from busy time and stays inside the window. All arguments are exact minutes;
    each bound is rounded once, inwards."""
    blocked = sorted(
        (max(window.start, b.start - pad), min(window.end, b.end + pad))
        for b in busy
        if b.end + pad > window.start and b.start - pad < window.end
    )
    stretches: list[tuple[int, int, int]] = []
    cursor = window.start
    for lo, hi in [*blocked, (window.end, window.end)]:
        if lo > cursor:
            first = _ceil(cursor, grid)
            last = (lo - length) // grid
            if first <= last:
                stretches.append((first, last, lo // grid))
        cursor = max(cursor, hi)
    return tuple(stretches)


def study_starts(week: Week) -> list[tuple[int, Commitment]]:
    """Each minute at which study begins, with its first block: blocks starting together
    (a double-booked lecture, one lecture in two calendars) are one study start."""
    starts: dict[int, Commitment] = {}
    for block in week.study:
        starts.setdefault(block.start, block)
    return sorted(starts.items(), key=lambda item: item[0])


def candidates(week: Week) -> list[Candidate]:
    """Every session the week could hold, with start and end ranges cut down to where it fits.

    A snack leads into the first study start at or after its end (constraints/README.md):
    so a snack for a study start ends after the previous study start, at most
    ``lead_max_min`` before this one, and in one free stretch of the day's window."""
    grid = week.grid
    study = study_starts(week)
    found: list[Candidate] = []
    for kind_id, kind in week.rules.kinds.items():
        low, high = kind.duration_min
        pad = week.buffer if kind.buffer else 0
        slots = (low // grid, high // grid)
        if kind.per_week.max == 0:
            continue
        for day, window in enumerate(week.windows):
            if window is None:
                continue
            stretches = free_stretches(window, week.busy, pad, low, grid)
            if kind.anchor == "free":
                found += [
                    Candidate(
                        f"{kind_id}@d{day}.{n}",
                        kind_id,
                        day,
                        ((first, last),),
                        (first + slots[0], end),
                        slots,
                        kind.buffer,
                    )
                    for n, (first, last, end) in enumerate(stretches)
                ]
                continue
            previous: int | None = None
            for index, (start, block) in enumerate(study):
                earliest = start - kind.lead_max_min
                if previous is not None:
                    earliest = max(earliest, previous + 1)
                previous = start
                lowest, highest = _ceil(earliest, grid), start // grid
                for n, (first, last, end) in enumerate(stretches):
                    ends = (max(lowest, first + slots[0]), min(highest, end))
                    if ends[0] > ends[1]:
                        continue
                    starts = (max(first, ends[0] - slots[1]), min(last, ends[1] - slots[0]))
                    found.append(
                        Candidate(
                            f"{kind_id}@s{index}.{n}",
                            kind_id,
                            day,
                            (starts,),
                            ends,
                            slots,
                            False,
                            block,
                        )
                    )
    return found


class WeekModel:
    """One person's week inside a CpModel: candidates, guards and objective terms.

    ``guarded=True`` puts each hard rule (and each kind's weekly minimum) behind a named
    Boolean, passed as an assumption when the week is infeasible so the conflict can be
    named; otherwise the rules are plain constraints, which solves faster.

    ``shared`` sessions (built by the caller in ``model.person``) join this person's sessions: see
    the module's "Shared sessions".
    """

    def __init__(
        self,
        model: cp_model.CpModel,
        week: Week,
        *,
        prefix: str = "",
        guarded: bool = False,
        shared: Sequence[SharedSession] = (),
    ) -> None:
        self.model = model
        self.week = week
        self.prefix = prefix
        self.guarded = guarded
        self.guards: dict[str, cp_model.IntVar] = {}
        self.terms: dict[str, cp_model.LinearExprT] = {}
        self.vars: list[CandidateVars] = [self._new_vars(c) for c in candidates(week)]
        for session in shared:  # one by one: each key is checked against those before it
            self.vars.append(self._shared_vars(session))
        self.shared_keys = frozenset(session.key for session in shared)
        self.buffer_slots = _ceil(week.buffer, week.grid)
        self._workouts_apart()
        self._snacks_clear_of_workouts()
        self._one_per_block_and_kind_day()

    # -- variables ---------------------------------------------------------------------------

    def _new_vars(self, cand: Candidate) -> CandidateVars:
        m, name = self.model, f"{self.prefix}{cand.key}"
        present = m.new_bool_var(f"{name}.present")
        domain = cp_model.Domain.from_intervals([list(r) for r in cand.starts])
        start = m.new_int_var_from_domain(domain, f"{name}.start")
        low, high = cand.slots
        pad = _ceil(self.week.buffer, self.week.grid) if cand.buffered else 0
        if low == high:
            end: cp_model.IntVar | cp_model.LinearExpr = start + low
            size: cp_model.IntVar | int = low
            footprint = m.new_optional_fixed_size_interval_var(
                start, low + pad, present, f"{name}.footprint"
            )
        else:
            size = m.new_int_var(low, high, f"{name}.size")
            end = m.new_int_var(*cand.ends, f"{name}.end")
            m.add(end == start + size)
            m.add(size == low).only_enforce_if(~present)
            footprint = m.new_optional_interval_var(
                start, size + pad, end + pad, present, f"{name}.footprint"
            )
        return CandidateVars(cand, present, start, end, size, footprint)

    def _shared_vars(self, session: SharedSession) -> CandidateVars:
        """This person's view of a shared session: a candidate over the caller's variables,
        with a footprint padded by this person's buffer, kept to where this person could
        hold it (``_in_free_time``)."""
        kind = self.week.rules.kinds.get(session.kind)
        if kind is None or kind.anchor != "free":
            raise ValueError(
                f"shared session {session.key!r}: kind {session.kind!r} is not a free-standing "
                "kind of this person's rules"
            )
        if not 0 <= session.day < self.week.days:
            raise ValueError(f"shared session {session.key!r}: day {session.day} is not planned")
        if any(v.cand.key == session.key for v in self.vars):
            raise ValueError(f"shared session {session.key!r}: the key is already in use")
        cand = Candidate(
            session.key,
            session.kind,
            session.day,
            (session.starts,),
            session.ends,
            session.slots,
            kind.buffer,
        )
        m, name, present = self.model, f"{self.prefix}{session.key}", session.present
        pad = _ceil(self.week.buffer, self.week.grid) if kind.buffer else 0
        if isinstance(session.size, int):
            footprint = m.new_optional_fixed_size_interval_var(
                session.start, session.size + pad, present, f"{name}.footprint"
            )
        else:
            footprint = m.new_optional_interval_var(
                session.start, session.size + pad, session.end + pad, present, f"{name}.footprint"
            )
        vars_ = CandidateVars(cand, present, session.start, session.end, session.size, footprint)
        self._in_free_time(vars_, (kind.duration_min[0], kind.duration_min[1]))
        return vars_

    def _in_free_time(self, v: CandidateVars, minutes: tuple[int, int]) -> None:
        """When present, a shared session lies in one of this person's free stretches of its
        day (window, busy time and buffer in exact minutes, rounded as for own candidates)
        and lasts as long as their rules allow; where it never could, it is absent."""
        grid, m = self.week.grid, self.model
        low, high = minutes[0] // grid, minutes[1] // grid
        window = self.week.windows[v.cand.day]
        pad = self.week.buffer if v.cand.buffered else 0
        first_start, last_start = v.cand.starts[0]
        lits = []
        if window is not None and v.cand.slots[0] <= high and low <= v.cand.slots[1]:
            length = max(low, v.cand.slots[0]) * grid
            for n, (first, last, end) in enumerate(
                free_stretches(window, self.week.busy, pad, length, grid)
            ):
                if first > last_start or last < first_start:
                    continue
                lit = m.new_bool_var(f"{self.prefix}{v.cand.key}.free{n}")
                m.add(v.start >= first).only_enforce_if(lit)
                m.add(v.end <= end).only_enforce_if(lit)
                lits.append(lit)
        if not lits:
            m.add(v.present == 0)
            return
        m.add_bool_or(lits).only_enforce_if(v.present)
        if not low <= v.cand.slots[0] <= v.cand.slots[1] <= high:
            m.add_linear_constraint(v.size, low, high).only_enforce_if(v.present)

    def _workouts_apart(self) -> None:
        """Workouts keep the buffer from each other: a no-overlap of their buffered
        footprints on each day, and pairwise where a day's window ends at midnight and the
        next one starts there. Busy time needs no interval here: each candidate's start and
        end range already lies in one free stretch, buffer kept, in exact minutes."""
        by_day = [
            [v for v in self.vars if v.cand.day == day and v.cand.buffered]
            for day in range(self.week.days)
        ]
        for day_vars in by_day:
            if len(day_vars) > 1:
                self.model.add_no_overlap([v.footprint for v in day_vars])
        for today, tomorrow in itertools.pairwise(by_day):
            for a, b in itertools.product(today, tomorrow):
                self._apart(a, b, self.buffer_slots)

    def _snacks_clear_of_workouts(self) -> None:
        """A snack needs no buffer from busy time, but stays out of a workout's buffer (on
        the same day or across midnight)."""
        pad = self.buffer_slots
        for snack in (v for v in self.vars if not v.cand.buffered):
            for other in self.vars:
                if other is snack or abs(other.cand.day - snack.cand.day) > 1:
                    continue
                if not other.cand.buffered:
                    if other.cand.key < snack.cand.key:
                        self._apart(snack, other, 0)
                    continue
                self._apart(snack, other, pad)

    def _one_per_block_and_kind_day(self) -> None:
        """At most one snack per study start, and one workout of a kind per day (its free
        stretches are separate candidates)."""
        groups: dict[object, list[cp_model.IntVar]] = {}
        for v in self.vars:
            group = v.cand.anchor if v.cand.anchor is not None else (v.cand.kind, v.cand.day)
            groups.setdefault(group, []).append(v.present)
        for lits in groups.values():
            if len(lits) > 1:
                self.model.add_at_most_one(lits)

    def _apart(self, a: CandidateVars, b: CandidateVars, gap: int) -> None:
        a_lo, a_hi = a.cand.starts[0][0], a.cand.ends[1]
        b_lo, b_hi = b.cand.starts[0][0], b.cand.ends[1]
        if a_hi + gap <= b_lo or b_hi + gap <= a_lo:
            return
        first = self.model.new_bool_var(f"{self.prefix}{a.cand.key}<{b.cand.key}")
        both = [a.present, b.present]
        self.model.add(a.end + gap <= b.start).only_enforce_if([*both, first])
        self.model.add(b.end + gap <= a.start).only_enforce_if([*both, ~first])

    # -- queries for the rule compilers -----------------------------------------------------

    def select(self, selector: Selector) -> list[CandidateVars]:
        kinds = set(self.week.rules.select(selector))
        return [v for v in self.vars if v.cand.kind in kinds]

    def of_kind(self, kind: str) -> list[CandidateVars]:
        return [v for v in self.vars if v.cand.kind == kind]

    def on_day(self, vars_: Iterable[CandidateVars], day: int) -> list[CandidateVars]:
        return [v for v in vars_ if v.cand.day == day]

    def day_uses(
        self, vars_: Iterable[CandidateVars], day: int, name: str
    ) -> cp_model.IntVar | None:
        """A Boolean that is true whenever one of the given sessions falls on the day (it may
        also be true without one; rules that reward it must bound it from above too)."""
        present = [v.present for v in self.on_day(vars_, day)]
        if not present:
            return None
        used = self.model.new_bool_var(f"{self.prefix}{name}")
        for lit in present:
            self.model.add_implication(lit, used)
        return used

    def hosts(self, session: Session, *, same_end: bool) -> list[CandidateVars]:
        """Candidates that can hold ``session`` (a previous plan's): same kind and day, its
        start in their domain, and with ``same_end`` its duration and end in their ranges."""
        grid = self.week.grid
        if session.start % grid or (same_end and session.end % grid):
            return []
        slot, size = session.start // grid, (session.end - session.start) // grid
        day = self.week.horizon.day_of(session.start)
        return [
            v
            for v in self.of_kind(session.kind)
            if v.cand.day == day
            and any(lo <= slot <= hi for lo, hi in v.cand.starts)
            and (
                not same_end
                or (
                    v.cand.slots[0] <= size <= v.cand.slots[1]
                    and v.cand.ends[0] <= slot + size <= v.cand.ends[1]
                )
            )
        ]

    def enforce(self, constraint: cp_model.Constraint, rule_id: str) -> None:
        """Put a hard constraint behind its rule's guard literal when the model is guarded."""
        if self.guarded:
            if rule_id not in self.guards:
                self.guards[rule_id] = self.model.new_bool_var(f"{self.prefix}guard.{rule_id}")
            constraint.only_enforce_if(self.guards[rule_id])

    def slot(self, minute: int, *, up: bool) -> int:
        return _ceil(minute, self.week.grid) if up else minute // self.week.grid

    # -- reading a solution -----------------------------------------------------------------

    def extract(self, solver: cp_model.CpSolver) -> tuple[Session, ...]:
        grid = self.week.grid
        sessions = [
            Session(
                kind=v.cand.kind,
                start=solver.value(v.start) * grid,
                end=solver.value(v.end) * grid,
                modality=self.week.modality(v.cand.kind),
                anchor=v.cand.anchor.summary if v.cand.anchor else None,
            )
            for v in self.vars
            if solver.boolean_value(v.present)
        ]
        return tuple(sorted(sessions, key=lambda s: (s.start, s.kind)))
