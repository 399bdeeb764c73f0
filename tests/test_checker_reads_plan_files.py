"""The independent checker's own reading of plan files (issue 8): ``read_plan`` for the plan
being checked, ``read_days_before`` for the sessions on the days before the checked week.

Each test pins what a user relies on when a plan file comes back from a calendar client:
property names in any case (RFC 5545 §3.1: names are case-insensitive), cancelled and
repeating sessions, line folds, and one-paragraph errors naming the file and what is wrong.
Written against mutmut's survivors (``benchmarks/mutation.sh``); the files are real iCalendar
text read by icalendar and recurring-ical-events, as a user's files are.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from brainfit_solver.check.checker import PlannedEvent, read_days_before, read_plan
from brainfit_solver.cli import main
from brainfit_solver.core.errors import CalendarError
from brainfit_solver.core.timegrid import Horizon
from brainfit_solver.rules.ruleset import RuleSet

BERLIN = ZoneInfo("Europe/Berlin")
W49 = Horizon(BERLIN, dt.date(2026, 11, 30))
"""The checked week: Monday 30 November 2026 in Berlin; its days before start 23 November."""


def calendar(*events: list[str], header: tuple[str, ...] = ()) -> bytes:
    """A VCALENDAR of the given VEVENTs, each a list of content lines without BEGIN/END."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *header]
    for event in events:
        lines += ["BEGIN:VEVENT", *event, "END:VEVENT"]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def at(day: int, clock: str) -> dt.datetime:
    """Day 0 is Monday 30 November 2026, in Berlin; day -1 the Sunday before."""
    hour, minute = map(int, clock.split(":"))
    when = dt.date(2026, 11, 30) + dt.timedelta(days=day)
    return dt.datetime.combine(when, dt.time(hour, minute), BERLIN)


def berlin(when: dt.datetime) -> str:
    return f"TZID=Europe/Berlin:{when:%Y%m%dT%H%M%S}"


def session(uid: str, start: dt.datetime, minutes: int, kind: str, *lines: str) -> list[str]:
    """A BrainFit session as ``brainfit plan`` writes it (UID, zoned times, kind, title)."""
    return [
        f"UID:{uid}",
        "DTSTART;" + berlin(start),
        "DTEND;" + berlin(start + dt.timedelta(minutes=minutes)),
        f"X-BRAINFIT-KIND:{kind}",
        f"CATEGORIES:BrainFit,{kind}",
        f"SUMMARY:{kind} session",
        *lines,
    ]


def planned(uid: str, kind: str, start: dt.datetime, minutes: int) -> PlannedEvent:
    return PlannedEvent(uid, kind, start, start + dt.timedelta(minutes=minutes), f"{kind} session")


# -- read_plan ---------------------------------------------------------------------------------


def test_each_session_is_read_with_its_uid_kind_times_and_title(rules: RuleSet) -> None:
    data = calendar(
        session("a@brainfit-solver", at(1, "07:00"), 75, "zone2"),
        ["UID:talk@example.com", "DTSTART;" + berlin(at(1, "10:00")), "SUMMARY:A talk"],
    )
    assert read_plan(data) == [planned("a@brainfit-solver", "zone2", at(1, "07:00"), 75)]


def test_a_session_is_held_as_an_instant_and_keeps_the_zone_its_file_states() -> None:
    """Instants in UTC (exact arithmetic on clock-change nights); the zone as written is
    what `brainfit check` takes the plan's week and zone from."""
    data = calendar(
        session("a@brainfit-solver", at(0, "00:30"), 60, "zone2"),
        [
            "UID:b@brainfit-solver",
            "DTSTART:20261201T070000Z",
            "DTEND:20261201T080000Z",
            "X-BRAINFIT-KIND:zone2",
            "CATEGORIES:BrainFit,zone2",
        ],
    )
    zoned, utc = read_plan(data)
    assert (zoned.start.tzinfo, zoned.end.tzinfo, zoned.zone) == (dt.UTC, dt.UTC, "Europe/Berlin")
    assert zoned.start == at(0, "00:30") and zoned.start.date() == dt.date(2026, 11, 29)
    assert (utc.zone, utc.start) == ("UTC", dt.datetime(2026, 12, 1, 7, tzinfo=dt.UTC))


