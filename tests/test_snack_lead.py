"""Which study start a snack leads into: one definition, in the model and in the checker.

A snack belongs to the first study start at or after its end (blocks starting at the same
minute are one study start), must end at most ``lead_max_min`` before it, and each study
start takes at most one snack (constraints/README.md).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from brainfit_solver import api, pipeline
from brainfit_solver.check.checker import PlannedEvent, check_plan, read_plan
from brainfit_solver.cli import main
from brainfit_solver.rules.profile import Profile, Window
from support import Ev, busy, day_at, inputs_for, inputs_of, kind, local, ruleset, write_calendar

SNACK = kind(
    5, per_week=(0, 5), intensity="low", buffer=False, anchor="before_study", lead_max_min=10
)
BONUS = {"id": "snacks", "kind": "session_bonus", "weight": 10, "applies_to": {"kinds": ["s"]}}
LONGER = {"id": "longer", "kind": "longer_sessions", "weight": 1, "applies_to": {"kinds": ["s"]}}


def snack_ends(ics: bytes, inputs: api.Inputs) -> list[dt.datetime]:
    """Where each snack of an exported plan ends, local time, in order."""
    snacks = [k for k, v in inputs.rules.kinds.items() if v.anchor == "before_study"]
    return sorted(e.end.astimezone(inputs.horizon.tz) for e in read_plan(ics) if e.kind in snacks)


def only(day: str, window: str) -> Profile:
    """A profile whose exercise window is open on one weekday only."""
    week = dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "off")
    return Profile(timezone="Europe/Berlin", window=Window.model_validate({**week, day: window}))


@pytest.mark.parametrize("order", ["a-b", "b-a"])
def test_the_same_lecture_in_two_calendars_is_planned_with_one_snack(
    tmp_path: Path, order: str
) -> None:
    a = write_calendar(tmp_path / "a.ics", [Ev(1, "10:00", "12:00", "Lecture")])
    b = write_calendar(tmp_path / "b.ics", [Ev(1, "10:00", "12:00", "Biology lecture")])
    first, second = (a, b) if order == "a-b" else (b, a)
    out = tmp_path / "week.ics"
    result = CliRunner().invoke(
        main, ["plan", str(first), str(second), "--week", "2026-W49", "-o", str(out), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    inputs = api.load_inputs([first, second], week="2026-W49")
    ends = snack_ends(out.read_bytes(), inputs)
    berlin = inputs.horizon.tz
    lecture = dt.datetime(2026, 12, 1, 10, 0, tzinfo=berlin)
    before = [e for e in ends if lecture - dt.timedelta(minutes=10) <= e <= lecture]
    assert len(before) == 1, ends  # the bonus asks for one snack; one study start allows one
    checked = CliRunner().invoke(main, ["check", str(out), str(first), str(second)])
    assert checked.exit_code == 0 and "every hard rule holds" in checked.output


@pytest.mark.parametrize(
    "events",
    [
        [Ev(1, "10:00", "12:00", "Lecture"), Ev(1, "10:00", "11:00", "Study group")],
        [Ev(1, "10:00", "11:00", "Study group"), Ev(1, "10:00", "12:00", "Lecture")],
        [Ev(1, "10:00", "12:00", "Lecture"), Ev(1, "10:05", "11:00", "Study group")],
        [Ev(1, "10:05", "11:00", "Study group"), Ev(1, "10:00", "12:00", "Lecture")],
    ],
    ids=["same-start", "same-start-reversed", "five-apart", "five-apart-reversed"],
)
def test_study_blocks_starting_within_the_lead_time_get_one_snack(
    tmp_path: Path, events: list[Ev]
) -> None:
    inputs = inputs_for(tmp_path, events)
    result = pipeline.plan(inputs)  # raises if the checker rejects the export
    ends = snack_ends(result.ics, inputs)
    lecture = dt.datetime(2026, 12, 1, 10, 0, tzinfo=inputs.horizon.tz)
    assert len([e for e in ends if lecture - dt.timedelta(minutes=10) <= e <= lecture]) == 1
    assert not [e for e in ends if lecture < e <= lecture + dt.timedelta(minutes=10)]


def test_a_study_start_right_after_a_short_block_gets_its_own_snack(tmp_path: Path) -> None:
    """10:00-10:05 and 10:10: the snack 10:05-10:10 leads into 10:10, not into 10:00."""
    profile = only("tue", "09:00-11:00")
    rules = ruleset({"s": SNACK}, soft=[BONUS])
    study = [
        Ev(1, "10:00", "10:05", "Quiz", ("Study",)),
        Ev(1, "10:10", "11:00", "Seminar", ("Study",)),
    ]
    inputs = inputs_for(tmp_path, study, profile=profile, rules=rules)
    quiz, seminar = pipeline.plan(inputs).plan.sessions
    assert quiz.anchor == "Quiz" and day_at(1, "09:50") <= quiz.end <= day_at(1, "10:00")
    assert (seminar.start, seminar.end, seminar.anchor) == (
        day_at(1, "10:05"),
        day_at(1, "10:10"),
        "Seminar",
    )


def test_a_snack_of_variable_length_never_overlaps_its_study_block() -> None:
    rules = ruleset({"s": {**SNACK, "duration_min": [5, 15]}}, soft=[BONUS, LONGER])
    study = busy(1, "14:00", "16:00", "Revision", study=True)
    inputs = inputs_of([busy(1, "13:00", "13:52"), study], rules=rules)
    result = pipeline.plan(inputs)
    assert [(s.start, s.end) for s in result.plan.sessions] == [
        (day_at(1, "13:55"), day_at(1, "14:00"))
    ]


def test_a_snack_of_variable_length_stays_in_one_piece_of_free_time() -> None:
    rules = ruleset(
        {"s": {**SNACK, "duration_min": [5, 15], "lead_max_min": 30}}, soft=[BONUS, LONGER]
    )
    study = busy(1, "14:00", "16:00", "Revision", study=True)
    inputs = inputs_of([busy(1, "13:00", "13:35"), busy(1, "13:45", "13:50"), study], rules=rules)
    result = pipeline.plan(inputs)
    [(start, end)] = [(s.start, s.end) for s in result.plan.sessions]
    assert (start, end) == (day_at(1, "13:35"), day_at(1, "13:45")) or (
        start >= day_at(1, "13:50") and end <= day_at(1, "14:00")
    )
    assert end - start == 10  # the longest that fits in one piece (13:35-13:45 or 13:50-14:00)


@pytest.mark.parametrize(
    ("window", "block", "snack"),
    [
        ("19:00-21:30", (0, "21:38"), (0, "21:25")),  # the block starts after the window
        ("22:00-24:00", (1, "00:08"), (0, "23:55")),  # ... on the next day
    ],
)
def test_a_study_block_just_after_the_window_gets_the_snack_that_fits_before_it(
    window: str, block: tuple[int, str], snack: tuple[int, str]
) -> None:
    profile = only("mon", window)
    rules = ruleset({"s": {**SNACK, "per_week": {"min": 1, "max": 1}}})
    day, clock = block
    hour, minute = map(int, clock.split(":"))
    end = f"{hour + 1:02d}:{minute:02d}"
    inputs = inputs_of(
        [busy(day, clock, end, "Exam prep", study=True)], profile=profile, rules=rules
    )
    result = pipeline.plan(inputs)
    start = day_at(*snack)
    assert [(s.start, s.end) for s in result.plan.sessions] == [(start, start + 5)]


def test_checker_counts_blocks_starting_together_as_one_study_start() -> None:
    rules = ruleset({"s": SNACK})
    inputs = inputs_of(
        [
            busy(1, "14:00", "15:00", "Revision", study=True),
            busy(1, "14:00", "14:30", "Study group", study=True),
            busy(1, "16:00", "16:05", "Quiz", study=True),
            busy(1, "16:10", "17:00", "Seminar", study=True),
        ],
        rules=rules,
    )

    def snack(clock: str) -> PlannedEvent:
        start = local(inputs, day_at(1, clock))
        return PlannedEvent("u" + clock, "s", start, start + dt.timedelta(minutes=5), "s")

    def violations(*events: PlannedEvent) -> list[str]:
        return check_plan(
            list(events),
            profile=inputs.profile,
            rules=rules,
            busy=api.busy_time(inputs),
            horizon=inputs.horizon,
        ).violations

    assert violations(snack("13:55")) == []
    assert any("one per study start" in v for v in violations(snack("13:50"), snack("13:55")))
    # 16:00-16:05 then 16:10: a snack ending at 16:10 leads into 16:10, one ending 16:00 into 16:00
    assert violations(snack("15:55"), snack("16:05")) == []
    assert violations(snack("16:05")) == []
    assert any("not within 10 min" in v for v in violations(snack("15:40")))
