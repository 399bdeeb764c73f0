"""The checker catches what the planner gets wrong: it reads the calendars itself, compares
its score with the solver's, expands only the plan's span, and honours a plan's declared
drops only when asked to."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import icalendar
import pytest
import recurring_ical_events
from click.testing import CliRunner
from icalendar import Calendar, Event

from brainfit_solver import api, pipeline
from brainfit_solver.calendars import reading as calendar_in
from brainfit_solver.check.calendars import CalendarBytes, read_busy
from brainfit_solver.check.checker import check_plan, declared_dropped, read_days_before, read_plan
from brainfit_solver.cli import main
from brainfit_solver.core.errors import InputError, TimeZoneError
from brainfit_solver.core.timegrid import Horizon, zone
from brainfit_solver.model import soft
from brainfit_solver.rules.profile import Profile
from brainfit_solver.rules.ruleset import load_rules
from support import CALENDARS, REPO, STAMP, Ev, calendar_bytes, write_calendar

SRC = REPO / "src" / "brainfit_solver"


# -- the checker reads the calendars itself ----------------------------------------------------


def test_check_py_imports_no_planner_reading_or_model_code() -> None:
    """The checker's modules import nothing of the planner's reading (``calendars/``), its
    week, model, solver or explanations, nor OR-Tools: only ``core/``, ``rules/`` and each
    other (``tests/test_architecture.py`` pins the same through every import path)."""
    forbidden = {"calendars", "model", "solver", "explain", "weeks", "api", "pipeline", "outputs"}
    for name in ("checker.py", "calendars.py"):
        tree = ast.parse((SRC / "check" / name).read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:  # outside check/
                imported.add((node.module or "").split(".")[0])
                imported.update(a.name for a in node.names if node.module is None)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add((node.module or "").split(".")[0])
            elif isinstance(node, ast.Import):
                imported.update(a.name.split(".")[0] for a in node.names)
        assert not imported & (forbidden | {"ortools"}), (name, imported & forbidden)
        assert imported & {"core", "rules"}, "the probe reads the package's own imports"


def test_a_planner_reading_bug_that_hides_a_lecture_is_caught_by_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lectures fill every window of the week but for 19:00-21:30 on Thursday: a reader that
    # loses them plans sessions on top of them, which the checker must see in the bytes.
    events = [Ev(day, "06:00", "22:00", "Lecture") for day in range(7) if day != 3]
    events.append(Ev(3, "06:00", "19:00", "Lecture"))
    cal = write_calendar(tmp_path / "cal.ics", events)
    real = calendar_in._event_commitments

    def loses_lectures(*args: Any, **kwargs: Any) -> Any:
        return (c for c in real(*args, **kwargs) if c.summary != "Lecture")

    monkeypatch.setattr(calendar_in, "_event_commitments", loses_lectures)
    inputs = api.load_inputs([cal], profile=Profile(timezone="Europe/Berlin"), week="2026-W49")
    assert inputs.calendar.commitments == ()  # the planted bug: the planner sees no lecture
    with pytest.raises(AssertionError, match=r"fails the independent check: .*overlaps 'Lecture'"):
        pipeline.plan(inputs)


def _planner_blocks(inputs: api.Inputs) -> list[tuple[int, int, bool]]:
    return sorted((c.start, c.end, c.study) for c in inputs.calendar.commitments)


def _checker_blocks(inputs: api.Inputs) -> list[tuple[int, int, bool]]:
    """The checker's own reading, in the planner's terms: minutes of the horizon, clipped to
    it, start floored and end ceiled (the planner's documented rounding)."""
    h = inputs.horizon
    busy = read_busy(inputs.calendars, inputs.profile, h.start, h.end)
    found = set()
    for b in busy.blocks:
        start = max(h.to_minute(b.start), 0)
        end = h.to_minute(b.end) + (h.to_datetime(h.to_minute(b.end)) < b.end)
        end = min(end, h.minutes)
        if start < end:
            found.add((start, end, b.summary, b.study))
    return sorted((s, e, study) for s, e, _, study in found)


SAMPLES = sorted(p.name for p in CALENDARS.glob("*.ics"))
FIRST_STARTS = (  # the first event's start, else the first free/busy period's
    re.compile(rb"BEGIN:VEVENT.*?\nDTSTART[^:\r\n]*:(\d{4})(\d{2})(\d{2})", re.S),
    re.compile(rb"\nFREEBUSY[^:\r\n]*:(\d{4})(\d{2})(\d{2})"),
)
# The real-world calendars of the corpus (tests/test_corpus.py) that were refused before
# faults that cannot change busy time were read with a warning: events without DTSTART,
# malformed lines that are not a property the planner reads, concatenated VCALENDARs, an
# Exchange RRULE with spaces, lines after END:VCALENDAR.
CORPUS_READ_WITH_A_WARNING = [
    *(
        Path(icalendar.__file__).parent / "tests" / "calendars" / f"{name}.ics"
        for name in (
            "created_calendar_with_unicode_fields", "issue_104_broken_calendar",
            "issue_1050_multiple_calendars", "issue_1050_uid_in_description",
            "issue_1081_with_summary", "issue_1549_binary_attachment", "issue_1561_image_value",
            "issue_165_missing_event", "issue_168_input", "issue_322_expected_calendar",
            "issue_348_exception_parsing_value", "issue_350",
            "issue_351_whitespace_in_property_and_params", "issue_798_related_to", "rfc_6868",
            "rfc_7256_multi_value_parameters", "rfc_7986_conferences", "rfc_7986_image",
            "rfc_9253_gap", "rfc_9253_related_to",
        )
    ),
    Path(recurring_ical_events.__file__).parent / "test" / "calendars"
    / "issue_61_time_zone_error.ics",
]  # fmt: skip


def _first_week(path: Path) -> str:
    """The date of the first event's start as written (the planned week is the one holding
    it), or a week of 2026 for a file whose events all lack one."""
    data = path.read_bytes()
    found = FIRST_STARTS[0].search(data) or FIRST_STARTS[1].search(data)
    return f"{found[1].decode()}-{found[2].decode()}-{found[3].decode()}" if found else "2026-W46"


def _strict_profile() -> Profile:
    return Profile.model_validate(
        {
            "timezone": "Europe/Berlin",
            "busy": {
                "tentative": False,
                "all_day": True,
                "declined_addresses": ["alex@example.org", "student@uni.example"],
            },
            "study": {"categories": ["Work"], "summary_pattern": "(?i)meeting|seminar"},
        }
    )


def _assert_same_busy_time(path: Path, policy: str) -> api.Inputs:
    profile = Profile(timezone="Europe/Berlin") if policy == "default" else _strict_profile()
    inputs = api.load_inputs([path], profile=profile, week=_first_week(path))
    for weeks in (0, 1):
        shifted = api.shifted(inputs, weeks)
        assert _checker_blocks(shifted) == _planner_blocks(shifted), (path.name, weeks)
    return inputs


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize("policy", ["default", "strict"])
def test_checker_and_planner_read_the_same_busy_time_from_each_sample(
    name: str, policy: str
) -> None:
    """Two independent readings of every sample calendar agree, under the default busy
    policy and a strict one (tentative free, all-day busy, a declined address, a category)."""
    inputs = _assert_same_busy_time(CALENDARS / name, policy)
    assert policy == "strict" or inputs.calendar.commitments  # a week with something in it


@pytest.mark.parametrize("path", CORPUS_READ_WITH_A_WARNING, ids=lambda p: p.name)
@pytest.mark.parametrize("policy", ["default", "strict"])
def test_checker_and_planner_read_the_same_busy_time_from_corpus_files_read_with_a_warning(
    path: Path, policy: str
) -> None:
    inputs = _assert_same_busy_time(path, policy)
    assert inputs.warnings and inputs.warnings[0].startswith(f"{path}: ")


@pytest.mark.parametrize("name", ["student", "office"])
def test_checker_and_planner_read_the_same_busy_time_from_the_examples(name: str) -> None:
    inputs = api.load_inputs(profile=REPO / "examples" / name / "profile.toml")
    assert inputs.calendar.commitments
    assert _checker_blocks(inputs) == _planner_blocks(inputs)


def test_the_checker_gets_the_whole_calendar_not_the_planners_filtered_text(
    tmp_path: Path,
) -> None:
    cal = write_calendar(tmp_path / "cal.ics", [Ev(1, "10:00", "11:00", "Lecture")])
    inputs = api.load_inputs([cal], profile=Profile(timezone="Europe/Berlin"), week="2026-W49")
    assert [c.data for c in inputs.calendars] == [cal.read_bytes()]


# -- expansion over the plan's span only ---------------------------------------------------------


def _endless_lecture_calendar(path: Path) -> Path:
    cal = Calendar()
    cal.add("prodid", "-//brainfit tests//EN")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", "weekly-lecture@tests")
    event.add("dtstamp", STAMP)
    start = dt.datetime(2026, 10, 5, 10, 0, tzinfo=dt.UTC)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(hours=2))
    event.add("summary", "Lecture")
    event.add("rrule", {"freq": "weekly"})  # no COUNT, no UNTIL: every week, for ever
    cal.add_component(event)
    path.write_bytes(cal.to_ical())
    return path


