"""The same inputs give byte-identical files in every process, whatever the hash seed.

An in-process test cannot see a dependence on set or dict-of-str order: within one process
every ``set`` of strings iterates the same way, so planning twice agrees even when the order
comes from ``hash()``. Python randomises string hashing per process (``PYTHONHASHSEED``), and
a planted change that built candidates in ``set()`` order gave eight different files for eight
seeds while the in-process determinism test passed. So here `brainfit plan` runs as the user
runs it, in fresh processes with different hash seeds and with the calendars given in
different orders, and the .ics and the JSON report (apart from the measured solve time) must
be the same bytes every time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from brainfit_solver.calendars.synth import synthetic_calendar
from support import REPO

BRAINFIT = Path(sys.executable).with_name("brainfit")
"""The console script the package installs, next to the interpreter running the tests."""

RUNS = (("0", False), ("1", True), ("2", False), ("4294967295", True))
"""(PYTHONHASHSEED, calendars reversed): seed 0 turns string hash randomisation off, the others
give other orders; each run differs from the first in the seed, two also in the order."""

PLAN_SECONDS = 180
"""A bound for one `brainfit plan` process (about 1.5 s of CPU): a hang fails the test."""


@dataclass(frozen=True)
class Case:
    """An example's profile (its own calendar list dropped), rule file and zone."""

    example: str
    rules: Path | None
    tz: str


CASES = {
    "student": Case("student", None, "Europe/Berlin"),
    "office": Case("office", REPO / "constraints" / "light.toml", "America/New_York"),
}


def _profile_without_calendars(case: Case, folder: Path) -> Path:
    """The example's profile with its ``calendars`` line removed, so that every calendar is
    given on the command line and their order is the test's to choose."""
    text = (REPO / "examples" / case.example / "profile.toml").read_text(encoding="utf-8")
    line = 'calendars = ["calendar.ics"]\n'
    assert line in text, "the example profile no longer lists its calendar this way"
    profile = folder / "profile.toml"
    profile.write_text(text.replace(line, ""), encoding="utf-8")
    return profile


def _calendars(case: Case, folder: Path) -> list[Path]:
    """The example's calendar and a small synthetic one for the same week, zone and study
    category: two sources whose events the planner must merge in a fixed order."""
    extra = folder / "extra.ics"
    extra.write_bytes(synthetic_calendar(7, busy_events=8, study_blocks=3, tz=case.tz))
    return [REPO / "examples" / case.example / "calendar.ics", extra]


def _without_solve_time(report: Any) -> Any:
    """The report with every ``solve_seconds`` removed: the one value measured, not derived."""
    if isinstance(report, dict):
        return {k: _without_solve_time(v) for k, v in report.items() if k != "solve_seconds"}
    if isinstance(report, list):
        return [_without_solve_time(v) for v in report]
    return report


def _plan(
    case: Case, profile: Path, calendars: list[Path], seed: str, out: Path
) -> tuple[bytes, Any]:
    """One `brainfit plan` in a fresh process with hash seed ``seed``: the .ics and the report."""
    ics, report = out / f"plan-{seed}.ics", out / f"plan-{seed}.json"
    rules = ["--rules", str(case.rules)] if case.rules else []
    command = [str(BRAINFIT), "plan", "--profile", str(profile), *map(str, calendars), *rules]
    env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1795000000"}
    result = subprocess.run(
        [*command, "-o", str(ics), "--json", str(report), "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        timeout=PLAN_SECONDS,
        check=False,
    )
    assert result.returncode == 0, f"PYTHONHASHSEED={seed}: {result.stdout}{result.stderr}"
    return ics.read_bytes(), _without_solve_time(json.loads(report.read_bytes()))


@pytest.mark.parametrize("name", sorted(CASES))
def test_plan_is_byte_identical_across_hash_seeds_and_calendar_orders(
    name: str, tmp_path: Path
) -> None:
    assert BRAINFIT.is_file(), f"{BRAINFIT} is missing: install the package (pip install -e .)"
    case = CASES[name]
    profile, calendars = _profile_without_calendars(case, tmp_path), _calendars(case, tmp_path)
    with ThreadPoolExecutor(max_workers=2) as pool:  # two processes at a time: two cores
        running = {
            (seed, reverse): pool.submit(
                _plan, case, profile, calendars[::-1] if reverse else calendars, seed, tmp_path
            )
            for seed, reverse in RUNS
        }
        outputs = {key: future.result() for key, future in running.items()}
    (first_key, (first_ics, first_report)), *others = outputs.items()
    assert b"BEGIN:VEVENT" in first_ics and first_report["status"] == "OPTIMAL"
    differing = {
        key: [what for what, same in (("ics", ics == first_ics), ("json", report == first_report))]
        for key, (ics, report) in others
        if (ics, report) != (first_ics, first_report)
    }
    assert not differing, f"outputs differ from those of (seed, reversed) {first_key}: {differing}"