def test_property_and_parameter_names_in_lower_case_are_read_as_rfc_5545_allows() -> None:
    """RFC 5545 §3.1: names are case-insensitive; a client may write them in lower case."""
    lower = [
        "uid:a@brainfit-solver",
        "dtstart;tzid=Europe/Berlin:20261202T180000",
        "dtend;tzid=Europe/Berlin:20261202T182500",
        "x-brainfit-kind:hiit",
        "categories:BrainFit,hiit",
        "summary:hiit session",
        "status:CONFIRMED",
    ]
    data = calendar(lower).replace(b"BEGIN:VEVENT", b"begin:vevent")
    assert read_plan(data) == [planned("a@brainfit-solver", "hiit", at(2, "18:00"), 25)]


def test_a_session_whose_length_is_a_duration_instead_of_an_end_is_read_to_its_end() -> None:
    """RFC 5545 §3.6.1: DTEND or DURATION. A client that re-exports the plan may write the
    second; the checker read only DTEND and failed with KeyError 'dtend' (an internal error)."""
    written = session("d@brainfit-solver", at(1, "07:00"), 75, "zone2")
    written[2] = "DURATION:PT1H15M"
    one_hour = session("e@brainfit-solver", at(2, "07:00"), 60, "zone2")
    one_hour[2] = "DURATION:PT1H"
    assert read_plan(calendar(written, one_hour)) == [
        planned("d@brainfit-solver", "zone2", at(1, "07:00"), 75),
        planned("e@brainfit-solver", "zone2", at(2, "07:00"), 60),
    ]


def test_a_session_with_both_an_end_and_a_duration_is_refused_naming_the_event() -> None:
    both = session("b@brainfit-solver", at(1, "07:00"), 75, "zone2", "DURATION:PT1H15M")
    with pytest.raises(CalendarError) as error:
        read_plan(calendar(both), source="w49.ics")
    assert str(error.value) == (
        "w49.ics, event b@brainfit-solver: it has both DTEND and DURATION (RFC 5545 allows"
        " one). Keep the one that gives the session's end."
    )


@pytest.mark.parametrize("status", ["STATUS:CANCELLED", "status:Cancelled"])
def test_a_cancelled_session_is_not_counted_and_the_sessions_after_it_are(status: str) -> None:
    data = calendar(
        session("c@brainfit-solver", at(0, "07:00"), 25, "hiit", status),
        session("t@brainfit-solver", at(1, "07:00"), 25, "hiit", "STATUS:TENTATIVE"),
        session("k@brainfit-solver", at(2, "07:00"), 25, "hiit"),
    )
    assert [e.uid for e in read_plan(data)] == ["t@brainfit-solver", "k@brainfit-solver"]


def test_a_sessions_kind_is_its_brainfit_kind_property_else_its_other_category() -> None:
    both = session("p@brainfit-solver", at(0, "07:00"), 25, "hiit")
    both[4] = "CATEGORIES:BrainFit,zone2"  # a client edited the category, not the property
    category_only = [
        line for line in session("c", at(1, "07:00"), 75, "zone2") if "KIND" not in line
    ]
    category_only[3] = "CATEGORIES:zone2,BrainFit"  # in any order
    kinds = [e.kind for e in read_plan(calendar(both, category_only))]
    assert kinds == ["hiit", "zone2"]


def test_categories_on_separate_lines_are_all_read() -> None:
    """RFC 5545 lets CATEGORIES occur more than once; icalendar then gives a list."""
    split = [line for line in session("a", at(0, "07:00"), 25, "hiit") if "KIND" not in line]
    split[3:4] = ["CATEGORIES:BrainFit", "CATEGORIES:hiit"]
    assert [e.kind for e in read_plan(calendar(split))] == ["hiit"]