def test_check_of_a_merged_plan_with_an_endless_weekly_lecture_finishes(tmp_path: Path) -> None:
    cal = _endless_lecture_calendar(tmp_path / "cal.ics")
    merged = tmp_path / "merged.ics"
    planned = CliRunner().invoke(
        main, ["plan", str(cal), "--week", "2026-W49", "--tz", "UTC", "--merge", "-o", str(merged)]
    )
    assert planned.exit_code == 0, planned.output
    assert b"RRULE:FREQ=WEEKLY\r\n" in merged.read_bytes()
    brainfit = Path(sys.executable).with_name("brainfit")
    done = subprocess.run(
        [str(brainfit), "check", str(merged), str(cal), "--tz", "UTC"],
        capture_output=True,
        text=True,
        timeout=120,  # it used to expand the lecture for ever
        env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1795000000", "TZ": "UTC"},
    )
    assert done.returncode == 0, done.stderr
    assert "every hard rule holds" in done.stdout


def test_read_plan_ignores_the_users_own_events_in_a_merged_file(tmp_path: Path) -> None:
    cal = _endless_lecture_calendar(tmp_path / "cal.ics")
    data = cal.read_bytes()
    assert read_plan(data) == []


# -- the solver's objective must be the checker's ------------------------------------------------


@pytest.fixture
def student() -> api.Inputs:
    return api.load_inputs(profile=REPO / "examples" / "student" / "profile.toml")


