"""Impossible weeks: the conflict named and said with this week's numbers, relaxations that
were checked by solving, and `--relax soft` planning without the least important rules.

Every conflict a test sees is re-checked here with the guard literals directly: the set
cannot hold, and it can once any one of its rules is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from ortools.sat.python import cp_model

from brainfit_solver import api
from brainfit_solver.cli import main
from brainfit_solver.errors import InfeasibleError
from brainfit_solver.explain import relaxations, solve_relaxed
from brainfit_solver.profile import Profile, Window
from brainfit_solver.report import build_report
from brainfit_solver.solve import SolverOptions, build_model, make_solver, solve_week
from brainfit_solver.week import Week
from support import Ev, busy, inputs_of, kind, ruleset, write_calendar

HIGH = {"id": "one_high_per_day", "kind": "max_per_day", "max": 1, "priority": 90}
HIGH["applies_to"] = {"intensity": ["high"]}
APART = {"id": "high_apart", "kind": "not_on_consecutive_days", "priority": 60}
APART["applies_to"] = {"intensity": ["high"]}


def zone2_only(per_week: tuple[int, int] = (1, 1)) -> dict[str, dict[str, object]]:
    return {"zone2": kind([45, 75], per_week=per_week, title="Zone 2 cardio", priority=80)}


def holds(week: Week, rule_ids: Sequence[str]) -> bool:
    """Whether the given guarded rules can all hold this week (the others left out)."""
    model, wm = build_model(week, guarded=True, objective=False)
    assert set(rule_ids) <= set(wm.guards), f"{rule_ids} are not all rules of the model"
    model.add_assumptions([wm.guards[name] for name in rule_ids])
    status = make_solver(SolverOptions()).solve(model)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE)
    return status != cp_model.INFEASIBLE


def assert_minimal(week: Week, conflict: Sequence[str]) -> None:
    assert conflict, "an infeasible week must name at least one rule"
    assert not holds(week, conflict), f"{conflict} can hold together"
    for name in conflict:
        rest = [n for n in conflict if n != name]
        assert holds(week, rest), f"{conflict} without {name} still cannot hold"


def explain(week: Week) -> InfeasibleError:
    with pytest.raises(InfeasibleError) as err:
        solve_week(week)
    return err.value


def five_high_days() -> api.Inputs:
    """Four HIIT and one VO2 max a week: five high-intensity days, but at most four of seven
    can be apart."""
    kinds = {
        "hiit": kind(25, per_week=(4, 4), intensity="high", title="HIIT", priority=70),
        "vo2": kind(40, per_week=(1, 1), intensity="high", title="VO2 max", priority=70),
    }
    return inputs_of([], rules=ruleset(kinds, hard=[HIGH, APART]))


def evening_gap_only(gap: tuple[str, str] = ("18:10", "18:50"), *, day: int = 1) -> list:
    """A week busy from 06:30 to 21:30 every day but for one gap on one day."""
    out = []
    for d in range(7):
        if d == day:
            out += [busy(d, "06:30", gap[0]), busy(d, gap[1], "21:30")]
        else:
            out.append(busy(d, "06:30", "21:30"))
    return out


# -- the conflict -------------------------------------------------------------------------------


def test_conflict_is_minimal_and_each_rule_is_needed() -> None:
    inputs = five_high_days()
    err = explain(inputs.week)
    assert set(err.conflict) == {"hiit_per_week", "vo2_per_week", "one_high_per_day", "high_apart"}
    assert_minimal(inputs.week, err.conflict)


def test_hard_rule_conflict_is_said_with_this_weeks_numbers() -> None:
    message = str(explain(five_high_days().week))
    assert "cannot all hold together (drop any one and the rest can)" in message
    assert (
        "high_apart: rule high_apart; at most 4 of the 7 days with room can be used without two "
        "being consecutive, and the weekly minimums ask for 5 (hiit 4, vo2 1)"
    ) in message
    assert "hiit_per_week: HIIT needs 4 sessions a week of 25 min in one piece" in message


def test_zone2_that_fits_nowhere_names_the_longest_free_stretch() -> None:
    inputs = inputs_of(evening_gap_only(), rules=ruleset(zone2_only()))
    err = explain(inputs.week)
    assert err.conflict == ("zone2_per_week",)
    assert str(err).startswith(
        "the rules cannot all hold in 2026-W49. zone2_per_week: Zone 2 cardio needs 1 session a "
        "week of at least 45 min in one piece, at most one a day, 15 min clear of busy time on "
        "each side, but your longest free stretch between 06:30 and 21:30 is 40 min "
        "(Tue 18:10–18:50), which leaves 10 min once the buffers are kept."
    )
    assert_minimal(inputs.week, err.conflict)


def test_a_longer_stretch_is_named_even_when_a_shorter_one_leaves_more_room() -> None:
    week_ = [c for c in evening_gap_only() if c.start // 1440 != 3]  # Tue 18:10-18:50: 40 min
    week_.append(busy(3, "06:30", "21:00"))  # Thu 21:00-21:30: 30 min at the window's end
    err = explain(inputs_of(week_, rules=ruleset(zone2_only())).week)
    assert (
        "but your longest free stretch between 06:30 and 21:30 is 40 min (Tue 18:10–18:50), and "
        "none leaves more than 15 min once the buffers are kept (Thu 21:00–21:30)."
    ) in str(err)


def test_too_few_days_with_room_are_listed() -> None:
    week_ = [busy(d, "06:30", "21:30") for d in range(2, 7)]  # Mon and Tue free
    inputs = inputs_of(week_, rules=ruleset(zone2_only(per_week=(3, 3))))
    err = explain(inputs.week)
    assert "needs 3 sessions a week" in str(err)
    assert "but only Mon, Tue have room for one" in str(err)


def test_separate_conflicts_are_each_named_and_each_minimal() -> None:
    inputs = inputs_of(evening_gap_only())  # the whole protocol, a week with one 40-min gap
    err = explain(inputs.week)
    assert set(err.conflicts) == {
        ("zone2_per_week",),
        ("resistance_per_week",),
        ("hiit_per_week",),
        ("vo2max_per_week",),
    }
    assert err.conflict == ("zone2_per_week",)  # the most important (priority 80) first
    assert "4 separate conflicts, each needing a change. (1) zone2_per_week:" in str(err)
    for conflict in err.conflicts:
        assert_minimal(inputs.week, conflict)
    assert not holds(inputs.week, [n for c in err.conflicts[1:] for n in c])


# -- relaxations --------------------------------------------------------------------------------


def test_relaxations_offer_window_buffer_length_and_minimum() -> None:
    inputs = inputs_of(evening_gap_only(("18:00", "18:55")), rules=ruleset(zone2_only()))
    err = explain(inputs.week)
    assert err.fix is not None
    assert err.fix.startswith(
        "Relax one of: the daily window, the 15-min buffer, zone2's minimum length, "
        "zone2's weekly minimum"
    )
    assert err.relaxations == (
        'allow a 22:30 end on Monday (window.mon = "06:30-22:30")',
        'allow a 05:30 start on Monday (window.mon = "05:30-21:30")',
        'allow a 22:30 end on Tuesday (window.tue = "06:30-22:30")',
        "shrink the buffer from 15 to 5 min (buffer_min = 5 in the profile)",
        "shorten Zone 2 cardio to at least 25 min this week (kinds.zone2.duration_min, now 45)",
        "drop zone2_per_week this week, so no Zone 2 cardio session is required "
        "(kinds.zone2.per_week.min = 0, now 1)",
    )


def test_every_relaxation_is_checked_by_solving() -> None:
    for inputs in (
        inputs_of(evening_gap_only(("18:00", "18:55")), rules=ruleset(zone2_only())),
        five_high_days(),
    ):
        found = relaxations(inputs.week, explain(inputs.week).conflict)
        assert found
        for relaxation in found:
            plan = solve_week(relaxation.week)
            assert plan.status == "OPTIMAL", relaxation.text


def test_a_later_end_on_one_day_is_offered_with_its_profile_line() -> None:
    week_ = [busy(d, "06:30", "21:30") for d in range(7)]
    week_[3] = busy(3, "06:30", "21:00")  # Thursday: free from 21:00, but the window ends 21:30
    err = explain(inputs_of(week_, rules=ruleset(zone2_only())).week)
    assert 'allow a 22:00 end on Thursday (window.thu = "06:30-22:00")' in err.relaxations


def test_a_day_off_can_be_offered_back() -> None:
    profile = Profile(timezone="Europe/Berlin", window=Window(sun="off"))
    week_ = [busy(d, "06:30", "21:30") for d in range(6)]
    err = explain(inputs_of(week_, profile=profile, rules=ruleset(zone2_only())).week)
    assert "but your calendar has no free time between 06:30 and 21:30." in str(err)
    assert 'allow exercise on Sunday (window.sun = "06:30-21:30")' in err.relaxations


def test_hard_rule_conflict_offers_to_drop_each_rule_or_lower_a_minimum() -> None:
    err = explain(five_high_days().week)
    assert err.relaxations == (
        "lower the weekly minimum of HIIT from 4 to 3 (kinds.hiit.per_week.min)",
        "drop vo2_per_week this week, so no VO2 max session is required "
        "(kinds.vo2.per_week.min = 0, now 1)",
        "drop high_apart this week (rule high_apart)",
        "drop one_high_per_day this week (rule one_high_per_day)",
    )


# -- --relax soft -------------------------------------------------------------------------------


def test_relax_soft_drops_the_least_important_rule() -> None:
    plan = solve_relaxed(five_high_days().week)
    assert plan.dropped == ("high_apart",)  # priority 60, below the kinds (70) and 90
    assert plan.status == "OPTIMAL"
    assert len([s for s in plan.sessions if s.kind in ("hiit", "vo2")]) == 5


def test_relax_soft_drops_fewer_rules_at_equal_priority() -> None:
    kinds = {"a": kind(30, per_week=(2, 2), priority=50), "b": kind(30, per_week=(2, 2))}
    kinds["b"]["priority"] = 25
    cap = {"id": "one_a_day", "kind": "max_per_day", "max": 1, "priority": 25}
    profile = Profile(
        timezone="Europe/Berlin",
        window=Window.model_validate(dict.fromkeys(("wed", "thu", "fri", "sat", "sun"), "off")),
    )
    plan = solve_relaxed(inputs_of([], profile=profile, rules=ruleset(kinds, hard=[cap])).week)
    # Dropping b_per_week (25) or one_a_day (25) costs the same priority; either is one rule.
    assert len(plan.dropped) == 1 and plan.dropped[0] in ("b_per_week", "one_a_day")


def test_relaxed_solve_of_a_feasible_week_drops_nothing_and_matches_the_optimum() -> None:
    inputs = inputs_of([busy(d, "09:00", "17:00") for d in range(5)])
    relaxed, plain = solve_relaxed(inputs.week), solve_week(inputs.week)
    assert relaxed.dropped == ()
    assert relaxed.objective == plain.objective


def test_relaxed_plan_is_checked_against_the_rest_of_the_rules() -> None:
    inputs = five_high_days()
    result = api.plan(inputs, relax=True)
    assert result.plan.dropped == ("high_apart",)
    assert result.check.ok
    strict = api.check(result.ics, inputs)
    assert strict.violations and all(v.startswith("high_apart:") for v in strict.violations)
    descriptions = [str(e["description"]) for e in Calendar.from_ical(result.ics).walk("VEVENT")]
    assert descriptions and all(
        d.endswith("This week's plan drops: high_apart (rule high_apart).") for d in descriptions
    )
    report = build_report(result)
    assert [(d.rule, d.priority) for d in report.dropped] == [("high_apart", 60)]


# -- the command line ---------------------------------------------------------------------------

RULES = """
[meta]
name = "four-high"

