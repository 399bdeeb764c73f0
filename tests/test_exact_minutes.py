"""Busy time and buffers in exact minutes: the model loses no plan the real week allows.

Sessions start and last on the 5-minute grid; busy time and the buffer are exact minutes, so
"proven optimal" must hold for the real calendar, not for one rounded outwards.
"""

from __future__ import annotations

import pytest

from brainfit_solver import api
from brainfit_solver.errors import InfeasibleError
from brainfit_solver.profile import KindPreference, Profile, Window
from support import busy, day_at, inputs_of, kind, ruleset

LONGER = {"id": "longer", "kind": "longer_sessions", "weight": 1, "applies_to": {"kinds": ["z"]}}
BONUS = {"id": "more", "kind": "session_bonus", "weight": 100, "applies_to": {"kinds": ["z"]}}


def profile(windows: dict[str, str], *, buffer: int = 15) -> Profile:
    """Exercise windows on the named weekdays only."""
    week = dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "off")
    return Profile(
        timezone="Europe/Berlin",
        window=Window.model_validate({**week, **windows}),
        buffer_min=buffer,
    )


def planned(inputs: api.Inputs) -> list[tuple[int, int]]:
    result = api.plan(inputs)  # exported and checked independently, in exact minutes
    assert result.plan.status == "OPTIMAL"
    return [(s.start, s.end) for s in result.plan.sessions]


def test_a_seven_minute_buffer_after_a_meeting_until_0903_leaves_0910_to_1010() -> None:
    inputs = inputs_of(
        [busy(0, "08:00", "09:03", "Meeting")],
        profile=profile({"mon": "08:00-10:10"}, buffer=7),
        rules=ruleset({"z": kind(60)}),
    )
    assert planned(inputs) == [(day_at(0, "09:10"), day_at(0, "10:10"))]


def test_a_seven_minute_buffer_before_a_meeting_from_1017_leaves_75_minutes() -> None:
    inputs = inputs_of(
        [busy(0, "10:17", "12:00", "Meeting")],
        profile=profile({"mon": "08:55-12:00"}, buffer=7),
        rules=ruleset({"z": kind([45, 75])}, soft=[LONGER]),
    )
    assert planned(inputs) == [(day_at(0, "08:55"), day_at(0, "10:10"))]


def test_sessions_on_either_side_of_midnight_keep_the_buffer() -> None:
    inputs = inputs_of(
        [],
        profile=profile({"mon": "23:00-24:00", "tue": "00:00-01:00"}),
        rules=ruleset({"z": kind(60, per_week=(1, 2))}, soft=[BONUS]),
    )
    assert len(planned(inputs)) == 1  # two hours back to back leave no room for the buffer


def test_sessions_on_either_side_of_midnight_may_move_apart_to_keep_the_buffer() -> None:
    prefs = {"z": KindPreference.model_validate({"preferred": ["23:15-24:00", "00:00-00:45"]})}
    inputs = inputs_of(
        [],
        profile=profile({"mon": "23:00-24:00", "tue": "00:00-01:00"}).model_copy(
            update={"preferences": prefs}
        ),
        rules=ruleset(
            {"z": kind(45, per_week=(2, 2))},
            soft=[{"id": "pref", "kind": "preferred_times", "weight": 10}],
        ),
    )
    [monday, tuesday] = planned(inputs)
    assert tuesday[0] - monday[1] >= 15


def test_a_snack_after_midnight_keeps_the_buffer_from_a_workout_before_it() -> None:
    snack = kind(
        5, per_week=(1, 1), intensity="low", buffer=False, anchor="before_study", lead_max_min=10
    )
    inputs = inputs_of(
        [busy(1, "00:15", "01:00", "Revision", study=True)],
        profile=profile({"mon": "23:00-24:00", "tue": "00:00-00:15"}),
        rules=ruleset({"z": kind(60), "s": snack}),
    )
    with pytest.raises(InfeasibleError):  # the workout fills Monday's hour up to midnight
        api.plan(inputs)
