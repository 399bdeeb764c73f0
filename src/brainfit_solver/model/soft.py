"""Soft rules: one compile function per rule kind, each returning its raw score.

The raw score counts what the rule rewards (sessions near study, extra grid steps of zone 2,
active days...). The objective is the sum of ``weight × raw`` over the rules, with the sign
of ``rules.ruleset.sign`` for rules that take points away. Rewards are bounded from above by what
the plan really does, so the solver can never claim a bonus it did not earn; the checker
recomputes every raw score from the exported file all the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

from ..rules.ruleset import (
    ActiveDays,
    DislikedTimes,
    KindTable,
    LongerSessions,
    NearStudy,
    PreferredTimes,
    SessionBonus,
    Stability,
    TeamAttendance,
    sign,
)
from .person import CandidateVars, WeekModel

Raw = cp_model.LinearExprT

SOFT_RULES: KindTable[Callable[[WeekModel, Any], Raw]] = KindTable(
    "model.soft.SOFT_RULES", hard=False
)
"""Each soft rule kind compiled into a model, as its raw score (``rules.ruleset.KINDS``)."""


def _within(wm: WeekModel, v: CandidateVars, name: str, conditions: list[Any]) -> cp_model.IntVar:
    """A literal that, when true, makes the session present and all ``conditions`` hold."""
    lit = wm.model.new_bool_var(f"{wm.prefix}{v.cand.key}.{name}")
    wm.model.add_implication(lit, v.present)
    for condition in conditions:
        wm.model.add(condition).only_enforce_if(lit)
    return lit


def _any_of(wm: WeekModel, v: CandidateVars, name: str, options: list[cp_model.IntVar]) -> Raw:
    if not options:
        return 0
    if len(options) == 1:
        return options[0]
    lit = wm.model.new_bool_var(f"{wm.prefix}{v.cand.key}.{name}")
    wm.model.add_bool_or(options).only_enforce_if(lit)
    return lit


@SOFT_RULES.part("near_study")
def near_study(wm: WeekModel, rule: NearStudy) -> Raw:
    """Sessions ending shortly before, or starting shortly after, a study block."""
    # Each block's slots to end in (before it) and to start in (after it), worked out once
    # for all the candidates (a week has hundreds of candidate × block pairs).
    near = [
        (
            i,
            (wm.slot(block.start - rule.within_min, up=True), wm.slot(block.start, up=False)),
            (wm.slot(block.end, up=True), wm.slot(block.end + rule.within_min, up=False)),
        )
        for i, block in enumerate(wm.week.study)
    ]
    total: list[Raw] = []
    for v in wm.select(rule.applies_to):
        first_start, last_start = v.cand.starts[0][0], v.cand.starts[-1][1]
        first_end, last_end = first_start + v.cand.slots[0], last_start + v.cand.slots[1]
        options = []
        for i, (lo, hi), (after_lo, after_hi) in near:
            if lo <= hi and lo <= last_end and hi >= first_end:
                options.append(_within(wm, v, f"before_s{i}", [v.end >= lo, v.end <= hi]))
            if after_lo <= after_hi and after_lo <= last_start and after_hi >= first_start:
                options.append(
                    _within(wm, v, f"after_s{i}", [v.start >= after_lo, v.start <= after_hi])
                )
        total.append(_any_of(wm, v, rule.id, options))
    return sum(total)


@SOFT_RULES.part("longer_sessions")
def longer_sessions(wm: WeekModel, rule: LongerSessions) -> Raw:
    """Grid steps each session runs beyond its kind's minimum duration (a shared session's
    length is the team's, fixed, and may lie above that minimum)."""
    grid, kinds = wm.week.grid, wm.week.rules.kinds
    total: list[Raw] = []
    for v in wm.select(rule.applies_to):
        shortest = kinds[v.cand.kind].duration_min[0] // grid
        most = v.cand.slots[1] - shortest
        if most <= 0:
            continue
        if isinstance(v.size, int):  # a fixed length counts only when the session is there
            total.append(most * v.present)
        elif v.cand.key in wm.shared_keys:  # an absent shared session's size is not ours
            extra = wm.model.new_int_var(0, most, f"{wm.prefix}{v.cand.key}.longer")
            wm.model.add(extra <= v.size - shortest)
            wm.model.add(extra <= most * v.present)
            total.append(extra)
        else:  # own candidates keep their shortest size when absent (``WeekModel``)
            total.append(v.size - shortest)
    return sum(total)


