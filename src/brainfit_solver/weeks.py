"""Several consecutive weeks, planned exactly: one solve per week, joined by a dynamic program.

The rules hold per ISO week (weekly counts, per-day limits, soft scores), so the weeks share
nothing but the days at their seams: every ``not_on_consecutive_days`` hard rule must also
hold between the last day (Sunday) of week k and the first day (Monday) of week k+1. Nothing
else couples them, and the objective is the sum of the weekly objectives.

**Exactness.** Let R be the set of those rules. For week k and sets A, B ⊆ R let
V_k(A, B) be the best objective of week k alone when only rules in A may have a matching
session on its first day and only rules in B on its last day (−∞ if impossible). Then

    OPT = max over B_1, …, B_{n-1} ⊆ R of  Σ_k V_k(R \\ B_{k-1}, B_k)   (B_0 = B_n = R).

(≤) Take an optimal joint plan and let B_k be the rules with a matching session on week k's
last day; the seam rules make week k+1's first-day rules disjoint from B_k, so they lie in
R \\ B_k, week k of the plan is feasible for its variant, and each V_k is at least its score.
(≥) Plans reaching each V_k put together keep every rule inside each week (each is a valid
week) and at each seam (week k+1 uses only rules outside B_k on its first day, week k only
rules in B_k on its last day): a feasible joint plan worth the sum. Choosing A_{k+1} smaller
than R \\ B_k can only lower V_{k+1} (V is monotone in A and B), so this partition of R at
every seam covers all cases. The dynamic program over the seams' states B_k (2^|R| states:
two for the default rules) finds the maximum exactly.

**Fewer solves.** Most V_k(A, B) are never needed. Each week is first solved without
restriction, V_k(R, R), an upper bound on every variant of that week. A solved variant
(A, B) whose plan uses rules F on the first day and L on the last day also settles every
variant (A', B') with F ⊆ A' ⊆ A and L ⊆ B' ⊆ B: its plan is feasible there and nothing
better is. The program is run with exact values where known and upper bounds elsewhere; if
the best path uses only exact values it is optimal (every other path is worth at most its
bounds); otherwise the unknown variants on the path are solved and it runs again. When the
unrestricted weeks already agree at every seam (the usual case: high-intensity days rarely
meet at a Sunday-Monday seam) this is n solves, one per week. Solves within a round are
independent and go through ``solver.parallel.solve_many`` on whatever executor the caller passes
(worker processes, a cluster); by default they run in this process, since on these weeks
(about 50 ms each) two worker processes were measured slower than one
(``benchmarks/bench_multiweek.py``).

``solve_joint`` builds the same problem as one CP-SAT model (a ``WeekModel`` per week under
its own name prefix, plus the seam constraints): used by the tests as a cross-check and by
``benchmarks/bench_multiweek.py`` for the comparison.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial

from ortools.sat.python import cp_model

from .core.domain import Plan, SolverOptions
from .core.errors import InfeasibleError
from .model.hard import add_hard_rules
from .model.person import WeekModel
from .model.soft import add_soft_rules
from .model.week import Week
from .rules.ruleset import NotOnConsecutiveDays
from .solver.parallel import InProcessExecutor, solve_many
from .solver.solve import build_model, read_solution, run, status_name

Rules = frozenset[str]


@dataclass(frozen=True)
class WeeksPlan:
    """Consecutive weeks' plans with the verdict on the whole: the objective is their sum."""

    plans: tuple[Plan, ...]
    status: str  # OPTIMAL (proven for the whole horizon) or FEASIBLE
    objective: int
    bound: int
    solves: int  # week models solved (the joint model counts as one)
    solve_seconds: float


@dataclass(frozen=True)
class _Variant:
    """Which seam rules may have a matching session on the week's first and last day."""

    first: Rules
    last: Rules

    def within(self, other: _Variant) -> bool:
        return self.first <= other.first and self.last <= other.last


