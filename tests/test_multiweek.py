"""`brainfit plan --weeks N` and `--repeat`: consecutive weeks planned exactly, in one file."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from brainfit_solver import api, pipeline
from brainfit_solver.calendars.synth import synthetic_calendar
from brainfit_solver.check.checker import PlannedEvent, check_seams, read_plan
from brainfit_solver.cli import main
from brainfit_solver.core.errors import InfeasibleError
from brainfit_solver.core.timegrid import Horizon, iso_week_label, parse_week, zone
from brainfit_solver.pipeline import plan_weeks
from brainfit_solver.rules.profile import Profile, Window
from brainfit_solver.rules.ruleset import RuleSet
from brainfit_solver.weeks import solve_joint, solve_weeks
from support import Ev, inputs_for, write_calendar

WEEK, TZ = "2026-W49", "Europe/Berlin"
SEAM_RULE = "high_intensity_not_on_consecutive_days"


def synthetic_weeks(tmp_path: Path, seed: int, weeks: int) -> api.Inputs:
    monday = parse_week(WEEK)
    paths = []
    for k in range(weeks):
        label = iso_week_label(monday + dt.timedelta(weeks=k))
        path = tmp_path / f"week{k}.ics"
        path.write_bytes(
            synthetic_calendar(seed * 100 + k, busy_events=40, study_blocks=6, week=label)
        )
        paths.append(path)
    return api.load_inputs(paths, profile=Profile(timezone=TZ), week=WEEK)


@pytest.mark.parametrize(("seed", "weeks"), [(1, 2), (12, 2), (5, 3)])
def test_week_by_week_with_seam_program_equals_one_joint_model(
    tmp_path: Path, seed: int, weeks: int
) -> None:
    """These seeds' unrestricted weeks clash at a seam, so the program must solve variants."""
    inputs = synthetic_weeks(tmp_path, seed, weeks)
    models = [api.shifted(inputs, k).week for k in range(weeks)]
    decomposed = solve_weeks(models)
    joint = solve_joint(models)
    assert decomposed.status == joint.status == "OPTIMAL"
    assert decomposed.objective == joint.objective == decomposed.bound
    assert decomposed.solves > weeks  # the seam really had to be resolved


def test_two_processes_give_the_same_plan(tmp_path: Path) -> None:
    inputs = synthetic_weeks(tmp_path, 5, 3)
    models = [api.shifted(inputs, k).week for k in range(3)]
    with ProcessPoolExecutor(2) as pool:
        one, two = solve_weeks(models), solve_weeks(models, executor=pool)
    assert [p.sessions for p in one.plans] == [p.sessions for p in two.plans]
    assert one.objective == two.objective


def test_high_intensity_days_stay_apart_across_week_boundaries(tmp_path: Path) -> None:
    inputs = synthetic_weeks(tmp_path, 5, 2)
    result = plan_weeks(inputs, weeks=2)
    events = read_plan(result.ics)
    horizons = [r.inputs.horizon for r in result.weeks]
    assert check_seams(events, inputs.rules, horizons) == []
    high = {
        e.start.astimezone(horizons[0].tz).date()
        for e in events
        if inputs.rules.kinds[e.kind].intensity == "high"
    }
    sunday = horizons[0].date(6)
    assert not (sunday in high and sunday + dt.timedelta(days=1) in high)


def test_the_seam_checker_catches_back_to_back_high_intensity(rules: RuleSet) -> None:
    monday = parse_week(WEEK)
    horizons = [Horizon(zone(TZ), monday + dt.timedelta(weeks=k)) for k in range(2)]
    sunday = dt.datetime(2026, 12, 6, 8, tzinfo=horizons[0].tz)
    events = [
        api_event("hiit", sunday),
        api_event("vo2max", sunday + dt.timedelta(days=1)),
    ]
    assert check_seams(events, rules, horizons) == [
        f"{SEAM_RULE}: sessions on both 2026-12-06 and the next day"
    ]
    assert check_seams(events[:1], rules, horizons) == []


def api_event(kind: str, start: dt.datetime) -> PlannedEvent:
    return PlannedEvent(f"{kind}@x", kind, start, start + dt.timedelta(minutes=40), kind)


