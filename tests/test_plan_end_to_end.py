"""`brainfit plan` through the public API: real calendars in, checked .ics out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from brainfit_solver import api, pipeline
from brainfit_solver.cli import main
from brainfit_solver.core.errors import InfeasibleError
from brainfit_solver.rules.profile import Profile, Window
from support import REPO, Ev, calendar_bytes, inputs_for, kind, ruleset, write_calendar


def sunday_only(window: str, tz: str) -> Profile:
    days = dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat"), "off")
    return Profile(timezone=tz, window=Window.model_validate({**days, "sun": window}))


def events_of(ics: bytes) -> list[tuple[dt.datetime, dt.datetime]]:
    cal = Calendar.from_ical(ics)
    return [(e.decoded("dtstart"), e.decoded("dtend")) for e in cal.walk("VEVENT")]


@pytest.mark.parametrize(
    ("tz", "week", "sunday"),
    [
        ("Europe/Berlin", "2026-W43", dt.date(2026, 10, 25)),  # clocks go back on Sunday
        ("America/New_York", "2026-W44", dt.date(2026, 11, 1)),  # clocks go back on Sunday
        ("Europe/Berlin", "2026-W13", dt.date(2026, 3, 29)),  # clocks go forward on Sunday
    ],
)
def test_dst_week_sessions_land_on_the_intended_wall_clock_time(
    tmp_path: Path, tz: str, week: str, sunday: dt.date
) -> None:
    rules = ruleset({"z": kind(60)})
    inputs = inputs_for(
        tmp_path, [], week=week, tz=tz, profile=sunday_only("18:00-19:00", tz), rules=rules
    )
    result = pipeline.plan(inputs)
    [(start, end)] = events_of(result.ics)
    expected = dt.datetime.combine(sunday, dt.time(18), ZoneInfo(tz))
    assert start == expected and end - start == dt.timedelta(hours=1)
    assert start.utcoffset() == expected.utcoffset()
    assert b"TZID=" + tz.encode() + b":" in result.ics


def test_spring_forward_night_is_an_hour_shorter(tmp_path: Path) -> None:
    rules = ruleset({"z": kind(150)})
    profile = sunday_only("01:00-04:00", "Europe/Berlin")
    inputs = inputs_for(tmp_path, [], week="2026-W13", profile=profile, rules=rules)
    with pytest.raises(InfeasibleError):  # 01:00-04:00 is two real hours that night
        pipeline.plan(inputs)
    normal = inputs_for(tmp_path, [], week="2026-W12", profile=profile, rules=rules)
    [(start, end)] = events_of(pipeline.plan(normal).ics)
    assert end - start == dt.timedelta(minutes=150)


BERLIN = ZoneInfo("Europe/Berlin")


def berlin(date: dt.date, clock: str, fold: int = 0) -> dt.datetime:
    hour, minute = map(int, clock.split(":"))
    return dt.datetime.combine(date, dt.time(hour, minute), BERLIN).replace(fold=fold)


SPRING_FORWARD = dt.date(2026, 3, 29)  # 2026-W13: the clock jumps from 02:00 to 03:00


def spring_forward_session(tmp_path: Path, window: str, minutes: int) -> list[dt.datetime]:
    """Start and end of the one session of ``minutes`` planned in Sunday's ``window`` the
    night the clock jumps from 02:00 to 03:00 (2026-W13, Berlin)."""
    profile = sunday_only(window, "Europe/Berlin")
    rules = ruleset({"z": kind(minutes)})
    inputs = inputs_for(tmp_path, [], week="2026-W13", profile=profile, rules=rules)
    [(start, end)] = events_of(pipeline.plan(inputs).ics)
    return [start, end]


def test_a_window_ending_in_the_skipped_hour_ends_when_the_clock_jumps(tmp_path: Path) -> None:
    assert spring_forward_session(tmp_path, "00:00-02:30", 120) == [
        berlin(SPRING_FORWARD, "00:00"),
        berlin(SPRING_FORWARD, "03:00"),
    ]
    with pytest.raises(InfeasibleError):  # the window holds two real hours that night
        spring_forward_session(tmp_path, "00:00-02:30", 125)


def test_a_window_starting_in_the_skipped_hour_opens_when_the_clock_jumps(tmp_path: Path) -> None:
    assert spring_forward_session(tmp_path, "02:30-05:00", 120) == [
        berlin(SPRING_FORWARD, "03:00"),
        berlin(SPRING_FORWARD, "05:00"),
    ]


def test_a_preferred_time_starting_in_the_skipped_hour_starts_when_the_clock_jumps(
    tmp_path: Path,
) -> None:
    taste = {"z": {"preferred": ["02:30-04:00"]}}
    profile = sunday_only("00:00-24:00", "Europe/Berlin").model_copy(
        update={"preferences": Profile.model_validate({"preferences": taste}).preferences}
    )
    rules = ruleset(
        {"z": kind(60)}, soft=[{"id": "liked", "kind": "preferred_times", "weight": 10}]
    )
    inputs = inputs_for(tmp_path, [], week="2026-W13", profile=profile, rules=rules)
    result = pipeline.plan(inputs)
    [(start, end)] = events_of(result.ics)
    assert (start, end) == (berlin(SPRING_FORWARD, "03:00"), berlin(SPRING_FORWARD, "04:00"))
    assert result.plan.objective == 10


LECTURE_SERIES = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Apple Inc.//macOS 15.1//EN
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
DTSTART:19810329T020000
TZNAME:CEST
TZOFFSETTO:+0200
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
DTSTART:19961027T030000
TZNAME:CET
TZOFFSETTO:+0100
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:lecture-series@uni
DTSTAMP:20261001T080000Z
DTSTART;TZID=Europe/Berlin:20261001T063000
DTEND;TZID=Europe/Berlin:20261001T213000
RRULE:FREQ=DAILY
EXDATE;TZID=Europe/Berlin:20261202T063000
SUMMARY:Lecture marathon
END:VEVENT
BEGIN:VEVENT
UID:lecture-series@uni
DTSTAMP:20261001T080000Z
RECURRENCE-ID;TZID=Europe/Berlin:20261204T063000
DTSTART;TZID=Europe/Berlin:20261204T120000
DTEND;TZID=Europe/Berlin:20261204T213000
SUMMARY:Lecture marathon (moved)
END:VEVENT
END:VCALENDAR
"""