def _doubled_bonus(monkeypatch: pytest.MonkeyPatch) -> None:
    """A planted model bug: the session bonus counted twice."""
    real = soft.SOFT_RULES["session_bonus"]
    monkeypatch.setitem(soft.SOFT_RULES, "session_bonus", lambda wm, rule: 2 * real(wm, rule))


def test_plan_refuses_when_the_solver_objective_differs_from_the_checkers(
    student: api.Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    _doubled_bonus(monkeypatch)
    with pytest.raises(
        AssertionError, match=r"the solver's objective \d+ differs from the checker"
    ):
        pipeline.plan(student)


@pytest.mark.parametrize("weeks", [1, 2])
def test_plan_weeks_refuses_when_the_solver_objective_differs_from_the_checkers(
    student: api.Inputs, monkeypatch: pytest.MonkeyPatch, weeks: int
) -> None:
    from brainfit_solver.pipeline import plan_weeks

    _doubled_bonus(monkeypatch)
    with pytest.raises(
        AssertionError, match=r"the solver's objective \d+ differs from the checker"
    ):
        plan_weeks(student, weeks=weeks)


def test_cli_plan_with_a_mis_scoring_model_is_an_internal_error_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _doubled_bonus(monkeypatch)
    out = tmp_path / "week.ics"
    profile = REPO / "examples" / "student" / "profile.toml"
    result = CliRunner().invoke(main, ["plan", "--profile", str(profile), "-o", str(out)])
    assert result.exit_code == 1
    assert "the solver's objective" in result.output and "differs from the checker's" in (
        result.output
    )
    assert not out.exists()


# -- X-BRAINFIT-DROPPED exempts nothing unless asked ---------------------------------------------


def _tampered_plan(tmp_path: Path) -> tuple[Path, Path]:
    """A plan whose VO2 max session was moved to the day after HIIT, and whose header then
    declares the broken rule dropped."""
    cal = write_calendar(tmp_path / "cal.ics", [Ev(1, "10:00", "12:00", "Lecture")])
    inputs = api.load_inputs([cal], profile=Profile(timezone="Europe/Berlin"), week="2026-W49")
    events = read_plan(pipeline.plan(inputs).ics)
    h = inputs.horizon
    busy = read_busy(inputs.calendars, inputs.profile, h.start, h.end)
    hiit = next(e for e in events if e.kind == "hiit")
    vo2 = next(e for e in events if e.kind == "vo2max")
    hiit_day = hiit.start.astimezone(h.tz).date()
    target = hiit_day + dt.timedelta(days=1 if hiit_day.weekday() < 6 else -1)
    # Optional sessions (sprint snacks are high intensity too, impact counts as a workout) are
    # left out, so that moving VO2 max breaks the consecutive-days rule and nothing else.
    rest = [e for e in events if e is not vo2 and e.kind not in ("sprint_snack", "impact")]
    length = vo2.end - vo2.start
    for minutes in range(6 * 60 + 30, 21 * 60, 15):
        start = dt.datetime.combine(target, dt.time(*divmod(minutes, 60)), h.tz)
        moved = dataclasses.replace(vo2, start=start, end=start + length)
        trial = [*rest, moved]
        verdict = check_plan(
            trial, profile=inputs.profile, rules=inputs.rules, busy=busy, horizon=h
        )
        if [v.partition(":")[0] for v in verdict.violations] == [
            "high_intensity_not_on_consecutive_days"
        ]:
            break
    else:
        raise AssertionError("no slot breaks exactly the consecutive-days rule")
    plan = Calendar()
    plan.add("prodid", "-//brainfit tests//EN")
    plan.add("version", "2.0")
    plan.add("x-brainfit-dropped", "high_intensity_not_on_consecutive_days")
    for e in trial:
        event = Event()
        event.add("uid", e.uid)
        event.add("dtstamp", STAMP)
        event.add("dtstart", e.start.astimezone(h.tz))  # the checker holds UTC instants
        event.add("dtend", e.end.astimezone(h.tz))
        event.add("summary", e.summary)
        event.add("categories", ["BrainFit", e.kind])
        event.add("x-brainfit-kind", e.kind)
        plan.add_component(event)
    plan.add_missing_timezones()
    path = tmp_path / "tampered.ics"
    path.write_bytes(plan.to_ical())
    return path, cal


def test_a_declared_drop_does_not_excuse_a_broken_rule_without_accept_dropped(
    tmp_path: Path,
) -> None:
    plan, cal = _tampered_plan(tmp_path)
    result = CliRunner().invoke(main, ["check", str(plan), str(cal)])
    assert result.exit_code == 4, result.output
    assert "high_intensity_not_on_consecutive_days: sessions on both" in result.output
    assert "declares dropped" in result.output and "--accept-dropped" in result.output


def test_accept_dropped_passes_the_plan_and_names_every_exemption_it_honours(
    tmp_path: Path,
) -> None:
    plan, cal = _tampered_plan(tmp_path)
    result = CliRunner().invoke(main, ["check", str(plan), str(cal), "--accept-dropped"])
    assert result.exit_code == 0, result.output
    assert "not checked, as the plan declares them dropped: " in result.output
    assert "high_intensity_not_on_consecutive_days" in result.output


def test_a_plan_that_keeps_the_rules_it_declares_dropped_passes_and_says_so(
    tmp_path: Path,
) -> None:
    cal = write_calendar(tmp_path / "cal.ics", [Ev(1, "10:00", "12:00", "Lecture")])
    out = tmp_path / "week.ics"
    planned = CliRunner().invoke(main, ["plan", str(cal), "--week", "2026-W49", "-o", str(out)])
    assert planned.exit_code == 0, planned.output
    text = out.read_bytes().replace(
        b"X-WR-CALNAME", b"X-BRAINFIT-DROPPED:one_high_intensity_per_day\r\nX-WR-CALNAME", 1
    )
    out.write_bytes(text)
    result = CliRunner().invoke(main, ["check", str(out), str(cal)])
    assert result.exit_code == 0, result.output
    assert "declares dropped (one_high_intensity_per_day), checked all the same" in result.output


# -- the checker's reading on its own ------------------------------------------------------------


def _read(data: bytes, profile: Profile, *, study: bool = False) -> list[tuple[str, bool]]:
    h = Horizon(zone("Europe/Berlin"), dt.date(2026, 11, 30))
    busy = read_busy((CalendarBytes("c.ics", data, study),), profile, h.start, h.end)
    return sorted((b.summary, b.study) for b in busy.blocks)


def test_the_checker_reads_exact_times_without_rounding() -> None:
    data = calendar_bytes([Ev(1, "10:03", "10:17", "Meeting")])
    h = Horizon(zone("Europe/Berlin"), dt.date(2026, 11, 30))
    busy = read_busy((CalendarBytes("c.ics", data),), Profile(), h.start, h.end)
    (block,) = busy.blocks
    local = block.start.astimezone(h.tz), block.end.astimezone(h.tz)
    assert [(t.hour, t.minute) for t in local] == [(10, 3), (10, 17)]
    assert not block.study


def test_the_checker_honours_study_calendars_and_plan_sessions() -> None:
    data = calendar_bytes([Ev(1, "10:00", "11:00", "Gym buddy"), Ev(2, "10:00", "11:00", "Exam")])
    assert _read(data, Profile()) == [("Exam", True), ("Gym buddy", False)]
    assert _read(data, Profile(), study=True) == [("Exam", True), ("Gym buddy", True)]
    own = data.replace(b"UID:ev0@tests", b"UID:abc@brainfit-solver")
    assert _read(own, Profile()) == [("Exam", True)]


@pytest.mark.parametrize(
    ("header", "declared"),
    [
        ("", ()),
        ("X-BRAINFIT-DROPPED:a_rule\r\n", ("a_rule",)),
        ("X-BRAINFIT-DROPPED:a_rule,zone2_per_week\r\n", ("a_rule", "zone2_per_week")),
        ("X-BRAINFIT-DROPPED: a_rule , ,b_rule\r\n", ("a_rule", "b_rule")),
    ],
)
def test_declared_dropped_reads_each_comma_separated_rule(
    header: str, declared: tuple[str, ...]
) -> None:
    data = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{header}END:VCALENDAR\r\n"
    assert declared_dropped(data.encode()) == declared


# -- a Windows zone name in X-WR-TIMEZONE (Outlook exports) ---------------------------------------

OUTLOOK_FLOATING = (
    "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
            "X-WR-TIMEZONE:{zone}",
            "BEGIN:VEVENT",
            "UID:lecture@tests",
            "DTSTART:20261201T100000",
            "DTEND:20261201T110000",
            "SUMMARY:Lecture",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:seminar@tests",
            "DTSTART:20261105T140000",
            "DTEND:20261105T160000",
            "RRULE:FREQ=WEEKLY;COUNT=10",
            "SUMMARY:Seminar",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:sunday-hiit@brainfit-solver",
            "DTSTART:20261129T100000",
            "DTEND:20261129T103000",
            "SUMMARY:HIIT",
            "CATEGORIES:BrainFit,hiit",
            "X-BRAINFIT-KIND:hiit",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    )
    + "\r\n"
)


