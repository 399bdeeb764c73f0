"""Hard rules: one compile function per rule kind, each adding constraints to a WeekModel.

The weekly count of each session kind is a hard rule too (guarded as ``<kind>_per_week``).
The daily window, the buffer and "no overlap with anything busy" are built into the model's
variables (see ``model.person``), since they shape where a session can be at all.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from ..core.domain import Commitment
from ..rules.ruleset import KindTable, MaxPerDay, NotOnConsecutiveDays, RestAfter
from .person import CandidateVars, WeekModel
from .week import Week


def weekly_counts(wm: WeekModel) -> None:
    """Each kind appears between ``per_week.min`` and ``per_week.max`` times in the week."""
    for kind_id, kind in wm.week.rules.kinds.items():
        present = [v.present for v in wm.of_kind(kind_id)]
        if kind.per_week.max < len(present):
            wm.model.add(sum(present) <= kind.per_week.max)
        if kind.per_week.min > 0:
            wm.enforce(wm.model.add(sum(present) >= kind.per_week.min), f"{kind_id}_per_week")


HARD_RULES: KindTable[Callable[[WeekModel, Any], None]] = KindTable(
    "model.hard.HARD_RULES", hard=True
)
"""Each hard rule kind compiled into a model (``rules.ruleset.KINDS`` says what the kinds are)."""


@HARD_RULES.part("max_per_day")
def max_per_day(wm: WeekModel, rule: MaxPerDay) -> None:
    """At most ``rule.max`` matching sessions on any one day."""
    matching = wm.select(rule.applies_to)
    for day in range(wm.week.days):
        present = [v.present for v in wm.on_day(matching, day)]
        if len(present) > rule.max:
            wm.enforce(wm.model.add(sum(present) <= rule.max), rule.id)


@HARD_RULES.part("not_on_consecutive_days")
def not_on_consecutive_days(wm: WeekModel, rule: NotOnConsecutiveDays) -> None:
    """No two consecutive days both hold a matching session, the day before the week
    included: after an earlier plan's matching session there (``Week.earlier``), the first
    day holds none."""
    matching = wm.select(rule.applies_to)
    used = [wm.day_uses(matching, day, f"{rule.id}.d{day}") for day in range(wm.week.days)]
    for today, tomorrow in itertools.pairwise(used):
        if today is not None and tomorrow is not None:
            wm.enforce(wm.model.add(today + tomorrow <= 1), rule.id)
    kinds = set(wm.week.rules.select(rule.applies_to))
    if used[0] is not None and any(k in kinds and d == -1 for k, d in wm.week.earlier):
        wm.enforce(wm.model.add(used[0] == 0), rule.id)


@dataclass(frozen=True)
class Rest:
    """The rest after one busy event: no matching session starts in [start, end) minutes."""

    after: Commitment
    overnight: bool
    start: int
    end: int


def rests(week: Week, rule: RestAfter) -> list[Rest]:
    """The rest periods ``rule`` asks for this week, in time order (constraints/README.md,
    "Rest after long or overnight commitments"): after each busy event of the week that
    holds a local midnight (starts before one and ends after it; an event running into
    Monday from the Sunday before does), ``after_overnight_min``; after each lasting more
    than ``long_block_min``, ``after_long_min``; the longer when both apply."""
    horizon = week.horizon
    midnights = [horizon.day_span(day)[0] for day in range(week.days)] + [horizon.minutes]
    found = []
    for c in week.commitments:
        began = c.start if c.began is None else c.began
        overnight = any(began < m < c.end for m in midnights)
        rest = max(
            rule.after_overnight_min if overnight else 0,
            rule.after_long_min if c.end - began > rule.long_block_min else 0,
        )
        if rest > 0 and c.end < horizon.minutes:
            found.append(Rest(c, overnight, c.end, c.end + rest))
    return sorted(found, key=lambda r: (r.start, r.end, r.after.summary))


def _rest_starts(wm: WeekModel, rule: RestAfter) -> list[tuple[CandidateVars, int, int]]:
    """(candidate, lo, hi): a matching candidate that could start in a rest period, whose
    start slot must then avoid [lo, hi)."""
    found = []
    for rest in rests(wm.week, rule):
        lo, hi = wm.slot(rest.start, up=True), wm.slot(rest.end, up=True)
        for v in wm.select(rule.applies_to):
            if v.cand.starts[0][0] < hi and lo <= v.cand.starts[-1][1]:
                found.append((v, lo, hi))
    return found


def _outside(
    wm: WeekModel, v: CandidateVars, lo: int, hi: int, unless: list[cp_model.IntVar]
) -> list[cp_model.Constraint]:
    """Constraints keeping ``v``'s start out of [lo, hi) when it is present (and none of
    ``unless`` holds): before ``lo`` or from ``hi`` on, whichever its domain allows."""
    before, after = v.cand.starts[0][0] < lo, v.cand.starts[-1][1] >= hi
    when = [v.present, *(~u for u in unless)]
    if not before and not after:
        return [wm.model.add_bool_or([~lit for lit in when])]
    found: list[tuple[cp_model.Constraint, list[Any]]] = []
    if before and after:
        side = wm.model.new_bool_var(f"{wm.prefix}{v.cand.key}.rest{lo}")
        found += [(wm.model.add(v.start >= hi), [side]), (wm.model.add(v.start <= lo - 1), [~side])]
    elif after:
        found.append((wm.model.add(v.start >= hi), []))
    else:
        found.append((wm.model.add(v.start <= lo - 1), []))
    for constraint, side_lits in found:
        constraint.only_enforce_if([*when, *side_lits])
    return [constraint for constraint, _ in found]


@HARD_RULES.part("rest_after")
def rest_after(wm: WeekModel, rule: RestAfter) -> None:
    """No matching session starts inside the rest after a long or overnight busy event."""
    for v, lo, hi in _rest_starts(wm, rule):
        for constraint in _outside(wm, v, lo, hi, []):
            wm.enforce(constraint, rule.id)


def keep_past(wm: WeekModel) -> None:
    """Re-planning: sessions of the previous plan that had started by "now" stay exactly as
    they were, and no other session starts before now (guarded as ``keep_past``)."""
    hosting: dict[str, list[Any]] = {}
    for i, old in enumerate(wm.week.pinned):
        lits = []
        for v in wm.hosts(old, same_end=True):
            lit = wm.model.new_bool_var(f"{wm.prefix}{v.cand.key}.pinned{i}")
            wm.model.add_implication(lit, v.present)
            wm.model.add(v.start == old.start // wm.week.grid).only_enforce_if(lit)
            wm.model.add(v.end == old.end // wm.week.grid).only_enforce_if(lit)
            hosting.setdefault(v.cand.key, []).append(lit)
            lits.append(lit)
        wm.enforce(wm.model.add_bool_or(lits), "keep_past")
    if wm.week.not_before is None or wm.week.not_before <= 0:
        return
    first = wm.slot(wm.week.not_before, up=True)
    for v in wm.vars:
        if v.cand.starts[0][0] >= first:
            continue
        unless = [~lit for lit in hosting.get(v.cand.key, [])]
        later = wm.model.add(v.start >= first)
        later.only_enforce_if([v.present, *unless])
        wm.enforce(later, "keep_past")


def add_hard_rules(wm: WeekModel) -> None:
    weekly_counts(wm)
    if wm.week.pinned or wm.week.not_before is not None:
        keep_past(wm)
    for rule in wm.week.rules.hard:
        HARD_RULES[rule.kind](wm, rule)


# -- the counted form, for planning that breaks rules as little as possible (--relax soft) --
#
# Each returns how often its rule is broken, as an expression the solver can minimise,
# instead of forbidding it: ``explain.impossible.solve_relaxed`` weights these by the rules'
# priorities.

COUNTED_RULES: KindTable[Callable[[WeekModel, Any], cp_model.LinearExprT]] = KindTable(
    "model.hard.COUNTED_RULES", hard=True
)
"""Each hard rule kind compiled in its counted form: how often a plan breaks it."""


def weekly_shortfalls(wm: WeekModel) -> dict[str, cp_model.LinearExprT]:
    """Weekly counts with each minimum counted rather than required: per ``<kind>_per_week``,
    how many sessions the week is short of it (the maximum stays a hard limit)."""
    short: dict[str, cp_model.LinearExprT] = {}
    for kind_id, kind in wm.week.rules.kinds.items():
        present = [v.present for v in wm.of_kind(kind_id)]
        if kind.per_week.max < len(present):
            wm.model.add(sum(present) <= kind.per_week.max)
        if kind.per_week.min > 0:
            name = f"{kind_id}_per_week"
            gap = wm.model.new_int_var(0, kind.per_week.min, f"{wm.prefix}{name}.short")
            wm.model.add(sum(present) + gap >= kind.per_week.min)
            short[name] = gap
    return short


@COUNTED_RULES.part("max_per_day")
def sessions_over_max_per_day(wm: WeekModel, rule: MaxPerDay) -> cp_model.LinearExprT:
    """How many matching sessions the week holds beyond ``rule.max`` on their days."""
    matching = wm.select(rule.applies_to)
    over: list[cp_model.IntVar] = []
    for day in range(wm.week.days):
        present = [v.present for v in wm.on_day(matching, day)]
        if len(present) > rule.max:
            extra = wm.model.new_int_var(0, len(present) - rule.max, f"{wm.prefix}{rule.id}.d{day}")
            wm.model.add(sum(present) - extra <= rule.max)
            over.append(extra)
    return sum(over)


@COUNTED_RULES.part("not_on_consecutive_days")
def consecutive_day_pairs(wm: WeekModel, rule: NotOnConsecutiveDays) -> cp_model.LinearExprT:
    """How many pairs of consecutive days both hold a matching session."""
    matching = wm.select(rule.applies_to)
    used = [wm.day_uses(matching, day, f"{rule.id}.d{day}") for day in range(wm.week.days)]
    pairs: list[cp_model.IntVar] = []
    for day, (today, tomorrow) in enumerate(itertools.pairwise(used)):
        if today is not None and tomorrow is not None:
            both = wm.model.new_bool_var(f"{wm.prefix}{rule.id}.pair{day}")
            wm.model.add(today + tomorrow <= 1 + both)
            pairs.append(both)
    return sum(pairs)


@COUNTED_RULES.part("rest_after")
def sessions_inside_rest(wm: WeekModel, rule: RestAfter) -> cp_model.LinearExprT:
    """How many matching sessions start inside the rest after a long or overnight event."""
    inside: dict[str, cp_model.IntVar] = {}
    for v, lo, hi in _rest_starts(wm, rule):
        key = v.cand.key
        if key not in inside:
            inside[key] = wm.model.new_bool_var(f"{wm.prefix}{rule.id}.{key}")
        _outside(wm, v, lo, hi, [inside[key]])
    return sum(inside.values())


def add_counted_hard_rules(wm: WeekModel) -> dict[str, cp_model.LinearExprT]:
    """Every hard rule and weekly minimum in its counted form: rule id -> how often it is
    broken. Re-planning's ``keep_past`` has no count of its own: it stays behind its guard
    (``wm`` must be guarded) and counts 1 when the guard is off."""
    broken = weekly_shortfalls(wm)
    if wm.week.pinned or wm.week.not_before is not None:
        keep_past(wm)
    for rule in wm.week.rules.hard:
        broken[rule.id] = COUNTED_RULES[rule.kind](wm, rule)
    for name, guard in wm.guards.items():
        broken[name] = 1 - guard
    return broken
