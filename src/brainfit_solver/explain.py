"""Why a week cannot be planned: a minimal set of conflicting rules, said in words.

Each hard rule and each kind's weekly minimum sits behind a guard literal; CP-SAT's
``sufficient_assumptions_for_infeasibility`` returns a set of guards that cannot all hold,
not always a minimal one, so it is shrunk by a deletion filter: drop one rule, re-solve, and
keep the rule out if the rest still conflict. What remains is minimal: every rule in it is
needed for the conflict.
"""

from __future__ import annotations

from collections.abc import Sequence

from ortools.sat.python import cp_model

from .errors import InfeasibleError
from .model import candidates
from .solve import SolverOptions, build_model, make_solver
from .week import Week

_DAY = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _feasible(week: Week, guards: Sequence[str], options: SolverOptions) -> bool | None:
    """Whether the week is feasible with only ``guards`` enforced (None: undecided)."""
    model, wm = build_model(week, guarded=True, objective=False)
    active = set(guards)
    model.add_assumptions([lit for name, lit in wm.guards.items() if name in active])
    solver = make_solver(options)
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return False
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    return None


def minimal_conflict(week: Week, options: SolverOptions | None = None) -> list[str]:
    """A minimal set of rule ids that cannot hold together this week ([] if feasible)."""
    options = options or SolverOptions()
    model, wm = build_model(week, guarded=True, objective=False)
    model.add_assumptions(list(wm.guards.values()))
    solver = make_solver(options)
    if solver.solve(model) != cp_model.INFEASIBLE:
        return []
    by_index = {lit.index: name for name, lit in wm.guards.items()}
    core = sorted(by_index[i] for i in solver.sufficient_assumptions_for_infeasibility())
    for name in list(core):
        trial = [n for n in core if n != name]
        if _feasible(week, trial, options) is False:
            core = trial
    return core


def describe_rule(week: Week, rule_id: str) -> str:
    """One sentence on what a rule demands, with this week's numbers where they help."""
    kinds = week.rules.kinds
    if rule_id.endswith("_per_week") and rule_id.removesuffix("_per_week") in kinds:
        kind_id = rule_id.removesuffix("_per_week")
        kind = kinds[kind_id]
        low = kind.duration_min[0]
        days = sorted({c.day for c in candidates(week) if c.kind == kind_id})
        where = ", ".join(_DAY[week.horizon.date(d).weekday()] for d in days) or "no day"
        pad = f" plus {week.buffer}-min buffers" if kind.buffer and week.buffer else ""
        return (
            f"{rule_id}: {kind.title} needs {kind.per_week.min} session(s) of at least "
            f"{low} min in one piece{pad}, at most one a day; this week such room exists on "
            f"{where}"
        )
    for rule in week.rules.hard:
        if rule.id == rule_id:
            return f"{rule_id}: {rule.description}"
    return rule_id


def explain_infeasible(week: Week, options: SolverOptions | None = None) -> InfeasibleError:
    """The error a user sees when the week cannot hold every hard rule."""
    conflict = minimal_conflict(week, options)
    reasons = [describe_rule(week, name) for name in conflict]
    names = ", ".join(conflict) or "the weekly minimums"
    return InfeasibleError(
        f"the rules cannot all hold in {week.horizon.label}: {names} conflict. "
        + " ".join(r.rstrip(".") + "." for r in reasons),
        conflict=conflict,
        reasons=reasons,
        fix=(
            "Relax one of them: lower a weekly minimum or shorten a duration in the rule file, "
            "widen the daily window or shrink the buffer in the profile, or free time in the "
            "calendar"
        ),
    )