def _berlin(day: int, hour: int) -> dt.datetime:
    """Day 0 is Monday 30 November 2026."""
    return dt.datetime(2026, 11, 30, hour, tzinfo=zone("Europe/Berlin")) + dt.timedelta(days=day)


def test_floating_times_under_a_windows_x_wr_timezone_are_its_local_times_in_both_readers(
    tmp_path: Path,
) -> None:
    """Outlook names the zone the Windows way ("W. Europe Standard Time"). Both readers map
    the name before applying it, yet recurring-ical-events applied the calendar's raw
    X-WR-TIMEZONE a second time and failed with "No time zone found with key …". The
    user's own zone (New York) must not apply: the floating times are Berlin times."""
    cal = tmp_path / "outlook.ics"
    cal.write_text(OUTLOOK_FLOATING.format(zone="W. Europe Standard Time"), newline="")
    profile = Profile(timezone="America/New_York")
    inputs = api.load_inputs([cal], profile=profile, week="2026-W49")
    h = inputs.horizon
    busy = read_busy(inputs.calendars, profile, h.start, h.end)
    assert [(b.start, b.end, b.summary) for b in busy.blocks] == [
        (_berlin(1, 10), _berlin(1, 11), "Lecture"),
        (_berlin(3, 14), _berlin(3, 16), "Seminar"),
    ]
    assert _checker_blocks(inputs) == _planner_blocks(inputs)
    assert [(h.to_datetime(c.start), c.summary) for c in inputs.calendar.commitments] == [
        (_berlin(1, 10), "Lecture"),
        (_berlin(3, 14), "Seminar"),
    ]