def test_weeks_that_fit_alone_but_not_together_name_the_seam_rule(
    tmp_path: Path, rules: RuleSet
) -> None:
    """Exercise only on Sundays and Mondays: each week puts its HIIT and its VO2 max session on
    both, so week 1's Sunday meets week 2's Monday."""
    only_high = rules.model_copy(
        update={
            "kinds": {k: v for k, v in rules.kinds.items() if v.intensity == "high"},
            "hard": [r for r in rules.hard if r.id in (SEAM_RULE, "one_high_intensity_per_day")],
            "soft": [],
        }
    )
    days = dict.fromkeys(("tue", "wed", "thu", "fri", "sat"), "off")
    profile = Profile(timezone=TZ, window=Window.model_validate(days))
    inputs = inputs_for(tmp_path, [Ev(2, "09:00", "10:00")], profile=profile, rules=only_high)
    assert plan_weeks(inputs, weeks=1).checks[0].ok
    with pytest.raises(InfeasibleError) as caught:
        plan_weeks(inputs, weeks=2)
    assert SEAM_RULE in caught.value.message
    assert caught.value.conflict == (SEAM_RULE,)


def test_one_file_holds_every_week_with_its_own_uids(tmp_path: Path) -> None:
    inputs = inputs_for(tmp_path, [Ev(d, "09:00", "12:00", "Lecture") for d in range(5)])
    result = plan_weeks(inputs, weeks=3)
    cal = Calendar.from_ical(result.ics)
    events = cal.walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)) == sum(len(r.plan.sessions) for r in result.weeks)
    assert len(cal.walk("VTIMEZONE")) == 1
    assert str(cal["X-WR-CALNAME"]) == "BrainFit 2026-W49 to 2026-W51"
    weeks_seen = {e.decoded("DTSTART").isocalendar()[1] for e in events}
    assert weeks_seen == {49, 50, 51}
    assert all(c.ok for c in result.checks)
    assert result.objective == result.solved.objective  # the checker agrees with the solver


def test_one_week_through_the_multi_week_path_is_byte_identical(tmp_path: Path) -> None:
    inputs = inputs_for(tmp_path, [Ev(1, "09:00", "12:00", "Lecture")])
    assert plan_weeks(inputs, weeks=1).ics == pipeline.plan(inputs).ics


def test_a_repeating_template_is_one_rrule_per_session_and_fits_every_week(
    tmp_path: Path,
) -> None:
    """Week 2 has a long exam on Tuesday afternoon: the template avoids it in every week."""
    exam = [Ev(8, "12:00", "21:30", "Exam"), Ev(9, "06:30", "21:30", "Trip")]
    lectures = [Ev(d, "09:00", "11:00", "Lecture") for d in range(5)]
    lectures += [Ev(7 + d, "09:00", "11:00", "Lecture") for d in range(5)]
    inputs = inputs_for(tmp_path, lectures + exam)
    result = plan_weeks(inputs, weeks=2, repeat=True)
    cal = Calendar.from_ical(result.ics)
    masters = cal.walk("VEVENT")
    assert masters
    assert {e["RRULE"].to_ical() for e in masters} == {b"FREQ=WEEKLY;COUNT=2"}
    occurrences = read_plan(result.ics)
    assert len(occurrences) == 2 * len(masters)
    assert [c.ok for c in result.checks] == [True, True]
    tuesday = inputs.horizon.date(1) + dt.timedelta(weeks=1)
    for e in occurrences:
        if e.start.date() == tuesday:
            assert e.end.astimezone(inputs.horizon.tz).time() <= dt.time(12, 0)


