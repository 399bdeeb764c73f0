"""Shared pieces of the benchmarks: the instances (generated weeks) and small statistics.

Every benchmark runs on the same instances: synthetic weeks of growing busyness, several
seeds each, with 4..12 study blocks; ``--quick`` keeps fewer seeds. ``--profile tastes``
plans them for a person with preferred and disliked times, a shorter buffer and Sundays off,
which makes the objective finer-grained and the weeks harder to prove optimal.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from brainfit_solver import api
from brainfit_solver.calendars.synth import synthetic_calendar

WEEK, TZ = "2026-W49", "Europe/Berlin"
LEVELS = (20, 40, 60, 80, 100, 120)
PROFILES = {
    "default": f'timezone = "{TZ}"\n',
    "tastes": f"""timezone = "{TZ}"
buffer_min = 10
[window]
default = "06:00-22:00"
sun = "off"
[preferences.zone2]
preferred = ["06:00-09:00", "17:00-21:00"]
disliked = ["12:00-14:00"]
[preferences.hiit]
disliked = ["19:00-22:00"]
[preferences.resistance]
preferred = ["16:00-20:00"]
[preferences.snack]
preferred = ["08:00-12:00"]
""",
}


@dataclass(frozen=True)
class Instance:
    busy: int
    study: int
    seed: int
    path: Path
    profile: Path

    @property
    def name(self) -> str:
        return f"b{self.busy}-s{self.study}-#{self.seed}"

    def inputs(self) -> api.Inputs:
        return api.load_inputs([self.path], profile=self.profile, week=WEEK)


def instances(directory: Path, *, seeds: int, profile: str = "default") -> list[Instance]:
    """``seeds`` calendars per busyness level, written to ``directory`` with the profile."""
    profile_path = directory / f"profile-{profile}.toml"
    profile_path.write_text(PROFILES[profile], encoding="utf-8")
    found = []
    for busy in LEVELS:
        for seed in range(seeds):
            study = 4 + (seed * 5 + busy // 20) % 9  # 4..12, varied within and across levels
            path = directory / f"week-b{busy}-s{study}-{seed}.ics"
            path.write_bytes(synthetic_calendar(seed, busy_events=busy, study_blocks=study))
            found.append(Instance(busy, study, seed, path, profile_path))
    return found


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def worst(values: Sequence[float]) -> float:
    return max(values) if values else float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"