def test_a_brainfit_session_before_the_week_under_a_windows_x_wr_timezone_is_read_by_both(
    tmp_path: Path,
) -> None:
    """The seam context (an imported HIIT session on the Sunday before) goes through the
    same expansion in the planner and through the checker's reading of the days before."""
    cal = tmp_path / "outlook.ics"
    cal.write_text(OUTLOOK_FLOATING.format(zone="W. Europe Standard Time"), newline="")
    inputs = api.load_inputs([cal], profile=Profile(timezone="America/New_York"), week="2026-W49")
    assert [(e.uid, e.names, e.start) for e in inputs.week.before] == [
        ("sunday-hiit@brainfit-solver", ("hiit", "BrainFit", "hiit"), _berlin(-1, 10))
    ]
    before = read_days_before([("outlook.ics", cal.read_bytes())], inputs.horizon, inputs.rules)
    assert [(e.uid, e.kind, e.start) for e in before.events] == [
        ("sunday-hiit@brainfit-solver", "hiit", _berlin(-1, 10))
    ]


def test_plan_and_check_of_a_calendar_with_a_windows_x_wr_timezone_succeed(
    tmp_path: Path,
) -> None:
    cal = tmp_path / "outlook.ics"
    cal.write_text(OUTLOOK_FLOATING.format(zone="W. Europe Standard Time"), newline="")
    out = tmp_path / "week.ics"
    args = [str(cal), "--week", "2026-W49", "--tz", "Europe/Berlin"]
    planned = CliRunner().invoke(main, ["plan", *args, "-o", str(out)])
    assert planned.exit_code == 0, planned.output
    assert "RRULE" not in planned.output
    checked = CliRunner().invoke(main, ["check", str(out), *args])
    assert checked.exit_code == 0, checked.output
    assert "every hard rule holds" in checked.output


