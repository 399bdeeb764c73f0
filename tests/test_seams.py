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
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from brainfit_solver import api, pipeline
from brainfit_solver.calendars.previous import read_previous
from brainfit_solver.check.checker import read_days_before, read_plan
from brainfit_solver.cli import main
from brainfit_solver.core.errors import CalendarError, InfeasibleError
from brainfit_solver.core.timegrid import Horizon
from brainfit_solver.pipeline import plan_weeks
from brainfit_solver.rules.profile import Profile, Window, load_profile
from brainfit_solver.rules.ruleset import RuleSet
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


# -- the checker's own reading of the days before (read_days_before), one case at a time -----

W49 = Horizon(ZoneInfo("Europe/Berlin"), dt.date(2026, 11, 30))


def vevent(uid: str, start: str, end: str | None = "", *lines: str) -> str:
    """A VEVENT; ``start`` and ``end`` are DTSTART and DTEND lines' values, TZID Berlin unless
    they hold their own parameters or a Z; ``end`` "" is 20 minutes on, None leaves it out."""

    def moment(name: str, value: str) -> str:
        if value.startswith(";") or value.endswith("Z") or ":" in value:
            return f"{name}{value}" if value.startswith(";") else f"{name}:{value}"
        return f"{name};TZID=Europe/Berlin:{value}"

    body = [f"UID:{uid}", moment("DTSTART", start)]
    if end is not None:
        if not end:
            later = dt.datetime.strptime(start, "%Y%m%dT%H%M%S") + dt.timedelta(minutes=20)
            end = f"{later:%Y%m%dT%H%M%S}"
        body.append(moment("DTEND", end))
    return "\r\n".join(["BEGIN:VEVENT", *body, *lines, "END:VEVENT"]) + "\r\n"


def ics(*events: str, header: str = "") -> bytes:
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + header
    return (head + "".join(events) + "END:VCALENDAR\r\n").encode()


HIIT = ("X-BRAINFIT-KIND:hiit", "CATEGORIES:BrainFit,hiit")


def before(rules: RuleSet, *sources: bytes) -> list[tuple[str, str, dt.datetime, dt.datetime]]:
    read = read_days_before([(f"f{i}.ics", s) for i, s in enumerate(sources)], W49, rules)
    return [(e.uid, e.kind, e.start, e.end) for e in read.events]


def berlin(day: int, clock: str) -> dt.datetime:
    """Day 0 is Monday 30 November 2026, in Berlin."""
    hour, minute = map(int, clock.split(":"))
    when = dt.date(2026, 11, 30) + dt.timedelta(days=day)
    return dt.datetime.combine(when, dt.time(hour, minute), ZoneInfo("Europe/Berlin"))


def test_the_days_before_are_the_seven_days_up_to_the_weeks_first_minute(rules: RuleSet) -> None:
    first = vevent("a@brainfit-solver", "20261123T000000", "20261123T002000", *HIIT)
    last = vevent("b@brainfit-solver", "20261129T235000", "20261130T000000", *HIIT)
    too_early = vevent("c@brainfit-solver", "20261122T235900", "20261123T001900", *HIIT)
    in_week = vevent("d@brainfit-solver", "20261130T000000", "20261130T002000", *HIIT)
    assert before(rules, ics(first, last, too_early, in_week)) == [
        ("a@brainfit-solver", "hiit", berlin(-7, "00:00"), berlin(-7, "00:20")),
        ("b@brainfit-solver", "hiit", berlin(-1, "23:50"), berlin(0, "00:00")),
    ]


def test_a_file_not_mentioning_brainfit_does_not_stop_the_reading_of_the_next(
    rules: RuleSet,
) -> None:
    other = ics(vevent("x@example.com", "20261129T080000"))
    plan = ics(vevent("a@brainfit-solver", "20261129T080000", "20261129T082000", *HIIT))
    assert [uid for uid, *_ in before(rules, other, plan)] == ["a@brainfit-solver"]


def test_a_session_imported_under_another_uid_is_known_by_its_category(rules: RuleSet) -> None:
    imported = vevent("123@google.com", "20261129T080000", "20261129T082000", *HIIT)
    assert [uid for uid, *_ in before(rules, ics(imported))] == ["123@google.com"]


def test_events_that_are_not_sessions_do_not_stop_the_reading_of_those_that_are(
    rules: RuleSet,
) -> None:
    talk = vevent("t@example.com", "20261128T080000", "", "SUMMARY:A talk on brainfit")
    all_day = vevent("d@brainfit-solver", ";VALUE=DATE:20261128", ";VALUE=DATE:20261129", *HIIT)
    cancelled = vevent("c@brainfit-solver", "20261128T100000", "", *HIIT, "STATUS:CANCELLED")
    session = vevent("s@brainfit-solver", "20261129T080000", "20261129T082000", *HIIT)
    read = read_days_before([("f.ics", ics(talk, all_day, cancelled, session))], W49, rules)
    assert read.known
    assert [e.uid for e in read.events] == ["s@brainfit-solver"]


def test_a_cancelled_session_before_the_week_makes_it_known_but_counts_for_nothing(
    rules: RuleSet,
) -> None:
    cancelled = vevent("c@brainfit-solver", "20261129T080000", "", *HIIT, "STATUS:CANCELLED")
    read = read_days_before([("f.ics", ics(cancelled))], W49, rules)
    assert (read.known, read.events) == (True, ())


