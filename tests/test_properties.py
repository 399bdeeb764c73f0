"""Properties of planning on random weeks and random profiles.

Whatever the calendar and the profile: a plan the solver returns is proven optimal, the
independent checker accepts the exported file and re-scores it to exactly the solver's
objective, and no greedy placement (``greedy.py``, scored by the checker) beats it; a week
the solver calls impossible names the rules in conflict, and greedy cannot plan it either.

Hypothesis runs derandomized with bounded example counts, so the file gives the same
examples on every run and stays well under a minute on two cores.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from brainfit_solver import api
from brainfit_solver.errors import InfeasibleError
from brainfit_solver.profile import Profile
from brainfit_solver.rules import load_rules
from brainfit_solver.solve import SolverOptions
from brainfit_solver.synth import synthetic_calendar
from greedy import greedy_week
from support import Ev, calendar_bytes

PROPERTY_SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
RULES = load_rules()
FREE_KINDS = [k for k, kind in RULES.kinds.items() if kind.anchor == "free"]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# (zone, ISO week): an ordinary week, and the weeks clocks go forward / back in two zones.
WEEKS = [
    ("Europe/Berlin", "2026-W49"),
    ("Europe/Berlin", "2026-W13"),
    ("America/New_York", "2026-W44"),
]


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def time_ranges(draw: st.DrawFn, earliest: int = 5 * 60, latest: int = 24 * 60) -> str:
    start = draw(st.integers(earliest, latest - 30))
    end = draw(st.integers(start + 30, min(latest, start + 6 * 60)))
    return f"{clock(start)}-{clock(end)}"


@st.composite
def profiles(draw: st.DrawFn, *, cramped: bool = False) -> dict[str, Any]:
    """A profile as its TOML would read: window, days off, buffer, tastes per kind.
    ``cramped`` profiles have short windows and more days off, so many weeks are impossible."""
    if cramped:
        start = draw(st.integers(5 * 60, 17 * 60))
        end = draw(st.integers(start + 2 * 60, min(24 * 60, start + 7 * 60)))
    else:
        start = draw(st.integers(5 * 60, 9 * 60))
        end = draw(st.integers(17 * 60, 24 * 60))
    window: dict[str, Any] = {"default": f"{clock(start)}-{clock(end)}"}
    for day in sorted(draw(st.sets(st.sampled_from(DAYS), max_size=4 if cramped else 2))):
        window[day] = "off"
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
    """Events straight from hypothesis: any minute, overlapping, some of them study."""
    events = []
    for _ in range(draw(st.integers(0, 40))):
        start = draw(st.integers(5 * 60, 22 * 60))
        end = draw(st.integers(start + 5, min(23 * 60 + 59, start + 4 * 60)))
        study = draw(st.booleans())
        events.append(
            Ev(
                draw(st.integers(0, 6)),
                clock(start),
                clock(end),
                "Revision" if study else "Meeting",
                ("Study",) if study else (),
            )
        )
    return events


def assert_planned_well(calendar: bytes, profile: dict[str, Any], tz: str, week: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "week.ics"
        path.write_bytes(calendar)
        prof = Profile.model_validate({**profile, "timezone": tz})
        inputs = api.load_inputs([path], profile=prof, week=week)
    baseline = greedy_week(inputs)
    if baseline is not None:
        assert baseline.ok, baseline.violations  # greedy keeps the rules the checker tests
    try:
        result = api.plan(inputs, SolverOptions())
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


@settings(PROPERTY_SETTINGS, max_examples=40)
@given(
    seed=st.integers(0, 2**32 - 1),
    busy=st.integers(20, 120),
    study=st.integers(4, 12),
    profile=profiles(),
    where=st.sampled_from(WEEKS),
)
def test_synthetic_weeks_are_planned_optimally_and_checked(
    seed: int, busy: int, study: int, profile: dict[str, Any], where: tuple[str, str]
) -> None:
    tz, week = where
    calendar = synthetic_calendar(seed, busy_events=busy, study_blocks=study, week=week, tz=tz)
    assert_planned_well(calendar, profile, tz, week)


@settings(PROPERTY_SETTINGS, max_examples=40)
@given(events=drawn_events(), profile=profiles(), where=st.sampled_from(WEEKS))
def test_drawn_events_are_planned_optimally_and_checked(
    events: list[Ev], profile: dict[str, Any], where: tuple[str, str]
) -> None:
    tz, week = where
    assert_planned_well(calendar_bytes(events, week=week, tz=tz), profile, tz, week)


@settings(PROPERTY_SETTINGS, max_examples=25)
@given(
    seed=st.integers(0, 2**32 - 1),
    busy=st.integers(60, 150),
    profile=profiles(cramped=True),
)
def test_cramped_weeks_are_planned_or_name_the_rules_in_conflict(
    seed: int, busy: int, profile: dict[str, Any]
) -> None:
    calendar = synthetic_calendar(seed, busy_events=busy, study_blocks=8)
    assert_planned_well(calendar, profile, "Europe/Berlin", "2026-W49")