@pytest.mark.parametrize(
    "name", ["Mars Standard Time", "Europe/Atlantis", "Europe", "Europe/" + "Atlantis" * 40]
)
def test_an_unknown_x_wr_timezone_is_refused_by_both_readers_naming_file_and_property(
    tmp_path: Path, name: str
) -> None:
    cal = tmp_path / "outlook.ics"
    cal.write_text(OUTLOOK_FLOATING.format(zone=name), newline="")
    planned = CliRunner().invoke(
        main, ["plan", str(cal), "--week", "2026-W49", "-o", str(tmp_path / "week.ics")]
    )
    assert planned.exit_code == 2
    assert f"{cal}, X-WR-TIMEZONE: unknown time zone {name!r}." in planned.output
    assert "RRULE" not in planned.output and not (tmp_path / "week.ics").exists()
    h = Horizon(zone("Europe/Berlin"), dt.date(2026, 11, 30))
    with pytest.raises(TimeZoneError) as error:
        read_busy((CalendarBytes("outlook.ics", cal.read_bytes()),), Profile(), h.start, h.end)
    assert str(error.value) == f"outlook.ics, X-WR-TIMEZONE: unknown time zone {name!r}."
    with pytest.raises(TimeZoneError) as error:  # the days before, read for the seam
        read_days_before([("outlook.ics", cal.read_bytes())], h, load_rules())
    assert str(error.value) == f"outlook.ics, X-WR-TIMEZONE: unknown time zone {name!r}."


# -- CATEGORIES with an explicit VALUE=TEXT (the property's own type) ------------------------------


def _one_event(*lines: str) -> str:
    return (
        "\r\n".join(
            [
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//test//EN",
                "BEGIN:VEVENT",
                *lines,
                "END:VEVENT",
                "END:VCALENDAR",
            ]
        )
        + "\r\n"
    )


