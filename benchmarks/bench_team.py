"""Team plans (issue 11): time to plan a team of 10, 30, 100 and 200 synthetic members with
two shared sessions (a HIIT on Tue-Thu for 40 % of members, a zone 2 run at the
weekend for 30 %), to proven optimality or with the gap to the relaxation's bound.

    .venv/bin/python benchmarks/bench_team.py [--sizes 10 30] [--repeats 3] [--workers 2]

Each member's calendar is ``synth.synthetic_calendar`` with its own seed (students and
office weeks of 20-60 busy events, 0-10 study blocks); the solves go to a local pool of
``--workers`` processes. Targets on 2 cores: 30 members <= 10 s, 200 members <= 30 s.
"cpu s" is the CPU time of this process and the workers together, which a loaded machine
disturbs less than the wall time.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from brainfit_solver.calendars.synth import synthetic_calendar
from brainfit_solver.team.file import load_team
from brainfit_solver.team.run import TeamRequest, run_team

TEAM = """name = "Bench team"
timezone = "Europe/Berlin"
week = "2026-W49"

[coach]
name = "Coach"
calendars = []

[[shared]]
id = "hiit"
kind = "hiit"
place = "Hall"
days = ["tue", "wed", "thu"]
between = "06:30-21:30"
attendance = "40%"

[[shared]]
id = "run"
kind = "zone2"
minutes = 60
place = "Park"
days = ["sat", "sun"]
between = "08:00-13:00"
attendance = "30%"
"""


def write_team(folder: Path, size: int) -> Path:
    blocks = [TEAM]
    for k in range(size):
        busy, study = 20 + (k * 7) % 41, (k * 3) % 11
        (folder / f"m{k}.ics").write_bytes(
            synthetic_calendar(1000 + k, busy_events=busy, study_blocks=study)
        )
        blocks.append(
            f'[[members]]\nid = "m{k:03d}"\nname = "Member {k}"\ncalendars = ["m{k}.ics"]\n'
        )
    path = folder / "team.toml"
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def _cpu() -> float:
    """CPU seconds of this process and its finished workers: steadier than wall time on a
    shared machine (the pool is shut down, so its workers are counted, before reading)."""
    own, workers = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 30, 100, 200])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(
        "members  median s  worst s  cpu s  status    objective  bound   gap     solves  left out"
    )
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            team = load_team(write_team(Path(tmp), size))
            times, cpu = [], []
            for _ in range(args.repeats):
                before = _cpu()
                started = time.perf_counter()
                with ProcessPoolExecutor(args.workers) as pool:
                    outcome = run_team(TeamRequest(team, executor=pool))
                times.append(time.perf_counter() - started)
                cpu.append(_cpu() - before)
            r = outcome.report
            print(
                f"{size:7d}  {statistics.median(times):8.2f}  {max(times):7.2f}  "
                f"{statistics.median(cpu):5.1f}  "
                f"{r.status:8s}  {r.objective:9d}  {r.bound:6d}  {r.gap:6.2%}  "
                f"{r.solves:6d}  {len(r.left_out)}",
                flush=True,
            )


if __name__ == "__main__":
    main()