def test_recurring_lecture_with_exdate_and_moved_occurrence(tmp_path: Path) -> None:
    calendar = tmp_path / "lectures.ics"
    calendar.write_text(LECTURE_SERIES.replace("\n", "\r\n"), encoding="utf-8")
    rules = ruleset({"z": kind(60, per_week=(2, 2))})
    inputs = api.load_inputs([calendar], rules=rules, week="2026-W49")
    starts = sorted(start for start, _ in events_of(pipeline.plan(inputs).ics))
    # Only Wednesday (cancelled by EXDATE) and Friday morning (moved to noon) are free.
    assert [s.date() for s in starts] == [dt.date(2026, 12, 2), dt.date(2026, 12, 4)]
    assert starts[1].time() <= dt.time(10, 45)


def test_week_with_no_room_names_the_rule(tmp_path: Path) -> None:
    full = [Ev(d, "06:00", "22:00", "Work") for d in range(7)]
    full[2] = Ev(2, "06:00", "21:00", "Work")  # 30 free minutes: not enough for zone 2
    inputs = inputs_for(tmp_path, full)
    with pytest.raises(InfeasibleError) as err:
        pipeline.plan(inputs)
    assert "zone2_per_week" in err.value.conflict
    assert "zone2_per_week: Zone 2 cardio" in str(err.value)


def test_same_inputs_give_byte_identical_files(tmp_path: Path) -> None:
    a = write_calendar(tmp_path / "a.ics", [Ev(0, "09:00", "12:00", "Lecture")])
    b = write_calendar(tmp_path / "b.ics", [Ev(2, "14:00", "16:00", "Study", ("Study",))])
    first = pipeline.plan(api.load_inputs([a, b], week="2026-W49", tz="Europe/Berlin")).ics
    again = pipeline.plan(api.load_inputs([a, b], week="2026-W49", tz="Europe/Berlin")).ics
    swapped = pipeline.plan(api.load_inputs([b, a], week="2026-W49", tz="Europe/Berlin")).ics
    assert first == again == swapped


