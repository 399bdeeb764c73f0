"""Properties of planning on random weeks and random profiles.

Whatever the calendar and the profile: a plan the solver returns is proven optimal, the
independent checker accepts the exported file and re-scores it to exactly the solver's
objective, and no greedy placement (``greedy.py``, scored by the checker) beats it; a week
the solver calls impossible names the rules in conflict, and greedy cannot plan it either.

The draws reach the corners where defects hid: windows that touch midnight on adjacent days
(23:00-24:00, then 00:00-01:00), study blocks that start at the same time or within the
snack lead time of each other (a double-booked lecture), rule files other than the default
(constraints/light.toml and variants generated from the default: snack lengths as ranges,
other lead times, counts and durations, a hard rule dropped), and zones with half-hour and
45-minute offsets and southern-hemisphere summer time, each in an ordinary week and in the
weeks its clocks change.

Hypothesis runs derandomized with bounded example counts, so the file gives the same
examples on every run and stays within a few minutes on two cores.
"""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from brainfit_solver import api, pipeline
from brainfit_solver.calendars.synth import synthetic_calendar
from brainfit_solver.core.domain import SolverOptions
from brainfit_solver.core.errors import InfeasibleError
from brainfit_solver.core.timegrid import iso_week_label, zone
from brainfit_solver.rules.profile import Profile
from brainfit_solver.rules.ruleset import RuleSet, default_rules_path, load_rules
from greedy import greedy_week
from support import REPO, Ev, calendar_bytes

pytestmark = pytest.mark.timeout(900)  # the whole file takes a few minutes on a loaded machine

PROPERTY_SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
RULES = load_rules()
FREE_KINDS = [k for k, kind in RULES.kinds.items() if kind.anchor == "free"]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RULE_FILES = {"brain-health": RULES, "light": load_rules(REPO / "constraints" / "light.toml")}
DEFAULT_RULES_DATA = tomllib.loads(default_rules_path().read_text(encoding="utf-8"))
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",  # +05:30
    "Asia/Kathmandu",  # +05:45
    "Australia/Eucla",  # +08:45
    "Australia/Lord_Howe",  # +10:30 / +11:00: a half-hour summer time, southern
    "Australia/Sydney",  # southern summer time
    "Pacific/Chatham",  # +12:45 / +13:45
    "America/Santiago",  # southern, clocks change at midnight
    "America/Sao_Paulo",  # no summer time since 2019
    "America/St_Johns",  # -03:30 / -02:30
    "Asia/Tehran",  # +03:30
    "Pacific/Kiritimati",  # +14:00
    "Pacific/Pago_Pago",  # -11:00
)
ORDINARY_WEEK = "2026-W49"


def clock_change_weeks(name: str, year: int = 2026) -> list[str]:
    """The ISO weeks of ``year`` in which the zone's UTC offset changes (noon to noon)."""
    tz, day = zone(name), dt.date(year, 1, 1)
    weeks, before = [], dt.datetime.combine(day, dt.time(12), tz).utcoffset()
    while day.year == year:
        day += dt.timedelta(days=1)
        after = dt.datetime.combine(day, dt.time(12), tz).utcoffset()
        if after != before:
            weeks.append(iso_week_label(day - dt.timedelta(days=day.weekday())))
        before = after
    return weeks


# (zone, ISO week): each zone in an ordinary week and in each week its clocks change.
WEEKS = [(z, w) for z in ZONES for w in [ORDINARY_WEEK, *clock_change_weeks(z)]]


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def time_ranges(draw: st.DrawFn, earliest: int = 5 * 60, latest: int = 24 * 60) -> str:
    start = draw(st.integers(earliest, latest - 30))
    end = draw(st.integers(start + 30, min(latest, start + 6 * 60)))
    return f"{clock(start)}-{clock(end)}"


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet:
    """The default rule file, light.toml, or a variant of the default as a user might write
    it: snack lengths as ranges, other lead times, counts and durations, a hard rule left out."""
    name = draw(st.sampled_from([*RULE_FILES, "variant"]))
    event(f"rules: {name}")
    if name in RULE_FILES:
        return RULE_FILES[name]
    data = copy.deepcopy(DEFAULT_RULES_DATA)
    kinds = data["kinds"]
    for snack in ("snack", "sprint_snack"):
        kinds[snack]["duration_min"] = draw(st.sampled_from([5, 10, [5, 10], [5, 15]]))
        kinds[snack]["lead_max_min"] = draw(st.sampled_from([0, 5, 10, 20, 30]))
    low = draw(st.integers(0, 3))
    kinds["zone2"]["per_week"] = {"min": low, "max": draw(st.integers(max(low, 1), 4))}
    kinds["hiit"]["duration_min"] = draw(st.sampled_from([20, 25, [20, 30]]))
    kinds["impact"]["per_week"]["max"] = draw(st.integers(0, 3))
    left_out = draw(st.sampled_from(["", *(rule["id"] for rule in data["hard"])]))
    data["hard"] = [rule for rule in data["hard"] if rule["id"] != left_out]
    return RuleSet.model_validate(data)


