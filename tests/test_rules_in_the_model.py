"""Each rule alone on a tiny week: one case that satisfies it, one that it forbids."""

from __future__ import annotations

import pytest

from brainfit_solver import api, pipeline
from brainfit_solver.core.errors import InfeasibleError
from brainfit_solver.rules.profile import KindPreference, Profile, Window
from support import busy, day_at, inputs_of, kind, ruleset

HIGH = {
    "id": "one_high_per_day",
    "kind": "max_per_day",
    "max": 1,
    "applies_to": {"intensity": ["high"]},
}
APART = {
    "id": "high_apart",
    "kind": "not_on_consecutive_days",
    "applies_to": {"intensity": ["high"]},
}


SNACK = kind(
    5, per_week=(0, 5), intensity="low", buffer=False, anchor="before_study", lead_max_min=10
)


def only_days(*days: str, window: str = "06:30-21:30") -> Profile:
    """A profile whose exercise window is open on the named weekdays only."""
    week = dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "off")
    week.update(dict.fromkeys(days, window))
    return Profile(timezone="Europe/Berlin", window=Window.model_validate(week))


def sessions(inputs: api.Inputs) -> list[tuple[str, int, int]]:
    result = pipeline.plan(inputs)  # pipeline.plan runs the independent checker on the export
    return [(s.kind, s.start, s.end) for s in result.plan.sessions]


def test_sessions_keep_the_buffer_from_busy_time() -> None:
    rules = ruleset({"z": kind(60)})
    profile = only_days("mon", window="08:00-12:00")
    inputs = inputs_of(
        [busy(0, "08:00", "09:00"), busy(0, "10:30", "12:00")], profile=profile, rules=rules
    )
    # 09:00 + 15 buffer = 09:15; 10:30 - 15 = 10:15: exactly one hour fits.
    assert sessions(inputs) == [("z", day_at(0, "09:15"), day_at(0, "10:15"))]


def test_a_gap_one_minute_too_short_for_the_buffers_is_infeasible() -> None:
    rules = ruleset({"z": kind(60)})
    profile = only_days("mon", window="08:00-12:00")
    inputs = inputs_of(
        [busy(0, "08:00", "09:00"), busy(0, "10:29", "12:00")], profile=profile, rules=rules
    )
    with pytest.raises(InfeasibleError) as err:
        pipeline.plan(inputs)
    assert err.value.conflict == ("z_per_week",)


def test_sessions_stay_inside_the_daily_window() -> None:
    rules = ruleset({"z": kind(60)})
    inputs = inputs_of([], profile=only_days("wed", window="18:00-19:00"), rules=rules)
    assert sessions(inputs) == [("z", day_at(2, "18:00"), day_at(2, "19:00"))]


def test_no_two_high_intensity_sessions_on_one_day() -> None:
    kinds = {"hiit": kind(20, intensity="high"), "vo2": kind(20, intensity="high")}
    profile = only_days("mon")
    unconstrained = sessions(inputs_of([], profile=profile, rules=ruleset(kinds)))
    assert len(unconstrained) == 2  # without the rule both fit on Monday
    with pytest.raises(InfeasibleError) as err:
        pipeline.plan(inputs_of([], profile=profile, rules=ruleset(kinds, hard=[HIGH])))
    assert set(err.value.conflict) >= {"one_high_per_day"}
    assert "one_high_per_day" in str(err.value)


