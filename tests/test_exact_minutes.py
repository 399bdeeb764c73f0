"""Busy time and buffers in exact minutes: the model loses no plan the real week allows.

Sessions start and last on the 5-minute grid; busy time and the buffer are exact minutes, so
"proven optimal" must hold for the real calendar, not for one rounded outwards.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from brainfit_solver import api, pipeline
from brainfit_solver.check.checker import PlannedEvent, check_plan
from brainfit_solver.core.domain import Commitment
from brainfit_solver.core.errors import InfeasibleError
from brainfit_solver.model.person import candidates
from brainfit_solver.rules.profile import KindPreference, Profile, Window
from support import busy, day_at, inputs_of, kind, local, ruleset

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
    result = pipeline.plan(inputs)  # exported and checked independently, in exact minutes
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
        pipeline.plan(inputs)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@pytest.mark.parametrize("seed", range(12))
def test_the_model_allows_exactly_the_single_sessions_the_checker_accepts(seed: int) -> None:
    """Every placement of one session on the grid, Monday and Tuesday: the checker (exact
    minutes) accepts it if and only if some candidate of the model can hold it."""
    rng = random.Random(seed)
    snack = kind(
        [5, 10],
        per_week=(0, 1),
        intensity="low",
        buffer=False,
        anchor="before_study",
        lead_max_min=rng.choice([0, 7, 10, 25]),
    )
    rules = ruleset({"z": kind([20, 30], per_week=(0, 1)), "s": snack})
    mon = rng.randrange(20 * 60, 23 * 60)
    tue = rng.randrange(0, 60)
    windows = {"mon": f"{_clock(mon)}-24:00", "tue": f"{_clock(tue)}-{_clock(tue + 150)}"}
    commitments = []
    for _ in range(rng.randrange(2, 7)):
        start = rng.randrange(mon - 30, 1440 + tue + 150)
        commitments.append(
            Commitment(start, start + rng.randrange(1, 40), "Busy", "test", rng.random() < 0.5)
        )
    inputs = inputs_of(
        commitments, profile=profile(windows, buffer=rng.choice([0, 3, 7, 10, 13])), rules=rules
    )
    found = candidates(inputs.week)
    for kind_id, lengths in (("z", (20, 25, 30)), ("s", (5, 10))):
        for start in range(mon - mon % 5 - 10, 1440 + tue + 160, 5):
            for length in lengths:
                first = local(inputs, start)
                event = PlannedEvent("u", kind_id, first, first + dt.timedelta(minutes=length), "")
                accepted = check_plan(
                    [event],
                    profile=inputs.profile,
                    rules=rules,
                    busy=api.busy_time(inputs),
                    horizon=inputs.horizon,
                ).ok
                held = any(
                    c.kind == kind_id
                    and any(lo <= start // 5 <= hi for lo, hi in c.starts)
                    and c.ends[0] <= (start + length) // 5 <= c.ends[1]
                    and c.slots[0] <= length // 5 <= c.slots[1]
                    for c in found
                )
                assert accepted == held, (kind_id, _clock(start % 1440), length, commitments)


def test_checker_rejects_a_session_running_past_midnight_out_of_its_window() -> None:
    rules = ruleset({"z": kind(30, per_week=(0, 1))})
    inputs = inputs_of(
        [], profile=profile({"mon": "22:00-24:00", "tue": "00:00-01:00"}), rules=rules
    )

    def verdict(start: str, day: int = 0) -> list[str]:
        first = local(inputs, day_at(day, start))
        event = PlannedEvent("u", "z", first, first + dt.timedelta(minutes=30), "")
        return check_plan(
            [event],
            profile=inputs.profile,
            rules=rules,
            busy=api.busy_time(inputs),
            horizon=inputs.horizon,
        ).violations

    assert verdict("23:30") == []  # ends at 24:00, the end of Monday's window
    assert any("outside the daily window" in v for v in verdict("23:45"))  # ends 00:15