# Windows ending at midnight, then windows starting at midnight on the next day.
BEFORE_MIDNIGHT = ("23:00-24:00", "22:00-24:00", "21:30-24:00")
AFTER_MIDNIGHT = ("00:00-01:00", "00:00-02:30", "00:00-06:00")


@st.composite
def profiles(draw: st.DrawFn, *, cramped: bool = False) -> dict[str, Any]:
    """A profile as its TOML would read: window, days off, buffer, tastes per kind.
    ``cramped`` profiles have short windows and more days off, so many weeks are impossible.
    Some have night windows: one day's ends at midnight and the next day's starts there."""
    if cramped:
        start = draw(st.integers(5 * 60, 17 * 60))
        end = draw(st.integers(start + 2 * 60, min(24 * 60, start + 7 * 60)))
    else:
        start = draw(st.integers(5 * 60, 9 * 60))
        end = draw(st.integers(17 * 60, 24 * 60))
    window: dict[str, Any] = {"default": f"{clock(start)}-{clock(end)}"}
    for day in sorted(draw(st.sets(st.sampled_from(DAYS), max_size=4 if cramped else 2))):
        window[day] = "off"
    for day in sorted(draw(st.sets(st.integers(0, 5), max_size=3))):
        window[DAYS[day]] = draw(st.sampled_from(BEFORE_MIDNIGHT))
        window[DAYS[day + 1]] = draw(st.sampled_from(AFTER_MIDNIGHT))
        event("window touching midnight")
    preferences = {
        kind: {
            "preferred": draw(st.lists(time_ranges(), max_size=2)),
            "disliked": draw(st.lists(time_ranges(), max_size=1)),
        }
        for kind in sorted(draw(st.sets(st.sampled_from([*FREE_KINDS, "snack"]), max_size=3)))
    }
    return {
        "window": window,
        "buffer_min": draw(st.sampled_from([0, 5, 7, 10, 15, 20, 30])),
        "preferences": preferences,
    }


@st.composite
def drawn_events(draw: st.DrawFn) -> list[Ev]:
    """Events straight from hypothesis: any minute of the day, overlapping, some of them
    study; some study blocks double-booked by a second one starting at the same time or a
    few minutes later (the same lecture in two calendars, a lecture and a study group)."""
    events = []
    for _ in range(draw(st.integers(0, 40))):
        start = draw(st.integers(0, 23 * 60 + 50))
        end = draw(st.integers(start + 5, min(23 * 60 + 59, start + 4 * 60)))
        study = draw(st.booleans())
        day = draw(st.integers(0, 6))
        summary, categories = ("Revision", ("Study",)) if study else ("Meeting", ())
        events.append(Ev(day, clock(start), clock(end), summary, categories))
        if study and draw(st.integers(0, 3)) == 0:
            twin = min(start + draw(st.sampled_from([0, 0, 5, 10, 15])), end - 1)
            twin_end = draw(st.integers(twin + 1, min(23 * 60 + 59, twin + 3 * 60)))
            events.append(Ev(day, clock(twin), clock(twin_end), "Study group", ("Study",)))
            event("double-booked study block")
    return events