def test_group_events_listing_many_folded_attendees_are_read_as_shared_sessions() -> None:
    """A team's shared session lists every attendee; the checker reads only that an event
    lists one (it parses the first of each event), so the lines must still be found when
    folded or in lower case, event by event, and the times read whole."""
    attendees = [
        f'{"attendee" if k % 2 else "ATTENDEE"};CN="Member {k}";PARTSTAT=ACCEPTED;ROLE=REQ-'
        f"PARTICIPANT:urn:brainfit:member:m{k:03d}"
        for k in range(60)
    ]
    hiit = session("h@brainfit-solver", at(1, "18:00"), 25, "hiit", *attendees)
    run = session("r@brainfit-solver", at(5, "09:00"), 60, "zone2", *attendees[:1])
    own = session("o@brainfit-solver", at(2, "07:00"), 25, "hiit")
    data = calendar(hiit, own, run)
    folded = data.replace(b";PARTSTAT", b"\r\n ;PARTSTAT").replace(b"ATTENDEE;", b"ATTEN\r\n\tDEE;")
    for text in (data, folded):
        assert [(e.uid, e.start, e.end, e.shared) for e in read_plan(text)] == [
            ("h@brainfit-solver", at(1, "18:00"), at(1, "18:25"), True),
            ("o@brainfit-solver", at(2, "07:00"), at(2, "07:25"), False),
            ("r@brainfit-solver", at(5, "09:00"), at(5, "10:00"), True),
        ]


BROKEN_REMINDER = ["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:soon", "END:VALARM"]
"""A reminder icalendar refuses to parse (its TRIGGER is no duration): the checker reads no
reminder, so a calendar client's odd one must not stop a check."""
ATTENDEES = ["ATTENDEE;CN=A:urn:x:m1", "ATTENDEE;CN=B:urn:x:m2"]


def test_a_reminder_icalendar_cannot_read_does_not_stop_reading_the_plan() -> None:
    # The session's own lines after the reminder are still its own (in lower case too, and
    # in a file that also holds descriptions and attendees, the other lines left out).
    hiit = session("h@brainfit-solver", at(1, "18:00"), 25, "hiit")
    hiit = [*hiit[:3], *BROKEN_REMINDER, *hiit[3:]]
    lower = [line.lower() if "VALARM" in line else line for line in hiit]
    group = session("g@brainfit-solver", at(3, "07:00"), 25, "hiit", "DESCRIPTION:Go", *ATTENDEES)
    for text in (calendar(hiit), calendar(lower)):
        assert read_plan(text) == [planned("h@brainfit-solver", "hiit", at(1, "18:00"), 25)]
    assert [e.uid for e in read_plan(calendar(hiit, group))] == [
        "h@brainfit-solver",
        "g@brainfit-solver",
    ]


def test_a_component_inside_a_reminder_is_left_out_with_it() -> None:
    nested = ["BEGIN:VALARM", "BEGIN:X-SNOOZE", "END:X-SNOOZE", *BROKEN_REMINDER[1:]]
    hiit = session("h@brainfit-solver", at(1, "18:00"), 25, "hiit", *nested)
    assert read_plan(calendar(hiit)) == [planned("h@brainfit-solver", "hiit", at(1, "18:00"), 25)]


def test_a_group_session_whose_attendees_follow_its_reminder_is_shared() -> None:
    alarm = ["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT10M", "END:VALARM"]
    group = session("g@brainfit-solver", at(3, "07:00"), 25, "hiit", *alarm, *ATTENDEES)
    assert [e.shared for e in read_plan(calendar(group))] == [True]


def test_a_session_saved_again_with_a_sequence_and_a_duration_keeps_its_length() -> None:
    """A client that saves the plan again may raise SEQUENCE and write DURATION for DTEND
    (each a name of eight letters, as ATTENDEE is: only ATTENDEE lines are thinned out)."""
    hiit = session("h@brainfit-solver", at(1, "18:00"), 25, "hiit", "DESCRIPTION:Go")
    hiit[2:3] = ["SEQUENCE:1", "DURATION:PT25M"]
    assert read_plan(calendar(hiit)) == [planned("h@brainfit-solver", "hiit", at(1, "18:00"), 25)]


def test_a_title_with_a_colon_is_read_whole() -> None:
    hiit = session("h@brainfit-solver", at(1, "18:00"), 25, "hiit", "DESCRIPTION:Go")
    hiit[5] = "SUMMARY:Run: easy pace"  # a colon where DESCRIPTION's name ends
    assert [e.summary for e in read_plan(calendar(hiit))] == ["Run: easy pace"]


