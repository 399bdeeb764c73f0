"""Comparing two weight settings, and the versioned JSON report they are compared through."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from brainfit_solver import api, pipeline
from brainfit_solver.api import build_report, plan_report
from brainfit_solver.cli import main
from brainfit_solver.outputs.compare import compare
from brainfit_solver.outputs.report import (
    REPORT_SCHEMA_VERSION,
    CheckOut,
    PlanReport,
    Report,
    SessionOut,
    TermOut,
    report_json,
    report_schema,
    report_schema_json,
)
from support import REPO, Ev, write_calendar

WEEK = ["--week", "2026-W49", "--tz", "Europe/Berlin"]


def session(kind: str, day: int, start: str, end: str) -> SessionOut:
    date = f"2026-12-{day:02d}"
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return SessionOut(
        uid=f"{kind}{day}{start}@t",
        kind=kind,
        title=f"{kind.title()} — {(h2 * 60 + m2) - (h1 * 60 + m1)} min",
        start=f"{date}T{start}:00+01:00",
        end=f"{date}T{end}:00+01:00",
        minutes=(h2 * 60 + m2) - (h1 * 60 + m1),
        modality=None,
        before_study=None,
        intensity="moderate",
        buffer_min=15,
    )


def report(sessions: list[SessionOut], terms: dict[str, tuple[int, int]]) -> Report:
    """A report by hand: terms as rule -> (weight, raw)."""
    outs = [
        TermOut(rule=r, kind="session_bonus", weight=w, raw=n, points=w * n, description=r)
        for r, (w, n) in terms.items()
    ]
    total = sum(t.points for t in outs)
    return Report(
        week="2026-W49",
        timezone="Europe/Berlin",
        status="OPTIMAL",
        objective=total,
        bound=total,
        gap=0.0,
        solve_seconds=0.01,
        terms=outs,
        sessions=sessions,
        check=CheckOut(ok=True, violations=[], objective=total),
    )


@pytest.fixture
def calendar(tmp_path: Path) -> Path:
    return write_calendar(
        tmp_path / "cal.ics",
        [Ev(d, "09:00", "12:00", "Lecture") for d in range(5)]
        + [Ev(d, "14:00", "17:00", "Work") for d in range(5)],
    )


# -- the structured diff ------------------------------------------------------------------------


def test_identical_reports_compare_as_unchanged() -> None:
    a = report([session("zone2", 1, "07:00", "08:00")], {"more": (20, 1)})
    diff = compare(a, a)
    assert diff.identical and diff.changes == [] and diff.weights_changed == {}
    assert [s.change for s in diff.sessions] == ["unchanged"]


def test_moved_resized_added_and_removed_sessions_are_told_apart() -> None:
    a = report(
        [
            session("zone2", 1, "07:00", "08:00"),
            session("zone2", 3, "07:00", "08:00"),
            session("hiit", 2, "18:00", "18:25"),
            session("impact", 4, "12:00", "12:15"),
        ],
        {"more": (20, 2)},
    )
    b = report(
        [
            session("zone2", 1, "07:00", "08:15"),  # same start, longer
            session("zone2", 4, "07:00", "08:00"),  # Thu -> Fri
            session("hiit", 2, "18:00", "18:25"),
            session("resistance", 5, "10:00", "10:45"),
        ],
        {"more": (20, 3)},
    )
    diff = compare(a, b)
    changes = [(c.change, c.kind, c.shift_minutes) for c in diff.sessions]
    assert changes == [
        ("resized", "zone2", 0),
        ("unchanged", "hiit", 0),
        ("moved", "zone2", 24 * 60),
        ("removed", "impact", 0),
        ("added", "resistance", 0),
    ]
    assert (diff.count("moved"), diff.count("added"), diff.count("removed")) == (1, 1, 1)


def test_pairing_within_a_kind_keeps_the_total_shift_least() -> None:
    # A has Mon and Sat; B has Tue only: Tue pairs with Mon (1 day), Sat is removed.
    a = report([session("zone2", 1, "07:00", "08:00"), session("zone2", 5, "07:00", "08:00")], {})
    b = report([session("zone2", 2, "07:00", "08:00")], {})
    diff = compare(a, b)
    moved = next(c for c in diff.sessions if c.change == "moved")
    assert moved.a is not None and moved.a.start.startswith("2026-12-01")
    removed = next(c for c in diff.sessions if c.change == "removed")
    assert removed.a is not None and removed.a.start.startswith("2026-12-05")


def test_terms_changed_show_weight_count_and_points_of_both() -> None:
    a = report([], {"near_study": (30, 4), "spread_days": (25, 5)})
    b = report([], {"near_study": (0, 0), "spread_days": (25, 7)})
    diff = compare(a, b, label_a="given", label_b="near_study=0")
    assert diff.weights_changed == {"near_study": (30, 0)}
    near, spread = diff.terms
    assert (near.points_a, near.points_b, near.delta, near.changed) == (120, 0, -120, True)
    assert (spread.raw_a, spread.raw_b, spread.delta) == (5, 7, 50)
    assert (diff.objective_a, diff.objective_b) == (245, 175)


# -- the command line ---------------------------------------------------------------------------


def test_compare_command_prints_two_plans_side_by_side(calendar: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for path, weight in ((a, "near_study=30"), (b, "near_study=0")):
        args = ["plan", str(calendar), *WEEK, "-o", str(path.with_suffix(".ics"))]
        args += ["--json", str(path), "--weight", weight, "--quiet"]
        assert CliRunner().invoke(main, args).exit_code == 0
    result = CliRunner().invoke(main, ["compare", str(a), str(b)], env={"COLUMNS": "140"})
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith("A: a.json   B: b.json   (weights changed: near_study 30→0)")
    near = next(line for line in result.stdout.splitlines() if "│ near_study" in line)
    assert [c.strip() for c in near.split("│")[1:3]] == ["near_study", "30→0"]
    diff = compare(
        PlanReport.model_validate_json(a.read_text()).weeks[0],
        PlanReport.model_validate_json(b.read_text()).weeks[0],
    )
    tail = (
        f"{diff.count('unchanged')} unchanged; objective {diff.objective_a} → {diff.objective_b}."
    )
    assert tail in result.stdout
    as_json = CliRunner().invoke(main, ["compare", str(a), str(b), "--json"])
    (week,) = json.loads(as_json.stdout)["weeks"]
    assert week["weights_changed"] == {"near_study": [30, 0]}


def test_compare_weights_plans_twice_and_prints_the_difference(
    calendar: Path, tmp_path: Path
) -> None:
    out, rep = tmp_path / "w.ics", tmp_path / "w.json"
    args = ["plan", str(calendar), *WEEK, "-o", str(out), "--json", str(rep)]
    result = CliRunner().invoke(
        main, [*args, "--compare-weights", "near_study=0,spread_days=60"], env={"COLUMNS": "140"}
    )
    assert result.exit_code == 0, result.output
    assert "A: as given   B: near_study=0,spread_days=60" in result.stdout
    assert "(weights changed: near_study 30→0, spread_days 25→60)" in result.stdout
    (written,) = PlanReport.model_validate_json(rep.read_text()).weeks
    assert {t.rule: t.weight for t in written.terms}["near_study"] == 30  # the plan as given


def test_compare_weights_with_weeks_compares_the_two_plans_week_by_week(
    calendar: Path, tmp_path: Path
) -> None:
    """`--compare-weights` with `--weeks` used to be refused; it now plans the weeks twice."""
    out = tmp_path / "w.ics"
    args = ["plan", str(calendar), *WEEK, "--weeks", "2", "-o", str(out)]
    result = CliRunner().invoke(
        main, [*args, "--compare-weights", "near_study=0"], env={"COLUMNS": "140"}
    )
    assert result.exit_code == 0, result.output
    assert "Week 2026-W49" in result.stdout and "Week 2026-W50" in result.stdout
    assert "All weeks: objective" in result.stdout
    assert "A: as given   B: near_study=0" in result.stdout
    assert out.read_bytes() == CliRunner().invoke(main, [*args[:-1], "-"]).stdout_bytes


def test_compare_weights_with_previous_compares_the_two_re_plans(
    calendar: Path, tmp_path: Path
) -> None:
    """`--compare-weights` with `--previous` used to be refused; both re-plans start from
    the same previous plan, and the files written are the re-plan as given."""
    first, again = tmp_path / "first.ics", tmp_path / "again.ics"
    made = CliRunner().invoke(main, ["plan", str(calendar), *WEEK, "-o", str(first)])
    assert made.exit_code == 0, made.output
    args = ["plan", str(calendar), "--tz", "Europe/Berlin", "--previous", str(first)]
    args += ["--now", "2026-11-29T12:00", "-o", str(again)]
    result = CliRunner().invoke(
        main, [*args, "--compare-weights", "near_study=0"], env={"COLUMNS": "140"}
    )
    assert result.exit_code == 0, result.output
    assert "re-planned: " in result.stdout
    assert "A: as given   B: near_study=0" in result.stdout
    assert "(weights changed: near_study 30→0)" in result.stdout
    plain = tmp_path / "plain.ics"
    replanned = CliRunner().invoke(main, [*args[:-1], str(plain)])
    assert replanned.exit_code == 0 and again.read_bytes() == plain.read_bytes()


def test_compare_weights_with_an_unknown_name_exits_2_before_planning(
    calendar: Path, tmp_path: Path
) -> None:
    out = tmp_path / "w.ics"
    args = ["plan", str(calendar), *WEEK, "-o", str(out), "--compare-weights", "nope=1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and not out.exists()
    assert "--compare-weights: unknown soft rule 'nope'" in result.stderr
    assert "Valid names: " in result.stderr


def test_compare_rejects_a_file_that_is_not_a_report(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"week": "2026-W49"}', encoding="utf-8")
    result = CliRunner().invoke(main, ["compare", str(bad), str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {bad}, at 'status': Field required")
    missing = CliRunner().invoke(main, ["compare", str(tmp_path / "no.json"), str(bad)])
    assert missing.exit_code == 2 and "cannot read the report" in missing.stderr


def test_compare_rejects_another_schema_version(calendar: Path, tmp_path: Path) -> None:
    result = pipeline.plan(api.load_inputs([calendar], week="2026-W49", tz="Europe/Berlin"))
    data = json.loads(report_json(plan_report(result)))
    data["schema_version"] = REPORT_SCHEMA_VERSION + 1
    path = tmp_path / "future.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = CliRunner().invoke(main, ["compare", str(path), str(path)])
    assert out.exit_code == 2 and f"schema_version {REPORT_SCHEMA_VERSION + 1}" in out.stderr


# -- the report schema --------------------------------------------------------------------------


def test_shipped_schema_equals_the_generated_one() -> None:
    shipped = (REPO / "docs" / "report.schema.json").read_text(encoding="utf-8")
    assert shipped == report_schema_json(), (
        "docs/report.schema.json is stale: run `brainfit schema > docs/report.schema.json` "
        "(and raise REPORT_SCHEMA_VERSION if a field was removed or changed meaning)"
    )
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0 and result.stdout == shipped


def test_a_real_report_validates_against_the_shipped_schema(calendar: Path) -> None:
    result = pipeline.plan(api.load_inputs([calendar], week="2026-W49", tz="Europe/Berlin"))
    data = report_json(plan_report(result))
    assert PlanReport.model_validate_json(data).schema_version == REPORT_SCHEMA_VERSION
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((REPO / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(data), schema, cls=jsonschema.Draft202012Validator)
    assert schema == report_schema()


def test_a_rule_at_weight_0_still_counts_in_the_report_and_compare(calendar: Path) -> None:
    """A weight of 0 takes a rule's points away, not its count: workouts next to the lectures
    (Mon-Fri 09:00-12:00) are still next to them, and the report and comparison say how many."""
    on, off = (
        build_report(
            pipeline.plan(api.load_inputs([calendar], week=WEEK[1], weights={"near_study": w}))
        )
        for w in (30, 0)
    )
    workouts = {"zone2", "hiit", "resistance", "vo2max", "impact"}
    counted = sum(
        s.kind in workouts
        and s.start[:10] <= "2026-12-04"
        and ("08:00" <= s.end[11:16] <= "09:00" or "12:00" <= s.start[11:16] <= "13:00")
        for s in off.sessions
    )
    near_off = next(t for t in off.terms if t.rule == "near_study")
    assert counted > 0
    assert (near_off.weight, near_off.raw, near_off.points) == (0, counted, 0)
    near = next(t for t in compare(on, off).terms if t.rule == "near_study")
    assert (near.raw_b, near.points_b) == (counted, 0)
