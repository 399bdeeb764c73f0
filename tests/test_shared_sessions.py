"""A session defined outside a person's model (a team's, here a stand-in built in the test)
counts towards each person's rules: weekly counts, day limits, busy time, window, buffer
and scores. Two people's ``WeekModel``s share one CP-SAT model and one HIIT session; each
person's plan is then exported and judged by the independent checker, which knows nothing
of sharing: to it the shared session is one of that person's sessions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from ortools.sat.python import cp_model

from brainfit_solver import api
from brainfit_solver.core.domain import Commitment, Plan, Session, SolverOptions
from brainfit_solver.model.hard import add_hard_rules
from brainfit_solver.model.person import SharedSession, WeekModel, new_shared_session
from brainfit_solver.model.soft import add_soft_rules
from brainfit_solver.rules.profile import KindPreference, Profile, Window
from brainfit_solver.rules.ruleset import RuleSet, sign
from brainfit_solver.solver.solve import run, status_name
from support import busy, day_at, inputs_of, kind, ruleset

TZ = "Europe/Berlin"
WED = 2
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
HIIT_BONUS = {
    "id": "bonus",
    "kind": "session_bonus",
    "weight": 7,
    "applies_to": {"kinds": ["hiit"]},
}


def person(
    rules: RuleSet,
    commitments: Sequence[Commitment] = (),
    window: dict[str, str] | None = None,
    **profile: object,
) -> api.Inputs:
    prof = Profile.model_validate(
        {"timezone": TZ, **({"window": Window.model_validate(window)} if window else {}), **profile}
    )
    return inputs_of(commitments, profile=prof, rules=rules)


@dataclass(frozen=True)
class Team:
    status: str  # OPTIMAL or INFEASIBLE
    shared: Session | None  # the shared session, when present
    plans: tuple[Plan, ...]  # each person's plan, scored by their own rules


def plan_team(
    people: Sequence[api.Inputs],
    *,
    earliest: str,
    latest: str,
    day: int = WED,
    forced: bool = True,
    minutes: int = 20,
) -> Team:
    """One CP-SAT model: a HIIT session starting on ``day`` between ``earliest`` and
    ``latest`` (wall clock), shared by every person's ``WeekModel``, each with its own rules
    compiled; the objective is the sum of their objectives."""
    model = cp_model.CpModel()
    grid = people[0].week.grid
    hiit: SharedSession = new_shared_session(
        model,
        "team.hiit",
        "hiit",
        day,
        starts=(day_at(day, earliest) // grid, day_at(day, latest) // grid),
        slots=(minutes // grid, minutes // grid),
    )
    if forced:
        model.add(hiit.present == 1)
    models = [
        WeekModel(model, p.week, prefix=f"p{i}.", shared=[hiit]) for i, p in enumerate(people)
    ]
    objective = []
    for wm in models:
        add_hard_rules(wm)
        objective.append(add_soft_rules(wm))
    model.maximize(sum(objective))
    solver, status = run(model, SolverOptions())
    if status == cp_model.INFEASIBLE:
        return Team("INFEASIBLE", None, ())
    plans = []
    for wm in models:
        raw = {name: int(solver.value(expr)) for name, expr in wm.terms.items()}
        points = {r.id: sign(r) * r.weight for r in wm.week.rules.soft}
        terms = {name: points[name] * value for name, value in raw.items()}
        total = sum(terms.values())
        plans.append(Plan(wm.extract(solver), status_name(status), total, total, terms, raw))
    shared = None
    if solver.boolean_value(hiit.present):
        shared = Session("hiit", solver.value(hiit.start) * grid, solver.value(hiit.end) * grid)
    for inputs, plan in zip(people, plans, strict=True):
        verdict = api.check(api.export(plan, inputs), inputs)
        assert verdict.ok, verdict.violations
        assert verdict.objective == plan.objective  # the checker scores the shared one too
    return Team(status_name(status), shared, tuple(plans))


def kinds_of(plan: Plan) -> list[tuple[str, int, int]]:
    return [(s.kind, s.start, s.end) for s in plan.sessions]


def test_the_shared_session_is_each_persons_hiit_and_no_own_one_is_added() -> None:
    """Each person's HIIT allows one a week and a bonus rewards every one: were the shared
    session not counted, each person would get an own HIIT as well."""
    rules = ruleset(
        {"hiit": kind(20, per_week=(1, 1), intensity="high"), "z": kind(45)}, soft=[HIIT_BONUS]
    )
    people = [person(rules, [busy(WED, "08:00", "12:00")]), person(rules)]
    team = plan_team(people, earliest="06:30", latest="21:00")
    assert team.shared is not None
    for plan in team.plans:
        hiits = [s for s in plan.sessions if s.kind == "hiit"]
        assert [(s.start, s.end) for s in hiits] == [(team.shared.start, team.shared.end)]
        assert plan.raw["bonus"] == 1


def test_the_shared_session_keeps_out_of_busy_time_and_inside_every_window() -> None:
    """One person is busy until 18:00 (buffer to 18:15), the other's window closes at 18:35:
    a 20-minute session fits at 18:15 only."""
    rules = ruleset({"hiit": kind(20, intensity="high")})
    people = [
        person(rules, [busy(WED, "06:00", "18:00")]),
        person(rules, window={"wed": "12:00-18:35"}),
    ]
    team = plan_team(people, earliest="06:30", latest="21:00")
    assert team.shared == Session("hiit", day_at(WED, "18:15"), day_at(WED, "18:35"))


@pytest.mark.parametrize(
    ("at", "feasible"),
    [
        ("10:00", False),  # inside the first person's busy time
        ("18:05", False),  # inside their buffer after it
        ("18:20", False),  # runs past the second person's window (18:35)
        ("18:15", True),
    ],
)
def test_a_forced_shared_session_at_a_time_someone_cannot_make_is_infeasible(
    at: str, feasible: bool
) -> None:
    rules = ruleset({"hiit": kind(20, intensity="high")})
    people = [
        person(rules, [busy(WED, "06:00", "18:00")]),
        person(rules, window={"wed": "12:00-18:35"}),
    ]
    team = plan_team(people, earliest=at, latest=at)
    assert team.status == ("OPTIMAL" if feasible else "INFEASIBLE")
    if not feasible:  # not forced, it is simply left out and each person plans their own
        optional = plan_team(people, earliest=at, latest=at, forced=False)
        assert optional.shared is None
        assert all([s.kind for s in p.sessions] == ["hiit"] for p in optional.plans)


@pytest.mark.parametrize(
    ("open_days", "vo2_day"),
    [
        (("wed",), None),  # the same day as the shared HIIT: one high-intensity a day
        (("wed", "thu"), None),  # the day after it
        (("tue", "wed"), None),  # the day before it
        (("tue", "wed", "sat"), 5),
    ],
)
def test_own_high_intensity_keeps_off_the_shared_sessions_day_and_its_neighbours(
    open_days: tuple[str, ...], vo2_day: int | None
) -> None:
    rules = ruleset(
        {"hiit": kind(20, intensity="high"), "vo2": kind(20, intensity="high")},
        hard=[HIGH, APART],
    )
    window = {"default": "off", **dict.fromkeys(open_days, "06:30-21:30")}
    people = [person(rules), person(rules, window=window)]
    team = plan_team(people, earliest="10:00", latest="10:00")
    if vo2_day is None:
        assert team.status == "INFEASIBLE"
        return
    vo2 = [s for s in team.plans[1].sessions if s.kind == "vo2"]
    assert [s.start // 1440 for s in vo2] == [vo2_day]


@pytest.mark.parametrize(("at", "feasible"), [("13:00", False), ("14:00", True)])
def test_the_shared_session_keeps_the_rest_after_a_persons_night_shift(
    at: str, feasible: bool
) -> None:
    """After a night shift ending Wednesday 06:00, eight hours' rest: until 14:00."""
    rest = {
        "id": "rest",
        "kind": "rest_after",
        "after_overnight_min": 480,
        "long_block_min": 720,
        "after_long_min": 0,
    }
    rules = ruleset({"hiit": kind(20, intensity="high")}, hard=[rest])
    shift = Commitment(day_at(WED - 1, "22:00"), day_at(WED, "06:00"), "Night shift", "test")
    people = [person(rules, [shift]), person(rules)]
    team = plan_team(people, earliest=at, latest=at)
    assert team.status == ("OPTIMAL" if feasible else "INFEASIBLE")


