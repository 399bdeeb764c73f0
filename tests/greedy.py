"""A greedy baseline week, to show the solver's optimum is never beaten by a simple placement.

Required sessions first, kind by kind in rule-file order, each at the earliest start that
keeps every hard rule; then optional ones, each at its earliest fitting start and kept only
if the checker's score rises. The week is scored by the checker itself (``check_plan``), so
the comparison shares no scoring code with the model.

The greedy stays inside the model's own feasible set, so that "solver >= greedy" is a fair
claim: starts on the rule set's grid, busy time rounded outwards to the grid and the buffer
rounded up to it (as ``model`` does), and at most one snack per study block.
"""

from __future__ import annotations

from dataclasses import dataclass

from brainfit_solver import api
from brainfit_solver.check.checker import CheckReport, PlannedEvent, check_plan
from brainfit_solver.model.hard import rests
from brainfit_solver.model.week import Span
from brainfit_solver.rules.ruleset import RestAfter, SessionKind


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


@dataclass(frozen=True)
class Placed:
    kind: str
    day: int
    start: int
    end: int
    buffered: bool
    block: int | None  # index of the study block a snack leads into


class Greedy:
    """Places sessions one at a time on a Week (minutes of the horizon)."""

    def __init__(self, inputs: api.Inputs) -> None:
        self.inputs = inputs
        self.week = week = inputs.week
        self.grid = week.grid
        self.pad = _ceil(week.buffer, self.grid) * self.grid
        self.busy_grid = [
            Span(b.start // self.grid * self.grid, _ceil(b.end, self.grid) * self.grid)
            for b in week.busy
        ]
        self.placed: list[Placed] = []
        self.busy = api.busy_time(inputs)  # the checker's own reading, made once

    # -- hard rules ----------------------------------------------------------------------------

    def fits(self, new: Placed) -> bool:
        rules, kind = self.week.rules, self.week.rules.kinds[new.kind]
        window = self.week.windows[new.day]
        if window is None or new.start < window.start or new.end > window.end:
            return False
        if new.buffered:
            pad = self.pad
            if any(b.start < new.end + pad and new.start - pad < b.end for b in self.busy_grid):
                return False
        elif any(b.start < new.end and new.start < b.end for b in self.week.busy):
            return False
        for old in self.placed:
            gap = self.pad if (old.buffered or new.buffered) else 0
            if old.start < new.end + gap and new.start < old.end + gap:
                return False
            if new.block is not None and old.block == new.block:
                return False
        same_kind = [p for p in self.placed if p.kind == new.kind]
        if len(same_kind) >= kind.per_week.max:
            return False
        if kind.anchor == "free" and sum(p.day == new.day for p in same_kind) >= kind.per_day_max:
            return False
        for rule in rules.hard:
            matching = set(rules.select(rule.applies_to))
            if new.kind not in matching:
                continue
            days = [p.day for p in self.placed if p.kind in matching]
            if rule.kind == "max_per_day" and days.count(new.day) >= rule.max:
                return False
            if rule.kind == "not_on_consecutive_days" and (
                new.day - 1 in days or new.day + 1 in days
            ):
                return False
            if isinstance(rule, RestAfter) and any(
                r.start <= new.start < r.end for r in rests(self.week, rule)
            ):
                return False
        return True

    # -- where a session could go ---------------------------------------------------------------

    def options(self, kind_id: str) -> list[Placed]:
        """Every placement of one session at its shortest, earliest first."""
        kind: SessionKind = self.week.rules.kinds[kind_id]
        length, grid = kind.duration_min[0], self.grid
        found: list[Placed] = []
        for day, window in enumerate(self.week.windows):
            if window is None:
                continue
            if kind.anchor == "free":
                first = _ceil(window.start, grid) * grid
                found += [
                    Placed(kind_id, day, start, start + length, kind.buffer, None)
                    for start in range(first, window.end - length + 1, grid)
                ]
                continue
            for index, block in enumerate(self.week.study):
                if not window.start < block.start <= window.end:
                    continue
                lo = _ceil(block.start - kind.lead_max_min - length, grid) * grid
                hi = (block.start - length) // grid * grid
                found += [
                    Placed(kind_id, day, start, start + length, False, index)
                    for start in range(lo, hi + 1, grid)
                ]
        return sorted(found, key=lambda p: (p.start, p.day))

    def first_fit(self, kind_id: str) -> Placed | None:
        return next((o for o in self.options(kind_id) if self.fits(o)), None)

    def place(self, kind_id: str) -> bool:
        option = self.first_fit(kind_id)
        if option is not None:
            self.placed.append(option)
        return option is not None

    # -- the week ------------------------------------------------------------------------------

    def events(self, placed: list[Placed] | None = None) -> list[PlannedEvent]:
        horizon = self.inputs.horizon
        return [
            PlannedEvent(
                f"greedy{i}",
                p.kind,
                horizon.to_datetime(p.start),
                horizon.to_datetime(p.end),
                p.kind,
            )
            for i, p in enumerate(placed if placed is not None else self.placed)
        ]

    def score(self, placed: list[Placed] | None = None) -> CheckReport:
        inputs = self.inputs
        return check_plan(
            self.events(placed),
            profile=inputs.profile,
            rules=inputs.rules,
            busy=self.busy,
            horizon=inputs.horizon,
        )


def greedy_week(inputs: api.Inputs) -> CheckReport | None:
    """The greedy week as the checker sees it, or None when greedy cannot meet the minimums."""
    greedy = Greedy(inputs)
    kinds = inputs.rules.kinds
    for kind_id, kind in kinds.items():
        for _ in range(kind.per_week.min):
            if not greedy.place(kind_id):
                return None
    best = greedy.score()
    for kind_id in kinds:
        while (option := greedy.first_fit(kind_id)) is not None:
            trial = greedy.score([*greedy.placed, option])
            if not (trial.ok and trial.objective > best.objective):
                break
            greedy.placed.append(option)
            best = trial
    return best
