"""The registry of rule kinds, mirrored: every kind has every part, an unknown kind is an error,
and each kind is tested alone on a bare model (a tiny week, only that rule compiled) and by
the checker (a plan that keeps it accepted, one that breaks it rejected, or its score exact).

Adding a rule kind to ``rules.KINDS`` adds a row to ``MODEL_CASES`` and ``CHECKER_CASES``
here; ``test_every_kind_is_tested_alone`` fails until it does."""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from ortools.sat.python import cp_model

from brainfit_solver.check import checker as check
from brainfit_solver.check.calendars import Block, BusyTime
from brainfit_solver.check.checker import PlannedEvent, check_plan
from brainfit_solver.core.domain import Commitment, Session
from brainfit_solver.core.timegrid import Horizon
from brainfit_solver.explain import impossible as explain
from brainfit_solver.model import hard, soft
from brainfit_solver.model.person import WeekModel
from brainfit_solver.model.week import Week
from brainfit_solver.outputs.tuning import unit
from brainfit_solver.rules.profile import KindPreference, Profile, TimeRange, Window
from brainfit_solver.rules.ruleset import (
    KINDS,
    PARTS,
    TABLES,
    HardRule,
    KindTable,
    RuleSet,
    SoftRule,
    UnknownRuleKindError,
    broken_text,
    kind_entry,
    sign,
)
from support import busy, day_at, inputs_of, kind, ruleset

RUNNING_SIDES = (check, explain, hard, soft)  # the modules whose tables hold the parts
TZ = ZoneInfo("Europe/Berlin")
HORIZON = Horizon(TZ, dt.date(2026, 11, 30))  # 2026-W49, no clock change
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# -- the registry is complete ---------------------------------------------------------------


def _table(name: str) -> KindTable[typing.Any]:
    return next(t for t in TABLES if t.name.endswith(f".{name}"))


def test_every_kind_has_every_part() -> None:
    assert {t.name.rsplit(".", 1)[0] for t in TABLES} == {
        m.__name__.removeprefix("brainfit_solver.") for m in RUNNING_SIDES
    }
    for family, names in PARTS.items():
        kinds = {k for k, e in KINDS.items() if e.hard == (family == "hard")}
        for name in names:
            assert set(_table(name)) == kinds, name
    for table in TABLES:
        family = {k for k, e in KINDS.items() if e.hard == table.hard}
        assert set(table) <= family, table.name
        assert table.optional or table.name.rsplit(".", 1)[1] in PARTS[table.family], table.name


def test_every_kind_has_a_schema_in_its_union_and_a_unit() -> None:
    unions = {
        True: set(typing.get_args(typing.get_args(HardRule)[0])),
        False: set(typing.get_args(typing.get_args(SoftRule)[0])),
    }
    assert unions[True] | unions[False] == {e.schema for e in KINDS.values()}
    for kind_id, entry in KINDS.items():
        assert entry.schema in unions[entry.hard], kind_id
        assert typing.get_args(entry.schema.model_fields["kind"].annotation) == (kind_id,)
        one, many = entry.unit
        assert one and (many or not entry.hard), kind_id
        assert not entry.penalty or not entry.hard, kind_id


def test_an_unknown_kind_is_an_error_never_a_fallback() -> None:
    with pytest.raises(UnknownRuleKindError, match="'weekly_hours' is not in the registry"):
        kind_entry("weekly_hours")
    for table in TABLES:
        with pytest.raises(UnknownRuleKindError, match="holds no part for rule kind"):
            table["weekly_hours"]
    with pytest.raises(UnknownRuleKindError, match="'near_study' is not a hard rule kind"):
        hard.HARD_RULES.part("near_study")
    with pytest.raises(UnknownRuleKindError, match="is not in the registry"):
        soft.SOFT_RULES.part("weekly_hours")


def test_a_rule_of_an_unknown_kind_reaching_the_checker_is_an_error() -> None:
    rules = ruleset({"z": kind(60, per_week=(0, 1))}, soft=[SOFT["session_bonus"]])
    stray = rules.soft[0].model_copy(update={"kind": "weekly_hours"})
    with pytest.raises(UnknownRuleKindError):
        check_plan(
            [],
            profile=Profile(timezone="Europe/Berlin"),
            rules=rules.model_copy(update={"soft": [stray]}),
            busy=BusyTime(()),
            horizon=HORIZON,
        )


