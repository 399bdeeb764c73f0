"""Shared pieces of the benchmarks: the instances (generated weeks) and small statistics.

Every benchmark runs on the same instances: synthetic weeks of growing busyness, several
seeds each, with 4..12 study blocks; ``--quick`` keeps fewer seeds.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from brainfit_solver import api
from brainfit_solver.profile import Profile
from brainfit_solver.synth import synthetic_calendar

WEEK, TZ = "2026-W49", "Europe/Berlin"
LEVELS = (20, 40, 60, 80, 100, 120)


@dataclass(frozen=True)
class Instance:
    busy: int
    study: int
    seed: int
    path: Path

    @property
    def name(self) -> str:
        return f"b{self.busy}-s{self.study}-#{self.seed}"

    def inputs(self) -> api.Inputs:
        return api.load_inputs([self.path], profile=Profile(timezone=TZ), week=WEEK)


def instances(directory: Path, *, seeds: int) -> list[Instance]:
    """``seeds`` calendars per busyness level, written to ``directory``."""
    found = []
    for busy in LEVELS:
        for seed in range(seeds):
            study = 4 + (seed * 5 + busy // 20) % 9  # 4..12, varied within and across levels
            path = directory / f"week-b{busy}-s{study}-{seed}.ics"
            path.write_bytes(synthetic_calendar(seed, busy_events=busy, study_blocks=study))
            found.append(Instance(busy, study, seed, path))
    return found


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def worst(values: Sequence[float]) -> float:
    return max(values) if values else float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"
