"""Impossible weeks: the conflict named and said with this week's numbers, relaxations that
were checked by solving, and `--relax soft` planning without the least important rules.

Every conflict a test sees is re-checked here with the guard literals directly: the set
cannot hold, and it can once any one of its rules is left out.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from ortools.sat.python import cp_model

from brainfit_solver import api, pipeline
from brainfit_solver.api import build_report
from brainfit_solver.cli import main
from brainfit_solver.core.domain import Commitment, Plan, SolverOptions
from brainfit_solver.core.errors import InfeasibleError
from brainfit_solver.explain.impossible import plan_week, relaxations, solve_relaxed
from brainfit_solver.model.week import Week
from brainfit_solver.rules.profile import Profile, Window
from brainfit_solver.rules.ruleset import Count, RuleSet, load_rules
from brainfit_solver.solver.solve import build_model, make_solver
from support import Ev, busy, day_at, inputs_of, kind, ruleset, write_calendar

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
        plan_week(week)
    return err.value


def five_high_days() -> api.Inputs:
    """Four HIIT and one VO2 max a week: five high-intensity days, but at most four of seven
    can be apart."""
    kinds = {
        "hiit": kind(25, per_week=(4, 4), intensity="high", title="HIIT", priority=70),
        "vo2": kind(40, per_week=(1, 1), intensity="high", title="VO2 max", priority=70),
    }
    return inputs_of([], rules=ruleset(kinds, hard=[HIGH, APART]))


def in_pieces(day: int, start: str, end: str) -> list[Commitment]:
    """Busy time as commitments of at most five hours each: a day full of ordinary
    appointments, none long enough to call for rest afterwards (rest_after_long_or_overnight);
    these tests are about the room the calendar leaves."""
    first, last = day_at(day, start), day_at(day, end)
    cuts = [*range(first, last, 300), last]
    return [Commitment(a, b, "Busy", "test") for a, b in itertools.pairwise(cuts)]


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


def weekend_only() -> api.Inputs:
    """The whole protocol in a week busy from 06:30 to 21:30 on every weekday."""
    return inputs_of([b for d in range(5) for b in in_pieces(d, "06:30", "21:30")])


def test_conflicts_that_share_a_rule_are_all_named_at_once() -> None:
    """Saturday and Sunday only: six workouts on two days break "two a day" with HIIT's
    minimum and again with VO2 max's; HIIT and VO2 max on those two days are back to back or
    on one day, where one of them makes a third workout. Dropping HIIT's minimum alone leaves
    the others, so all five are named at once, and no single rule is offered as the fix."""
    inputs = weekend_only()
    err = explain(inputs.week)
    assert set(err.conflicts) == {
        ("hiit_per_week", "resistance_per_week", "two_workouts_per_day_at_most", "zone2_per_week"),
        (
            "resistance_per_week",
            "two_workouts_per_day_at_most",
            "vo2max_per_week",
            "zone2_per_week",
        ),
        (
            "high_intensity_not_on_consecutive_days",
            "hiit_per_week",
            "one_high_intensity_per_day",
            "vo2max_per_week",
        ),
        (
            "high_intensity_not_on_consecutive_days",
            "hiit_per_week",
            "resistance_per_week",
            "two_workouts_per_day_at_most",
            "vo2max_per_week",
        ),
        (
            "high_intensity_not_on_consecutive_days",
            "hiit_per_week",
            "two_workouts_per_day_at_most",
            "vo2max_per_week",
            "zone2_per_week",
        ),
    }
    for conflict in err.conflicts:
        assert_minimal(inputs.week, conflict)
    rules = sorted({name for c in err.conflicts for name in c})
    for name in rules:  # the sentence below, checked: no one rule dropped is enough
        assert not holds(inputs.week, [n for n in rules if n != name]), name
    assert "5 conflicts (some share rules), each needing a change. (1) " in str(err)
    assert (
        "No rule is in every conflict, so no single rule dropped makes the week plannable. "
        "Relax one of: the daily window"
    ) in str(err)


def test_days_with_room_for_only_one_workout_each_are_said_to_be() -> None:
    """Weekdays free only 17:00-18:30 (60 min once the buffers are kept), weekends full: each
    day has room for one workout, five in all, and the minimums ask for six."""
    week_ = [busy(d, "06:30", "21:30") for d in (5, 6)]
    week_ += [
        b for d in range(5) for b in [*in_pieces(d, "06:30", "17:00"), busy(d, "18:30", "21:30")]
    ]
    err = explain(inputs_of(week_).week)
    assert err.conflicts == (
        ("hiit_per_week", "resistance_per_week", "vo2max_per_week", "zone2_per_week"),
    )
    assert (
        "Each of the 5 days with room (Mon, Tue, Wed, Thu, Fri) has room for only one of these "
        "workouts at a time, so the week holds at most 5 of the 6 sessions these minimums ask "
        "for."
    ) in str(err)


# -- relaxations --------------------------------------------------------------------------------


def test_relaxations_offer_window_buffer_length_and_minimum() -> None:
    inputs = inputs_of(evening_gap_only(("18:00", "18:55")), rules=ruleset(zone2_only()))
    err = explain(inputs.week)
    assert err.fix is not None
    assert err.fix.startswith(
        "Relax one of: the daily window, the 15-min buffer, zone2's minimum length, "
        "zone2's weekly minimum"
    )
    added = "then 1 session falls in the added time and the best plan scores 0"
    assert err.relaxations == (
        f'allow a 22:30 end on Monday (window.mon = "06:30-22:30"); {added}',
        f'allow a 05:30 start on Monday (window.mon = "05:30-21:30"); {added}',
        f'allow a 22:30 end on Tuesday (window.tue = "06:30-22:30"); {added}',
        "shrink the buffer from 15 to 5 min (buffer_min = 5 in the profile); the best plan "
        "then scores 0",
        "shorten Zone 2 cardio to at least 25 min this week (kinds.zone2.duration_min, now 45); "
        "then 1 session is shorter than 45 min and the best plan scores 0",
        "drop zone2_per_week this week, so no Zone 2 cardio session is required "
        "(kinds.zone2.per_week.min = 0, now 1); the best plan then scores 0",
    )


def test_every_relaxation_is_checked_by_solving() -> None:
    for inputs in (
        inputs_of(evening_gap_only(("18:00", "18:55")), rules=ruleset(zone2_only())),
        five_high_days(),
    ):
        found = relaxations(inputs.week, explain(inputs.week).conflict)
        assert found
        for relaxation in found:
            plan = plan_week(relaxation.week)
            assert plan.status == "OPTIMAL", relaxation.text


def test_a_later_end_on_one_day_is_offered_with_its_profile_line() -> None:
    week_ = [busy(d, "06:30", "21:30") for d in range(7)]
    week_[3] = busy(3, "06:30", "21:00")  # Thursday: free from 21:00, but the window ends 21:30
    err = explain(inputs_of(week_, rules=ruleset(zone2_only())).week)
    assert err.relaxations[0].startswith(
        'allow a 22:00 end on Thursday (window.thu = "06:30-22:00"); then 1 session falls in '
    )


def test_a_day_off_can_be_offered_back() -> None:
    profile = Profile(timezone="Europe/Berlin", window=Window(sun="off"))
    week_ = [busy(d, "06:30", "21:30") for d in range(6)]
    err = explain(inputs_of(week_, profile=profile, rules=ruleset(zone2_only())).week)
    assert "but your calendar has no free time between 06:30 and 21:30." in str(err)
    assert err.relaxations[0] == (
        'allow exercise on Sunday (window.sun = "06:30-21:30"); then 1 session falls in the '
        "added time and the best plan scores 0"
    )


def in_added_time(week: Week, plan: Plan) -> int:
    """Sessions of a plan outside the given week's windows (in time a relaxation added)."""
    count = 0
    for s in plan.sessions:
        window = week.windows[s.start // 1440]
        count += window is None or s.start < window.start or s.end > window.end
    return count


def assert_costs_are_true(week: Week, err: InfeasibleError, texts: Sequence[str]) -> None:
    """Each relaxation offered is one of ``texts`` with its cost appended, and that cost is
    what planning the changed week gives: the sessions in the added time and the objective."""
    found = relaxations(week, [n for c in err.conflicts for n in c])
    assert [r.text for r in found] == list(texts)
    for relaxation, offered in zip(found, err.relaxations, strict=True):
        plan = plan_week(relaxation.week)
        added = in_added_time(week, plan)
        sessions = f"{added} session{'' if added == 1 else 's'}"
        assert offered == (
            f"{relaxation.text}; then {sessions} fall in the added time and the best plan "
            f"scores {plan.objective}"
        )


def test_a_crammed_week_is_offered_an_earlier_start_next_to_a_later_end() -> None:
    inputs = weekend_only()
    err = explain(inputs.week)
    assert_costs_are_true(
        inputs.week,
        err,
        [
            'allow exercise until 22:30 every day (window.default = "06:30-22:30")',
            'allow exercise from 05:30 every day (window.default = "05:30-21:30")',
        ],
    )


def test_opening_days_off_is_offered_before_widening_every_day() -> None:
    """Weekdays off, and the weekend has room for one workout a day: opening one weekday is
    not enough for six workouts, opening two is, and a wider window on the weekend is not
    (two workouts a day at most)."""
    window = Window.model_validate(dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "off"))
    profile = Profile(timezone="Europe/Berlin", window=window)
    week_ = [
        b for d in (5, 6) for b in [*in_pieces(d, "06:30", "17:00"), busy(d, "18:30", "21:30")]
    ]
    inputs = inputs_of(week_, profile=profile)
    err = explain(inputs.week)
    assert_costs_are_true(
        inputs.week,
        err,
        [
            "allow exercise on Monday and Tuesday "
            '(window.mon = "06:30-21:30", window.tue = "06:30-21:30")',
        ],
    )