def test_a_reminder_that_e_mails_someone_does_not_make_a_session_shared() -> None:
    """A VALARM's ATTENDEE is whom it e-mails (RFC 5545 §3.6.6), not a group event's."""
    alarm = ["BEGIN:VALARM", "ACTION:EMAIL", "TRIGGER:-PT10M", "ATTENDEE:mailto:me@example.com"]
    own = session("o@brainfit-solver", at(2, "07:00"), 25, "hiit", *alarm, "END:VALARM")
    group = session("g@brainfit-solver", at(3, "07:00"), 25, "hiit", "ATTENDEE:urn:x:m1")
    assert [e.shared for e in read_plan(calendar(own, group))] == [False, True]


def test_a_folded_description_is_left_out_whole_and_the_lines_around_it_are_read() -> None:
    """A session's DESCRIPTION is never read (its kind is its category or kind property):
    the whole folded line goes, its next line stays the description's even when it starts
    like a property, and the lines before and after it are the session's as written."""
    hiit = session(
        "h@brainfit-solver",
        at(1, "18:00"),
        25,
        "hiit",
        "DESCRIPTION:What to do:",
        " X-BRAINFIT-KIND:zone2",
    )
    assert read_plan(calendar(hiit)) == [planned("h@brainfit-solver", "hiit", at(1, "18:00"), 25)]


def test_sessions_are_listed_by_start_then_kind_whatever_their_order_in_the_file() -> None:
    data = calendar(
        session("w@brainfit-solver", at(2, "07:00"), 75, "zone2"),
        session("s@brainfit-solver", at(0, "09:55"), 5, "snack"),
        session("h@brainfit-solver", at(0, "09:55"), 25, "hiit"),
    )
    assert [(e.kind, e.start) for e in read_plan(data)] == [
        ("hiit", at(0, "09:55")),
        ("snack", at(0, "09:55")),
        ("zone2", at(2, "07:00")),
    ]


def test_an_unreadable_plan_is_refused_in_one_paragraph_naming_the_file_and_the_fix(
    tmp_path: Path,
) -> None:
    plan = tmp_path / "w49.ics"
    plan.write_bytes(b"not a calendar\r\n")
    result = CliRunner().invoke(main, ["check", str(plan)])
    assert result.exit_code == 2
    assert result.output == (
        f"error: {plan}: the plan is not a readable iCalendar file (Content line could not be"
        " parsed into parts: 'not a calendar': Invalid content line). Check the .ics file that"
        " brainfit plan wrote, as it wrote it.\n"
    )


@pytest.mark.parametrize(
    "start", ["DTSTART:20261201T080000", "DTSTART;VALUE=DATE:20261201"], ids=["floating", "date"]
)
def test_a_session_without_a_zoned_start_is_refused_naming_the_event_and_the_fix(
    start: str,
) -> None:
    unzoned = session("a@brainfit-solver", at(1, "08:00"), 25, "hiit")
    unzoned[1:3] = [start]
    with pytest.raises(CalendarError) as error:
        read_plan(calendar(unzoned), source="w49.ics")
    assert str(error.value) == (
        "w49.ics, event a@brainfit-solver: its start is a date or a floating time, not a time"
        " in a zone. Give a BrainFit session a DTSTART with a TZID or in UTC, as brainfit plan"
        " does."
    )


def test_a_plan_read_without_a_file_name_is_called_the_plan_in_its_errors() -> None:
    """``read_plan(data)`` from the Python API: the message still says what was read."""
    with pytest.raises(CalendarError) as error:
        read_plan(b"not a calendar\r\n")
    assert str(error.value).startswith("plan: the plan is not a readable iCalendar file (")


def test_a_plan_icalendar_cannot_parse_for_a_type_error_is_refused_not_a_crash() -> None:
    """icalendar raises TypeError, not ValueError, for CATEGORIES of a non-text type: that
    escaped ``read_plan`` as an internal error."""
    odd = session("a@brainfit-solver", at(0, "07:00"), 25, "hiit", "CATEGORIES;VALUE=INTEGER:3")
    with pytest.raises(CalendarError) as error:
        read_plan(calendar(odd), source="w49.ics")
    assert str(error.value).startswith("w49.ics: the plan is not a readable iCalendar file (")


def test_categories_typed_as_text_are_no_crash() -> None:
    """``CATEGORIES;VALUE=TEXT`` (the property's own type) comes from icalendar 7.3 as the text
    of a Python list, not as categories: the event is no session, and the reading goes on."""
    typed = [line for line in session("a", at(0, "07:00"), 25, "hiit") if "KIND" not in line]
    typed[3] = "CATEGORIES;VALUE=TEXT:BrainFit,hiit"
    plain = session("b@brainfit-solver", at(1, "07:00"), 25, "hiit")
    assert [e.uid for e in read_plan(calendar(typed, plain))] == ["b@brainfit-solver"]


