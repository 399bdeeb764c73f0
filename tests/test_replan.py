"""`brainfit plan --previous PLAN.ics`: re-planning that clients apply as updates, never copies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from brainfit_solver import api
from brainfit_solver.calendars.previous import read_previous
from brainfit_solver.cli import main
from brainfit_solver.pipeline import PlanOutcome, plan_weeks
from brainfit_solver.rules.profile import Profile
from brainfit_solver.rules.ruleset import Count, RuleSet
from support import Ev, inputs_for, write_calendar

TZ = "Europe/Berlin"
BEFORE_THE_WEEK = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
LECTURES = [Ev(d, "09:00", "12:00", "Lecture") for d in range(5)]


def by_uid(ics: bytes) -> dict[str, tuple[dt.datetime, dt.datetime, int, str]]:
    found = {}
    for e in Calendar.from_ical(ics).walk("VEVENT"):
        uid = str(e["UID"])
        assert uid not in found, f"UID {uid} twice"
        found[uid] = (
            e.decoded("DTSTART"),
            e.decoded("DTEND"),
            int(e.get("SEQUENCE", 0)),
            str(e.get("STATUS", "")),
        )
    return found


def first_plan(tmp_path: Path, events: list[Ev] = LECTURES, weeks: int = 1) -> PlanOutcome:
    return plan_weeks(inputs_for(tmp_path, events), weeks=weeks)


def replan(
    tmp_path: Path, old: bytes, events: list[Ev], now: dt.datetime = BEFORE_THE_WEEK, **kw: object
) -> PlanOutcome:
    inputs = inputs_for(tmp_path, events)
    if "weights" in kw:
        inputs = api.with_weights(inputs, kw.pop("weights"), origin="test")  # type: ignore[arg-type]
    return plan_weeks(inputs, previous=read_previous(old), now=now, **kw)  # type: ignore[arg-type]


def test_an_unchanged_calendar_gives_back_the_same_file(tmp_path: Path) -> None:
    old = first_plan(tmp_path).ics
    again = replan(tmp_path, old, LECTURES)
    assert again.ics == old
    assert again.changes.moved == again.changes.new == 0
    assert again.changes.cancelled == ()


def test_a_moved_session_keeps_its_uid_with_a_higher_sequence(tmp_path: Path) -> None:
    old_result = first_plan(tmp_path)
    old = by_uid(old_result.ics)
    # A new appointment right on top of the first workout of the week.
    first = min(
        (s for s in old_result.weeks[0].plan.sessions if s.kind in ("zone2", "resistance")),
        key=lambda s: s.start,
    )
    horizon = old_result.weeks[0].inputs.horizon
    start = horizon.to_datetime(first.start)
    clash = Ev(start.weekday(), f"{start:%H:%M}", f"{horizon.to_datetime(first.end):%H:%M}", "GP")
    result = replan(tmp_path, old_result.ics, [*LECTURES, clash])
    new = by_uid(result.ics)
    assert set(new) == set(old)  # no copies, nothing lost
    moved = [uid for uid in new if new[uid][:2] != old[uid][:2]]
    assert first.uid in moved
    for uid in new:
        assert new[uid][2] == (1 if new[uid][:2] != old[uid][:2] else 0), uid
    assert result.changes.moved == len(moved) >= 1
    assert result.changes.kept == len(new) - len(moved)
    assert result.objective == result.solved.objective  # the checker scores stability alike


def test_a_dropped_session_is_cancelled_with_the_same_uid(tmp_path: Path, rules: RuleSet) -> None:
    """The user's rule file no longer plans impact sessions."""
    old_result = first_plan(tmp_path)
    impact = [s for s in old_result.weeks[0].plan.sessions if s.kind == "impact"]
    assert impact, "the default rules plan bone-loading sessions in this week"
    kinds = dict(rules.kinds)
    kinds["impact"] = kinds["impact"].model_copy(update={"per_week": Count(min=0, max=0)})
    inputs = inputs_for(tmp_path, LECTURES, rules=rules.model_copy(update={"kinds": kinds}))
    result = plan_weeks(inputs, previous=read_previous(old_result.ics), now=BEFORE_THE_WEEK)
    new = by_uid(result.ics)
    for session in impact:
        assert session.uid is not None
        start, _, sequence, status = new[session.uid]
        assert (status, sequence) == ("CANCELLED", 1)
        assert start == old_result.weeks[0].inputs.horizon.to_datetime(session.start)
    assert sorted(result.changes.cancelled) == sorted(s.uid for s in impact if s.uid)
    assert all(e.kind != "impact" for e in result.checks[0].events)


