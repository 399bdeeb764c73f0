"""Team plans (issue 11): time to plan a team of 10, 30, 100 and 200 synthetic members with
two shared sessions (a HIIT on Tue-Thu for 40 % of members, a zone 2 run at the
weekend for 30 %), to proven optimality or with the gap to the relaxation's bound.

    .venv/bin/python benchmarks/bench_team.py [--sizes 10 30] [--repeats 3] [--workers 2]
        [--before /path/to/old/src]

Each member's calendar is ``synth.synthetic_calendar`` with its own seed (students and
office weeks of 20-60 busy events, 0-10 study blocks); the solves go to a local pool of
``--workers`` processes. Targets on 2 cores: 30 members <= 10 s, 200 members <= 30 s.

Each run is a fresh process (imports, pool start-up and all), so its "cpu s" is the CPU time
of the run and its workers together, which a loaded machine disturbs less than the wall
time; "cpu/2" is what two idle cores would need at best. ``--before`` names the ``src``
folder of another checkout (``git worktree add /tmp/old REV``): both versions then run with
this interpreter, alternating run by run so that machine noise hits both alike, and the
team's files of the two versions are compared byte for byte (the "files" column: a digest
of every file the run writes; "same" when both versions wrote the same bytes).

Measured (README, "Performance"), idle machine, 3 runs each: 10 members 5.7 s, 30 members
4.6 s, 100 members 16.7 s, 200 members 25.2 s (worst 26.1, CPU 49.8 s, 917 solves, "best
found" with a gap of 1.57 %), the files byte-identical to the version before.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

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

SRC = Path(__file__).resolve().parent.parent / "src"


def write_team(folder: Path, size: int) -> Path:
    from brainfit_solver.calendars.synth import synthetic_calendar

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
    """CPU seconds of this process and its finished workers (the pool is shut down, so its
    workers are counted, before reading)."""
    own, workers = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def child(size: int, workers: int) -> None:
    """One run, in this process: the team written (not timed), planned, measured; one JSON
    line on stdout."""
    from brainfit_solver.team.file import load_team
    from brainfit_solver.team.run import TeamRequest, run_team

    with tempfile.TemporaryDirectory() as tmp:
        team = load_team(write_team(Path(tmp), size))
        before = _cpu()
        started = time.perf_counter()
        with ProcessPoolExecutor(workers) as pool:
            outcome = run_team(TeamRequest(team, executor=pool))
        seconds = time.perf_counter() - started
        cpu = _cpu() - before
    digest = hashlib.sha256()
    for name, data in sorted(outcome.files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    r = outcome.report
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "status": r.status,
                "objective": r.objective,
                "bound": r.bound,
                "gap": r.gap,
                "solves": r.solves,
                "left_out": len(r.left_out),
                "files": digest.hexdigest()[:12],
            }
        )
    )


def run(src: Path, size: int, workers: int) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, __file__, "--child", str(size), "--workers", str(workers)]
    found = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    result: dict[str, object] = json.loads(found.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 30, 100, 200])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--before", type=Path, help="another checkout's src folder")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.workers)
        return
    versions = {"after": SRC} if args.before is None else {"before": args.before, "after": SRC}
    print(
        f"{'version':7}  members  median s  worst s  cpu s  cpu/2  status    objective  "
        "bound   gap     solves  left out  files"
    )
    for size in args.sizes:
        runs: dict[str, list[dict[str, object]]] = {name: [] for name in versions}
        for k in range(args.repeats):
            order = list(versions) if k % 2 == 0 else list(reversed(versions))
            for name in order:
                runs[name].append(run(versions[name].resolve(), size, args.workers))
        digests = {name: {str(r["files"]) for r in found} for name, found in runs.items()}
        for name, found in runs.items():
            times = [float(str(r["seconds"])) for r in found]
            cpu = statistics.median(float(str(r["cpu"])) for r in found)
            last = found[-1]
            same = len(versions) > 1 and len({d for ds in digests.values() for d in ds}) == 1
            print(
                f"{name:7}  {size:7d}  {statistics.median(times):8.2f}  {max(times):7.2f}  "
                f"{cpu:5.1f}  {cpu / 2:5.1f}  {last['status']!s:8}  {last['objective']!s:>9}  "
                f"{last['bound']!s:>6}  {float(str(last['gap'])):6.2%}  {last['solves']!s:>6}  "
                f"{last['left_out']!s:>8}  {','.join(sorted(digests[name]))}"
                + (" same" if same else ""),
                flush=True,
            )
        if len(versions) > 1:
            before, after = runs["before"], runs["after"]
            wall = [
                float(str(a["seconds"])) / float(str(b["seconds"]))
                for a, b in zip(after, before, strict=True)
            ]
            cpu_ratio = [
                float(str(a["cpu"])) / float(str(b["cpu"]))
                for a, b in zip(after, before, strict=True)
            ]
            print(
                f"         after/before, median of pairs: wall {statistics.median(wall):.2f}, "
                f"cpu {statistics.median(cpu_ratio):.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