def test_units_come_from_the_registry() -> None:
    rules = ruleset(
        {"z": kind(60, per_week=(0, 1))},
        hard=[HARD["not_on_consecutive_days"]],
        soft=[SOFT["near_study"], SOFT["disliked_times"]],
    )
    assert broken_text(rules, "apart", 1) == "1 pair of consecutive days"
    assert broken_text(rules, "apart", 2) == "2 pairs of consecutive days"
    assert unit(rules, "near") == (
        "workout ending within 60 min before, or starting within 60 min after, a study block"
    )
    assert [sign(r) for r in rules.soft] == [1, -1]


# -- the rules, one of each kind -------------------------------------------------------------

HARD: dict[str, dict[str, object]] = {
    "max_per_day": {"id": "one_a_day", "kind": "max_per_day", "max": 1},
    "not_on_consecutive_days": {"id": "apart", "kind": "not_on_consecutive_days"},
    "rest_after": {
        "id": "rest",
        "kind": "rest_after",
        "after_overnight_min": 0,
        "long_block_min": 480,
        "after_long_min": 120,
    },
}
SOFT: dict[str, dict[str, object]] = {
    "near_study": {"id": "near", "kind": "near_study", "weight": 10, "within_min": 60},
    "longer_sessions": {"id": "longer", "kind": "longer_sessions", "weight": 10},
    "session_bonus": {"id": "bonus", "kind": "session_bonus", "weight": 10},
    "preferred_times": {"id": "liked", "kind": "preferred_times", "weight": 10},
    "disliked_times": {"id": "disliked", "kind": "disliked_times", "weight": 10},
    "active_days": {"id": "active", "kind": "active_days", "weight": 10},
    "stability": {"id": "stable", "kind": "stability", "weight": 10},
    "team_attendance": {"id": "team", "kind": "team_attendance", "weight": 10},
}
KINDS_OF_SESSION = {"a": kind(60, per_week=(0, 7)), "b": kind(60, per_week=(0, 7))}
VARIABLE = {"v": kind([30, 60], per_week=(0, 7))}


def rules_with(kind_id: str, kinds: dict[str, dict[str, object]] = KINDS_OF_SESSION) -> RuleSet:
    if kind_id in HARD:
        return ruleset(kinds, hard=[HARD[kind_id]])
    return ruleset(kinds, soft=[SOFT[kind_id]])


def profile(days: dict[str, str], preferences: dict[str, KindPreference] | None = None) -> Profile:
    week: dict[str, str] = dict.fromkeys(DAYS, "off") | days
    return Profile(
        timezone="Europe/Berlin",
        window=Window.model_validate(week),
        preferences=preferences or {},
    )


def taste(preferred: str = "", disliked: str = "") -> dict[str, KindPreference]:
    ranges = {"preferred": preferred, "disliked": disliked}
    return {
        k: KindPreference(**{f: [TimeRange.parse(r)] for f, r in ranges.items() if r})
        for k in ("a", "b", "v")
    }


# -- on a bare model: a tiny week, only the rule compiled ------------------------------------


@dataclass(frozen=True)
class ModelCase:
    """A week, the sessions forced into it (day -> how many), and what the rule makes of
    it: for a hard kind whether the week stays feasible; for a soft kind the best raw score
    (most for a reward, least for a penalty)."""

    kind_id: str
    days: dict[str, str]
    forced: dict[int, int]
    expected: bool | int
    kinds: dict[str, dict[str, object]] = dataclasses.field(
        default_factory=lambda: KINDS_OF_SESSION
    )
    busy: tuple[Commitment, ...] = ()
    preferences: dict[str, KindPreference] | None = None
    previous: tuple[Session, ...] = ()


def bare_week(case: ModelCase) -> Week:
    inputs = inputs_of(
        case.busy,
        profile=profile(case.days, case.preferences),
        rules=rules_with(case.kind_id, case.kinds),
    )
    return dataclasses.replace(inputs.week, previous=case.previous)