@pytest.mark.parametrize(("close", "feasible"), [("09:35", True), ("09:30", False)])
def test_own_workouts_keep_the_buffer_from_the_shared_session(close: str, feasible: bool) -> None:
    """An hour of zone 2 and the 20-minute shared HIIT in a window of 95 minutes fit only
    with the 15-minute buffer between them exactly; in 90 minutes they do not."""
    rules = ruleset({"hiit": kind(20, intensity="high"), "z": kind(60)})
    window = {"default": "off", "wed": f"08:00-{close}"}
    people = [person(rules, window=window), person(rules)]
    team = plan_team(people, earliest="08:00", latest="09:15")
    assert team.status == ("OPTIMAL" if feasible else "INFEASIBLE")
    if feasible:
        first, second = team.plans[0].sessions
        assert second.start - first.end == 15


def test_each_persons_objective_scores_the_shared_session() -> None:
    """The bonus, the active day, being near one person's study and inside the other's
    preferred time: each person's score counts the shared session by their own rules (the
    checker recomputes each score from that person's exported plan)."""
    soft = [
        HIIT_BONUS,
        {"id": "days", "kind": "active_days", "weight": 3},
        {"id": "near", "kind": "near_study", "weight": 11, "within_min": 30},
        {"id": "pref", "kind": "preferred_times", "weight": 13},
    ]
    rules = ruleset({"hiit": kind(20, per_week=(0, 1), intensity="high")}, soft=soft)
    liking = {"hiit": KindPreference.model_validate({"preferred": ["12:00-13:00"]})}
    people = [
        person(rules, [busy(WED, "10:00", "12:00", "Lecture", study=True)]),
        person(rules, preferences=liking),
    ]
    team = plan_team(people, earliest="06:30", latest="21:00")
    assert team.shared is not None
    # After the lecture (12:00) and its buffer, within 30 minutes; inside 12:00-13:00.
    assert day_at(WED, "12:15") <= team.shared.start <= day_at(WED, "12:30")
    assert [p.raw for p in team.plans] == [
        {"bonus": 1, "days": 1, "near": 1, "pref": 0},
        {"bonus": 1, "days": 1, "near": 0, "pref": 1},
    ]
    assert [p.objective for p in team.plans] == [7 + 3 + 11, 7 + 3 + 13]