def test_sessions_already_started_stay_and_nothing_new_is_planned_before_now(
    tmp_path: Path,
) -> None:
    """Wednesday noon: with stability worth nothing and a new Thursday lecture, the
    rest of the week moves freely, but Monday to Wednesday morning stays as it was."""
    old_result = first_plan(tmp_path)
    horizon = old_result.weeks[0].inputs.horizon
    now = dt.datetime(2026, 12, 2, 12, 0, tzinfo=horizon.tz)
    changed = [*LECTURES, Ev(3, "06:30", "21:30", "Conference")]
    result = replan(tmp_path, old_result.ics, changed, now=now, weights={"keep_previous": 0})
    old, new = by_uid(old_result.ics), by_uid(result.ics)
    past = {uid: v for uid, v in old.items() if v[0] < now}
    assert past
    for uid, (start, end, _, _) in past.items():
        assert new[uid][:2] == (start, end) and new[uid][2:] == (0, "CONFIRMED")
    for uid, (start, _, _, status) in new.items():
        if uid not in past and status != "CANCELLED":
            assert start >= now
    assert result.checks[0].ok


def test_a_past_session_the_calendar_now_overlaps_is_moved_or_cancelled_not_forced(
    tmp_path: Path,
) -> None:
    old_result = first_plan(tmp_path)
    horizon = old_result.weeks[0].inputs.horizon
    monday = [s for s in old_result.weeks[0].plan.sessions if horizon.day_of(s.start) == 0]
    assert monday
    victim = monday[0]
    start, end = horizon.to_datetime(victim.start), horizon.to_datetime(victim.end)
    late_entry = Ev(0, f"{start:%H:%M}", f"{end:%H:%M}", "Dentist (entered afterwards)")
    now = dt.datetime(2026, 12, 2, 12, 0, tzinfo=horizon.tz)
    result = replan(tmp_path, old_result.ics, [*LECTURES, late_entry], now=now)
    new_start, _, sequence, status = by_uid(result.ics)[victim.uid or ""]
    assert sequence == 1
    if status != "CANCELLED":  # the week still needs it: done later, same UID
        assert new_start >= now


def test_replanning_several_weeks_keeps_the_weeks_outside_untouched(tmp_path: Path) -> None:
    three = first_plan(tmp_path, weeks=3)
    inputs = inputs_for(tmp_path, [*LECTURES, Ev(2, "06:30", "21:30", "Field trip")])
    result = plan_weeks(inputs, weeks=1, previous=read_previous(three.ics), now=BEFORE_THE_WEEK)
    old, new = by_uid(three.ics), by_uid(result.ics)
    assert set(new) == set(old)
    later = [uid for uid, v in old.items() if v[0] >= dt.datetime(2026, 12, 7, tzinfo=dt.UTC)]
    assert later and all(new[uid] == old[uid] for uid in later)


def test_replanning_is_deterministic(tmp_path: Path) -> None:
    old = first_plan(tmp_path).ics
    changed = [*LECTURES, Ev(1, "06:30", "12:00", "Lab")]
    assert replan(tmp_path, old, changed).ics == replan(tmp_path, old, changed).ics


def test_a_session_of_the_previous_plan_in_the_calendar_is_not_busy_time(tmp_path: Path) -> None:
    """The plan imported into the calendar app and exported again with the user's events."""
    old = first_plan(tmp_path).ics
    calendar = tmp_path / "exported.ics"
    write_calendar(calendar, LECTURES)
    cal = Calendar.from_ical(calendar.read_bytes())
    for event in Calendar.from_ical(old).walk("VEVENT"):
        cal.add_component(event)
    calendar.write_bytes(cal.to_ical())
    inputs = api.load_inputs([calendar], profile=Profile(timezone=TZ), week="2026-W49")
    result = plan_weeks(inputs, previous=read_previous(old), now=BEFORE_THE_WEEK)
    assert result.ics == old


