"""Several weeks to proven optimality: one joint CP-SAT model against week-by-week solves
joined by the exact seam program (``brainfit_solver.weeks``).

    python benchmarks/bench_multiweek.py [--quick] [--weeks 4 12] [--joint-limit 60]

Instances: per horizon, ``--seeds`` generated calendars, each week its own synthetic week
(44-58 busy events, 7-9 study blocks, as in PERFORMANCE-NOTES), Europe/Berlin from 2026-W49
(so 12 weeks cross the new year). For each instance, alternately (so machine noise hits all
alike) and ``--repeats`` times:

- joint:  ``solve_joint`` (one model, every week under its own prefix, seams as constraints,
          1 worker, linearization 2), with a time limit (``--joint-limit``);
- dp-1:   ``solve_weeks`` in this process;
- dp-2:   ``solve_weeks`` through a ``ProcessPoolExecutor`` of 2 workers (start-up included).

Times are model building + solving, the calendars already read. Prints per-horizon medians,
the worst, the ratio joint / dp, and the target check: 12 weeks proven optimal in <= 2 s.
The benchmark stops if the two methods disagree on a proven optimum.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from brainfit_solver import api
from brainfit_solver.calendars.synth import synthetic_calendar
from brainfit_solver.core.domain import SolverOptions
from brainfit_solver.core.timegrid import iso_week_label, parse_week
from brainfit_solver.model.week import Week
from brainfit_solver.rules.profile import Profile
from brainfit_solver.weeks import WeeksPlan, solve_joint, solve_weeks
from common import median, worst

WEEK, TZ = "2026-W49", "Europe/Berlin"
TARGET_WEEKS, TARGET_S = 12, 2.0


def instance(directory: Path, seed: int, weeks: int) -> list[api.Inputs]:
    """``weeks`` consecutive synthetic weeks (busy 44-58 events, 7-9 study blocks each)."""
    monday = parse_week(WEEK)
    paths = []
    for k in range(weeks):
        label = iso_week_label(monday + dt.timedelta(weeks=k))
        path = directory / f"s{seed}-w{k}.ics"
        busy, study = 44 + (seed * 7 + k * 3) % 15, 7 + (seed + k) % 3
        path.write_bytes(
            synthetic_calendar(1000 * seed + k, busy_events=busy, study_blocks=study, week=label)
        )
        paths.append(path)
    first = api.load_inputs(paths, profile=Profile(timezone=TZ), week=WEEK)
    return [first, *(api.shifted(first, k) for k in range(1, weeks))]


def two_processes(models: list[Week]) -> WeeksPlan:
    """``solve_weeks`` through a pool of 2 worker processes, its start-up and shutdown timed."""
    with ProcessPoolExecutor(2) as pool:
        return solve_weeks(models, executor=pool)


def timed(run: Callable[[], WeeksPlan]) -> tuple[float, WeeksPlan]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 seed, 1 repeat")
    parser.add_argument("--weeks", type=int, nargs="+", default=[4, 12])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--joint-limit", type=float, default=60.0, help="seconds per joint solve")
    args = parser.parse_args()
    seeds, repeats = (1, 1) if args.quick else (args.seeds, args.repeats)
    joint_options = SolverOptions(time_limit_s=args.joint_limit)
    print(f"{'weeks':>5} {'method':>6} {'median s':>9} {'worst s':>8} {'proven':>7} {'solves':>7}")
    target_ok = None
    with tempfile.TemporaryDirectory() as folder:
        for weeks in args.weeks:
            times: dict[str, list[float]] = {"joint": [], "dp-1": [], "dp-2": []}
            proven: dict[str, list[bool]] = {k: [] for k in times}
            solves: list[int] = []
            for seed in range(seeds):
                models = [i.week for i in instance(Path(folder), seed, weeks)]
                for _ in range(repeats):
                    runs = {
                        "dp-1": lambda m=models: solve_weeks(m),
                        "dp-2": lambda m=models: two_processes(m),
                        "joint": lambda m=models: solve_joint(m, joint_options),
                    }
                    results = {}
                    for name, run in runs.items():
                        seconds, result = timed(run)
                        times[name].append(seconds)
                        proven[name].append(result.status == "OPTIMAL")
                        results[name] = result
                    solves.append(results["dp-1"].solves)
                    if results["joint"].status == "OPTIMAL" and (
                        results["joint"].objective != results["dp-1"].objective
                    ):
                        raise SystemExit(
                            f"seed {seed}, {weeks} weeks: joint optimum "
                            f"{results['joint'].objective} != decomposition "
                            f"{results['dp-1'].objective}"
                        )
            for name in ("joint", "dp-1", "dp-2"):
                extra = f"{median(solves):7.0f}" if name.startswith("dp") else f"{'1':>7}"
                print(
                    f"{weeks:>5} {name:>6} {median(times[name]):9.3f} {worst(times[name]):8.3f} "
                    f"{sum(proven[name]):>3}/{len(proven[name]):<3} {extra}"
                )
            best_dp = min(median(times["dp-1"]), median(times["dp-2"]))
            joint = median(times["joint"])
            print(
                f"{weeks:>5} ratio joint/dp-1 {joint / median(times['dp-1']):.1f}x, "
                f"joint/dp-2 {joint / median(times['dp-2']):.1f}x"
            )
            if weeks == TARGET_WEEKS:
                target_ok = best_dp <= TARGET_S and all(proven["dp-1"])
    if target_ok is not None:
        verdict = "met" if target_ok else "MISSED"
        print(f"target {TARGET_WEEKS} weeks proven optimal in <= {TARGET_S} s: {verdict}")


if __name__ == "__main__":
    main()