def test_a_to_do_filed_under_brainfit_is_not_a_session() -> None:
    todo = b"BEGIN:VTODO\r\nUID:t\r\nCATEGORIES:BrainFit,hiit\r\nSUMMARY:Buy shoes\r\nEND:VTODO\r\n"
    data = calendar(session("a@brainfit-solver", at(0, "07:00"), 25, "hiit"))
    data = data.replace(b"END:VCALENDAR", todo + b"END:VCALENDAR")
    assert [e.uid for e in read_plan(data)] == ["a@brainfit-solver"]


def test_a_repeating_session_without_a_zoned_start_is_refused_naming_the_file() -> None:
    floating = session("r@brainfit-solver", at(0, "07:00"), 25, "hiit", "RRULE:FREQ=WEEKLY")
    floating[1:3] = ["DTSTART:20261130T070000"]
    with pytest.raises(CalendarError) as error:
        read_plan(calendar(floating), source="w49.ics")
    assert str(error.value).startswith("w49.ics, event r@brainfit-solver: its start is a date")


def test_a_weekly_repeating_session_is_read_in_each_week_but_its_exdates() -> None:
    """A ``--repeat`` template: each session repeats weekly; a user may delete one week's."""
    weekly = session(
        "r@brainfit-solver",
        at(0, "07:00"),
        25,
        "hiit",
        "RRULE:FREQ=WEEKLY;COUNT=4",
        "EXDATE;" + berlin(at(7, "07:00")),
    )
    single = session("s@brainfit-solver", at(3, "18:00"), 75, "zone2")
    found = read_plan(calendar(weekly, single))
    assert [(e.uid, e.kind, e.start, e.end - e.start) for e in found] == [
        ("r@brainfit-solver", "hiit", at(0, "07:00"), dt.timedelta(minutes=25)),
        ("s@brainfit-solver", "zone2", at(3, "18:00"), dt.timedelta(minutes=75)),
        ("r@brainfit-solver", "hiit", at(14, "07:00"), dt.timedelta(minutes=25)),
        ("r@brainfit-solver", "hiit", at(21, "07:00"), dt.timedelta(minutes=25)),
    ]


def test_a_merged_file_gives_only_its_repeating_sessions_in_the_zone_it_defines() -> None:
    """``--merge`` with ``--repeat``: the user's own repeating lecture is never expanded or
    read; the sessions keep the zone the file's VTIMEZONE defines."""
    zone = (
        "BEGIN:VTIMEZONE",
        "TZID:Campus Time (sessions)",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0530",
        "TZOFFSETTO:+0530",
        "END:STANDARD",
        "END:VTIMEZONE",
    )
    repeating = session(
        "r@brainfit-solver", at(0, "07:00"), 25, "hiit", "RRULE:FREQ=WEEKLY;COUNT=2"
    )
    repeating[1:3] = [
        "DTSTART;TZID=Campus Time (sessions):20261130T080000",
        "DTEND;TZID=Campus Time (sessions):20261130T082500",
    ]
    lecture = ["UID:l@example.com", "DTSTART;" + berlin(at(0, "10:00")), "RRULE:FREQ=WEEKLY"]
    found = read_plan(calendar(repeating, lecture, header=zone))
    campus = dt.timezone(dt.timedelta(hours=5, minutes=30))
    first = dt.datetime(2026, 11, 30, 8, 0, tzinfo=campus)
    assert [(e.uid, e.start) for e in found] == [
        ("r@brainfit-solver", first),
        ("r@brainfit-solver", first + dt.timedelta(weeks=1)),
    ]


def test_a_session_with_extra_dates_is_read_on_each() -> None:
    extra = session(
        "r@brainfit-solver", at(0, "07:00"), 25, "hiit", "RDATE;" + berlin(at(9, "08:00"))
    )
    assert [e.start for e in read_plan(calendar(extra))] == [at(0, "07:00"), at(9, "08:00")]


