"""Compare CP-SAT parameter settings on the same generated weeks.

    python benchmarks/bench_params.py [--quick] [--profile default|tastes]

Each setting solves every feasible week to proven optimality (time limit 5 s, so a
setting that times out shows as at least 5000 ms and fewer weeks proven); settings
take turns on each week and repeat, so machine noise hits all of them alike. Printed per
setting: median and worst ``solver.solve`` wall time, the median of per-week ratios to the
project's own ``solve.make_solver``, and how many weeks ended proven optimal with the
reference objective (the one ``pipeline.plan`` returned and the independent checker re-scored).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ortools.sat.python import cp_model

from brainfit_solver import pipeline
from brainfit_solver.core.domain import SolverOptions
from brainfit_solver.core.errors import InfeasibleError
from brainfit_solver.solver.solve import build_model, make_solver
from common import PROFILES, instances, median, ms, worst

Setting = Callable[[], cp_model.CpSolver]
Branching = type(cp_model.CpSolver().parameters.search_branching)
LIMIT_S = 5.0


def tuned(**values: object) -> Setting:
    """One worker, linearization level 2, seed 0 (the project's setting before
    ``max_presolve_iterations=1`` was measured in), then ``values``."""

    def make() -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.num_workers, params.random_seed, params.linearization_level = 1, 0, 2
        for name, value in values.items():
            if name == "subsolvers":
                params.subsolvers.extend(value)  # type: ignore[arg-type]
            else:
                setattr(params, name, value)
        return solver

    return make


SETTINGS: dict[str, Setting] = {
    "make_solver (project)": lambda: make_solver(SolverOptions()),
    "default params": cp_model.CpSolver,
    "lin 0, 1 worker": tuned(linearization_level=0),
    "lin 1, 1 worker": tuned(linearization_level=1),
    "lin 2, 1 worker": tuned(),
    "lin 2, 2 workers, default portfolio": tuned(num_workers=2),
    "lin 2, 2 workers, default_lp+max_lp": tuned(
        num_workers=2, subsolvers=["default_lp", "max_lp"]
    ),
    "lin 2, 1w, symmetry_level 0": tuned(symmetry_level=0),
    "lin 2, 1w, symmetry_level 4": tuned(symmetry_level=4),
    "lin 2, 1w, presolve off": tuned(cp_model_presolve=False),
    "lin 2, 1w, probing level 0": tuned(cp_model_probing_level=0),
    "lin 2, 1w, optimize_with_core": tuned(optimize_with_core=True),
    "lin 2, 1w, max_presolve_iterations 1": tuned(max_presolve_iterations=1),
    "lin 2, 1w, LP_SEARCH": tuned(search_branching=Branching.LP_SEARCH),
    "lin 2, 1w, LP_SEARCH, max_presolve 1": tuned(
        search_branching=Branching.LP_SEARCH, max_presolve_iterations=1
    ),
    "lin 2, 1w, objective_lb_search": tuned(use_objective_lb_search=True),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer seeds and repeats")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="default")
    args = parser.parse_args()
    seeds, repeats = (2, 1) if args.quick else (5, 2)
    times: dict[str, list[float]] = {name: [] for name in SETTINGS}
    proven: dict[str, int] = dict.fromkeys(SETTINGS, 0)
    with tempfile.TemporaryDirectory() as tmp:
        cases = instances(Path(tmp), seeds=seeds, profile=args.profile)
        weeks = 0
        for case in cases:
            inputs = case.inputs()
            try:
                reference = pipeline.plan(inputs)  # exported and re-scored by the checker
            except InfeasibleError:
                continue
            weeks += 1
            assert reference.check.objective == reference.plan.objective
            model, _ = build_model(inputs.week)
            runs: dict[str, list[float]] = {name: [] for name in SETTINGS}
            for _ in range(repeats):
                for name, make in SETTINGS.items():
                    solver = make()
                    solver.parameters.max_time_in_seconds = LIMIT_S
                    started = time.perf_counter()
                    status = solver.solve(model)
                    runs[name].append(time.perf_counter() - started)
                    same = round(solver.objective_value) == reference.plan.objective
                    proven[name] += status == cp_model.OPTIMAL and same
            for name in SETTINGS:
                times[name].append(median(runs[name]))
            print(f"  {case.name} done", file=sys.stderr, flush=True)
    base = times["make_solver (project)"]
    print(
        f"{weeks} feasible weeks of {len(cases)} (profile {args.profile}), {repeats} run(s) "
        "each, solve wall time in ms"
    )
    print(f"{'setting':40} {'median':>7} {'worst':>7}  ratio  optimal")
    for name, values in times.items():
        ratio = median([v / b for v, b in zip(values, base, strict=True)])
        print(
            f"{name:40} {ms(median(values))} {ms(worst(values))}  {ratio:5.2f}  "
            f"{proven[name]}/{weeks * repeats}"
        )


if __name__ == "__main__":
    main()
