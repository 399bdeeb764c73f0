"""The bundled examples plan as their stored expected output says: same proven optimum, and
the stored plan still passes the independent checker (alternative optima may differ in
detail, so the objective is compared, not the bytes)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from brainfit_solver import api, pipeline
from brainfit_solver.cli import main
from support import REPO

EXAMPLES = {
    "student": None,
    "office": REPO / "constraints" / "light.toml",
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_plans_to_its_stored_optimum(name: str) -> None:
    folder = REPO / "examples" / name
    expected = json.loads((folder / "expected-report.json").read_text(encoding="utf-8"))
    inputs = api.load_inputs(profile=folder / "profile.toml", rules=EXAMPLES[name])
    result = pipeline.plan(inputs)
    assert result.plan.status == "OPTIMAL"
    assert result.plan.objective == expected["objective"]
    stored = api.check((folder / "expected-week.ics").read_bytes(), inputs)
    assert stored.ok, stored.violations
    assert stored.objective == expected["objective"]


def test_quick_start_command_writes_a_readable_file(tmp_path: Path) -> None:
    out = tmp_path / "student-week.ics"
    args = ["plan", "--profile", str(REPO / "examples/student/profile.toml"), "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (REPO / "examples/student/expected-week.ics").read_bytes()
    assert stat.S_IMODE(out.stat().st_mode) & 0o044  # readable like any file the user writes


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_sprint_snack_never_shares_a_day_with_hiit_or_vo2max(name: str) -> None:
    """All-out sprints are high intensity: the source warns against two high-intensity
    efforts in one day, so a sprint snack never lands on a HIIT or VO2 max day."""
    folder = REPO / "examples" / name
    result = pipeline.plan(api.load_inputs(profile=folder / "profile.toml", rules=EXAMPLES[name]))
    tz = result.inputs.horizon.tz
    days: dict[str, set[object]] = {}
    for e in result.check.events:
        days.setdefault(e.kind, set()).add(e.start.astimezone(tz).date())
    hard_days = days.get("hiit", set()) | days.get("vo2max", set())
    assert not days.get("sprint_snack", set()) & hard_days