@pytest.mark.parametrize(
    "line",
    [
        "CATEGORIES;VALUE=TEXT:Sport,Study",
        "CATEGORIES;value=text;LANGUAGE=de:Study",
        'CATEGORIES;LANGUAGE="de";VALUE=TEXT:Study\\, evening,Sport',
    ],
)
def test_categories_with_value_text_are_read_as_a_plain_categories_line_by_both_readers(
    tmp_path: Path, line: str
) -> None:
    """icalendar 7.3 reads ``CATEGORIES;VALUE=TEXT`` as the text of a Python list
    ("['Sport', 'Study']"), so neither reader saw the study category. TEXT is the only type
    CATEGORIES has (RFC 5545 §3.8.1.2): the line means what it means without it."""
    cal = tmp_path / "cal.ics"
    cal.write_text(
        _one_event(
            "UID:s@tests",
            "DTSTART:20261201T090000Z",
            "DTEND:20261201T100000Z",
            "SUMMARY:Thing",
            line,
        ),
        newline="",
    )
    profile = Profile.model_validate(
        {
            "timezone": "Europe/Berlin",
            "study": {"categories": ["study", "Study, evening"], "summary_pattern": ""},
        }
    )
    inputs = api.load_inputs([cal], profile=profile, week="2026-W49")
    assert [(c.summary, c.study) for c in inputs.calendar.commitments] == [("Thing", True)]
    h = inputs.horizon
    busy = read_busy(inputs.calendars, profile, h.start, h.end)
    assert [(b.summary, b.study) for b in busy.blocks] == [("Thing", True)]


def test_a_brainfit_session_before_the_week_with_value_text_categories_is_read_by_both(
    tmp_path: Path,
) -> None:
    """An imported session known by its categories alone (no tool UID, no X-BRAINFIT-KIND,
    as a calendar app may re-export it) is the seam context for both readers."""
    cal = tmp_path / "cal.ics"
    cal.write_text(
        _one_event(
            "UID:imported@tests",
            "DTSTART:20261129T090000Z",
            "DTEND:20261129T093000Z",
            "SUMMARY:Workout",
            "CATEGORIES;VALUE=TEXT:BrainFit,hiit",
        ),
        newline="",
    )
    inputs = api.load_inputs([cal], profile=Profile(timezone="Europe/Berlin"), week="2026-W49")
    sunday = dt.datetime(2026, 11, 29, 9, tzinfo=dt.UTC)
    assert [(e.uid, e.names, e.start) for e in inputs.week.before] == [
        ("imported@tests", ("", "BrainFit", "hiit"), sunday)
    ]
    before = read_days_before([("cal.ics", cal.read_bytes())], inputs.horizon, inputs.rules)
    assert [(e.uid, e.kind, e.start) for e in before.events] == [("imported@tests", "hiit", sunday)]


@pytest.mark.parametrize("rule", ["FREQ=DAILY;COUNT=2", "FREQ=DAILY; COUNT=2"])
def test_an_rrule_with_a_quoted_colon_in_a_parameter_repeats_in_both_readers(
    tmp_path: Path, rule: str
) -> None:
    """The checker rewrote every RRULE line from its first colon, which here lies inside a
    quoted parameter: the rule broke, and the second lecture was not busy to the checker."""
    cal = tmp_path / "cal.ics"
    cal.write_text(
        _one_event(
            "UID:r@tests",
            "DTSTART:20261201T090000Z",
            "DTEND:20261201T100000Z",
            f'RRULE;X-NOTE="at 9:00":{rule}',
            "SUMMARY:Lecture",
        ),
        newline="",
    )
    inputs = api.load_inputs([cal], profile=Profile(timezone="Europe/Berlin"), week="2026-W49")
    h = inputs.horizon
    busy = read_busy(inputs.calendars, inputs.profile, h.start, h.end)
    assert [b.start for b in busy.blocks] == [
        dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC),
    ]
    assert _checker_blocks(inputs) == _planner_blocks(inputs)