def test_hard_rule_conflict_offers_to_drop_each_rule_or_lower_a_minimum() -> None:
    err = explain(five_high_days().week)
    assert err.relaxations == (
        "lower the weekly minimum of HIIT from 4 to 3 (kinds.hiit.per_week.min); the best plan "
        "then scores 0",
        "drop vo2_per_week this week, so no VO2 max session is required "
        "(kinds.vo2.per_week.min = 0, now 1); the best plan then scores 0",
        "drop high_apart this week (rule high_apart); it is then broken by at least 2 pairs of "
        "consecutive days, and the best plan that breaks it that little scores 0",
        "drop one_high_per_day this week (rule one_high_per_day); it is then broken by at least "
        "1 session over a day's limit, and the best plan that breaks it that little scores 0",
    )


# -- --relax soft -------------------------------------------------------------------------------


def test_relax_soft_breaks_the_rule_whose_breaks_cost_least() -> None:
    """Five high-intensity days in seven hold at least two consecutive pairs (2 x 60): one
    high-intensity session fewer (70) costs less."""
    plan = solve_relaxed(five_high_days().week)
    assert plan.dropped in (("hiit_per_week",), ("vo2_per_week",))
    assert plan.broken == {plan.dropped[0]: 1}
    assert plan.status == "OPTIMAL"
    high = days_of(plan, ("hiit", "vo2"))
    assert len(high) == 4 and not any(day + 1 in high for day in high)


