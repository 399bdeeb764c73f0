"""The days before the planned span: sessions of an earlier plan that rules looking across
days (``not_on_consecutive_days``) must see, in `plan` and in `check` alike.

The week: an evening shift from 19:45 every day of 2026-W49 and W50 except W49's Sunday and
W50's Monday, and a profile that dislikes HIIT before 20:00. W49's plan therefore puts its
HIIT on Sunday 6 December at 20:00, and a W50 plan that knows nothing of it would put its
HIIT on Monday 7 December at 20:00: high-intensity days back to back across the seam.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from brainfit_solver import api, pipeline
from brainfit_solver.check import read_plan
from brainfit_solver.cli import main
from brainfit_solver.errors import InfeasibleError
from brainfit_solver.pipeline import plan_weeks
from brainfit_solver.profile import Profile, Window, load_profile
from brainfit_solver.replan import read_previous
from brainfit_solver.rules import RuleSet
from support import Ev, calendar_bytes, inputs_for

SEAM_RULE = "high_intensity_not_on_consecutive_days"
SUNDAY, MONDAY = dt.date(2026, 12, 6), dt.date(2026, 12, 7)
EVENINGS = [Ev(d, "19:45", "21:30", "Evening shift") for d in range(14) if d not in (6, 7)]
PROFILE = """timezone = "Europe/Berlin"
[preferences.hiit]
preferred = ["20:00-21:00"]
disliked = ["06:30-20:00"]
"""
NO_EARLIER_PLAN = "no plan for the days before Mon 07 Dec is known"


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """The calendar, the profile and W49's plan (HIIT on Sunday evening)."""
    calendar = tmp_path / "cal.ics"
    calendar.write_bytes(calendar_bytes(EVENINGS))
    profile = tmp_path / "profile.toml"
    profile.write_text(PROFILE)
    w49 = tmp_path / "w49.ics"
    code, output = run("plan", calendar, "--profile", profile, "--week", "2026-W49", "-o", w49)
    assert code == 0, output
    assert ("hiit", SUNDAY) in kind_days(w49.read_bytes())  # the premise of every test here
    return {"calendar": calendar, "profile": profile, "w49": w49}


def kind_days(ics: bytes) -> set[tuple[str, dt.date]]:
    return {(e.kind, e.start.date()) for e in read_plan(ics)}


def high_on(ics: bytes, day: dt.date, rules: RuleSet) -> list[str]:
    return [k for k, d in kind_days(ics) if d == day and rules.kinds[k].intensity == "high"]


def with_imported(calendar: bytes, plan: bytes) -> bytes:
    """The user's calendar after importing a plan (its events kept, UIDs and all)."""
    cal = Calendar.from_ical(calendar)
    for event in Calendar.from_ical(plan).walk("VEVENT"):
        cal.add_component(event)
    for tz in Calendar.from_ical(plan).walk("VTIMEZONE"):
        if not any(str(t["TZID"]) == str(tz["TZID"]) for t in cal.walk("VTIMEZONE")):
            cal.add_component(tz)
    return bytes(cal.to_ical())


def test_replanning_next_week_with_previous_keeps_high_intensity_off_the_monday_after(
    files: dict[str, Path], tmp_path: Path, rules: RuleSet
) -> None:
    w50 = tmp_path / "w50.ics"
    code, output = run(
        "plan", files["calendar"], "--profile", files["profile"], "--week", "2026-W50",
        "--previous", files["w49"], "-o", w50,
    )  # fmt: skip
    assert code == 0, output
    assert high_on(w50.read_bytes(), MONDAY, rules) == []
    assert NO_EARLIER_PLAN not in output
    for week in ([], ["--week", "2026-W50"]):
        code, output = run("check", w50, files["calendar"], "--profile", files["profile"], *week)
        assert code == 0, output


