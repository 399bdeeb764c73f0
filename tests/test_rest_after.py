"""Rest after long or overnight commitments (hard rule kind ``rest_after``): no workout
straight after a night shift or a long day, in the model, the checker and explanations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from icalendar import Calendar, Event

from brainfit_solver import api, pipeline
from brainfit_solver.core.domain import Commitment, Plan, Session
from brainfit_solver.core.errors import InfeasibleError
from brainfit_solver.core.timegrid import parse_week, zone
from brainfit_solver.explain.impossible import solve_relaxed
from brainfit_solver.rules.profile import KindPreference, Profile, Window
from brainfit_solver.rules.ruleset import load_rules
from support import REPO, STAMP, day_at, inputs_of, kind, ruleset

REST = {
    "id": "rest",
    "kind": "rest_after",
    "after_overnight_min": 480,
    "long_block_min": 360,
    "after_long_min": 120,
}


def only_days(*days: str, window: str = "06:30-21:30") -> Profile:
    week = dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "off")
    week.update(dict.fromkeys(days, window))
    return Profile(timezone="Europe/Berlin", window=Window.model_validate(week))


def span(day: int, start: str, end_day: int, end: str, summary: str = "Shift") -> Commitment:
    return Commitment(day_at(day, start), day_at(end_day, end), summary, "test")


def starts(inputs: api.Inputs) -> list[int]:
    return [s.start for s in pipeline.plan(inputs).plan.sessions]  # checked by the checker too


# -- the rule alone on a tiny week -------------------------------------------------------------


def test_no_workout_within_eight_hours_after_an_overnight_block() -> None:
    rules = ruleset({"z": kind(60)}, hard=[REST])
    shift = span(0, "22:00", 1, "07:30")
    inputs = inputs_of([shift], profile=only_days("tue"), rules=rules)
    assert all(s >= day_at(1, "15:30") for s in starts(inputs))
    unruled = inputs_of([shift], profile=only_days("tue"), rules=ruleset({"z": kind(60)}))
    assert pipeline.plan(unruled).plan.sessions  # the same week without the rule plans freely


def test_a_tuesday_that_closes_before_the_rest_ends_is_infeasible_and_names_the_rule() -> None:
    rules = ruleset({"z": kind(60)}, hard=[REST])
    shift = span(0, "22:00", 1, "07:30")
    inputs = inputs_of([shift], profile=only_days("tue", window="06:30-15:00"), rules=rules)
    with pytest.raises(InfeasibleError) as err:
        pipeline.plan(inputs)
    assert set(err.value.conflict) == {"rest", "z_per_week"}
    message = str(err.value)
    assert "rest: " in message and "'Shift'" in message and "15:30" in message
    assert any("rest only" in r or "drop rest" in r for r in err.value.relaxations)


def test_two_hours_rest_after_a_block_longer_than_six_hours_but_not_before_it() -> None:
    rules = ruleset({"z": kind(60)}, hard=[REST])
    day = span(1, "08:00", 1, "15:00", "Clinic")  # 7 h
    late = inputs_of([day], profile=only_days("tue", window="15:00-18:00"), rules=rules)
    assert starts(late) == [day_at(1, "17:00")]
    early = inputs_of([day], profile=only_days("tue", window="06:30-09:00"), rules=rules)
    assert starts(early) == [day_at(1, "06:30")]  # before the block: no rest needed
    six = span(1, "08:00", 1, "14:00", "Clinic")  # exactly 6 h: not longer than 6 h
    assert starts(inputs_of([six], profile=only_days("tue", window="14:00-15:30"), rules=rules))


def test_a_snack_is_not_held_back_when_the_rule_selects_workouts_only() -> None:
    snack = kind(5, per_week=(1, 1), intensity="low", buffer=False, anchor="before_study")
    rest = {**REST, "applies_to": {"kinds": ["z"]}}
    rules = ruleset({"z": kind(30, per_week=(0, 1)), "snack": snack}, hard=[rest])
    shift = span(0, "22:00", 1, "07:30")
    lecture = Commitment(day_at(1, "08:00"), day_at(1, "10:00"), "Lecture", "test", True)
    inputs = inputs_of([shift, lecture], profile=only_days("tue"), rules=rules)
    planned = pipeline.plan(inputs).plan.sessions
    assert [s.kind for s in planned if s.start < day_at(1, "08:00")] == ["snack"]


def test_relax_soft_counts_workouts_inside_a_rest_period() -> None:
    rules = ruleset({"z": kind(60, per_week=(2, 2))}, hard=[{**REST, "priority": 10}])
    shift = span(0, "22:00", 1, "07:30")
    profile = only_days("tue", "wed", window="06:30-12:00")
    plan = solve_relaxed(inputs_of([shift], profile=profile, rules=rules).week)
    assert plan.broken == {"rest": 1}
    assert len(plan.sessions) == 2


# -- the checker ----------------------------------------------------------------------------------


def _checked(inputs: api.Inputs, start: int) -> list[str]:
    session = Session("z", start, start + 60)
    plan = Plan(sessions=(session,), status="OPTIMAL", objective=0, bound=0)
    return api.check(api.export(plan, inputs), inputs).violations


def test_the_checker_accepts_a_plan_that_rests_and_rejects_one_that_does_not() -> None:
    rules = ruleset({"z": kind(60)}, hard=[REST])
    shift = span(0, "22:00", 1, "07:30", "Night shift")
    inputs = inputs_of([shift], profile=only_days("tue"), rules=rules)
    assert _checked(inputs, day_at(1, "15:30")) == []
    [violation] = _checked(inputs, day_at(1, "07:45"))
    assert violation.startswith("rest: z Tue 01 Dec 07:45")
    assert "'Night shift'" in violation and "15:30" in violation


# -- the night shift of the issue ------------------------------------------------------------------


def night_shifts(path: Path) -> Path:
    """A rota of night shifts 22:00-07:30, the first from the Sunday before the week."""
    tz, monday = zone("Europe/Berlin"), parse_week("2026-W49")
    cal = Calendar()
    cal.add("prodid", "-//brainfit tests//EN")
    cal.add("version", "2.0")
    for day in range(-1, 7):
        start = dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(22, 0), tz)
        event = Event()
        event.add("uid", f"night{day}@tests")
        event.add("dtstamp", STAMP)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(hours=9, minutes=30))
        event.add("summary", "Night shift")
        cal.add_component(event)
    cal.add_missing_timezones()
    path.write_bytes(cal.to_ical())
    return path


def test_no_workout_straight_after_a_night_shift(tmp_path: Path) -> None:
    """The old plan put resistance at 07:45 after a shift ending 07:30 (the user likes
    mornings); with the default rules nothing but a snack starts before 15:30."""
    morning = KindPreference.model_validate({"preferred": ["07:30-09:30"]})
    profile = Profile(timezone="Europe/Berlin", preferences={"resistance": morning})
    inputs = api.load_inputs(
        [night_shifts(tmp_path / "rota.ics")], profile=profile, week="2026-W49"
    )
    result = pipeline.plan(inputs)
    rules = inputs.rules
    workouts = [s for s in result.plan.sessions if rules.kinds[s.kind].buffer]
    assert len(workouts) >= 6
    for s in workouts:
        local = inputs.horizon.to_datetime(s.start)
        assert local.time() >= dt.time(15, 30), (s.kind, local)


@pytest.mark.parametrize("name", ["brain-health.toml", "light.toml"])
def test_rest_after_night_shifts_is_on_in_both_bundled_rule_sets(name: str) -> None:
    rules = load_rules(REPO / "constraints" / name)
    [rule] = [r for r in rules.hard if r.kind == "rest_after"]
    assert (rule.after_overnight_min, rule.long_block_min, rule.after_long_min) == (480, 600, 120)
    assert set(rules.select(rule.applies_to)) == {k for k, v in rules.kinds.items() if v.buffer}