def solve_alone(case: ModelCase, *, compiled: bool = True) -> tuple[int, int]:
    """(status, raw score or 0), with only ``case``'s rule compiled (or none)."""
    week = bare_week(case)
    wm = WeekModel(cp_model.CpModel(), week)
    for day, count in case.forced.items():
        wm.model.add(sum(v.present for v in wm.on_day(wm.vars, day)) >= count)
    raw: cp_model.LinearExprT = 0
    if compiled:
        rule = [*week.rules.hard, *week.rules.soft][0]
        if rule.kind in HARD:
            hard.HARD_RULES[rule.kind](wm, rule)
        else:
            raw = soft.SOFT_RULES[rule.kind](wm, rule)
            if kind_entry(rule.kind).penalty:
                wm.model.minimize(raw)
            else:
                wm.model.maximize(raw)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(wm.model)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return status, int(solver.value(raw)) if found and compiled else 0


def old(kind_id: str, start: str, end: str) -> Session:
    """A previous plan's session on Monday."""
    return Session(kind_id, day_at(0, start), day_at(0, end))


MON, MON_TUE, MON_WED = (
    {"mon": "06:00-22:00"},
    {"mon": "06:00-22:00", "tue": "06:00-22:00"},
    {
        "mon": "06:00-22:00",
        "wed": "06:00-22:00",
    },
)
MON_TUE_WED = MON_TUE | {"wed": "06:00-22:00"}
STUDY = (busy(0, "10:00", "11:00", "Revision", study=True),)
LONG_DAY = (busy(0, "08:00", "18:00", "Shift"),)  # 600 min: 120 min of rest after it

MODEL_CASES: dict[str, list[ModelCase]] = {
    "max_per_day": [
        ModelCase("max_per_day", MON, {0: 1}, True),
        ModelCase("max_per_day", MON, {0: 2}, False),
    ],
    "not_on_consecutive_days": [
        ModelCase("not_on_consecutive_days", MON_WED, {0: 1, 2: 1}, True),
        ModelCase("not_on_consecutive_days", MON_TUE, {0: 1, 1: 1}, False),
    ],
    "rest_after": [
        # From 18:15 (buffer) the rest lasts until 20:00: a 60-min session fits by 21:30 ...
        ModelCase("rest_after", {"mon": "18:00-21:30"}, {0: 1}, True, busy=LONG_DAY),
        # ... but not by 20:30, although 18:15-19:15 would without the rule.
        ModelCase("rest_after", {"mon": "18:00-20:30"}, {0: 1}, False, busy=LONG_DAY),
    ],
    "near_study": [
        # One kind may end before the study block and the other start after it.
        ModelCase("near_study", MON, {0: 1}, 2, busy=STUDY),
        ModelCase("near_study", {"mon": "06:00-08:00"}, {0: 1}, 0, busy=STUDY),
    ],
    "longer_sessions": [
        ModelCase("longer_sessions", MON, {0: 1}, 6, kinds=VARIABLE),
        ModelCase("longer_sessions", {"mon": "07:00-07:45"}, {0: 1}, 3, kinds=VARIABLE),
    ],
    "session_bonus": [
        ModelCase("session_bonus", MON_TUE, {}, 4),
        ModelCase("session_bonus", {"mon": "07:00-08:00"}, {}, 1),
    ],
    "preferred_times": [
        ModelCase("preferred_times", MON, {0: 1}, 1, preferences=taste("07:00-08:00")),
        ModelCase("preferred_times", MON, {0: 1}, 0, preferences=taste("07:00-07:30")),
    ],
    "disliked_times": [
        ModelCase("disliked_times", MON, {0: 1}, 0, preferences=taste(disliked="06:00-21:00")),
        ModelCase("disliked_times", MON, {0: 1}, 1, preferences=taste(disliked="06:00-22:00")),
    ],
    "active_days": [
        ModelCase("active_days", MON_TUE_WED, {}, 3),
        ModelCase("active_days", MON, {}, 1),
    ],
    "stability": [
        ModelCase(
            "stability",
            MON,
            {},
            1,
            previous=(Session("a", day_at(0, "09:00"), day_at(0, "10:00")),),
        ),
        ModelCase(
            "stability",
            MON,
            {},
            0,
            previous=(Session("a", day_at(0, "05:00"), day_at(0, "06:00")),),
        ),
    ],
    # A person's own sessions never count as attended (tests/test_team_model.py holds the
    # cases with shared sessions, which need a team's model).
    "team_attendance": [
        ModelCase("team_attendance", MON_TUE, {0: 1, 1: 1}, 0),
    ],
}