def test_uids_are_stable_when_the_calendar_changes(tmp_path: Path) -> None:
    cal = tmp_path / "c.ics"
    rules = ruleset({"zone2": kind(60, per_week=(2, 2)), "hiit": kind(20)})

    def planned() -> dict[str, tuple[dt.datetime, str]]:
        ics = pipeline.plan(api.load_inputs([cal], rules=rules, week="2026-W49")).ics
        return {
            str(e["UID"]): (e.decoded("dtstart"), str(e["X-BRAINFIT-KIND"]))
            for e in Calendar.from_ical(ics).walk("VEVENT")
        }

    write_calendar(cal, [Ev(0, "09:00", "12:00", "Lecture")])
    before = planned()
    write_calendar(cal, [Ev(0, "06:00", "21:30", "Conference"), Ev(1, "06:00", "12:00", "Trip")])
    after = planned()
    assert before.keys() == after.keys()  # same sessions, same identities ...
    assert {t for t, _ in before.values()} != {t for t, _ in after.values()}  # ... moved


def test_dtstamp_follows_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = inputs_for(tmp_path, [Ev(0, "09:00", "10:00")])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    stamps = {
        e.decoded("dtstamp") for e in Calendar.from_ical(pipeline.plan(inputs).ics).walk("VEVENT")
    }
    assert stamps == {dt.datetime(2027, 1, 15, 8, 0, tzinfo=dt.UTC)}


def test_exported_plan_has_what_clients_need(tmp_path: Path) -> None:
    inputs = inputs_for(tmp_path, [Ev(1, "14:00", "16:00", "Study block", ("Study",))])
    ics = pipeline.plan(inputs).ics
    cal = Calendar.from_ical(ics)
    assert str(cal["VERSION"]) == "2.0" and "brainfit" in str(cal["PRODID"])
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    kinds = set()
    for event in cal.walk("VEVENT"):
        assert event.walk("VALARM"), "every session carries a reminder"
        cats = [str(c) for c in event["CATEGORIES"].cats]
        assert cats[0] == "BrainFit"
        kinds.add(cats[1])
        assert " min" in str(event["SUMMARY"]) and "Why it helps the brain" in str(
            event["DESCRIPTION"]
        )
        assert event.decoded("dtstart").tzinfo is not None
    assert {"zone2", "hiit", "resistance", "vo2max"} <= kinds
    assert b"\r\n" in ics


def test_a_calendar_named_twice_is_read_once_and_study_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_calendar(tmp_path / "uni.ics", [Ev(1, "10:00", "12:00", "Group work")])
    monkeypatch.chdir(tmp_path)
    inputs = api.load_inputs(
        ["uni.ics"], study_calendars=[tmp_path / "uni.ics"], week="2026-W49", tz="Europe/Berlin"
    )
    assert [(c.summary, c.study) for c in inputs.calendar.commitments] == [("Group work", True)]


def test_study_calendar_can_be_named_by_its_display_name(tmp_path: Path) -> None:
    text = calendar_bytes([Ev(1, "10:00", "12:00", "Group work")]).decode()
    path = tmp_path / "uni.ics"
    path.write_text(text.replace("VERSION:2.0", "VERSION:2.0\r\nX-WR-CALNAME:Uni", 1))
    profile = Profile.model_validate({"timezone": "Europe/Berlin", "study": {"calendars": ["Uni"]}})
    inputs = api.load_inputs([path], profile=profile, week="2026-W49")
    assert [(c.summary, c.study) for c in inputs.calendar.commitments] == [("Group work", True)]


def test_plan_zone_does_not_depend_on_the_order_of_calendars(tmp_path: Path) -> None:
    """Without --tz or a profile zone, the plan is in the zone most events use, whichever
    calendar comes first, and the summary says which zone and why."""
    student = REPO / "examples" / "student" / "calendar.ics"  # 28 events in Berlin
    office = REPO / "examples" / "office" / "calendar.ics"  # 20 events in New York
    outputs = []
    for order, calendars in enumerate([(office, student), (student, office)]):
        out = tmp_path / f"week{order}.ics"
        result = CliRunner().invoke(
            main, ["plan", *map(str, calendars), "--week", "2026-W49", "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert (
            "Times are in Europe/Berlin: the zone most events in the calendars use (28 of 48)"
            in (" ".join(result.output.split()))
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