def test_an_endless_weekly_session_is_read_over_53_weeks_from_its_first() -> None:
    """A merged file may hold a series without end: it is read over a plan's longest span."""
    endless = session("r@brainfit-solver", at(0, "07:00"), 25, "hiit", "RRULE:FREQ=WEEKLY")
    found = read_plan(calendar(endless))
    assert len(found) == 53
    assert (found[0].start, found[-1].start) == (at(0, "07:00"), at(52 * 7, "07:00"))


def test_single_sessions_are_read_whatever_their_dates() -> None:
    """Only repeating sessions are bounded; sessions a year and more apart are all read."""
    data = calendar(
        session("a@brainfit-solver", at(0, "07:00"), 25, "hiit"),
        session("b@brainfit-solver", at(60 * 7, "07:00"), 25, "hiit"),
    )
    assert [e.uid for e in read_plan(data)] == ["a@brainfit-solver", "b@brainfit-solver"]


def test_a_repeating_session_that_cannot_be_expanded_is_refused_naming_the_file_and_the_fix() -> (
    None
):
    broken = session("r@brainfit-solver", at(0, "07:00"), 25, "hiit", "RRULE:FREQ=NEVER")
    with pytest.raises(CalendarError) as error:
        read_plan(calendar(broken), source="w49.ics")
    assert str(error.value) == (
        "w49.ics: cannot expand the plan's repeating events (UNTIL parameter is missing:"
        " FREQ=NEVER). Correct the RRULE, RDATE or EXDATE of its repeating sessions."
    )


# -- read_days_before --------------------------------------------------------------------------


def test_two_brainfit_sessions_without_uid_before_the_week_are_both_read(rules: RuleSet) -> None:
    """A calendar client that drops UIDs on import (or a hand-written file) leaves sessions
    without one; each is its own session, not one shared "no UID" entry."""
    friday = ["DTSTART;" + berlin(at(-3, "08:00")), "DTEND;" + berlin(at(-3, "08:20"))]
    sunday = ["DTSTART;" + berlin(at(-1, "08:00")), "DTEND;" + berlin(at(-1, "08:20"))]
    kind = ["CATEGORIES:BrainFit,hiit", "SUMMARY:HIIT — BrainFit"]
    read = read_days_before([("cal.ics", calendar(friday + kind, sunday + kind))], W49, rules)
    assert [(e.kind, e.start) for e in read.events] == [
        ("hiit", at(-3, "08:00")),
        ("hiit", at(-1, "08:00")),
    ]


def test_sessions_without_uid_in_two_files_before_the_week_are_all_read(rules: RuleSet) -> None:
    """Without a UID nothing says two events are the same session, so the plan's and the
    calendar's both count (the first file's UIDs only shadow the same UIDs later)."""
    saturday = ["DTSTART;" + berlin(at(-2, "08:00")), "CATEGORIES:BrainFit,zone2"]
    sunday = ["DTSTART;" + berlin(at(-1, "08:00")), "CATEGORIES:BrainFit,hiit"]
    sources = [("plan.ics", calendar(saturday)), ("cal.ics", calendar(sunday))]
    read = read_days_before(sources, W49, rules)
    assert [(e.kind, e.start) for e in read.events] == [
        ("zone2", at(-2, "08:00")),
        ("hiit", at(-1, "08:00")),
    ]


def test_plan_reads_both_uid_less_sessions_before_the_week_as_its_checker_does(
    tmp_path: Path,
) -> None:
    """The planner and the checker read the days before separately and must agree (else
    ``plan`` stops with an internal error): both count each UID-less session."""
    friday = ["DTSTART;" + berlin(at(-3, "08:00")), "DTEND;" + berlin(at(-3, "08:20"))]
    sunday = ["DTSTART;" + berlin(at(-1, "08:00")), "DTEND;" + berlin(at(-1, "08:20"))]
    kind = ["CATEGORIES:BrainFit,hiit", "SUMMARY:HIIT — BrainFit"]
    cal, profile, out = tmp_path / "cal.ics", tmp_path / "profile.toml", tmp_path / "out"
    cal.write_bytes(calendar(friday + kind, sunday + kind))
    profile.write_text('timezone = "Europe/Berlin"\n')
    args = [cal, "--profile", profile, "--week", "2026-W49", "-o", f"{out}.ics"]
    result = CliRunner().invoke(main, ["plan", *map(str, args), "--json", f"{out}.json"])
    assert result.exit_code == 0, result.output
    days_before = json.loads(Path(f"{out}.json").read_text())["weeks"][0]["days_before"]
    assert days_before["sessions"] == [
        {"kind": "hiit", "date": "2026-11-27"},
        {"kind": "hiit", "date": "2026-11-29"},
    ]