def four_high_days_in_six() -> api.Inputs:
    """Two HIIT and two VO2 max a week, Sunday off: four high days in six hold one pair of
    consecutive days (60), cheaper than a session fewer (70)."""
    kinds = {
        "hiit": kind(25, per_week=(2, 2), intensity="high", title="HIIT", priority=70),
        "vo2": kind(40, per_week=(2, 2), intensity="high", title="VO2 max", priority=70),
    }
    profile = Profile(timezone="Europe/Berlin", window=Window(sun="off"))
    return inputs_of([], profile=profile, rules=ruleset(kinds, hard=[HIGH, APART]))


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


def protocol_with(**minimums: int) -> RuleSet:
    """The bundled protocol with some kinds' weekly counts set (min = max), as a user's copy
    of the rule file would have them."""
    rules = load_rules()
    kinds = {
        k: kind_.model_copy(update={"per_week": Count(min=minimums[k], max=minimums[k])})
        if k in minimums
        else kind_
        for k, kind_ in rules.kinds.items()
    }
    return rules.model_copy(update={"kinds": kinds})


HIGH_KINDS = ("hiit", "vo2max")
WORKOUTS = ("zone2", "hiit", "resistance", "vo2max", "impact")


def days_of(plan: Plan, kinds: Sequence[str]) -> list[int]:
    """The week's days (0 = Monday) of each session of the given kinds, in time order."""
    return [s.start // 1440 for s in plan.sessions if s.kind in kinds]


def test_relax_soft_breaks_the_consecutive_days_rule_as_few_times_as_priorities_allow() -> None:
    """Three HIIT and a VO2 max, one high-intensity session a day, four weekdays free: four
    high days in a row break high_intensity_not_on_consecutive_days three times (3 x 60);
    three high days with one pair (60) and one high-intensity session short (70) cost less."""
    free = [busy(d, "06:30", "21:30") for d in range(4, 7)]  # Mon-Thu free
    plan = solve_relaxed(inputs_of(free, rules=protocol_with(hiit=3)).week)
    high = days_of(plan, HIGH_KINDS)
    assert len(high) == len(set(high)) == 3
    assert sum(day + 1 in high for day in high) == 1
    short = "hiit_per_week" if len(days_of(plan, ["hiit"])) == 2 else "vo2max_per_week"
    assert plan.dropped == tuple(sorted(("high_intensity_not_on_consecutive_days", short)))
    assert plan.broken == {"high_intensity_not_on_consecutive_days": 1, short: 1}
    assert plan.status == "OPTIMAL"


def test_relax_soft_puts_no_optional_session_on_a_day_over_its_limit() -> None:
    """Only Saturday and Sunday free: six required workouts on two days. One session over
    "two workouts a day at most" (40) and one high-intensity session fewer (70) cost less than
    two over (80) and the two high days back to back (60); the optional impact sessions stay
    out rather than add to a day over its limit."""
    plan = solve_relaxed(inputs_of([busy(d, "06:30", "21:30") for d in range(5)]).week)
    workouts = days_of(plan, WORKOUTS)
    assert "impact" not in {s.kind for s in plan.sessions}
    assert len(workouts) == 5 and sorted({workouts.count(5), workouts.count(6)}) == [2, 3]
    (missing,) = {"hiit", "vo2max"} - {s.kind for s in plan.sessions}
    assert plan.broken == {"two_workouts_per_day_at_most": 1, f"{missing}_per_week": 1}


def test_relaxed_solve_of_a_feasible_week_drops_nothing_and_matches_the_optimum() -> None:
    inputs = inputs_of([busy(d, "09:00", "17:00") for d in range(5)])
    relaxed, plain = solve_relaxed(inputs.week), plan_week(inputs.week)
    assert relaxed.dropped == ()
    assert relaxed.objective == plain.objective


def test_relaxed_plan_is_checked_against_the_rest_of_the_rules() -> None:
    inputs = four_high_days_in_six()
    result = pipeline.plan(inputs, relax=True)
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
    assert (
        '  - would work: allow exercise on Sunday (window.sun = "06:30-21:30"); then 1 session '
        "falls in the added time and the best plan scores 0"
    ) in lines
    assert (
        "  - would work: drop high_intensity_not_on_consecutive_days this week "
        "(High-intensity days are never back to back); it is then broken by at least 1 pair of "
        "consecutive days, and the best plan that breaks it that little scores 0"
    ) in lines


def test_impossible_week_writes_the_json_report_with_conflicts_and_relaxations_but_no_plan(
    four_high: list[str], tmp_path: Path
) -> None:
    out, report = tmp_path / "week.ics", tmp_path / "week.json"
    result = CliRunner().invoke(main, ["plan", *four_high, "-o", str(out), "--json", str(report)])
    assert result.exit_code == 3, result.output
    assert not out.exists()
    data = json.loads(report.read_text())
    assert data["status"] == "INFEASIBLE" and data["weeks"] == []
    assert data["iso_weeks"] == ["2026-W49"] and data["objective"] is None
    infeasible = data["infeasible"]
    assert infeasible["week"] == "2026-W49"
    assert result.stderr.startswith(f"error: {infeasible['message']}")
    (conflict,) = infeasible["conflicts"]
    assert "high_intensity_not_on_consecutive_days" in conflict["rules"]
    assert conflict["text"] in infeasible["message"]
    assert "at most 3 of the 6 days with room" in conflict["text"]
    fixes = {r["setting"]: r for r in infeasible["relaxations"]}
    sunday = fixes["window.sun"]
    assert sunday["text"] == 'allow exercise on Sunday (window.sun = "06:30-21:30")'
    assert sunday["cost"] == "then 1 session falls in the added time and the best plan scores 0"
    for r in infeasible["relaxations"]:
        line = f"  - would work: {r['text']}" + (f"; {r['cost']}" if r["cost"] else "")
        assert line in result.stderr.splitlines()
        assert r["setting"]


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


def test_relaxed_summary_and_report_say_how_often_each_dropped_rule_is_broken(
    four_high: list[str], tmp_path: Path
) -> None:
    report = tmp_path / "week.json"
    args = ["plan", *four_high, "-o", str(tmp_path / "w.ics"), "--json", str(report)]
    result = CliRunner().invoke(main, [*args, "--relax", "soft"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert (
        "This week's plan drops: high_intensity_not_on_consecutive_days (High-intensity days are "
        "never back to back, priority 60; broken by 1 pair of consecutive days)."
    ) in result.stdout
    dropped = json.loads(report.read_text())["weeks"][0]["dropped"]
    assert [(d["rule"], d["broken"]) for d in dropped] == [
        ("high_intensity_not_on_consecutive_days", 1)
    ]


def test_relax_soft_with_weeks_relaxes_each_impossible_week_and_the_check_holds_it(
    four_high: list[str], tmp_path: Path
) -> None:
    """`--relax soft --weeks 2` used to be refused; each impossible week is now relaxed on
    its own, the file declares what it drops, and `check` holds it to exactly that."""
    out, report = tmp_path / "w.ics", tmp_path / "w.json"
    args = ["plan", *four_high, "-o", str(out), "--json", str(report), "--relax", "soft"]
    result = CliRunner().invoke(main, [*args, "--weeks", "2"])
    assert result.exit_code == 0, result.output
    rule = "high_intensity_not_on_consecutive_days"
    weeks = json.loads(report.read_text())["weeks"]
    assert [w["week"] for w in weeks] == ["2026-W49", "2026-W50"]
    assert [[d["rule"] for d in w["dropped"]] for w in weeks] == [[rule], [rule]]
    assert f"2026-W50 drops {rule}" in result.stdout
    assert f"X-BRAINFIT-DROPPED:{rule}".encode() in out.read_bytes()
    checked = CliRunner().invoke(main, ["check", str(out), *four_high, "--accept-dropped"])
    assert checked.exit_code == 0, checked.output
    assert f"as the plan declares them dropped: {rule}" in checked.stdout
    assert CliRunner().invoke(main, ["check", str(out), *four_high]).exit_code == 4


def test_relax_soft_with_repeat_is_refused_for_a_reason_about_the_template(
    four_high: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "w.ics"
    args = ["plan", *four_high, "-o", str(out), "--relax", "soft", "--weeks", "2", "--repeat"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "a --repeat template is one week for every week" in result.stderr
    assert "--weeks 2 --relax soft without --repeat" in result.stderr
    assert not out.exists()


def test_check_of_a_relaxed_plan_holds_it_to_what_it_declares(
    four_high: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "week.ics"
    planned = CliRunner().invoke(main, ["plan", *four_high, "-o", str(out), "--relax", "soft"])
    assert planned.exit_code == 0, planned.output
    assert b"X-BRAINFIT-DROPPED:high_intensity_not_on_consecutive_days" in out.read_bytes()
    checked = CliRunner().invoke(main, ["check", str(out), *four_high, "--accept-dropped"])
    assert checked.exit_code == 0, checked.output
    assert "as the plan declares them dropped: high_intensity_not_on_consecutive_days" in (
        checked.stdout
    )
    assert CliRunner().invoke(main, ["check", str(out), *four_high]).exit_code == 4
    # Declaring a drop excuses only that rule: a session moved onto a busy lecture still fails.
    text = out.read_bytes().decode()
    first = text.index("DTSTART;TZID=Europe/Berlin:")
    line_end = text.index("\r\n", first)
    moved = text[:first] + "DTSTART;TZID=Europe/Berlin:20261130T100000" + text[line_end:]
    bad = tmp_path / "bad.ics"
    bad.write_text(moved)
    assert (
        CliRunner().invoke(main, ["check", str(bad), *four_high, "--accept-dropped"]).exit_code == 4
    )