@pytest.mark.parametrize(
    "case",
    [c for cases in MODEL_CASES.values() for c in cases],
    ids=lambda c: f"{c.kind_id}-{c.expected}",
)
def test_each_kind_alone_on_a_bare_model(case: ModelCase) -> None:
    status, raw = solve_alone(case)
    if case.kind_id in HARD:
        # Without the rule the week is feasible: an infeasible case is the rule's doing.
        assert solve_alone(case, compiled=False)[0] == cp_model.OPTIMAL
        assert (status == cp_model.OPTIMAL) is case.expected
    else:
        assert status == cp_model.OPTIMAL
        assert raw == case.expected


@pytest.mark.parametrize(
    "case",
    [c for k in HARD for c in MODEL_CASES[k] if c.expected is False],
    ids=lambda c: c.kind_id,
)
def test_each_hard_kinds_counted_form_agrees_with_its_tally_and_description(
    case: ModelCase,
) -> None:
    """The other three parts of a hard kind, on its infeasible week: ``--relax soft``
    minimises the counted form, the report says how often the rule is broken from the tally,
    and an explanation describes the rule; so the counted form's least count must be what
    the tally finds in the sessions it chose, at least one break, and the description names
    the rule and this week's numbers."""
    week = bare_week(case)
    wm = WeekModel(cp_model.CpModel(), week)
    for day, count in case.forced.items():
        wm.model.add(sum(v.present for v in wm.on_day(wm.vars, day)) >= count)
    rule = week.rules.hard[0]
    breaks = hard.COUNTED_RULES[rule.kind](wm, rule)
    wm.model.minimize(breaks)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(wm.model) == cp_model.OPTIMAL
    counted = round(solver.objective_value)
    assert counted >= 1
    assert explain.TALLIES[rule.kind](week, rule, wm.extract(solver)) == counted
    sentence = explain.DESCRIPTIONS[rule.kind](week, rule)
    assert sentence.startswith(f"{rule.id}: {rule.description}; ")
    assert len(sentence) > len(f"{rule.id}: {rule.description}; ") + 10


# -- by the checker: a plan that keeps the rule, one that breaks it, or its exact score -----


def at(day: int, clock: str) -> dt.datetime:
    hour, minute = map(int, clock.split(":"))
    return dt.datetime.combine(HORIZON.monday + dt.timedelta(days=day), dt.time(hour, minute), TZ)


def ev(kind_id: str, day: int, start: str, end: str) -> PlannedEvent:
    return PlannedEvent(f"{kind_id}{day}{start}@t", kind_id, at(day, start), at(day, end), kind_id)


def block(day: int, start: str, end: str, summary: str, *, study: bool = False) -> Block:
    return Block(at(day, start), at(day, end), summary, "cal.ics", study)


@dataclass(frozen=True)
class CheckerCase:
    """A plan and what the checker must say: for a hard kind its violations, for a soft
    kind the rule's raw score."""

    kind_id: str
    events: list[PlannedEvent]
    expected: list[str] | int
    blocks: tuple[Block, ...] = ()
    kinds: dict[str, dict[str, object]] = dataclasses.field(
        default_factory=lambda: KINDS_OF_SESSION
    )
    preferences: dict[str, KindPreference] | None = None
    previous: tuple[Session, ...] = ()


def _outcome(expected: list[str] | int) -> str:
    if isinstance(expected, int):
        return f"scores-{expected}"
    return "broken" if expected else "kept"


def checked(case: CheckerCase) -> tuple[list[str], dict[str, int]]:
    report = check_plan(
        case.events,
        profile=profile(dict.fromkeys(DAYS, "06:00-22:00"), case.preferences),
        rules=rules_with(case.kind_id, case.kinds),
        busy=BusyTime(case.blocks),
        horizon=HORIZON,
        previous=case.previous,
    )
    return report.violations, report.raw


A1, A2, A3 = (ev("a", day, "07:00", "08:00") for day in (1, 2, 3))
A0, B0 = ev("a", 0, "07:00", "08:00"), ev("b", 0, "19:00", "20:00")
SHIFT = block(0, "08:00", "18:00", "Shift")
REVISION = block(0, "10:00", "11:00", "Revision", study=True)