def test_high_intensity_days_are_not_back_to_back() -> None:
    kinds = {"hiit": kind(20, intensity="high"), "vo2": kind(20, intensity="high")}
    rules = ruleset(kinds, hard=[HIGH, APART])
    with pytest.raises(InfeasibleError) as err:
        pipeline.plan(inputs_of([], profile=only_days("mon", "tue"), rules=rules))
    assert "high_apart" in err.value.conflict
    planned = sessions(inputs_of([], profile=only_days("mon", "wed"), rules=rules))
    assert sorted(start // 1440 for _, start, _ in planned) == [0, 2]


def test_weekly_minimum_and_maximum_hold() -> None:
    rules = ruleset(
        {"z": kind(30, per_week=(2, 3))},
        soft=[{"id": "more", "kind": "session_bonus", "weight": 5, "applies_to": {"kinds": ["z"]}}],
    )
    planned = sessions(inputs_of([], rules=rules))
    assert len(planned) == 3  # the bonus pushes to the maximum, never past it
    assert len({start // 1440 for _, start, _ in planned}) == 3  # one a day per kind


def test_at_most_n_workouts_a_day() -> None:
    kinds = {"a": kind(30), "b": kind(30), "c": kind(30)}
    cap = {"id": "two_a_day", "kind": "max_per_day", "max": 2}
    with pytest.raises(InfeasibleError) as err:
        pipeline.plan(inputs_of([], profile=only_days("fri"), rules=ruleset(kinds, hard=[cap])))
    assert "two_a_day" in err.value.conflict


def test_zone2_length_is_chosen_and_longer_is_better() -> None:
    longer = {
        "id": "longer",
        "kind": "longer_sessions",
        "weight": 1,
        "applies_to": {"kinds": ["z"]},
    }
    rules = ruleset({"z": kind([45, 75])}, soft=[longer])
    room = only_days("tue", window="07:00-08:05")
    planned = sessions(inputs_of([], profile=room, rules=rules))
    assert [(e - s) for _, s, e in planned] == [65]  # the longest 5-minute step that fits
    roomy = only_days("tue")
    planned = sessions(inputs_of([], profile=roomy, rules=rules))
    assert [(e - s) for _, s, e in planned] == [75]


def test_variable_length_session_never_spans_a_busy_block() -> None:
    rules = ruleset(
        {"z": kind([45, 75])},
        soft=[
            {"id": "longer", "kind": "longer_sessions", "weight": 1, "applies_to": {"kinds": ["z"]}}
        ],
    )
    profile = only_days("mon", window="08:00-11:00")
    inputs = inputs_of([busy(0, "09:15", "09:20")], profile=profile, rules=rules)
    [(_, start, end)] = sessions(inputs)
    assert end <= day_at(0, "09:00") or start >= day_at(0, "09:35")


def test_snack_ends_right_before_a_study_block() -> None:
    rules = ruleset(
        {"snack": SNACK},
        soft=[
            {
                "id": "snacks",
                "kind": "session_bonus",
                "weight": 1,
                "applies_to": {"kinds": ["snack"]},
            }
        ],
    )
    study = busy(1, "14:00", "16:00", "Revision", study=True)
    planned = sessions(inputs_of([busy(1, "13:00", "13:52"), study], rules=rules))
    assert len(planned) == 1
    _, start, end = planned[0]
    assert day_at(1, "13:50") <= end <= day_at(1, "14:00") and start >= day_at(1, "13:52")


def test_workouts_are_placed_near_study_blocks() -> None:
    near = {"id": "near", "kind": "near_study", "weight": 10, "within_min": 30}
    rules = ruleset({"z": kind(45)}, soft=[near])
    study = busy(3, "15:00", "17:00", "Study", study=True)
    [(_, start, end)] = sessions(inputs_of([study], rules=rules))
    assert day_at(3, "14:30") <= end <= day_at(3, "14:45") or (
        day_at(3, "17:15") <= start <= day_at(3, "17:30")
    )


def test_preferred_times_win_and_disliked_times_are_avoided() -> None:
    rules = ruleset(
        {"z": kind(60)},
        soft=[
            {"id": "pref", "kind": "preferred_times", "weight": 10},
            {"id": "dis", "kind": "disliked_times", "weight": 10},
        ],
    )
    profile = only_days("thu").model_copy(
        update={
            "preferences": {
                "z": KindPreference.model_validate(
                    {"preferred": ["17:00-19:00"], "disliked": ["06:00-17:30"]}
                )
            }
        }
    )
    [(_, start, end)] = sessions(inputs_of([], profile=profile, rules=rules))
    assert day_at(3, "17:30") <= start and end <= day_at(3, "19:00")


def test_sessions_spread_over_days_when_rewarded() -> None:
    kinds = {"a": kind(30), "b": kind(30), "c": kind(30)}
    spread = {"id": "spread", "kind": "active_days", "weight": 5}
    planned = sessions(inputs_of([], rules=ruleset(kinds, soft=[spread])))
    assert len({start // 1440 for _, start, _ in planned}) == 3