def test_cli_plans_several_weeks_and_check_accepts_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_calendar(tmp_path / "cal.ics", [Ev(d, "09:00", "12:00", "Lecture") for d in range(5)])
    runner = CliRunner()
    out = runner.invoke(main, ["plan", "cal.ics", "--week", WEEK, "--weeks", "3", "-o", "p.ics"])
    assert out.exit_code == 0, out.output
    assert "3 weeks: proven optimal" in out.output
    checked = runner.invoke(main, ["check", "p.ics", "cal.ics", "--tz", TZ])
    assert checked.exit_code == 0, checked.output
    repeated = runner.invoke(
        main, ["plan", "cal.ics", "--week", WEEK, "--weeks", "2", "--repeat", "-o", "r.ics"]
    )
    assert repeated.exit_code == 0, repeated.output
    checked = runner.invoke(main, ["check", "r.ics", "cal.ics", "--tz", TZ])
    assert checked.exit_code == 0, checked.output
    bad = runner.invoke(main, ["plan", "cal.ics", "--weeks", "53", "-o", "x.ics"])
    assert bad.exit_code == 2
    lonely = runner.invoke(main, ["plan", "cal.ics", "--repeat", "-o", "x.ics"])
    assert lonely.exit_code == 2 and "--weeks" in lonely.output
    assert not (tmp_path / "x.ics").exists()


def test_multi_week_json_report_is_versioned_and_adds_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from brainfit_solver.outputs.report import REPORT_SCHEMA_VERSION, PlanReport

    monkeypatch.chdir(tmp_path)
    write_calendar(tmp_path / "cal.ics", [Ev(d, "09:00", "12:00", "Lecture") for d in range(5)])
    args = ["plan", "cal.ics", "--week", WEEK, "--weeks", "2", "-o", "p.ics", "--json", "r.json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    report = PlanReport.model_validate_json((tmp_path / "r.json").read_bytes())
    assert report.schema_version == REPORT_SCHEMA_VERSION and not report.repeat
    assert [w.week for w in report.weeks] == [
        WEEK,
        iso_week_label(parse_week(WEEK) + dt.timedelta(7)),
    ]
    assert report.objective == sum(w.objective for w in report.weeks)
    assert report.status == "OPTIMAL" and all(w.check.ok for w in report.weeks)


def only_high_rules(rules: RuleSet) -> RuleSet:
    return rules.model_copy(
        update={
            "kinds": {k: v for k, v in rules.kinds.items() if v.intensity == "high"},
            "hard": [r for r in rules.hard if r.id in (SEAM_RULE, "one_high_intensity_per_day")],
            "soft": [],
        }
    )


def test_a_relaxed_week_keeps_its_sessions_and_the_next_week_plans_around_them(
    tmp_path: Path, rules: RuleSet
) -> None:
    """The first week has only its Sunday free for two high-intensity sessions, so it is
    relaxed; the seam rule still holds: the second week keeps its Monday free of them."""
    days = dict.fromkeys(("tue", "thu", "fri", "sat"), "off")
    profile = Profile(timezone=TZ, window=Window.model_validate(days))
    busy = [Ev(0, "00:00", "23:59"), Ev(2, "00:00", "23:59")]
    inputs = inputs_for(tmp_path, busy, profile=profile, rules=only_high_rules(rules))
    with pytest.raises(InfeasibleError):
        pipeline.run_one(pipeline.PlanRequest(inputs, weeks=2))
    outcome = pipeline.run_one(pipeline.PlanRequest(inputs, weeks=2, relax=True))
    first, second = outcome.weeks
    assert first.plan.dropped and not second.plan.dropped
    assert {s.start // 1440 for s in first.plan.sessions} == {6}
    assert 0 not in {s.start // 1440 for s in second.plan.sessions}
    assert (
        check_seams(read_plan(outcome.ics), inputs.rules, [w.inputs.horizon for w in outcome.weeks])
        == []
    )


def test_relax_does_not_relax_the_seam_between_weeks_that_each_hold_their_rules(
    tmp_path: Path, rules: RuleSet
) -> None:
    days = dict.fromkeys(("tue", "wed", "thu", "fri", "sat"), "off")
    profile = Profile(timezone=TZ, window=Window.model_validate(days))
    inputs = inputs_for(
        tmp_path, [Ev(2, "09:00", "10:00")], profile=profile, rules=only_high_rules(rules)
    )
    with pytest.raises(InfeasibleError) as caught:
        pipeline.run_one(pipeline.PlanRequest(inputs, weeks=2, relax=True))
    assert caught.value.conflict == (SEAM_RULE,)