def test_floating_and_utc_session_times_before_the_week_are_read_exactly(rules: RuleSet) -> None:
    floating = vevent("f@brainfit-solver", "20261128T080000", "20261128T082000", *HIIT)
    floating = floating.replace(";TZID=Europe/Berlin", "")
    utc = vevent("u@brainfit-solver", "20261129T070000Z", "20261129T072000Z", *HIIT)
    found = before(rules, ics(floating, utc))
    assert [(uid, start) for uid, _, start, _ in found] == [
        ("f@brainfit-solver", berlin(-2, "08:00")),
        ("u@brainfit-solver", berlin(-1, "08:00")),
    ]


def test_a_session_without_an_end_before_the_week_ends_where_it_starts(rules: RuleSet) -> None:
    open_ended = vevent("o@brainfit-solver", "20261129T080000", None, *HIIT)
    assert before(rules, ics(open_ended)) == [
        ("o@brainfit-solver", "hiit", berlin(-1, "08:00"), berlin(-1, "08:00"))
    ]


def test_a_session_before_the_week_is_known_by_kind_then_category_then_title(
    rules: RuleSet,
) -> None:
    by_property = vevent("p@brainfit-solver", "20261127T080000", "", "X-BRAINFIT-KIND:hiit")
    by_category = vevent("c@brainfit-solver", "20261128T080000", "", "CATEGORIES:BrainFit,zone2")
    by_title = vevent("t@brainfit-solver", "20261129T080000", "", "SUMMARY:HIIT — BrainFit")
    unknown = vevent("u@brainfit-solver", "20261129T100000", "", "SUMMARY:Yoga — BrainFit")
    found = before(rules, ics(by_property, by_category, by_title, unknown))
    assert [(uid, kind) for uid, kind, *_ in found] == [
        ("p@brainfit-solver", "hiit"),
        ("c@brainfit-solver", "zone2"),
        ("t@brainfit-solver", "hiit"),
    ]


@pytest.mark.parametrize("fold", ["\r\n ", "\r\n\t", "\n ", "\n\t"])
def test_a_folded_brainfit_category_is_found_in_any_line_ending(rules: RuleSet, fold: str) -> None:
    session = vevent("a@example.com", "20261129T080000", "", "CATEGORIES:Brain*Fit,hiit")
    data = ics(session, header="X-WR-CALNAME:Brainfit plans\r\n")
    if not fold.startswith("\r"):
        data = data.replace(b"\r\n", b"\n")
    data = data.replace(b"*", fold.encode())
    assert [uid for uid, *_ in before(rules, data)] == ["a@example.com"]


def test_an_unreadable_file_before_the_week_is_named_in_the_error(rules: RuleSet) -> None:
    broken = ics(vevent("a@brainfit-solver", "20261129T080000", "", *HIIT, "RRULE:FREQ=NEVER"))
    with pytest.raises(CalendarError) as error:
        read_days_before([("cal.ics", broken)], W49, rules)
    assert error.value.file == "cal.ics"
    assert error.value.message.startswith("cannot read its events before the checked week (")


@pytest.mark.parametrize("fold", ["\r\n ", "\r\n\t", "\n ", "\n\t"])
def test_a_file_whose_only_brainfit_mention_is_split_by_a_fold_is_read(
    rules: RuleSet, fold: str
) -> None:
    """Found by the mutation work: the file was skipped when its only mention of BrainFit was
    split by a line fold, since the check for a mention looked at the folded bytes."""
    session = vevent("a@example.com", "20261129T080000", "", "CATEGORIES:Brain*Fit,hiit")
    data = ics(session)
    if not fold.startswith("\r"):
        data = data.replace(b"\r\n", b"\n")
    data = data.replace(b"*", fold.encode())
    assert b"brainfit" not in data.lower()
    assert [uid for uid, *_ in before(rules, data)] == ["a@example.com"]


def test_sessions_far_from_the_days_before_are_skipped_but_series_and_moves_reaching_them_are_read(
    rules: RuleSet,
) -> None:
    """The days before are read through the busy-time pre-filter (``check.calendars.near``),
    so a long plan or calendar is not parsed whole for one week: a session long after or
    long before them is left out, but a weekly series begun a year earlier, without end,
    and the occurrence of another series moved into them from far away are both read."""
    series = vevent("w@brainfit-solver", "20251130T080000", "", *HIIT, "RRULE:FREQ=WEEKLY")
    master = vevent("m@brainfit-solver", "20250601T090000", "", *HIIT, "RRULE:FREQ=MONTHLY")
    moved = vevent(
        "m@brainfit-solver",
        "20261127T070000",
        "",
        *HIIT,
        "RECURRENCE-ID;TZID=Europe/Berlin:20270601T090000",
    )
    long_before = vevent("b@brainfit-solver", "20250101T080000", "", *HIIT)
    long_after = vevent("a@brainfit-solver", "20271101T080000", "", *HIIT)
    found = before(rules, ics(long_before, series, master, moved, long_after))
    assert [(uid, start) for uid, _, start, _ in found] == [
        ("m@brainfit-solver", berlin(-3, "07:00")),
        ("w@brainfit-solver", berlin(-1, "08:00")),
    ]