[kinds.hiit]
title = "HIIT"
duration_min = 25
per_week = { min = 2, max = 2 }
intensity = "high"
protocol = "8 rounds of 20 s all-out."
why = "Lactate and BDNF."
cites = "High-intensity interval training (HIIT) — at least once per week"
priority = 70

[kinds.vo2max]
title = "VO2 max intervals"
duration_min = 40
per_week = { min = 2, max = 2 }
intensity = "high"
protocol = "4 x 4 min."
why = "Cardiovascular adaptations."
cites = "VO2 max-targeting cardio — brief, very high-intensity efforts"
priority = 70

[[hard]]
id = "one_high_intensity_per_day"
kind = "max_per_day"
applies_to = { intensity = ["high"] }
max = 1
description = "At most one high-intensity session on any day."
cites = "Two high-intensity sessions in one day can impair subsequent cognitive performance"
priority = 90

[[hard]]
id = "high_intensity_not_on_consecutive_days"
kind = "not_on_consecutive_days"
applies_to = { intensity = ["high"] }
description = "High-intensity days are never back to back."
cites = "Overdoing high-intensity interval training can reduce cognitive performance"
priority = 60
"""


@pytest.fixture
def four_high(tmp_path: Path) -> list[str]:
    """Four high-intensity sessions, one a day, never on consecutive days, in a week whose
    Sunday is off: six days allow only three."""
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    profile = tmp_path / "profile.toml"
    profile.write_text('timezone = "Europe/Berlin"\nweek = "2026-W49"\n[window]\nsun = "off"\n')
    cal = write_calendar(tmp_path / "cal.ics", [Ev(0, "09:00", "12:00", "Lecture")])
    return [str(cal), "--rules", str(rules), "--profile", str(profile)]


def test_cli_impossible_week_exits_3_says_why_and_writes_nothing(
    four_high: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "week.ics"
    result = CliRunner().invoke(main, ["plan", *four_high, "-o", str(out)])
    assert result.exit_code == 3, result.output
    assert not out.exists()
    assert result.stderr.startswith("error: the rules cannot all hold in 2026-W49. ")
    assert (
        "high_intensity_not_on_consecutive_days: High-intensity days are never back to back; "
        "at most 3 of the 6 days with room can be used without two being consecutive, and the "
        "weekly minimums ask for 4 (hiit 2, vo2max 2)."
    ) in result.stderr
    lines = result.stderr.splitlines()
    assert '  - would work: allow exercise on Sunday (window.sun = "06:30-21:30")' in lines
    assert (
        "  - would work: drop high_intensity_not_on_consecutive_days this week "
        "(High-intensity days are never back to back)"
    ) in lines


def test_cli_relax_soft_plans_and_marks_what_was_dropped(
    four_high: list[str], tmp_path: Path
) -> None:
    out, report = tmp_path / "week.ics", tmp_path / "week.json"
    args = ["plan", *four_high, "-o", str(out), "--json", str(report), "--relax", "soft"]
    result = CliRunner().invoke(main, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "This week's plan drops: high_intensity_not_on_consecutive_days" in result.stdout
    assert "checked: every hard rule not dropped holds." in result.stdout
    assert b"This week's plan drops: high_intensity_not_on_consecutive_days" in out.read_bytes()
    assert '"rule": "high_intensity_not_on_consecutive_days"' in report.read_text()
    quiet = CliRunner().invoke(main, [*args, "--quiet"])
    assert quiet.exit_code == 0 and quiet.stdout == ""
    assert "warning: this week's plan drops high_intensity_not_on_consecutive_days" in quiet.stderr


def test_relax_soft_refuses_multi_week_planning_rather_than_ignoring_it(
    four_high: list[str], tmp_path: Path
) -> None:
    args = ["plan", *four_high, "-o", str(tmp_path / "w.ics"), "--relax", "soft", "--weeks", "2"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "--relax soft and --compare-weights plan one week from scratch" in result.stderr


def test_check_of_a_relaxed_plan_holds_it_to_what_it_declares(
    four_high: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "week.ics"
    planned = CliRunner().invoke(main, ["plan", *four_high, "-o", str(out), "--relax", "soft"])
    assert planned.exit_code == 0, planned.output
    assert b"X-BRAINFIT-DROPPED:high_intensity_not_on_consecutive_days" in out.read_bytes()
    checked = CliRunner().invoke(main, ["check", str(out), *four_high])
    assert checked.exit_code == 0, checked.output
    assert "but those the plan declares dropped (high_intensity_not_on_consecutive_days)" in (
        checked.stdout
    )
    # Declaring a drop excuses only that rule: a session moved onto a busy lecture still fails.
    text = out.read_bytes().decode()
    first = text.index("DTSTART;TZID=Europe/Berlin:")
    line_end = text.index("\r\n", first)
    moved = text[:first] + "DTSTART;TZID=Europe/Berlin:20261130T100000" + text[line_end:]
    bad = tmp_path / "bad.ics"
    bad.write_text(moved)
    assert CliRunner().invoke(main, ["check", str(bad), *four_high]).exit_code == 4
