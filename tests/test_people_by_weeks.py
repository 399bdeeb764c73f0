"""The one pipeline plans people × weeks: one person's week is its 1 × 1 case, several
people are planned each as they would be alone (in this process or through any executor),
an impossible person is fatal only when the request is strict, and a group refuses the
one-person options it cannot honour."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from brainfit_solver import (
    InfeasibleError,
    LeftOut,
    PlanRequest,
    ProfileError,
    Request,
    load_inputs,
    plan,
    run,
    run_plan,
)
from brainfit_solver.rules.profile import Profile
from support import Ev, write_calendar

LECTURES = [Ev(d, "09:00", "12:00", "Analysis") for d in range(5)]
EVENINGS = [Ev(d, "17:00", "19:00", "Choir") for d in range(0, 7, 2)]
ALL_DAY = [Ev(d, "05:00", "23:30", "Shift") for d in range(7)]


def person(folder: Path, name: str, events: list[Ev]) -> PlanRequest:
    path = write_calendar(folder / f"{name}.ics", events)
    inputs = load_inputs(
        [path], profile=Profile(name=name, timezone="Europe/Berlin"), week="2026-W49"
    )
    return PlanRequest(inputs)


def test_one_person_one_week_is_the_one_by_one_case(tmp_path: Path) -> None:
    ann = person(tmp_path, "ann", LECTURES)
    outcome = run(Request((ann,)))
    (only,) = outcome.people
    assert only.plan is not None and only.left_out is None
    assert only.plan.ics == plan(ann.inputs).ics == run_plan(ann).ics
    assert outcome.weeks == ()  # no group, no shared sessions


def test_several_people_are_each_planned_as_alone(tmp_path: Path) -> None:
    people = (person(tmp_path, "ann", LECTURES), person(tmp_path, "ben", EVENINGS))
    together = run(Request(people))
    alone = [run_plan(p).ics for p in people]
    assert [p.plan.ics for p in together.people if p.plan] == alone
    assert b"ann" not in alone[1]  # each file is its own person's (UIDs from their name)


def test_people_through_worker_processes_give_the_same_bytes(tmp_path: Path) -> None:
    people = (person(tmp_path, "ann", LECTURES), person(tmp_path, "ben", EVENINGS))
    with ProcessPoolExecutor(2) as pool:
        far = run(Request(people, executor=pool))
    near = run(Request(people))
    assert [p.plan.ics for p in far.people if p.plan] == [p.plan.ics for p in near.people if p.plan]


def test_an_impossible_person_is_fatal_when_strict(tmp_path: Path) -> None:
    people = (person(tmp_path, "ann", LECTURES), person(tmp_path, "cem", ALL_DAY))
    with pytest.raises(InfeasibleError):
        run(Request(people))


def test_an_impossible_person_is_left_out_and_the_rest_planned(tmp_path: Path) -> None:
    people = (person(tmp_path, "ann", LECTURES), person(tmp_path, "cem", ALL_DAY))
    ann, cem = run(Request(people, strict=False)).people
    assert ann.plan is not None and ann.plan.ics == run_plan(people[0]).ics
    assert cem.plan is None
    assert isinstance(cem.left_out, LeftOut)
    assert cem.left_out.reason == "own week impossible"
    assert cem.left_out.week == "2026-W49"
    assert "the rules cannot all hold in 2026-W49" in cem.left_out.explanation


def test_a_group_refuses_one_person_options(tmp_path: Path) -> None:
    from brainfit_solver.outputs.team import Person
    from brainfit_solver.pipeline import Group

    ann = person(tmp_path, "ann", LECTURES)
    group = Group(
        "Club",
        ann.inputs.rules,
        Person("coach", "Coach", None, "team"),
        {"ann": Person("ann", "Ann", None, "ann")},
        (),
        (ann.inputs.horizon,),
        ((),),
    )
    with pytest.raises(ProfileError, match="--repeat"):
        run(Request((PlanRequest(ann.inputs, weeks=2, repeat=True),), group))


def test_dtstamp_is_the_requests_source_date_epoch_never_a_workers_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker processes keep the environment they started with (a forkserver's, a Dask
    worker's): SOURCE_DATE_EPOCH is read where the request is made and travels with it."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    people = (person(tmp_path, "ann", LECTURES), person(tmp_path, "ben", EVENINGS))
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        list(pool.map(abs, [1, 2]))  # the workers start now, without SOURCE_DATE_EPOCH
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000123")
        far = run(Request(people, executor=pool))
    near = run(Request(people))
    assert b"DTSTAMP:20261118T" in near.people[0].plan.ics  # type: ignore[union-attr]
    assert [p.plan.ics for p in far.people if p.plan] == [p.plan.ics for p in near.people if p.plan]