@SOFT_RULES.part("session_bonus")
def session_bonus(wm: WeekModel, rule: SessionBonus) -> Raw:
    """Matching sessions planned."""
    return sum(v.present for v in wm.select(rule.applies_to))


@SOFT_RULES.part("preferred_times")
def preferred_times(wm: WeekModel, rule: PreferredTimes) -> Raw:
    """Sessions lying wholly inside a preferred time for their kind."""
    total: list[Raw] = []
    for v in wm.select(rule.applies_to):
        spans = wm.week.preferred.get(v.cand.kind, ())
        options = [
            _within(
                wm,
                v,
                f"preferred{i}",
                [v.start >= wm.slot(span.start, up=True), v.end <= wm.slot(span.end, up=False)],
            )
            for i, span in enumerate(spans[v.cand.day] if spans else ())
        ]
        total.append(_any_of(wm, v, rule.id, options))
    return sum(total)


@SOFT_RULES.part("disliked_times")
def disliked_times(wm: WeekModel, rule: DislikedTimes) -> Raw:
    """Sessions touching a disliked time for their kind (a penalty)."""
    total: list[Raw] = []
    m = wm.model
    for v in wm.select(rule.applies_to):
        spans = wm.week.disliked.get(v.cand.kind, ())
        if not spans or not spans[v.cand.day]:
            continue
        bad = m.new_bool_var(f"{wm.prefix}{v.cand.key}.{rule.id}")
        for i, span in enumerate(spans[v.cand.day]):
            before = m.new_bool_var(f"{wm.prefix}{v.cand.key}.clear_before{i}")
            after = m.new_bool_var(f"{wm.prefix}{v.cand.key}.clear_after{i}")
            m.add(v.end <= wm.slot(span.start, up=False)).only_enforce_if(before)
            m.add(v.start >= wm.slot(span.end, up=True)).only_enforce_if(after)
            m.add_bool_or([~v.present, before, after, bad])
        total.append(bad)
    return sum(total)


@SOFT_RULES.part("active_days")
def active_days(wm: WeekModel, rule: ActiveDays) -> Raw:
    """Days holding at least one matching session."""
    matching = wm.select(rule.applies_to)
    total: list[Raw] = []
    for day in range(wm.week.days):
        present = [v.present for v in wm.on_day(matching, day)]
        if present:
            used = wm.model.new_bool_var(f"{wm.prefix}{rule.id}.d{day}")
            wm.model.add_bool_or(present).only_enforce_if(used)
            total.append(used)
    return sum(total)


@SOFT_RULES.part("stability")
def stability(wm: WeekModel, rule: Stability) -> Raw:
    """Sessions of the previous plan kept: same kind, same start (``brainfit plan --previous``).

    One literal per (previous session, candidate that could start there); it forces the
    candidate present at that start, so the count never exceeds what the plan keeps.
    """
    total: list[Raw] = []
    kinds = set(wm.week.rules.select(rule.applies_to))
    for i, old in enumerate(wm.week.previous):
        if old.kind not in kinds:
            continue
        for v in wm.hosts(old, same_end=False):
            lit = wm.model.new_bool_var(f"{wm.prefix}{v.cand.key}.{rule.id}{i}")
            wm.model.add_implication(lit, v.present)
            wm.model.add(v.start == old.start // wm.week.grid).only_enforce_if(lit)
            total.append(lit)
    return sum(total)


def add_soft_rules(wm: WeekModel) -> cp_model.LinearExprT:
    """Compile every soft rule into ``wm.terms`` and return the weighted objective."""
    objective: list[Raw] = []
    for rule in wm.week.rules.soft:
        raw = SOFT_RULES[rule.kind](wm, rule)
        wm.terms[rule.id] = raw
        if rule.weight:
            objective.append(sign(rule) * rule.weight * raw)
    return sum(objective)


@SOFT_RULES.part("team_attendance")
def team_attendance(wm: WeekModel, rule: TeamAttendance) -> Raw:
    """Shared team sessions (``WeekModel(..., shared=...)``) this person attends."""
    return sum(v.present for v in wm.select(rule.applies_to) if v.cand.key in wm.shared_keys)