def test_an_event_in_an_unknown_zone_is_refused_by_both_readers_despite_x_wr_timezone(
    tmp_path: Path,
) -> None:
    """x-wr-timezone takes a time whose TZID no one knows (so icalendar left it without a
    zone) for a floating one and moves it into X-WR-TIMEZONE: both readers read a 10:00
    Mars lecture as 10:00 Berlin, where without X-WR-TIMEZONE both refuse the zone."""
    cal = tmp_path / "cal.ics"
    text = _one_event(
        "UID:m@tests",
        "DTSTART;TZID=Mars/Olympus:20261201T100000",
        "DTEND;TZID=Mars/Olympus:20261201T110000",
        "SUMMARY:Lecture",
    )
    cal.write_text(
        text.replace("VERSION:2.0", "VERSION:2.0\r\nX-WR-TIMEZONE:Europe/Berlin"), newline=""
    )
    with pytest.raises(TimeZoneError) as planner:
        api.load_inputs([cal], profile=Profile(timezone="Europe/Berlin"), week="2026-W49")
    assert "uses the unknown time zone 'Mars/Olympus'" in planner.value.message
    h = Horizon(zone("Europe/Berlin"), dt.date(2026, 11, 30))
    with pytest.raises(TimeZoneError) as checker:
        read_busy((CalendarBytes("cal.ics", cal.read_bytes()),), Profile(), h.start, h.end)
    assert (
        str(checker.value) == "cal.ics: event 'Lecture' uses the unknown time zone 'Mars/Olympus'."
    )
    # Far from the week, the planner's pre-filter leaves the event out, yet still refuses its
    # zone as it would reading the whole file (the checker never reads such an event).
    cal.write_text(cal.read_text().replace("20261201T", "20260101T"), newline="")
    with pytest.raises(TimeZoneError):
        api.load_inputs([cal], profile=Profile(timezone="Europe/Berlin"), week="2026-W49")


NAMELESS_ZONE = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
        "X-WR-TIMEZONE:Europe/Berlin",
        "BEGIN:VTIMEZONE",
        "TZID:Customized Time Zone",
        "BEGIN:STANDARD",
        "DTSTART:16011104T020000",
        "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11",
        "TZOFFSETFROM:-0400",
        "TZOFFSETTO:-0500",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010311T020000",
        "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3",
        "TZOFFSETFROM:-0500",
        "TZOFFSETTO:-0400",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        "UID:call@tests",
        "DTSTART;TZID=Customized Time Zone:20261201T100000",
        "DTEND;TZID=Customized Time Zone:20261201T110000",
        "SUMMARY:Call with New York",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
)


def test_a_time_in_a_zone_without_tzname_is_not_moved_into_x_wr_timezone_by_either_reader(
    tmp_path: Path,
) -> None:
    """Outlook writes custom zones without TZNAME; x-wr-timezone took a time in such a zone
    (its tzinfo has no name) for floating and moved it into the declared zone, in both
    readers: a 10:00 New York call read as 10:00 Berlin. It is 16:00 Berlin."""
    cal = tmp_path / "outlook.ics"
    cal.write_text(NAMELESS_ZONE, newline="")
    profile = Profile(timezone="Europe/Berlin")
    inputs = api.load_inputs([cal], profile=profile, week="2026-W49")
    h = inputs.horizon
    busy = read_busy(inputs.calendars, profile, h.start, h.end)
    assert [(b.start, b.end) for b in busy.blocks] == [(_berlin(1, 16), _berlin(1, 17))]
    assert [
        (h.to_datetime(c.start), h.to_datetime(c.end)) for c in inputs.calendar.commitments
    ] == [(_berlin(1, 16), _berlin(1, 17))]


def test_a_tzid_naming_a_folder_of_zones_is_refused_without_an_internal_path_by_both(
    tmp_path: Path,
) -> None:
    """``TZID=Europe`` names a folder of the zone database: zoneinfo's error showed where the
    database lies on this machine ('…/site-packages/tzdata/zoneinfo/Europe'). The user needs
    the zone as written and where it is."""
    cal = tmp_path / "folder.ics"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//tests//EN",
        "BEGIN:VEVENT",
        "UID:call@tests",
        "DTSTART;TZID=Europe:20261201T100000",
        "DTEND;TZID=Europe:20261201T110000",
        "SUMMARY:Call",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    cal.write_text("\r\n".join(lines), newline="")
    messages = []
    with pytest.raises(InputError) as planner:
        api.load_inputs([cal], profile=Profile(timezone="Europe/Berlin"), week="2026-W49")
    messages.append(planner.value.render())
    calendars = (CalendarBytes("folder.ics", cal.read_bytes(), False),)
    profile = Profile(timezone="Europe/Berlin")
    start = dt.datetime(2026, 11, 30, tzinfo=zone("Europe/Berlin"))
    with pytest.raises(InputError) as checker:
        read_busy(calendars, profile, start, start + dt.timedelta(days=7))
    messages.append(checker.value.render())
    assert (planner.value.where, checker.value.where) == ("TZID", "TZID")
    for message in messages:
        assert "'Europe'" in message and "folder.ics" in message, message
        assert "zoneinfo" not in message and "site-packages" not in message, message