@pytest.mark.parametrize(
    ("kind_id", "reason"),
    [("yoga", "not a free-standing kind"), ("snack", "not a free-standing kind")],
)
def test_a_shared_session_of_a_kind_the_person_cannot_hold_is_refused(
    kind_id: str, reason: str
) -> None:
    snack = kind(5, per_week=(0, 5), buffer=False, anchor="before_study", lead_max_min=10)
    inputs = person(ruleset({"hiit": kind(20), "snack": snack}))
    model = cp_model.CpModel()
    shared = new_shared_session(model, "team.x", kind_id, WED, starts=(600, 610), slots=(4, 4))
    with pytest.raises(ValueError, match=reason):
        WeekModel(model, inputs.week, shared=[shared])


def test_two_shared_sessions_with_one_key_are_refused() -> None:
    """Keys name the model's variables and order pairs of sessions: they must be unique."""
    inputs = person(ruleset({"hiit": kind(20)}))
    model = cp_model.CpModel()
    twins = [
        new_shared_session(model, "team.x", "hiit", WED, starts=(600, 610), slots=(4, 4))
        for _ in range(2)
    ]
    with pytest.raises(ValueError, match="already in use"):
        WeekModel(model, inputs.week, shared=twins)


def test_a_shared_session_longer_than_its_kinds_minimum_scores_its_extra_length() -> None:
    """A 60-minute shared zone 2 session of a 45-75-minute kind runs three 5-minute steps
    beyond the minimum: the solver must score them as the checker does (found by the team
    example, where the model scored a fixed-length shared session as 0 steps)."""
    longer = {"id": "longer", "kind": "longer_sessions", "weight": 2}
    rules = ruleset({"hiit": kind([45, 75], per_week=(1, 1))}, soft=[longer])
    team = plan_team([person(rules)], earliest="10:00", latest="10:00", minutes=60)
    assert [p.raw for p in team.plans] == [{"longer": 3}]


def test_an_absent_shared_session_scores_no_extra_length() -> None:
    """Not attended (left optional, and the one open day is busy), a shared 60-minute
    session of a 45-75-minute kind must not earn its three steps beyond the minimum."""
    longer = {"id": "longer", "kind": "longer_sessions", "weight": 2}
    rules = ruleset({"hiit": kind([45, 75], per_week=(0, 1))}, soft=[longer])
    window = {"default": "off", "wed": "06:30-21:30"}
    people = [person(rules, [busy(WED, "06:00", "22:00")], window=window)]
    team = plan_team(people, earliest="10:00", latest="10:00", minutes=60, forced=False)
    assert team.shared is None
    assert [p.raw for p in team.plans] == [{"longer": 0}]
