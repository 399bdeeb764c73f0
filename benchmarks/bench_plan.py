"""Time planning on generated weeks of growing busyness, against the project's targets.

    python benchmarks/bench_plan.py [--quick] [--profile default|tastes]

(a) model building + solving one week to proven optimality, in process (target: median
    <= 50 ms, worst <= 250 ms); ``solver.solve`` wall time and CP-SAT's own ``wall_time``
    are printed beside it, to show where the time goes;
(b) the whole ``brainfit plan`` process against a bare ``python -c "import ortools...,
    icalendar, recurring_ical_events, pydantic, click"``, run alternately in the same run so
    that machine noise hits both alike (target: plan / bare <= 2.0);
(c) peak resident memory of each plan process, read from ``os.wait4`` (target <= 250 MiB).

Every plan is also made through ``pipeline.plan``, which exports it and runs the independent
checker; the benchmark stops if the checker rejects a plan or an objective differs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from brainfit_solver import pipeline
from brainfit_solver.core.domain import SolverOptions
from brainfit_solver.core.errors import InfeasibleError
from brainfit_solver.solver.solve import build_model, make_solver
from common import PROFILES, Instance, instances, median, ms, verdict, worst

BARE = [
    sys.executable,
    "-c",
    "import ortools.sat.python.cp_model, icalendar, recurring_ical_events, pydantic, click",
]


def plan_command(instance: Instance, output: Path) -> list[str]:
    script = Path(sys.executable).with_name("brainfit")
    head = [str(script)] if script.exists() else [
        sys.executable, "-c", "from brainfit_solver.cli import main; main()"
    ]  # fmt: skip
    week = ["--week", "2026-W49", "--profile", str(instance.profile)]
    return [*head, "plan", str(instance.path), *week, "-o", str(output), "--quiet"]


def run(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB and exit code of one child process."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in (0, 3):
            err.seek(0)
            raise SystemExit(f"{command} failed ({code}): {err.read().decode()}")
    return seconds, usage.ru_maxrss / 1024, code


def solve_times(instance: Instance, repeats: int) -> tuple[float, ...] | None:
    """Median (build, solve wall, CP-SAT wall_time, build+solve) seconds over the repeats,
    then the slowest build+solve; None if the week is infeasible."""
    inputs = instance.inputs()
    try:
        checked = pipeline.plan(inputs)  # exported and checked; raises if the checker disagrees
    except InfeasibleError:
        return None
    assert checked.plan.status == "OPTIMAL"
    assert checked.check.objective == checked.plan.objective, instance.name
    rows = []
    for _ in range(repeats):
        started = time.perf_counter()
        model, _ = build_model(inputs.week)
        built = time.perf_counter()
        solver = make_solver(SolverOptions())
        status = solver.solve(model)
        done = time.perf_counter()
        assert solver.status_name(status) == "OPTIMAL", instance.name
        assert round(solver.objective_value) == checked.plan.objective, instance.name
        rows.append((built - started, done - built, solver.wall_time, done - started))
    return (*(median([row[i] for row in rows]) for i in range(4)), max(row[3] for row in rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer seeds and repeats")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="default")
    args = parser.parse_args()
    seeds, repeats = (2, 1) if args.quick else (5, 3)
    with tempfile.TemporaryDirectory() as tmp:
        cases = instances(Path(tmp), seeds=seeds, profile=args.profile)
        print(
            f"{len(cases)} weeks: busy events {sorted({c.busy for c in cases})}, "
            f"{seeds} seeds each, study blocks 4..12; median of {repeats} solve(s) per week\n"
        )

        print("(a) one week to proven optimality, ms (build + solve; solve wall; CP-SAT wall)")
        print(
            "busy  weeks  infeasible   total med/worst     solve med/worst  cp-sat med  build med"
        )
        feasible: list[Instance] = []
        everything: list[tuple[float, ...]] = []
        for level in sorted({c.busy for c in cases}):
            rows = []
            infeasible = 0
            for case in (c for c in cases if c.busy == level):
                times = solve_times(case, repeats)
                if times is None:
                    infeasible += 1
                    continue
                rows.append(times)
                feasible.append(case)
            everything += rows
            total, solve = [r[3] for r in rows], [r[1] for r in rows]
            print(
                f"{level:4}  {len(rows) + infeasible:5}  {infeasible:10}  "
                f"{ms(median(total))} {ms(worst(total))}   {ms(median(solve))} "
                f"{ms(worst(solve))}     {ms(median([r[2] for r in rows]))}   "
                f"{ms(median([r[0] for r in rows]))}"
            )
        total = [r[3] for r in everything]
        print(
            f" all  {len(cases):5}  {len(cases) - len(everything):10}  "
            f"{ms(median(total))} {ms(worst(total))}   "
            f"{ms(median([r[1] for r in everything]))} {ms(worst([r[1] for r in everything]))}"
        )
        slowest = worst([r[4] for r in everything])
        print(
            f"profile {args.profile}: target median <= 50 ms: {verdict(median(total) <= 0.050)}; "
            f"worst <= 250 ms: {verdict(worst(total) <= 0.250)} (slowest single run "
            f"{ms(slowest).strip()} ms); the checker accepted every plan\n"
        )

        print("(b) process wall time, alternating bare import / brainfit plan, s")
        bare_s, plan_s, ratios, plan_mib, bare_mib = [], [], [], [], []
        run(BARE)  # warm the file cache once for both
        for i, case in enumerate(feasible):
            command = plan_command(case, Path(tmp) / f"plan-{i}.ics")
            order = [("bare", BARE), ("plan", command)]
            results = dict((name, run(cmd)) for name, cmd in (order if i % 2 else order[::-1]))
            bare_s.append(results["bare"][0])
            plan_s.append(results["plan"][0])
            ratios.append(results["plan"][0] / results["bare"][0])
            bare_mib.append(results["bare"][1])
            plan_mib.append(results["plan"][1])
            assert results["plan"][2] == 0, case.name
        print(f"bare import: median {median(bare_s):.3f}  worst {worst(bare_s):.3f}")
        print(
            f"plan:        median {median(plan_s):.3f}  worst {worst(plan_s):.3f}  "
            f"({len(plan_s)} runs)"
        )
        print(
            f"ratio plan/bare: median of pairs {median(ratios):.2f}, worst pair "
            f"{worst(ratios):.2f}, ratio of medians {median(plan_s) / median(bare_s):.2f}; "
            f"target <= 2.0: {verdict(median(ratios) <= 2.0)}\n"
        )

        print("(c) peak RSS, MiB")
        print(
            f"plan: median {median(plan_mib):.0f}  worst {worst(plan_mib):.0f}   "
            f"(bare import: median {median(bare_mib):.0f}); "
            f"target <= 250 MiB: {verdict(worst(plan_mib) <= 250)}"
        )


if __name__ == "__main__":
    main()