def test_planning_next_week_reads_last_weeks_sessions_imported_into_the_calendar(
    files: dict[str, Path], tmp_path: Path, rules: RuleSet
) -> None:
    imported = tmp_path / "imported.ics"
    imported.write_bytes(with_imported(files["calendar"].read_bytes(), files["w49"].read_bytes()))
    w50 = tmp_path / "w50.ics"
    code, output = run(
        "plan", imported, "--profile", files["profile"], "--week", "2026-W50", "-o", w50
    )
    assert code == 0, output
    assert high_on(w50.read_bytes(), MONDAY, rules) == []
    assert NO_EARLIER_PLAN not in output
    code, output = run("check", w50, imported, "--profile", files["profile"])
    assert code == 0, output


def test_multi_week_replan_keeps_the_seam_with_the_week_before_its_first(
    files: dict[str, Path], rules: RuleSet
) -> None:
    inputs = api.load_inputs(
        [files["calendar"]], profile=load_profile(files["profile"]), week="2026-W50"
    )
    previous = read_previous(files["w49"].read_bytes())
    now = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    result = plan_weeks(inputs, weeks=2, previous=previous, now=now)
    assert high_on(result.ics, MONDAY, rules) == []
    assert all(c.ok for c in result.checks)


def test_check_names_the_seam_rule_for_high_intensity_on_the_monday_after_a_sunday_hiit(
    files: dict[str, Path], tmp_path: Path, rules: RuleSet
) -> None:
    """A W50 plan made without knowing W49 (HIIT on Monday 7 December) is checked against
    W49's plan: given with --previous, imported into the calendar, or in the same file."""
    w50 = tmp_path / "w50.ics"
    code, output = run(
        "plan", files["calendar"], "--profile", files["profile"], "--week", "2026-W50", "-o", w50
    )
    assert code == 0, output
    assert high_on(w50.read_bytes(), MONDAY, rules) != []
    profile = ("--profile", files["profile"])
    assert run("check", w50, files["calendar"], *profile)[0] == 0  # nothing known before it
    code, output = run("check", w50, files["calendar"], *profile, "--previous", files["w49"])
    assert code == 4 and SEAM_RULE in output and "2026-12-06" in output, output
    imported = tmp_path / "imported.ics"
    imported.write_bytes(with_imported(files["calendar"].read_bytes(), files["w49"].read_bytes()))
    code, output = run("check", w50, imported, *profile)
    assert code == 4 and SEAM_RULE in output, output
    both = tmp_path / "both.ics"
    both.write_bytes(with_imported(files["w49"].read_bytes(), w50.read_bytes()))
    code, output = run("check", both, files["calendar"], *profile, "--week", "2026-W50")
    assert code == 4 and SEAM_RULE in output, output


def test_the_summary_and_the_report_say_when_no_plan_for_the_days_before_is_known(
    files: dict[str, Path], tmp_path: Path
) -> None:
    args = ("--profile", files["profile"], "--week", "2026-W50")
    code, output = run("plan", files["calendar"], *args, "-o", tmp_path / "a.ics", "--json",
                       tmp_path / "a.json")  # fmt: skip
    assert code == 0, output
    assert NO_EARLIER_PLAN in " ".join(output.split())
    assert SEAM_RULE in " ".join(output.split())
    before = json.loads((tmp_path / "a.json").read_text())["weeks"][0]["days_before"]
    assert before["known"] is False and before["unchecked"] == [SEAM_RULE]
    assert NO_EARLIER_PLAN in before["note"]

    code, output = run("plan", files["calendar"], *args, "--previous", files["w49"], "-o",
                       tmp_path / "b.ics", "--json", tmp_path / "b.json")  # fmt: skip
    assert code == 0, output
    assert NO_EARLIER_PLAN not in " ".join(output.split())
    before = json.loads((tmp_path / "b.json").read_text())["weeks"][0]["days_before"]
    assert before["known"] is True and before["note"] is None
    assert {"kind": "hiit", "date": "2026-12-06"} in before["sessions"]

    code, output = run("check", tmp_path / "a.ics", files["calendar"], "--profile",
                       files["profile"])  # fmt: skip
    assert code == 0 and NO_EARLIER_PLAN in " ".join(output.split()), output