CHECKER_CASES: dict[str, list[CheckerCase]] = {
    "max_per_day": [
        CheckerCase("max_per_day", [A0, ev("b", 1, "07:00", "08:00")], []),
        CheckerCase(
            "max_per_day",
            [A0, B0],
            ["one_a_day: 2 sessions on 2026-11-30 (at most 1)"],
        ),
    ],
    "not_on_consecutive_days": [
        CheckerCase(
            "not_on_consecutive_days",
            [A0, ev("b", 2, "07:00", "08:00")],
            [],
        ),
        CheckerCase(
            "not_on_consecutive_days",
            [A0, ev("b", 1, "07:00", "08:00")],
            ["apart: sessions on both 2026-11-30 and the next day"],
        ),
    ],
    "rest_after": [
        CheckerCase("rest_after", [ev("a", 0, "20:00", "21:00")], [], blocks=(SHIFT,)),
        CheckerCase(
            "rest_after",
            [ev("a", 0, "19:00", "20:00")],
            [
                "rest: a Mon 30 Nov 19:00 starts 60 min after a long commitment, 'Shift' "
                "(ended Mon 18:00); no workout before Mon 20:00"
            ],
            blocks=(SHIFT,),
        ),
    ],
    "near_study": [
        CheckerCase(
            "near_study",
            [
                ev("a", 0, "08:15", "09:15"),
                ev("b", 0, "11:15", "12:15"),
                ev("a", 1, "07:00", "08:00"),
            ],
            2,
            blocks=(REVISION,),
        ),
    ],
    "longer_sessions": [
        CheckerCase(
            "longer_sessions",
            [
                ev("v", 0, "07:00", "07:30"),
                ev("v", 1, "07:00", "07:45"),
                ev("v", 2, "07:00", "08:00"),
            ],
            9,
            kinds=VARIABLE,
        ),
    ],
    "session_bonus": [
        CheckerCase("session_bonus", [A0, B0], 2),
    ],
    "preferred_times": [
        CheckerCase(
            "preferred_times",
            [A0, ev("a", 1, "07:30", "08:30")],
            1,
            preferences=taste("07:00-08:00"),
        ),
    ],
    "disliked_times": [
        CheckerCase(
            "disliked_times",
            [
                ev("a", 0, "20:00", "21:00"),
                ev("a", 1, "20:30", "21:30"),
                ev("a", 2, "07:00", "08:00"),
            ],
            2,
            preferences=taste(disliked="20:00-21:00"),
        ),
    ],
    "active_days": [
        CheckerCase(
            "active_days",
            [
                A0,
                B0,
                ev("a", 3, "07:00", "08:00"),
            ],
            2,
        ),
    ],
    "stability": [
        CheckerCase(
            "stability",
            [ev("a", 0, "09:00", "10:00"), ev("b", 1, "09:00", "10:00")],
            1,
            previous=(
                Session("a", day_at(0, "09:00"), day_at(0, "10:00")),
                Session("b", day_at(1, "10:00"), day_at(1, "11:00")),
            ),
        ),
    ],
    "team_attendance": [
        CheckerCase(
            "team_attendance",
            [dataclasses.replace(A0, shared=True), B0, ev("a", 2, "07:00", "08:00")],
            1,
        ),
    ],
}


@pytest.mark.parametrize(
    "case",
    [c for cases in CHECKER_CASES.values() for c in cases],
    ids=lambda c: f"{c.kind_id}-{_outcome(c.expected)}",
)
def test_each_kind_by_the_checker(case: CheckerCase) -> None:
    violations, raw = checked(case)
    if isinstance(case.expected, list):
        assert violations == case.expected
    else:
        assert violations == []
        rule_id = str(SOFT[case.kind_id]["id"])
        assert raw == {rule_id: case.expected}


def test_every_kind_is_tested_alone() -> None:
    assert set(MODEL_CASES) == set(KINDS) == set(CHECKER_CASES)
    for kind_id in HARD:
        assert {c.expected for c in MODEL_CASES[kind_id]} == {True, False}, kind_id
        assert [c.expected == [] for c in CHECKER_CASES[kind_id]] == [True, False], kind_id
    assert set(HARD) | set(SOFT) == set(KINDS)
    assert all(KINDS[k].hard for k in HARD) and not any(KINDS[k].hard for k in SOFT)
