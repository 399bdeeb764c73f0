"""Tuning: named soft-rule weights, overridden by the profile and by --weight, listed by
`brainfit weights`, and the objective broken down by rule in the summary and the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from brainfit_solver import api, pipeline
from brainfit_solver.api import build_report
from brainfit_solver.cli import main
from brainfit_solver.core.errors import RuleFileError
from brainfit_solver.outputs.tuning import weight_rows
from brainfit_solver.rules.profile import KindPreference, Profile
from brainfit_solver.rules.ruleset import default_rules_path, load_rules
from support import Ev, write_calendar

WEEK = ["--week", "2026-W49", "--tz", "Europe/Berlin"]


@pytest.fixture
def calendar(tmp_path: Path) -> Path:
    return write_calendar(
        tmp_path / "cal.ics",
        [Ev(d, "09:00", "12:00", "Lecture") for d in range(5)]
        + [Ev(d, "14:00", "17:00", "Work") for d in range(5)],
    )


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


# -- overriding weights -------------------------------------------------------------------------


def test_unknown_weight_name_lists_the_valid_ones(calendar: Path, tmp_path: Path) -> None:
    out = tmp_path / "week.ics"
    code, _, err = run("plan", calendar, *WEEK, "-o", out, "--weight", "near_studdy=40")
    assert code == 2
    assert not out.exists()
    valid = ", ".join(sorted(load_rules().weights()))
    assert err.strip() == (
        "error: --weight: unknown soft rule 'near_studdy' in a weight override. "
        f"Valid names: {valid}."
    )


def test_unknown_weight_in_the_profile_names_the_profile(calendar: Path) -> None:
    profile = Profile(timezone="Europe/Berlin", weights={"spread": 3})
    with pytest.raises(RuleFileError) as err:
        api.load_inputs([calendar], profile=profile, week="2026-W49")
    assert err.value.where == "profile [weights]"
    assert "spread_days" in str(err.value)


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("near_study", "--weight 'near_study' is not NAME=VALUE with a whole number"),
        ("near_study=lots", "--weight 'near_study=lots' is not NAME=VALUE with a whole number"),
        ("near_study=-1", "weight near_study=-1 is out of range"),
        ("near_study=10001", "weight near_study=10001 is out of range"),
    ],
)
def test_malformed_or_out_of_range_weight_exits_2(
    calendar: Path, tmp_path: Path, pair: str, message: str
) -> None:
    code, _, err = run("plan", calendar, *WEEK, "-o", tmp_path / "w.ics", "--weight", pair)
    assert code == 2
    assert message in err


def test_flag_overrides_profile_overrides_rule_file(calendar: Path) -> None:
    profile = Profile(timezone="Europe/Berlin", weights={"near_study": 5, "spread_days": 7})
    inputs = api.load_inputs(
        [calendar], profile=profile, week="2026-W49", weights={"near_study": 50}
    )
    weights = inputs.rules.weights()
    assert weights["near_study"] == 50  # --weight
    assert weights["spread_days"] == 7  # profile
    assert weights["bone_loading"] == load_rules().weights()["bone_loading"]  # rule file
    assert inputs.week.rules is inputs.rules  # the model sees the overridden weights


def test_a_weight_of_zero_switches_a_rule_off(calendar: Path) -> None:
    given = pipeline.plan(api.load_inputs([calendar], week="2026-W49", tz="Europe/Berlin"))
    off = pipeline.plan(
        api.load_inputs([calendar], week="2026-W49", tz="Europe/Berlin", weights={"near_study": 0})
    )
    assert given.plan.raw["near_study"] > 0 and given.plan.terms["near_study"] > 0
    assert off.plan.terms["near_study"] == 0
    assert off.plan.objective < given.plan.objective


# -- brainfit weights ---------------------------------------------------------------------------


def test_weights_command_lists_every_soft_rule_with_reward_and_source() -> None:
    code, out, _ = run("weights", "--json")
    assert code == 0
    rows = json.loads(out)
    rules = load_rules()
    assert [r["rule"] for r in rows] == [r.id for r in rules.soft]
    near = next(r for r in rows if r["rule"] == "near_study")
    assert near["weight"] == near["default"] == 30
    assert near["per"] == (
        "workout ending within 60 min before, or starting within 60 min after, a study block"
    )
    assert near["cites"].startswith("Exercise can be done before, during, or after learning")
    assert near["applies_to"] == ["zone2", "hiit", "resistance", "vo2max", "impact"]
    disliked = next(r for r in rows if r["rule"] == "disliked_times")
    assert disliked["penalty"] is True


def test_weights_command_shows_overrides_against_the_file(tmp_path: Path) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text("[weights]\nspread_days = 40\n", encoding="utf-8")
    code, out, _ = run("weights", "--profile", profile, "--weight", "near_study=45", "--json")
    assert code == 0
    rows = {r["rule"]: r for r in json.loads(out)}
    assert (rows["near_study"]["weight"], rows["near_study"]["default"]) == (45, 30)
    assert (rows["spread_days"]["weight"], rows["spread_days"]["default"]) == (40, 25)


def test_weights_command_prints_a_table_of_the_given_rule_file(tmp_path: Path) -> None:
    rules = tmp_path / "mine.toml"
    text = default_rules_path().read_text(encoding="utf-8")
    rules.write_text(text.replace('name = "brain-health"', 'name = "mine"'), encoding="utf-8")
    result = CliRunner().invoke(main, ["weights", str(rules)], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Soft rules of mine (points = weight × count)" in result.stdout
    assert "near_study" in result.stdout and "+30" in result.stdout
    assert "−25" in result.stdout  # disliked_times takes points away
    assert "Exercise can be done before, during, or after learning" in result.stdout


def test_weights_command_rejects_an_unknown_name() -> None:
    code, _, err = run("weights", "--weight", "nope=1")
    assert code == 2 and "Valid names: " in err and "near_study" in err


def test_weight_rows_say_what_one_unit_is() -> None:
    per = {row.rule: row.per for row in weight_rows(load_rules())}
    assert per["longer_zone2"] == "5 min a session runs beyond its minimum"
    assert per["spread_days"] == "day holding at least one such session"


# -- the objective, rule by rule ----------------------------------------------------------------


def test_objective_breakdown_adds_up_and_matches_the_checker(calendar: Path) -> None:
    profile = Profile(
        timezone="Europe/Berlin",
        preferences={"zone2": KindPreference(disliked=["06:00-08:00", "12:00-14:00"])},
    )
    result = pipeline.plan(api.load_inputs([calendar], profile=profile, week="2026-W49"))
    report = build_report(result)
    for term in report.terms:
        sign = -1 if term.kind == "disliked_times" else 1
        assert term.points == sign * term.weight * term.raw, term.rule
        assert term.raw == result.check.raw[term.rule], term.rule
    assert sum(t.points for t in report.terms) == report.objective == report.check.objective
    assert [t.rule for t in report.terms] == [r.id for r in result.inputs.rules.soft]


def test_summary_prints_weight_count_and_points_per_rule(calendar: Path, tmp_path: Path) -> None:
    args = ["plan", str(calendar), *WEEK, "-o", str(tmp_path / "w.ics")]
    result = CliRunner().invoke(main, [*args, "--weight", "near_study=31"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    report = build_report(
        pipeline.plan(
            api.load_inputs(
                [calendar], week="2026-W49", tz="Europe/Berlin", weights={"near_study": 31}
            )
        )
    )
    near = next(t for t in report.terms if t.rule == "near_study")
    row = next(line for line in result.stdout.splitlines() if "near_study" in line)
    cells = [cell.strip() for cell in row.split("│")[1:5]]
    assert cells == ["near_study", "31", str(near.raw), f"{near.points:+d}"]
    assert f"proven optimal (objective {report.objective})" in result.stdout