@dataclass(frozen=True)
class _Solved:
    """One solved variant of one week: its plan (None: infeasible) and the seam rules the
    plan really uses on its first and last day."""

    variant: _Variant
    plan: Plan | None
    used: _Variant

    @property
    def value(self) -> float:
        return -math.inf if self.plan is None else self.plan.objective

    @property
    def bound(self) -> float:
        return -math.inf if self.plan is None else self.plan.bound

    def settles(self, variant: _Variant) -> bool:
        """This solve's result is also the exact optimum of ``variant``."""
        if self.plan is None:
            return variant.within(self.variant)
        return self.used.within(variant) and variant.within(self.variant)


def seam_rules(week: Week) -> list[NotOnConsecutiveDays]:
    """The hard rules that also bind across the seam between two weeks."""
    return [rule for rule in week.rules.hard if isinstance(rule, NotOnConsecutiveDays)]


def _restrict(wm: WeekModel, variant: _Variant, rules: Sequence[NotOnConsecutiveDays]) -> None:
    last = wm.week.days - 1
    for rule in rules:
        matching = wm.select(rule.applies_to)
        for day, allowed in ((0, variant.first), (last, variant.last)):
            if rule.id not in allowed:
                for v in wm.on_day(matching, day):
                    wm.model.add(v.present == 0)


def _used(week: Week, plan: Plan, rules: Sequence[NotOnConsecutiveDays]) -> _Variant:
    days = {0: set[str](), week.days - 1: set[str]()}
    for rule in rules:
        kinds = set(week.rules.select(rule.applies_to))
        for session in plan.sessions:
            day = week.horizon.day_of(session.start)
            if session.kind in kinds and day in days:
                days[day].add(rule.id)
    return _Variant(frozenset(days[0]), frozenset(days[week.days - 1]))


def solve_variant(week: Week, variant: _Variant, options: SolverOptions) -> _Solved:
    """One week under a seam variant (a top-level function, so a process pool can run it)."""
    rules = seam_rules(week)
    started = time.perf_counter()
    model, wm = build_model(week)
    _restrict(wm, variant, rules)
    solver, status = run(model, options, what=week.horizon.label)
    seconds = time.perf_counter() - started
    if status == cp_model.INFEASIBLE:
        return _Solved(variant, None, variant)
    plan = read_solution(solver, status, wm, seconds)
    return _Solved(variant, plan, _used(week, plan, rules))


class _Table:
    """What is known about each week's variants: settled values and upper bounds."""

    def __init__(self, weeks: int) -> None:
        self.solved: list[list[_Solved]] = [[] for _ in range(weeks)]

    def exact(self, k: int, variant: _Variant) -> _Solved | None:
        return next((s for s in self.solved[k] if s.settles(variant)), None)

    def optimistic(self, k: int, variant: _Variant) -> float:
        """The best proven upper bound on the variant (from every solved wider variant)."""
        return min((s.bound for s in self.solved[k] if variant.within(s.variant)), default=math.inf)

    def value(self, k: int, variant: _Variant, *, bound: bool = False) -> float:
        found = self.exact(k, variant)
        if found is not None:
            return found.bound if bound else found.value
        return self.optimistic(k, variant)


def _subsets(rules: Rules) -> list[Rules]:
    ordered = sorted(rules)
    return [
        frozenset(combo)
        for size in range(len(ordered) + 1)
        for combo in itertools.combinations(ordered, size)
    ]


def _best_path(
    table: _Table, n: int, rules: Rules, *, bound: bool = False
) -> tuple[float, list[_Variant]]:
    """The dynamic program over the seams: the best sum and the variant of each week."""
    states = _subsets(rules)

    def variant(k: int, before: Rules, after: Rules) -> _Variant:
        return _Variant(rules if k == 0 else rules - before, rules if k == n - 1 else after)

    # best[state] = (value, path) over weeks 0..k, with ``state`` = rules allowed on week k's
    # last day (B_k); the first week has no seam before it.
    ends = [rules] if n == 1 else states
    best: dict[Rules, tuple[float, list[_Variant]]] = {}
    for after in ends:
        v = variant(0, rules, after)
        best[after] = (table.value(0, v, bound=bound), [v])
    for k in range(1, n):
        ends = [rules] if k == n - 1 else states
        step: dict[Rules, tuple[float, list[_Variant]]] = {}
        for after in ends:
            options = []
            for before, (total, path) in best.items():
                v = variant(k, before, after)
                options.append((total + table.value(k, v, bound=bound), [*path, v]))
            step[after] = max(options, key=lambda option: option[0])
        best = step
    return best[rules]


def _solve_all(
    jobs: Sequence[tuple[int, _Variant]],
    weeks: Sequence[Week],
    options: SolverOptions,
    executor: Executor,
) -> list[tuple[int, _Solved]]:
    tasks = [partial(solve_variant, weeks[k], v, options) for k, v in jobs]
    return list(zip((k for k, _ in jobs), solve_many(tasks, executor), strict=True))


def solve_weeks(
    weeks: Sequence[Week],
    options: SolverOptions | None = None,
    *,
    executor: Executor | None = None,
    relax: bool = False,
) -> WeeksPlan:
    """The best plan for consecutive weeks, proven optimal for the whole horizon.

    Each round's week solves go through ``executor`` (left open for its owner to reuse or
    shut down); without one they run in this process, measured fastest for these weeks.

    Raises ``InfeasibleError`` when a week cannot hold its rules on its own (naming that
    week's conflicting rules) or when the seam rules cannot hold between weeks. With
    ``relax`` such a week is planned breaking its least important rules instead
    (``explain.impossible.solve_relaxed``); that plan is then fixed, and the seam program plans its
    neighbours around the sessions it has on its first and last day (the seam rules are
    not relaxed: a narrower variant of an impossible week is impossible too).
    """
    options = options or SolverOptions()
    if not weeks:
        raise ValueError("solve_weeks needs at least one week")
    started = time.perf_counter()
    n = len(weeks)
    rules = frozenset(rule.id for rule in seam_rules(weeks[0]))
    table = _Table(n)
    full = _Variant(rules, rules)
    solves = 0
    executor = executor or InProcessExecutor()
    jobs: list[tuple[int, _Variant]] = [(k, full) for k in range(n)]
    while jobs:
        for k, solved in _solve_all(jobs, weeks, options, executor):
            if solved.plan is None and solved.variant == full:
                if not relax:
                    from .explain.impossible import explain_infeasible

                    raise explain_infeasible(weeks[k], options)
                solved = _relaxed(weeks[k], full, options)
            table.solved[k].append(solved)
        solves += len(jobs)
        value, path = _best_path(table, n, rules)
        if value == -math.inf:
            raise _seam_conflict(weeks, rules)
        jobs = [(k, v) for k, v in enumerate(path) if table.exact(k, v) is None]
    chosen = [table.exact(k, v) for k, v in enumerate(path)]
    plans = tuple(s.plan for s in chosen if s is not None and s.plan is not None)
    assert len(plans) == n
    bound, _ = _best_path(table, n, rules, bound=True)
    objective = sum(p.objective for p in plans)
    proven = all(p.status == "OPTIMAL" for p in plans) and bound == objective
    return WeeksPlan(
        plans=plans,
        status="OPTIMAL" if proven else "FEASIBLE",
        objective=objective,
        bound=int(bound),
        solves=solves,
        solve_seconds=time.perf_counter() - started,
    )


def _relaxed(week: Week, full: _Variant, options: SolverOptions) -> _Solved:
    """An impossible week planned breaking its least important rules: the answer for every
    variant that allows the seam sessions it has (``_Solved.settles``); a narrower variant
    is solved again and found impossible."""
    from .explain.impossible import solve_relaxed

    plan = solve_relaxed(week, options)
    return _Solved(full, plan, _used(week, plan, seam_rules(week)))