def test_weeks_that_clash_at_the_seam_clash_one_at_a_time_too_and_the_refusal_says_so(
    tmp_path: Path, rules: RuleSet
) -> None:
    """Exercise only on Sundays and Mondays: each week puts its HIIT and its VO2 max session
    on both. `--weeks 2` is refused without recommending planning the weeks one at a time,
    since planning W50 after W49 meets the same seam."""
    only_high = rules.model_copy(
        update={
            "kinds": {k: v for k, v in rules.kinds.items() if v.intensity == "high"},
            "hard": [r for r in rules.hard if r.id in (SEAM_RULE, "one_high_intensity_per_day")],
            "soft": [],
        }
    )
    days = dict.fromkeys(("tue", "wed", "thu", "fri", "sat"), "off")
    profile = Profile(timezone="Europe/Berlin", window=Window.model_validate(days))
    w49 = inputs_for(tmp_path, [Ev(2, "09:00", "10:00")], profile=profile, rules=only_high)
    with pytest.raises(InfeasibleError) as together:
        plan_weeks(w49, weeks=2)
    assert together.value.fix is not None and "one at a time" not in together.value.fix
    first = plan_weeks(w49, weeks=1)
    w50 = inputs_for(
        tmp_path, [Ev(2, "09:00", "10:00")], profile=profile, rules=only_high, week="2026-W50"
    )
    now = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    with pytest.raises(InfeasibleError) as alone:
        plan_weeks(w50, previous=read_previous(first.ics), now=now)
    assert SEAM_RULE in alone.value.conflict
    assert "an earlier plan has one the day before, Sun 06 Dec" in alone.value.render()


def test_a_session_the_previous_plan_moved_off_sunday_does_not_count_where_an_old_import_shows_it(
    files: dict[str, Path], tmp_path: Path, rules: RuleSet
) -> None:
    """The calendar still holds W49's first import (HIIT on Sunday); the previous plan given
    moved that HIIT (same UID) to Saturday 18:00: Monday is free for high intensity."""
    cal = Calendar.from_ical(files["w49"].read_bytes())
    for event in cal.walk("VEVENT"):
        if str(event["X-BRAINFIT-KIND"]) == "hiit":
            for name in ("DTSTART", "DTEND"):
                moment = event.decoded(name) - dt.timedelta(days=1, hours=2)
                event.pop(name)
                event.add(name, moment)
    moved = tmp_path / "moved.ics"
    moved.write_bytes(bytes(cal.to_ical()))
    imported = tmp_path / "imported.ics"
    imported.write_bytes(with_imported(files["calendar"].read_bytes(), files["w49"].read_bytes()))
    w50 = tmp_path / "w50.ics"
    profile = ("--profile", files["profile"])
    code, output = run(
        "plan", imported, *profile, "--week", "2026-W50", "--previous", moved, "-o", w50
    )
    assert code == 0, output
    assert high_on(w50.read_bytes(), MONDAY, rules) == ["hiit"]  # its preferred evening
    code, output = run("check", w50, imported, *profile)
    assert code == 0, output
    code, output = run("check", w50, imported, *profile, "--week", "2026-W50")
    assert code == 0, output


def test_sessions_imported_into_google_without_categories_are_read_by_their_title() -> None:
    """Google Calendar keeps an imported session's UID and title but drops CATEGORIES and
    X-BRAINFIT-KIND: the planner and the checker both still know W46's sessions."""
    from support import CALENDARS

    inputs = api.load_inputs(
        [CALENDARS / "google_with_imported_brainfit_sessions.ics"],
        profile=Profile(timezone="Europe/Berlin"),
        week="2026-W47",
    )
    assert inputs.week.before_known
    assert inputs.week.earlier == (("zone2", -6), ("resistance", -4))
    before = pipeline.plan(inputs).check.before
    assert before is not None and before.known
    assert [(e.kind, e.start.date()) for e in before.events] == [
        ("zone2", dt.date(2026, 11, 10)),
        ("resistance", dt.date(2026, 11, 12)),
    ]