def assert_planned_well(
    calendar: bytes, profile: dict[str, Any], tz: str, week: str, rules: RuleSet = RULES
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "week.ics"
        path.write_bytes(calendar)
        prof = Profile.model_validate({**profile, "timezone": tz})
        inputs = api.load_inputs([path], profile=prof, rules=rules, week=week)
    baseline = greedy_week(inputs)
    if baseline is not None:
        assert baseline.ok, baseline.violations  # greedy keeps the rules the checker tests
    try:
        result = pipeline.plan(inputs, SolverOptions())
    except InfeasibleError as exc:
        known = {r.id for r in inputs.rules.hard} | {f"{k}_per_week" for k in inputs.rules.kinds}
        assert exc.conflict, "an impossible week must name at least one rule"
        assert set(exc.conflict) <= known
        assert all(rule in str(exc) for rule in exc.conflict)
        assert baseline is None, "greedy planned a week the solver called impossible"
        event("infeasible week")
        return
    assert result.plan.status == "OPTIMAL"
    report = api.check(result.ics, inputs)
    assert report.ok, report.violations
    assert report.objective == result.plan.objective
    if baseline is None:
        event("planned; greedy found no week")
    else:
        assert result.plan.objective >= baseline.objective
        event(
            "planned; greedy "
            + ("equal" if result.plan.objective == baseline.objective else "below")
        )


@settings(PROPERTY_SETTINGS, max_examples=60)
@given(
    seed=st.integers(0, 2**32 - 1),
    busy=st.integers(20, 120),
    study=st.integers(4, 12),
    profile=profiles(),
    where=st.sampled_from(WEEKS),
    rules=rule_sets(),
)
def test_synthetic_weeks_are_planned_optimally_and_checked(
    seed: int,
    busy: int,
    study: int,
    profile: dict[str, Any],
    where: tuple[str, str],
    rules: RuleSet,
) -> None:
    tz, week = where
    calendar = synthetic_calendar(seed, busy_events=busy, study_blocks=study, week=week, tz=tz)
    assert_planned_well(calendar, profile, tz, week, rules)


# Found by this test: a window ending inside the hour the clock skips (Sunday "00:00-02:30"
# when 02:00 jumps to 03:00) ended at 03:30 in the model and at 03:00 in the checker.
DST_GAP_WINDOW = [
    Ev(0, "00:00", "00:05", "Revision", ("Study",)),
    *[Ev(0, "00:00", "00:05", "Meeting", ())] * 3,
    Ev(0, "00:01", "00:06", "Meeting", ()),
    *[Ev(0, "00:00", "00:05", "Meeting", ())] * 6,
    Ev(0, "00:02", "00:07", "Meeting", ()),
    *[Ev(0, "00:00", "00:05", "Meeting", ())] * 2,
    Ev(6, "00:00", "02:12", "Revision", ("Study",)),
    Ev(6, "00:00", "00:01", "Study group", ("Study",)),
]
NIGHT_WINDOWS = {
    "window": {
        "default": "05:00-17:00",
        "mon": "23:00-24:00",
        "tue": "23:00-24:00",
        "wed": "00:00-01:00",
        "sat": "23:00-24:00",
        "sun": "00:00-02:30",
    },
    "buffer_min": 0,
    "preferences": {},
}


@settings(PROPERTY_SETTINGS, max_examples=60)
@given(events=drawn_events(), profile=profiles(), where=st.sampled_from(WEEKS), rules=rule_sets())
@example(
    events=DST_GAP_WINDOW, profile=NIGHT_WINDOWS, where=("Europe/Berlin", "2026-W13"), rules=RULES
)
def test_drawn_events_are_planned_optimally_and_checked(
    events: list[Ev], profile: dict[str, Any], where: tuple[str, str], rules: RuleSet
) -> None:
    tz, week = where
    assert_planned_well(calendar_bytes(events, week=week, tz=tz), profile, tz, week, rules)


@settings(PROPERTY_SETTINGS, max_examples=30)
@given(
    seed=st.integers(0, 2**32 - 1),
    busy=st.integers(60, 150),
    profile=profiles(cramped=True),
    where=st.sampled_from(WEEKS),
    rules=rule_sets(),
)
def test_cramped_weeks_are_planned_or_name_the_rules_in_conflict(
    seed: int, busy: int, profile: dict[str, Any], where: tuple[str, str], rules: RuleSet
) -> None:
    tz, week = where
    calendar = synthetic_calendar(seed, busy_events=busy, study_blocks=8, week=week, tz=tz)
    assert_planned_well(calendar, profile, tz, week, rules)