def test_a_session_before_the_week_keeps_its_title_and_an_untitled_one_reads_empty(
    rules: RuleSet,
) -> None:
    """The public ``CheckReport.before`` gives each earlier session's title as the file has it."""
    titled = session("t@brainfit-solver", at(-2, "07:00"), 25, "hiit")
    untitled = [
        line
        for line in session("u@brainfit-solver", at(-1, "07:00"), 25, "zone2")
        if not line.startswith("SUMMARY")
    ]
    read = read_days_before([("cal.ics", calendar(titled, untitled))], W49, rules)
    assert [(e.uid, e.summary) for e in read.events] == [
        ("t@brainfit-solver", "hiit session"),
        ("u@brainfit-solver", ""),
    ]


UNEXPANDABLE = ["RRULE:FREQ=NEVER"]
"""A repeating rule recurring-ical-events refuses: an event holding it stops the reading of the
file when it is parsed, so reading past it shows the event was never parsed."""


def test_events_that_do_not_mention_brainfit_are_never_parsed_for_the_days_before(
    rules: RuleSet,
) -> None:
    """The pre-filter that reads a ten-year calendar in a second: only the VEVENTs whose text
    mentions BrainFit are parsed, not an event next to one, nor one before a to-do that
    mentions it."""
    lecture = ["UID:l@example.com", "DTSTART;" + berlin(at(-2, "10:00")), *UNEXPANDABLE]
    seminar = ["UID:s@example.com", "DTSTART;" + berlin(at(-1, "10:00")), *UNEXPANDABLE]
    data = calendar(lecture, session("a@brainfit-solver", at(-1, "07:00"), 25, "hiit"), seminar)
    todo = b"BEGIN:VTODO\r\nUID:t@example.com\r\nSUMMARY:Buy BrainFit shoes\r\nEND:VTODO\r\n"
    data = data.replace(b"END:VCALENDAR", todo + b"END:VCALENDAR")
    read = read_days_before([("cal.ics", data)], W49, rules)
    assert [e.uid for e in read.events] == ["a@brainfit-solver"]
    with pytest.raises(CalendarError):  # the premise: parsed, such an event stops the reading
        read_days_before([("cal.ics", data.replace(b"UID:l@", b"UID:l-brainfit@"))], W49, rules)


def test_a_time_zone_defined_after_the_events_is_applied_to_the_days_before(
    rules: RuleSet,
) -> None:
    """Exports put VTIMEZONE anywhere in the file; the pre-filter keeps every one of them."""
    zone = [
        "BEGIN:VTIMEZONE",
        "TZID:Campus Time (checker test)",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0530",
        "TZOFFSETTO:+0530",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    campus = [
        "UID:a@brainfit-solver",
        "DTSTART;TZID=Campus Time (checker test):20261129T080000",
        "DTEND;TZID=Campus Time (checker test):20261129T082500",
        "CATEGORIES:BrainFit,hiit",
    ]
    data = calendar(campus).replace(
        b"END:VCALENDAR", "\r\n".join([*zone, "END:VCALENDAR"]).encode()
    )
    read = read_days_before([("cal.ics", data)], W49, rules)
    utc = dt.datetime(2026, 11, 29, 2, 30, tzinfo=dt.UTC)
    assert [(e.start, e.end - e.start) for e in read.events] == [(utc, dt.timedelta(minutes=25))]


def test_a_previous_plans_reminder_icalendar_cannot_read_does_not_stop_the_days_before(
    rules: RuleSet,
) -> None:
    hiit = session("h@brainfit-solver", at(-1, "08:00"), 25, "hiit")
    hiit = [*hiit[:3], *BROKEN_REMINDER, *hiit[3:]]
    read = read_days_before([("w48.ics", calendar(hiit))], W49, rules)
    assert [(e.uid, e.kind, e.start) for e in read.events] == [
        ("h@brainfit-solver", "hiit", at(-1, "08:00"))
    ]
