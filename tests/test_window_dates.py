"""A profile's window for specific dates (a rota): ``[window.dates]`` overrides the weekday,
in the planner, in the checker (which reads the profile itself) and in explanations."""

from __future__ import annotations

from pathlib import Path

import pytest

from brainfit_solver import api, pipeline
from brainfit_solver.core.domain import Plan, Session
from brainfit_solver.core.errors import InfeasibleError, ProfileError
from brainfit_solver.rules.profile import Profile, Window, load_profile
from support import day_at, inputs_of, kind, ruleset

THU, SAT = 3, 5  # 2026-12-03 and 2026-12-05 in 2026-W49


def rota(dates: dict[str, str], default: str = "06:30-21:30") -> Profile:
    window = Window.model_validate({"default": default, "dates": dates})
    return Profile(timezone="Europe/Berlin", window=window)


def test_a_date_overrides_its_weekday_and_off_closes_it() -> None:
    profile = rota({"2026-12-03": "14:00-21:00", "2026-12-05": "off"})
    week = inputs_of([], profile=profile).week
    assert week.windows[THU] is not None
    assert (week.windows[THU].start, week.windows[THU].end) == (
        day_at(THU, "14:00"),
        day_at(THU, "21:00"),
    )
    assert week.windows[SAT] is None
    assert week.windows[2] is not None and week.windows[2].start == day_at(2, "06:30")


def test_a_rota_opens_only_the_dates_it_names() -> None:
    profile = rota({"2026-12-03": "18:00-19:00"}, default="off")
    rules = ruleset({"z": kind(60)})
    planned = pipeline.plan(inputs_of([], profile=profile, rules=rules)).plan.sessions
    assert [(s.start, s.end) for s in planned] == [(day_at(THU, "18:00"), day_at(THU, "19:00"))]


def _violations(profile: Profile, start: int) -> list[str]:
    rules = ruleset({"z": kind(60)})
    inputs = inputs_of([], profile=profile, rules=rules)
    plan = Plan(sessions=(Session("z", start, start + 60),), status="OPTIMAL", objective=0, bound=0)
    return api.check(api.export(plan, inputs), inputs).violations


def test_the_checker_honours_date_overrides() -> None:
    profile = rota({"2026-12-03": "14:00-21:00", "2026-12-05": "off"})
    assert _violations(profile, day_at(THU, "15:00")) == []
    [early] = _violations(profile, day_at(THU, "08:00"))
    assert "outside the daily window 14:00-21:00" in early and "2026-12-03" in early
    [closed] = _violations(profile, day_at(SAT, "10:00"))
    assert "day off" in closed and "2026-12-05" in closed


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('"2026-13-03" = "14:00-21:00"', "date"),
        ('"2026-12-03" = "25:00-26:00"', "impossible clock time"),
        ('"next thursday" = "14:00-21:00"', "date"),
        ('"2026-12-03" = "evening"', "not a time range"),
    ],
)
def test_a_bad_date_or_range_names_file_place_and_fix(
    tmp_path: Path, line: str, problem: str
) -> None:
    path = tmp_path / "profile.toml"
    path.write_text(f"[window.dates]\n{line}\n", encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    message = str(err.value)
    assert str(path) in message and "window.dates" in message and problem in message
    assert "README" in message


def test_a_window_relaxation_names_the_date_field_that_constrains() -> None:
    profile = rota({"2026-12-03": "18:00-18:30"}, default="off")
    rules = ruleset({"z": kind(60)})
    with pytest.raises(InfeasibleError) as err:
        pipeline.plan(inputs_of([], profile=profile, rules=rules))
    offers = err.value.relaxations
    assert any('window.dates."2026-12-03" = "18:00-19:00"' in offer for offer in offers), offers
    assert not any("window.thu" in offer for offer in offers), offers