def test_cli_replans_with_now_and_the_previous_plans_week(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_calendar(tmp_path / "cal.ics", LECTURES)
    runner = CliRunner()
    first = runner.invoke(main, ["plan", "cal.ics", "--week", "2026-W49", "-o", "p.ics"])
    assert first.exit_code == 0, first.output
    write_calendar(tmp_path / "cal.ics", [*LECTURES, Ev(3, "06:30", "21:30", "Conference")])
    again = runner.invoke(
        main,
        ["plan", "cal.ics", "--previous", "p.ics", "--now", "2026-12-01T12:00", "-o", "p2.ics"],
    )
    assert again.exit_code == 0, again.output
    assert "re-planned:" in again.output
    old, new = by_uid((tmp_path / "p.ics").read_bytes()), by_uid((tmp_path / "p2.ics").read_bytes())
    assert set(old) <= set(new)
    bad = runner.invoke(
        main, ["plan", "cal.ics", "--previous", "p.ics", "--now", "Tuesday", "-o", "x.ics"]
    )
    assert bad.exit_code == 2
    assert "--now" in bad.output
    alone = runner.invoke(main, ["plan", "cal.ics", "--now", "2026-12-01T12:00", "-o", "x.ics"])
    assert alone.exit_code == 2 and "--previous" in alone.output


def stripped(ics: bytes, *names: str) -> bytes:
    """The plan as a client that drops these properties exports it again."""
    lines = ics.split(b"\r\n")
    return b"\r\n".join(line for line in lines if not line.startswith(names))


def test_a_previous_plan_whose_x_brainfit_kind_lines_were_stripped_keeps_its_sessions(
    tmp_path: Path,
) -> None:
    old = first_plan(tmp_path).ics
    bare = stripped(old, b"X-BRAINFIT-KIND")
    assert b"X-BRAINFIT-KIND" not in bare
    again = replan(tmp_path, bare, LECTURES)
    sessions = len(by_uid(old))
    assert (again.changes.kept, again.changes.moved, again.changes.new) == (sessions, 0, 0)
    assert by_uid(again.ics) == by_uid(old)
    assert again.changes.warnings == ()


def test_a_previous_plan_with_only_its_uids_left_keeps_its_sessions(tmp_path: Path) -> None:
    old = first_plan(tmp_path).ics
    bare = stripped(old, b"X-BRAINFIT-KIND", b"CATEGORIES")
    again = replan(tmp_path, bare, LECTURES)
    assert again.changes.kept == len(by_uid(old)) and again.changes.new == 0
    assert by_uid(again.ics) == by_uid(old)


def test_an_ordinary_calendar_as_previous_gives_the_no_sessions_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    monkeypatch.chdir(tmp_path)
    write_calendar(tmp_path / "cal.ics", LECTURES)
    write_calendar(tmp_path / "work.ics", [Ev(2, "14:00", "15:00", "Team meeting")])
    args = ["plan", "cal.ics", "--week", "2026-W49", "--previous", "work.ics"]
    args += ["--now", "2026-11-20T12:00", "-o", "p.ics", "--json", "r.json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    warning = (
        "warning: work.ics holds no BrainFit sessions (no event has the X-BRAINFIT-KIND "
        "property, the BrainFit category or a UID ending in @brainfit-solver), so nothing is "
        "kept from it"
    )
    assert warning in result.stderr
    replanned = json.loads((tmp_path / "r.json").read_text())["replan"]
    assert replanned["previous_sessions"] == 0
    (said,) = replanned["warnings"]
    assert f"warning: {said}".startswith(warning)
    quiet = CliRunner().invoke(main, [*args, "--quiet"])
    assert quiet.exit_code == 0 and warning in quiet.stderr


def with_durations(ics: bytes) -> bytes:
    """The plan as a client that writes each event's length as DURATION instead of DTEND."""
    cal = Calendar.from_ical(ics)
    for event in cal.walk("VEVENT"):
        length = event.decoded("DTEND") - event.decoded("DTSTART")
        del event["DTEND"]
        event.add("DURATION", length)
    return cal.to_ical()


def test_a_previous_plan_with_durations_instead_of_ends_keeps_its_sessions(
    tmp_path: Path,
) -> None:
    """RFC 5545 §3.6.1 lets an event give its end as DTEND or as DURATION; a previous plan
    saved by a client that writes DURATION is re-planned like the original, not an internal
    error."""
    old = first_plan(tmp_path).ics
    durations = with_durations(old)
    assert b"DURATION:" in durations and b"DTEND" not in durations
    again = replan(tmp_path, durations, LECTURES)
    assert again.changes.kept == len(by_uid(old)) and again.changes.new == 0
