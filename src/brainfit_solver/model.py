"""The CP-SAT model of one person's week.

Time inside the model is counted in grid slots of ``meta.granularity_min`` minutes from the
horizon start; busy time is rounded outwards to whole slots, so a plan that fits the model
fits the real calendar (the checker verifies it in exact minutes).

Candidate sessions are indexed by (kind, day, free stretch) for free-standing workouts and
by (kind, study block) for snacks, never numbered "zone 2 #1..#n": numbered copies of
identical sessions are symmetric, and the solver would spend its time proving the same week
in every order. Each candidate is an optional interval whose start domain is the free
stretch where it fits at its shortest (at most one candidate of a kind per day is present);
a per-day no-overlap with the busy time keeps longer variable-length sessions in one piece.
One candidate per free stretch rather than per day gives each start variable tight bounds,
so the LP relaxation (which sees only bounds, not holes in a domain) prices "near a study
block" or "inside a preferred time" correctly. On 270 generated weeks (three kinds of
profile) that proved weeks optimal 1.1-1.8x faster at the median and 1.5-3.7x on the
slowest, with the same optimum on every week.

``WeekModel`` wraps the variables behind query methods, so the rule compilers in ``hard``
and ``soft`` (one function per rule kind) and a future team or multi-week model can hold
several weeks in one ``CpModel`` under different name prefixes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .domain import Commitment, Session
from .rules import Selector
from .week import Span, Week


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


@dataclass(frozen=True)
class Candidate:
    """A session that may or may not be planned: its kind, day and where it may start."""

    key: str
    kind: str
    day: int
    starts: tuple[tuple[int, int], ...]  # allowed start slots, as closed ranges
    slots: tuple[int, int]  # duration range in slots
    window: tuple[int, int]  # the day's window in slots [lo, hi]
    buffered: bool
    anchor: Commitment | None = None


@dataclass
class CandidateVars:
    cand: Candidate
    present: cp_model.IntVar
    start: cp_model.IntVar
    end: cp_model.IntVar | cp_model.LinearExpr
    size: cp_model.IntVar | int
    footprint: cp_model.IntervalVar  # [start, end + buffer) for buffered kinds, else [start, end)


def free_starts(
    window: Span, busy: Iterable[Span], pad: int, length: int, grid: int
) -> tuple[tuple[int, int], ...]:
    """Start slots where [start - pad, start + length + pad) avoids busy time and the session
    itself [start, start + length) stays inside the window; all arguments in minutes."""
    blocked = sorted(
        (max(window.start, b.start - pad), min(window.end, b.end + pad))
        for b in busy
        if b.end + pad > window.start and b.start - pad < window.end
    )
    ranges: list[tuple[int, int]] = []
    cursor = window.start
    for lo, hi in [*blocked, (window.end, window.end)]:
        if lo > cursor:
            first = _ceil(cursor, grid)
            last = (lo - length) // grid
            if first <= last:
                ranges.append((first, last))
        cursor = max(cursor, hi)
    return tuple(ranges)


def _clip(ranges: Iterable[tuple[int, int]], lo: int, hi: int) -> tuple[tuple[int, int], ...]:
    out = [(max(a, lo), min(b, hi)) for a, b in ranges]
    return tuple((a, b) for a, b in out if a <= b)


def candidates(week: Week) -> list[Candidate]:
    """Every session the week could hold, with start domains cut down to where it fits."""
    grid = week.grid
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
            win = (_ceil(window.start, grid), window.end // grid)
            if kind.anchor == "free":
                stretches = free_starts(window, week.busy, pad, low, grid)
                found += [
                    Candidate(
                        f"{kind_id}@d{day}.{n}", kind_id, day, (starts,), slots, win, kind.buffer
                    )
                    for n, starts in enumerate(stretches)
                ]
                continue
            for index, block in enumerate(week.study):
                if not window.start < block.start <= window.end:
                    continue
                lo = _ceil(block.start - kind.lead_max_min - low, grid)
                hi = (block.start - low) // grid
                starts = _clip(free_starts(window, week.busy, 0, low, grid), lo, hi)
                if starts:
                    found.append(
                        Candidate(
                            f"{kind_id}@s{index}", kind_id, day, starts, slots, win, False, block
                        )
                    )
    return found


class WeekModel:
    """One person's week inside a CpModel: candidates, guards and objective terms.

    ``guarded=True`` puts each hard rule (and each kind's weekly minimum) behind a named
    Boolean, passed as an assumption when the week is infeasible so the conflict can be
    named; otherwise the rules are plain constraints, which solves faster.
    """

    def __init__(
        self, model: cp_model.CpModel, week: Week, *, prefix: str = "", guarded: bool = False
    ) -> None:
        self.model = model
        self.week = week
        self.prefix = prefix
        self.guarded = guarded
        self.guards: dict[str, cp_model.IntVar] = {}
        self.terms: dict[str, cp_model.LinearExprT] = {}
        self.vars: list[CandidateVars] = [self._new_vars(c) for c in candidates(week)]
        self.buffer_slots = _ceil(week.buffer, week.grid)
        self._day_no_overlap()
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
            end = m.new_int_var(cand.starts[0][0] + low, cand.window[1], f"{name}.end")
            m.add(end == start + size)
            m.add(size == low).only_enforce_if(~present)
            footprint = m.new_optional_interval_var(
                start, size + pad, end + pad, present, f"{name}.footprint"
            )
        m.add(end <= cand.window[1]).only_enforce_if(present)
        return CandidateVars(cand, present, start, end, size, footprint)

    def _day_no_overlap(self) -> None:
        """Workouts keep the buffer from busy time and from each other, in one piece."""
        grid, pad = self.week.grid, self.buffer_slots
        for day in range(self.week.days):
            day_vars = [v for v in self.vars if v.cand.day == day and v.cand.buffered]
            if not day_vars:
                continue
            win = day_vars[0].cand.window
            busy = [
                (b.start // grid, _ceil(b.end, grid))
                for b in self.week.busy
                if _ceil(b.end, grid) + pad > win[0] and b.start // grid - pad < win[1]
            ]
            fixed = [
                self.model.new_fixed_size_interval_var(lo, hi - lo + pad, f"{self.prefix}busy")
                for lo, hi in _merge_slots(busy, pad)
            ]
            if len(day_vars) + len(fixed) > 1:
                self.model.add_no_overlap([v.footprint for v in day_vars] + fixed)

    def _snacks_clear_of_workouts(self) -> None:
        """A snack needs no buffer from busy time, but stays out of a workout's buffer."""
        pad = self.buffer_slots
        for snack in (v for v in self.vars if not v.cand.buffered):
            for other in self.vars:
                if other is snack or other.cand.day != snack.cand.day:
                    continue
                if not other.cand.buffered:
                    if other.cand.key < snack.cand.key:
                        self._apart(snack, other, 0)
                    continue
                self._apart(snack, other, pad)

    def _one_per_block_and_kind_day(self) -> None:
        """At most one snack per study block, and one workout of a kind per day (its free
        stretches are separate candidates)."""
        groups: dict[object, list[cp_model.IntVar]] = {}
        for v in self.vars:
            group = v.cand.anchor if v.cand.anchor is not None else (v.cand.kind, v.cand.day)
            groups.setdefault(group, []).append(v.present)
        for lits in groups.values():
            if len(lits) > 1:
                self.model.add_at_most_one(lits)

    def _apart(self, a: CandidateVars, b: CandidateVars, gap: int) -> None:
        a_lo, a_hi = a.cand.starts[0][0], a.cand.starts[-1][1] + a.cand.slots[1]
        b_lo, b_hi = b.cand.starts[0][0], b.cand.starts[-1][1] + b.cand.slots[1]
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
        start in their domain, and with ``same_end`` its duration in their range too."""
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
            and (not same_end or v.cand.slots[0] <= size <= v.cand.slots[1])
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


def _merge_slots(spans: list[tuple[int, int]], pad: int) -> list[tuple[int, int]]:
    """Join busy spans closer than the buffer: no session fits between them, and a
    no-overlap constraint needs its fixed intervals (with their trailing buffer) disjoint."""
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if merged and lo < merged[-1][1] + pad:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged
