"""Build the CP-SAT model of a week, solve it to proven optimality, read the plan back.

Parameters are set explicitly (measured in ``benchmarks/``): one worker with
``linearization_level=2`` proves these weeks optimal fastest, and one worker with a fixed
seed is also what makes the result byte-for-byte repeatable. There is no global state: every
call builds its own model and solver, so plans can be solved in parallel, wherever an
executor runs them (``solver.parallel.solve_many``).
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from ..core.domain import Plan, SolverOptions
from ..core.errors import NoPlanFoundError
from ..model.hard import add_hard_rules
from ..model.person import WeekModel
from ..model.soft import add_soft_rules
from ..model.week import Week
from ..rules.ruleset import sign


def build_model(
    week: Week, *, guarded: bool = False, objective: bool = True
) -> tuple[cp_model.CpModel, WeekModel]:
    """The whole model of one week: variables, hard rules and the weighted objective
    (left out when only feasibility matters, as when explaining a conflict)."""
    model = cp_model.CpModel()
    wm = WeekModel(model, week, guarded=guarded)
    add_hard_rules(wm)
    if objective:
        model.maximize(add_soft_rules(wm))
    return model, wm


def make_solver(options: SolverOptions) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = options.workers
    params.random_seed = options.seed
    params.linearization_level = options.linearization_level
    # One presolve round: on these small models more rounds cost more than they save
    # (benchmarks/bench_params.py: 0.75-0.85x the solve time, same optimum, explanations too).
    params.max_presolve_iterations = 1
    if options.workers > 1:
        # Naming the LP-heavy subsolver keeps linearization level 2 in the portfolio.
        params.subsolvers.extend(["default_lp", "max_lp", "core"][: options.workers])
    if options.time_limit_s is not None:
        params.max_time_in_seconds = options.time_limit_s
    return solver


def run(
    model: cp_model.CpModel,
    options: SolverOptions,
    *,
    what: str = "the week",
    value_only: bool = False,
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """Solve a built model. OPTIMAL, FEASIBLE and INFEASIBLE come back to the caller (which
    reads the plan or explains the conflict); a time limit reached with no plan at all is
    ``NoPlanFoundError``.

    ``value_only``: the caller reads only the optimum's value or bound, never the plan (a
    team member's bound without a shared session), so the search may take another path to
    it: no presolve rounds and no probing proved those bounds 25 % faster (200 members, the
    same value every time), where a plan's path is fixed by the parameters above."""
    solver = make_solver(options)
    if value_only:
        solver.parameters.max_presolve_iterations = 0
        solver.parameters.cp_model_probing_level = 0
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE):
        raise NoPlanFoundError(
            f"no plan was found for {what} within the time limit ({options.time_limit_s} s)",
            fix="Raise --time-limit, or drop it to search until the best plan is proven",
        )
    return solver, status


def status_name(status: cp_model.CpSolverStatus) -> str:
    """OPTIMAL (proven) or FEASIBLE (the best found when a time limit ran out)."""
    return "OPTIMAL" if status == cp_model.OPTIMAL else "FEASIBLE"


def solve(week: Week, options: SolverOptions) -> Plan | None:
    """The best week under the rules, or None when the hard rules cannot all hold (what to
    do then, explain or relax, is ``explain.impossible.plan_week``'s policy, not the solver's).

    Raises ``NoPlanFoundError`` when a time limit ran out before any plan was found."""
    started = time.perf_counter()
    model, wm = build_model(week)
    solver, status = run(model, options)
    if status == cp_model.INFEASIBLE:
        return None
    return read_solution(solver, status, wm, time.perf_counter() - started)


def read_solution(
    solver: cp_model.CpSolver, status: cp_model.CpSolverStatus, wm: WeekModel, seconds: float
) -> Plan:
    """The plan of one week held by a solved model (status OPTIMAL or FEASIBLE): its
    sessions and the objective broken down by soft rule (used by ``weeks`` too)."""
    week = wm.week
    raw = {name: int(solver.value(expr)) for name, expr in wm.terms.items()}
    points = {rule.id: sign(rule) * rule.weight for rule in week.rules.soft}
    terms = {name: points[name] * value for name, value in raw.items()}
    return Plan(
        sessions=wm.extract(solver),
        status=status_name(status),
        objective=round(solver.objective_value),
        bound=round(solver.best_objective_bound),
        terms=terms,
        raw=raw,
        solve_seconds=seconds,
    )