def _seam_conflict(weeks: Sequence[Week], rules: Iterable[str]) -> InfeasibleError:
    first, last = weeks[0].horizon.label, weeks[-1].horizon.label
    names = ", ".join(sorted(rules))
    return InfeasibleError(
        f"the weeks {first} to {last} can each be planned, but not together: {names} "
        "cannot hold across a seam between two weeks (a week that can only place such a "
        "session on its Sunday meets one that can only place it on its Monday; planning "
        "the weeks one at a time meets the same seam)",
        conflict=sorted(rules),
        fix="Free some time on another day of one of those weeks",
    )


def build_joint(weeks: Sequence[Week]) -> tuple[cp_model.CpModel, list[WeekModel]]:
    """All weeks in one CP-SAT model: a ``WeekModel`` per week under the prefix ``w<k>.``,
    each week's rules, and every seam rule between consecutive weeks."""
    model = cp_model.CpModel()
    wms = [WeekModel(model, week, prefix=f"w{k}.") for k, week in enumerate(weeks)]
    objective: list[cp_model.LinearExprT] = []
    for wm in wms:
        add_hard_rules(wm)
        objective.append(add_soft_rules(wm))
    for k, (a, b) in enumerate(itertools.pairwise(wms)):
        for rule in seam_rules(a.week):
            sunday = a.day_uses(a.select(rule.applies_to), a.week.days - 1, f"{rule.id}.seam{k}")
            monday = b.day_uses(b.select(rule.applies_to), 0, f"{rule.id}.seam{k}")
            if sunday is not None and monday is not None:
                model.add(sunday + monday <= 1)
    model.maximize(sum(objective))
    return model, wms


def solve_joint(weeks: Sequence[Week], options: SolverOptions | None = None) -> WeeksPlan:
    """The same problem as ``solve_weeks`` as one model (for cross-checks and benchmarks)."""
    options = options or SolverOptions()
    started = time.perf_counter()
    model, wms = build_joint(weeks)
    solver, status = run(model, options, what="the weeks")
    seconds = time.perf_counter() - started
    if status == cp_model.INFEASIBLE:
        raise InfeasibleError("the weeks cannot be planned together")
    plans = []
    for wm in wms:
        plan = read_solution(solver, status, wm, seconds)
        plans.append(dataclasses.replace(plan, objective=sum(plan.terms.values())))
    objective = round(solver.objective_value)
    return WeeksPlan(
        plans=tuple(plans),
        status=status_name(status),
        objective=objective,
        bound=round(solver.best_objective_bound),
        solves=1,
        solve_seconds=seconds,
    )


def solve_template(week: Week, options: SolverOptions | None = None) -> WeeksPlan:
    """The best week to repeat every week (``--repeat``): the seam rules must also hold
    between the week's last day and its own first day.

    Exact by the argument of the module docstring with one week on both sides of every
    seam: a repeatable week uses disjoint sets of seam rules F on its first day and L on its
    last, so it is feasible for the variant (R \\ L, L); the best of the variants (R \\ B, B)
    over B ⊆ R is the optimum. The unrestricted week is solved first and is the answer when
    its own F and L are already disjoint.
    """
    options = options or SolverOptions()
    started = time.perf_counter()
    rules = frozenset(rule.id for rule in seam_rules(week))
    full = solve_variant(week, _Variant(rules, rules), options)
    if full.plan is None:
        from .explain.impossible import explain_infeasible

        raise explain_infeasible(week, options)
    best, solves, bound = full, 1, full.bound
    if full.used.first & full.used.last:
        candidates = []
        for last in _subsets(rules):
            candidates.append(solve_variant(week, _Variant(rules - last, last), options))
            solves += 1
        best = max(candidates, key=lambda s: s.value)
        bound = max(s.bound for s in candidates)
        if best.plan is None:
            raise _seam_conflict([week], rules)
    plan = best.plan
    assert plan is not None
    return WeeksPlan(
        plans=(plan,),
        status=plan.status,
        objective=plan.objective,
        bound=int(bound),
        solves=solves,
        solve_seconds=time.perf_counter() - started,
    )
