"""The independent checker's own reading of the user's calendars (``check_calendars``, issue
8): what blocks time, read straight from the files with icalendar and recurring-ical-events.

The sample calendars are read by both the planner and the checker and compared
(test_checker_independence.py); the tests here pin what that comparison cannot, because the
samples and the profiles there never exercise it. Written against mutmut's survivors
(``benchmarks/mutation.sh``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from brainfit_solver import api
from brainfit_solver.check.calendars import CalendarBytes, read_busy
from brainfit_solver.core.errors import CalendarError, TimeZoneError
from brainfit_solver.rules.profile import Profile

BERLIN = ZoneInfo("Europe/Berlin")


def at(day: int, clock: str) -> dt.datetime:
    """Day 0 is Monday 30 November 2026, in Berlin."""
    hour, minute = map(int, clock.split(":"))
    when = dt.date(2026, 11, 30) + dt.timedelta(days=day)
    return dt.datetime.combine(when, dt.time(hour, minute), BERLIN)


def event(uid: str, start: dt.datetime, minutes: int, summary: str, *lines: str) -> list[str]:
    end = start + dt.timedelta(minutes=minutes)
    return [
        f"UID:{uid}",
        f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID=Europe/Berlin:{end:%Y%m%dT%H%M%S}",
        f"SUMMARY:{summary}",
        *lines,
    ]


def calendar(*events: list[str]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for body in events:
        lines += ["BEGIN:VEVENT", *body, "END:VEVENT"]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def busy(data: bytes, profile: Profile) -> list[tuple[dt.datetime, dt.datetime, str]]:
    """The checker's busy blocks over the week of 30 November 2026."""
    read = read_busy([CalendarBytes("cal.ics", data)], profile, at(0, "00:00"), at(7, "00:00"))
    return [(b.start, b.end, b.summary) for b in read.blocks]


def test_an_invitation_the_user_declined_blocks_no_time_however_the_address_is_written() -> None:
    """Addresses compare without ``mailto:`` and case (RFC 5545 CAL-ADDRESS is a URI; mail
    addresses are matched case-insensitively), and so does PARTSTAT."""
    profile = Profile.model_validate(
        {"timezone": "Europe/Berlin", "busy": {"declined_addresses": ["mailto:Alex@Example.org"]}}
    )
    data = calendar(
        event(
            "a",
            at(0, "10:00"),
            60,
            "Declined",
            "ATTENDEE;PARTSTAT=DECLINED:MAILTO:alex@example.ORG",
        ),
        event(
            "b",
            at(1, "10:00"),
            60,
            "Declined, no scheme",
            "ATTENDEE;PARTSTAT=declined:alex@example.org",
        ),
        event(
            "c",
            at(2, "10:00"),
            60,
            "Someone else declined",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:sam@example.org",
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alex@example.org",
        ),
    )
    assert busy(data, profile) == [(at(2, "10:00"), at(2, "11:00"), "Someone else declined")]


def test_a_travel_time_written_as_plain_text_is_busy_before_its_event() -> None:
    """Apple writes ``VALUE=DURATION``; a file edited or converted elsewhere may drop it, and
    icalendar then gives the X- property as text, which the checker reads as a duration."""
    data = calendar(event("d", at(2, "10:00"), 60, "Dentist", "X-APPLE-TRAVEL-DURATION:PT45M"))
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(2, "09:15"), at(2, "10:00"), "Travel to Dentist"),
        (at(2, "10:00"), at(2, "11:00"), "Dentist"),
    ]


def test_busy_time_from_the_spans_end_on_is_outside_it_and_only_travel_reaching_back_counts() -> (
    None
):
    data = calendar(
        event("a", at(7, "00:00"), 60, "Next week"),
        event("b", at(7, "00:30"), 60, "Breakfast", "X-APPLE-TRAVEL-DURATION:PT30M"),
        event("c", at(7, "01:00"), 60, "Early train", "X-APPLE-TRAVEL-DURATION:PT61M"),
    )
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(6, "23:59"), at(7, "01:00"), "Travel to Early train")
    ]


def test_a_travel_time_that_is_not_a_duration_is_refused_naming_file_event_and_fix() -> None:
    data = calendar(event("d", at(2, "10:00"), 60, "Dentist", "X-APPLE-TRAVEL-DURATION:soon"))
    with pytest.raises(CalendarError) as error:
        busy(data, Profile(timezone="Europe/Berlin"))
    assert str(error.value) == (
        "cal.ics: event 'Dentist' has a travel time that is not a duration ('soon'). Write"
        " X-APPLE-TRAVEL-DURATION as a duration such as PT30M."
    )


def test_a_travel_time_given_as_a_date_time_is_refused_not_ignored() -> None:
    """A value icalendar reads, but as something other than a duration, is no travel time."""
    line = "X-APPLE-TRAVEL-DURATION;VALUE=DATE-TIME:20261202T093000"
    data = calendar(event("d", at(2, "10:00"), 60, "Dentist", line))
    with pytest.raises(CalendarError) as error:
        busy(data, Profile(timezone="Europe/Berlin"))
    assert str(error.value).startswith(
        "cal.ics: event 'Dentist' has a travel time that is not a duration ("
    )


def test_an_event_whose_categories_are_typed_as_text_has_its_categories_read() -> None:
    """``CATEGORIES;VALUE=TEXT`` comes from icalendar 7.3 as the text of a list, not as
    categories; ``mend`` drops the parameter (TEXT is CATEGORIES' only type), so the event
    is study by its category as with a plain line, whatever its other parameters."""
    data = calendar(
        event("w", at(1, "09:00"), 60, "Seminar", "CATEGORIES;VALUE=TEXT:Work"),
        event("x", at(2, "09:00"), 60, "Talk", 'CATEGORIES;LANGUAGE="en";VALUE=text:Work,Fun'),
        event("y", at(3, "09:00"), 60, "Party", "CATEGORIES;LANGUAGE=en:Fun"),
    )
    profile = Profile.model_validate(
        {"timezone": "Europe/Berlin", "study": {"categories": ["work"], "summary_pattern": ""}}
    )
    read = read_busy([CalendarBytes("cal.ics", data)], profile, at(0, "00:00"), at(7, "00:00"))
    assert [(b.summary, b.study) for b in read.blocks] == [
        ("Seminar", True),
        ("Talk", True),
        ("Party", False),
    ]


def test_an_all_day_event_blocks_time_only_when_marked_busy() -> None:
    """With ``busy.all_day`` off (the default), an all-day event is free (a birthday, a
    holiday reminder) unless it says it is busy: TRANSP:OPAQUE, or Outlook's BUSY or OOF."""

    def all_day(uid: str, day: int, *lines: str) -> list[str]:
        date = dt.date(2026, 11, 30) + dt.timedelta(days=day)
        following = date + dt.timedelta(days=1)
        return [
            f"UID:{uid}",
            f"DTSTART;VALUE=DATE:{date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{following:%Y%m%d}",
            f"SUMMARY:{uid}",
            *lines,
        ]

    data = calendar(
        all_day("Birthday", 0),
        all_day("Conference", 1, "TRANSP:OPAQUE"),
        all_day("Outlook busy", 2, "X-MICROSOFT-CDO-BUSYSTATUS:BUSY"),
        all_day("Out of office", 3, "X-MICROSOFT-CDO-BUSYSTATUS:OOF"),
        all_day("Outlook free", 4, "X-MICROSOFT-CDO-BUSYSTATUS:FREE"),
    )
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(1, "00:00"), at(2, "00:00"), "Conference"),
        (at(2, "00:00"), at(3, "00:00"), "Outlook busy"),
        (at(3, "00:00"), at(4, "00:00"), "Out of office"),
    ]


def test_a_timed_event_outlook_marks_free_blocks_no_time_unless_it_is_study() -> None:
    profile = Profile.model_validate(
        {"timezone": "Europe/Berlin", "study": {"summary_pattern": "Lecture"}}
    )
    data = calendar(
        event("f", at(0, "10:00"), 60, "Lunch maybe", "X-MICROSOFT-CDO-BUSYSTATUS:FREE"),
        event("l", at(1, "10:00"), 60, "Lecture", "X-MICROSOFT-CDO-BUSYSTATUS:FREE"),
        event("b", at(2, "10:00"), 60, "Meeting", "X-MICROSOFT-CDO-BUSYSTATUS:BUSY"),
    )
    assert busy(data, profile) == [
        (at(1, "10:00"), at(1, "11:00"), "Lecture"),
        (at(2, "10:00"), at(2, "11:00"), "Meeting"),
    ]


def test_the_same_block_in_two_calendars_is_one_block_study_if_either_copy_is() -> None:
    dentist = event("d", at(0, "10:00"), 60, "Dentist")  # no study title
    both = [CalendarBytes("a.ics", calendar(dentist)), CalendarBytes("b.ics", calendar(dentist))]
    then_study = [both[0], CalendarBytes("s.ics", calendar(dentist), study=True)]
    study_first = [then_study[1], both[0]]
    profile = Profile(timezone="Europe/Berlin")
    week = (at(0, "00:00"), at(7, "00:00"))
    read = [
        read_busy(calendars, profile, *week).blocks for calendars in (both, then_study, study_first)
    ]
    assert [[(b.source, b.study) for b in blocks] for blocks in read] == [
        [("a.ics", False)],  # the first calendar's copy is kept
        [("s.ics", True)],
        [("s.ics", True)],
    ]


def test_a_calendar_that_is_not_utf8_is_refused_naming_the_file_and_the_fix() -> None:
    data = calendar(event("l", at(0, "10:00"), 60, "Lecture")).replace(
        b"Lecture", b"Vorlesung \xe4"
    )
    with pytest.raises(CalendarError) as error:
        busy(data, Profile(timezone="Europe/Berlin"))
    assert (
        str(error.value) == "cal.ics: the calendar is not UTF-8 text. Save or export it as UTF-8."
    )


def test_a_calendar_named_in_the_study_calendars_holds_study_blocks_whatever_the_case() -> None:
    named = calendar(event("l", at(0, "10:00"), 60, "Anything")).replace(
        b"PRODID:-//test//EN", b"PRODID:-//test//EN\r\nX-WR-CALNAME:Uni Timetable"
    )
    other = named.replace(b"Uni Timetable", b"Family")
    profile = Profile.model_validate(
        {"timezone": "Europe/Berlin", "study": {"calendars": ["uni timetable"]}}
    )
    week = (at(0, "00:00"), at(7, "00:00"))
    for data, study in ((named, True), (other, False)):
        blocks = read_busy([CalendarBytes("cal.ics", data)], profile, *week).blocks
        assert [b.study for b in blocks] == [study]


def test_a_repeating_event_that_cannot_be_expanded_is_refused_naming_the_file() -> None:
    data = calendar(event("l", at(0, "10:00"), 60, "Lecture", "RRULE:FREQ=NEVER"))
    with pytest.raises(CalendarError) as error:
        busy(data, Profile(timezone="Europe/Berlin"))
    assert str(error.value).startswith("cal.ics: cannot expand the recurring events (")


def test_a_calendar_changed_under_the_same_name_is_read_anew_not_from_the_remembered_reading(
    tmp_path: Path,
) -> None:
    """The checker remembers its reading of calendar bytes (``brainfit serve`` re-checks the
    same calendars on every change); a file edited between two plans, same name, same size,
    must give the new file's blocks, read from the file through the usual loader."""
    path = tmp_path / "cal.ics"
    profile = Profile(timezone="Europe/Berlin")
    readings = []
    for clock in ("10:00", "11:00"):  # same length: only the content differs
        path.write_bytes(calendar(event("a", at(1, clock), 60, "Lecture")))
        inputs = api.load_inputs([path], profile=profile, week="2026-W49")
        readings.append([(b.start, b.end, b.summary) for b in api.busy_time(inputs).blocks])
    assert readings == [
        [(at(1, "10:00"), at(1, "11:00"), "Lecture")],
        [(at(1, "11:00"), at(1, "12:00"), "Lecture")],
    ]


def test_the_same_bytes_read_in_another_zone_or_with_other_settings_are_read_anew() -> None:
    """Everything the reading depends on is part of what it is remembered by: the zone
    floating times are read in (equal instants in two zones compare equal, the wall clock
    does not), the ``[study]`` and ``[busy]`` settings, and whether it is a study calendar."""
    data = calendar(
        ["UID:f", "DTSTART:20261201T100000", "DTEND:20261201T110000", "SUMMARY:Floating"],
        event("t", at(2, "09:00"), 60, "Maybe", "STATUS:TENTATIVE"),
    )
    tokyo = ZoneInfo("Asia/Tokyo")
    berlin_week = (at(0, "00:00"), at(7, "00:00"))
    # The same instants as the Berlin week, in Tokyo: equal as datetimes, not as wall clocks.
    tokyo_week = tuple(moment.astimezone(tokyo) for moment in berlin_week)
    assert berlin_week == tokyo_week

    def read(
        start: dt.datetime, end: dt.datetime, profile: Profile, study: bool = False
    ) -> list[tuple[dt.datetime, str, bool]]:
        blocks = read_busy([CalendarBytes("cal.ics", data, study)], profile, start, end).blocks
        return [(b.start, b.summary, b.study) for b in blocks]

    plain = Profile(timezone="Europe/Berlin")
    assert read(*berlin_week, plain)[0] == (at(1, "10:00"), "Floating", False)
    assert read(*tokyo_week, plain)[0] == (at(1, "10:00").replace(tzinfo=tokyo), "Floating", False)
    assert len(read(*berlin_week, plain)) == 2
    no_tentative = Profile.model_validate(
        {"timezone": "Europe/Berlin", "busy": {"tentative": False}}
    )
    assert [summary for _, summary, _ in read(*berlin_week, no_tentative)] == ["Floating"]
    by_title = Profile.model_validate(
        {"timezone": "Europe/Berlin", "study": {"summary_pattern": "Float"}}
    )
    assert read(*berlin_week, by_title)[0][2] is True
    assert all(study for _, _, study in read(*berlin_week, plain, study=True))
    assert not any(study for _, _, study in read(*berlin_week, plain))


def test_a_remembered_reading_cannot_be_altered_by_the_caller_it_was_given_to() -> None:
    """Two checks of the same bytes share the remembered blocks, so the blocks are frozen:
    a caller that tried to move one would otherwise move it for the next check too."""
    data = calendar(event("a", at(1, "10:00"), 60, "Lecture"))
    profile = Profile(timezone="Europe/Berlin")
    first = read_busy([CalendarBytes("cal.ics", data)], profile, at(0, "00:00"), at(7, "00:00"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.blocks[0].start = at(1, "12:00")  # type: ignore[misc]
    again = read_busy([CalendarBytes("cal.ics", data)], profile, at(0, "00:00"), at(7, "00:00"))
    assert [(b.start, b.end) for b in again.blocks] == [(at(1, "10:00"), at(1, "11:00"))]


# --- the pre-filter: which events are read at all -------------------------------------------
#
# The week checked is 30 November to 6 December 2026; the pre-filter keeps every event that may
# reach 28 November to 9 December (two days' margin for zones). An event in an unknown zone is
# refused when read (the premise, `test_..._is_read_and_refused`), so an event that is never
# read shows as a file that reads without error.

UNKNOWN_ZONE = "TZID=Mars/Olympus"


def with_unknown_zone(*lines: str) -> bytes:
    """A calendar with one event, in an unknown zone, of ``lines``, then a lecture in the week."""
    lecture = event("l", at(1, "10:00"), 60, "Lecture")
    return calendar(["UID:far@example.com", "SUMMARY:Far", *lines], lecture)


NEVER_READ = {
    "one day, long before": ["DTSTART;TZID=Mars/Olympus:20261120T100000"],
    "lowercase names": ["dtstart;tzid=Mars/Olympus:20261120T100000"],
    "one day, long after": ["DTSTART;TZID=Mars/Olympus:20261215T100000"],
    "the day after the margin": ["DTSTART;TZID=Mars/Olympus:20261210T100000"],
    "ends the day before the margin": [
        "DTSTART;VALUE=DATE:20261120",
        "DTEND;TZID=Mars/Olympus:20261127T100000",
    ],
    "an hour, with an end": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "DTEND;TZID=Mars/Olympus:20261120T110000",
    ],
    "an hour's duration, three days before": [
        "DTSTART;TZID=Mars/Olympus:20261126T100000",
        "DURATION:PT1H",
    ],
    "an hour's duration": ["DTSTART;TZID=Mars/Olympus:20261120T100000", "DURATION:PT1H"],
    "a duration ending before": ["DTSTART;TZID=Mars/Olympus:20261120T100000", "DURATION:P5DT23H"],
    "a duration of a week": ["DTSTART;TZID=Mars/Olympus:20261113T100000", "DURATION:P1W"],
    "a duration in minutes": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "DURATION:+PT1440M59S",
    ],
    "folded": ["DTSTART;TZID=Mars/Olympus:2026\r\n 1120T100000"],
    "folded with a tab": ["DTSTART;TZID=Mars/Olympus:2026\r\n\t1120T100000"],
    "daily, counted": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "RRULE:FREQ=DAILY;COUNT=3",
    ],
    "every other day, counted": [
        "DTSTART;TZID=Mars/Olympus:20261118T100000",
        "RRULE:FREQ=DAILY;INTERVAL=2;COUNT=3",
    ],
    "weekly on Fridays, counted": [
        "DTSTART;TZID=Mars/Olympus:20261106T100000",
        "RRULE:FREQ=WEEKLY;WKST=MO;BYDAY=FR;COUNT=2;INTERVAL=1",
    ],
    "weekly, lowercase": [
        "DTSTART;TZID=Mars/Olympus:20261106T100000",
        "RRULE:freq=weekly;count=2",
    ],
    "daily until": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "RRULE:FREQ=DAILY;UNTIL=20261126T100000Z",
    ],
    "a quoted colon in a parameter": [
        'DTSTART;X-NOTE="at 9:00";TZID=Mars/Olympus:20261120T100000',
    ],
    "an override, as far": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "RRULE:FREQ=DAILY;COUNT=2",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:far@example.com",
        "RECURRENCE-ID;TZID=Mars/Olympus:20261121T100000",
        "DTSTART;TZID=Mars/Olympus:20261121T110000",
    ],
    "another event without UID": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "DTSTART;TZID=Mars/Olympus:20261121T110000",
    ],
    "another event with two UIDs": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:a",
        "UID:b",
        "DTSTART;TZID=Mars/Olympus:20261121T110000",
    ],
    "folded BEGIN and END": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "END:VEV\r\n ENT",
        "BEGIN:VEV\r\n ENT",
        "UID:b",
        "DTSTART;TZID=Mars/Olympus:20261121T110000",
    ],
    "inside a VALARM, another start": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "DESCRIPTION:x",
        "TRIGGER:-PT10M",
        "DTSTART:20261201T100000",
        "DURATION:P30D",
        "RRULE:FREQ=DAILY",
        "RDATE:20261201T100000",
        "UID:l",
        "END:VALARM",
    ],
}


@pytest.mark.parametrize("lines", NEVER_READ.values(), ids=NEVER_READ.keys())
def test_an_event_that_cannot_reach_the_checked_days_is_never_read(lines: list[str]) -> None:
    """Parsing a ten-year export whole takes icalendar 40 s: only events that may reach the
    checked days are parsed, judged on the text (DTSTART, DTEND or DURATION, a plainly
    bounded RRULE)."""
    data = with_unknown_zone(*lines)
    profile = Profile(timezone="Europe/Berlin")
    assert busy(data, profile) == [(at(1, "10:00"), at(1, "11:00"), "Lecture")]
    november = (at(-29, "00:00"), at(32, "00:00"))  # the premise: read, the event is refused
    with pytest.raises(TimeZoneError):
        read_busy([CalendarBytes("cal.ics", data)], profile, *november)


READ = {
    "in the week": ["DTSTART;TZID=Mars/Olympus:20261201T100000"],
    "on the last day of the margin": ["DTSTART;TZID=Mars/Olympus:20261209T100000"],
    "the day before the margin, a day long": ["DTSTART;TZID=Mars/Olympus:20261127T100000"],
    "ends on the margin's first day": [
        "DTSTART;VALUE=DATE:20261120",
        "DTEND;TZID=Mars/Olympus:20261128T100000",
    ],
    "a duration reaching it": ["DTSTART;TZID=Mars/Olympus:20261120T100000", "DURATION:P7DT1H"],
    "a duration of weeks reaching it": [
        "DTSTART;TZID=Mars/Olympus:20261113T100000",
        "DURATION:P2W",
    ],
    "a duration of hours reaching it": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "DURATION:PT168H",
    ],
    "a duration of seconds reaching it": [
        "DTSTART;TZID=Mars/Olympus:20261126T100000",
        "DURATION:PT86400S",
    ],
    "a duration of minutes reaching it": [
        "DTSTART;TZID=Mars/Olympus:20261126T100000",
        "DURATION:PT1440M",
    ],
    "an end before its start": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "DTEND;TZID=Mars/Olympus:20261119T100000",
    ],
    "an end that is no date": ["DTSTART;TZID=Mars/Olympus:20261120T100000", "DTEND:2026"],
    "an end and a duration": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "DTEND;TZID=Mars/Olympus:20261120T110000",
        "DURATION:PT1H",
    ],
    "two ends": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "DTEND;TZID=Mars/Olympus:20261120T110000",
        "DTEND;TZID=Mars/Olympus:20261120T120000",
    ],
    "two starts": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "DTSTART;TZID=Mars/Olympus:20261121T100000",
    ],
    "a start that is no date": ["DTSTART:2026112", "DTEND;TZID=Mars/Olympus:20261120T110000"],
    "a start that is no day": [
        "DTSTART:20261131T100000",
        "DTEND;TZID=Mars/Olympus:20261120T110000",
    ],
    "daily, counted into it": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "RRULE:FREQ=DAILY;COUNT=8",
    ],
    "every other day, counted into it": [
        "DTSTART;TZID=Mars/Olympus:20261118T100000",
        "RRULE:FREQ=DAILY;INTERVAL=2;COUNT=5",
    ],
    "weekly, counted into it": [
        "DTSTART;TZID=Mars/Olympus:20261106T100000",
        "RRULE:FREQ=WEEKLY;COUNT=3",
    ],
    "daily until it": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "RRULE:FREQ=DAILY;UNTIL=20261128T100000Z",
    ],
    "daily until the year 9999": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "RRULE:FREQ=DAILY;UNTIL=99991231",
    ],
    "an UNTIL with a second '='": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "RRULE:FREQ=DAILY;UNTIL=20261121=1",
    ],
    "a part with a second '=' before an UNTIL": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "RRULE:FREQ=DAILY;X-A=1=2;UNTIL=20261121",
    ],
    "without end": ["DTSTART;TZID=Mars/Olympus:20261120T100000", "RRULE:FREQ=DAILY"],
    "monthly": ["DTSTART;TZID=Mars/Olympus:20261120T100000", "RRULE:FREQ=MONTHLY;COUNT=1"],
    "by month": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "RRULE:FREQ=DAILY;COUNT=1;BYMONTH=11",
    ],
    "daily by day": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "RRULE:FREQ=DAILY;COUNT=1;BYDAY=FR",
    ],
    "a count twice": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "RRULE:FREQ=DAILY;COUNT=1;COUNT=1",
    ],
    "a count that is no number": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "RRULE:FREQ=DAILY;COUNT=x",
    ],
    "an interval that is no number": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "RRULE:FREQ=DAILY;COUNT=1;INTERVAL=x",
    ],
    "two rules": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "RRULE:FREQ=DAILY;COUNT=1",
        "RRULE:FREQ=DAILY;COUNT=2",
    ],
    "a date added": ["DTSTART;TZID=Mars/Olympus:20261120T100000", "RDATE:20261201T100000"],
    "an exception rule": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "EXRULE:FREQ=DAILY;COUNT=1",
    ],
    "another event, with the lecture's UID": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:l",
        "RECURRENCE-ID;TZID=Mars/Olympus:20261120T100000",
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
    ],
    "an end that cannot be split": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        'DTEND;X-NOTE="no end:20261120T110000',
    ],
    "an override of this and the future": [
        "DTSTART;TZID=Mars/Olympus:20261120T100000",
        "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Mars/Olympus:20261120T100000",
    ],
}


@pytest.mark.parametrize("lines", READ.values(), ids=READ.keys())
def test_an_event_that_may_reach_the_checked_days_is_read_and_refused(lines: list[str]) -> None:
    """Anything the pre-filter does not plainly understand is read: here the unknown zone
    is then refused (and an event that reaches the days blocks time, tests below)."""
    with pytest.raises((CalendarError, TimeZoneError)):
        busy(with_unknown_zone(*lines), Profile(timezone="Europe/Berlin"))


def test_an_event_whose_start_cannot_be_read_is_refused_naming_file_event_and_fix() -> None:
    """icalendar 7 keeps a value it cannot parse and raises only when it is used: the checker
    refuses it as bad input (the planner refuses the same file before), not with a traceback."""
    data = calendar(["UID:x", "DTSTART:20261131T100000", "SUMMARY:Bad"])
    with pytest.raises(CalendarError) as error:
        busy(data, Profile(timezone="Europe/Berlin"))
    assert str(error.value) == (
        "cal.ics: event 'Bad' has a DTSTART that cannot be read (Wrong datetime format:"
        " 20261131T100000). Correct the value (RFC 5545 format) or export the calendar again."
    )


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("DTEND:20261131T110000", "DTEND"),
        ("RECURRENCE-ID:20261131T100000", "RECURRENCE-ID"),
    ],
)
def test_an_end_or_recurrence_id_that_cannot_be_read_is_refused_naming_it(
    line: str, name: str
) -> None:
    data = calendar(["UID:x", "DTSTART:20261201T100000Z", line, "SUMMARY:Bad"])
    with pytest.raises(CalendarError) as error:
        busy(data, Profile(timezone="Europe/Berlin"))
    assert str(error.value).startswith(f"cal.ics: event 'Bad' has a {name} that cannot be read (")


def test_an_event_whose_start_is_not_a_date_is_refused_naming_file_event_and_fix() -> None:
    """``DTSTART;VALUE=TEXT`` gives no time at all: it escaped as the recurrence library's
    "'vText' object has no attribute 'dt'"; the planner refuses the same event."""
    data = calendar(["UID:x", "DTSTART;VALUE=TEXT:tomorrow", "SUMMARY:Odd"])
    with pytest.raises(CalendarError) as error:
        busy(data, Profile(timezone="Europe/Berlin"))
    assert str(error.value) == (
        "cal.ics: event 'Odd' has a DTSTART that is not a date or date-time."
        " Correct the value (RFC 5545 format) or export the calendar again."
    )


def test_an_override_whose_recurrence_id_is_in_an_unknown_zone_is_refused_naming_it() -> None:
    """The RECURRENCE-ID decides which occurrence an override replaces: read in no zone, the
    lecture it moves would stay in place as well."""
    data = calendar(
        event("l", at(1, "10:00"), 60, "Lecture", "RRULE:FREQ=DAILY;COUNT=3"),
        [
            "UID:l",
            "RECURRENCE-ID;TZID=Mars/Olympus:20261201T100000",
            "DTSTART;TZID=Europe/Berlin:20261201T150000",
            "DTEND;TZID=Europe/Berlin:20261201T160000",
            "SUMMARY:Moved",
        ],
    )
    with pytest.raises(TimeZoneError) as error:
        busy(data, Profile(timezone="Europe/Berlin"))
    assert str(error.value) == "cal.ics: event 'Moved' uses the unknown time zone 'Mars/Olympus'."


def test_a_to_do_in_an_unknown_zone_is_read_past() -> None:
    """Only events block time (a VTODO holds none), so only their zones are judged, as the
    planner judges them."""
    todo = b"BEGIN:VTODO\r\nUID:t\r\nDTSTART;TZID=Mars/Olympus:20261201T100000\r\nEND:VTODO\r\n"
    data = calendar(event("l", at(1, "10:00"), 60, "Lecture"))
    data = data.replace(b"END:VCALENDAR", todo + b"END:VCALENDAR")
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(1, "10:00"), at(1, "11:00"), "Lecture")
    ]


def test_a_calendar_icalendar_cannot_parse_is_refused_naming_the_file() -> None:
    """icalendar raises a TypeError for CATEGORIES of a non-text type (the planner refuses
    the same file): the checker's message names the file and icalendar's reason."""
    data = calendar(event("l", at(1, "10:00"), 60, "Lecture", "CATEGORIES;VALUE=INTEGER:3"))
    with pytest.raises(CalendarError) as error:
        busy(data, Profile(timezone="Europe/Berlin"))
    message = str(error.value)
    assert message.startswith("cal.ics: icalendar cannot parse the calendar (int() argument")
    assert message.endswith("not 'list').")


@pytest.mark.parametrize(
    "edit",
    [
        lambda data: b"\r\n" + data,  # not starting with BEGIN:VCALENDAR
        lambda data: data.replace(b"END:VCALENDAR\r\n", b""),  # a calendar left open
        lambda data: data.replace(b"END:VEVENT", b"END:VTODO", 1),  # edges that do not pair
    ],
    ids=["a blank line first", "no END:VCALENDAR", "BEGIN:VEVENT closed by END:VTODO"],
)
def test_a_file_whose_edges_the_pre_filter_cannot_follow_is_read_whole(
    edit: Callable[[bytes], bytes],
) -> None:
    data = edit(with_unknown_zone("DTSTART;TZID=Mars/Olympus:20261120T100000"))
    with pytest.raises((CalendarError, TimeZoneError)):
        busy(data, Profile(timezone="Europe/Berlin"))


def test_a_component_after_a_left_out_event_is_kept() -> None:
    """Only the VEVENT itself is left out: a VFREEBUSY right after a far event still blocks
    its period, and a VTIMEZONE right after one still gives a later event its zone."""
    far = ["UID:far@example.com", "SUMMARY:Far", "DTSTART:20261120T100000Z"]
    data = calendar(far).replace(
        b"END:VCALENDAR",
        b"BEGIN:VFREEBUSY\r\nUID:fb\r\nFREEBUSY:20261202T090000Z/PT1H\r\nEND:VFREEBUSY\r\n"
        b"END:VCALENDAR",
    )
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(2, "10:00"), at(2, "11:00"), "busy (free/busy)")
    ]
    vtimezone = (
        b"BEGIN:VTIMEZONE\r\nTZID:Custom Berlin\r\nBEGIN:STANDARD\r\n"
        b"DTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
        b"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\n"
        b"DTSTART:19700329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
        b"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
    )
    near = [
        "UID:near@example.com",
        "SUMMARY:Near",
        "DTSTART;TZID=Custom Berlin:20261202T100000",
        "DTEND;TZID=Custom Berlin:20261202T110000",
    ]
    data = calendar(far, near).replace(
        b"BEGIN:VEVENT\r\nUID:near", vtimezone + b"BEGIN:VEVENT\r\nUID:near"
    )
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(2, "10:00"), at(2, "11:00"), "Near")
    ]


def test_a_file_whose_last_line_has_no_line_break_is_filtered_as_any_other() -> None:
    data = with_unknown_zone("DTSTART;TZID=Mars/Olympus:20261120T100000").removesuffix(b"\r\n")
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(1, "10:00"), at(1, "11:00"), "Lecture")
    ]


def test_floating_times_are_read_in_the_zone_x_wr_timezone_declares() -> None:
    """Google and Apple write floating times and name the zone in X-WR-TIMEZONE: the user's
    own zone (New York here) does not apply."""
    lines = ["UID:f", "DTSTART:20261201T100000", "DTEND:20261201T110000", "SUMMARY:Floating"]
    data = calendar(lines).replace(
        b"PRODID:-//test//EN", b"PRODID:-//test//EN\r\nX-WR-TIMEZONE:Europe/Berlin"
    )
    assert busy(data, Profile(timezone="America/New_York")) == [
        (at(1, "10:00"), at(1, "11:00"), "Floating")
    ]


def test_an_unknown_x_wr_timezone_is_refused_naming_file_and_property() -> None:
    data = calendar(event("l", at(1, "10:00"), 60, "Lecture")).replace(
        b"PRODID:-//test//EN", b"PRODID:-//test//EN\r\nX-WR-TIMEZONE:Mars/Olympus"
    )
    with pytest.raises(TimeZoneError) as error:
        busy(data, Profile(timezone="Europe/Berlin"))
    assert str(error.value) == "cal.ics, X-WR-TIMEZONE: unknown time zone 'Mars/Olympus'."


# --- mending what cannot change busy time (``mend``) ---------------------------------------


def test_a_line_is_read_to_its_last_character() -> None:
    """Only the line break is cut from a line: a title ending in X keeps it."""
    data = calendar(event("x", at(1, "10:00"), 60, "Review X"))
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(1, "10:00"), at(1, "11:00"), "Review X")
    ]


def test_a_start_with_trailing_spaces_is_refused_as_the_planner_refuses_it() -> None:
    """Spaces after a value are part of it (RFC 5545 §3.1): icalendar cannot read
    "20261201T100000Z  " as a date-time, and neither reader guesses."""
    data = calendar(["UID:x", "DTSTART:20261201T100000Z  ", "SUMMARY:Spaces"])
    with pytest.raises(CalendarError) as error:
        busy(data, Profile(timezone="Europe/Berlin"))
    assert str(error.value).startswith("cal.ics: event 'Spaces' has a DTSTART that cannot be read")


def test_a_blank_line_between_events_does_not_end_the_calendar() -> None:
    data = calendar(
        event("a", at(1, "10:00"), 60, "First"), event("b", at(2, "10:00"), 60, "Second")
    ).replace(b"END:VEVENT\r\nBEGIN:VEVENT", b"END:VEVENT\r\n\r\n \r\nBEGIN:VEVENT")
    assert [summary for _, _, summary in busy(data, Profile(timezone="Europe/Berlin"))] == [
        "First",
        "Second",
    ]


def test_a_content_line_before_the_calendar_is_read_past() -> None:
    """A feed's "cached at" line before BEGIN:VCALENDAR belongs to no event (the planner
    reads past it with a warning)."""
    data = b"X-CACHED-AT:20261101T000000Z\r\n" + calendar(event("a", at(1, "10:00"), 60, "First"))
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(1, "10:00"), at(1, "11:00"), "First")
    ]


def test_concatenated_calendars_are_read_with_the_first_ones_properties() -> None:
    """The calendars of a file made with ``cat`` are read as one, named and zoned by the
    first: a later one's X-WR-TIMEZONE does not move the first one's floating times (the
    planner refuses such a file; the checker reads what it is given)."""
    floating = ["UID:f", "DTSTART:20261201T100000", "DTEND:20261201T110000", "SUMMARY:Floating"]
    second = calendar(event("s", at(2, "10:00"), 60, "Second")).replace(
        b"PRODID:-//test//EN", b"PRODID:-//test//EN\r\nX-WR-TIMEZONE:America/New_York"
    )
    data = calendar(floating) + second
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(1, "10:00"), at(1, "11:00"), "Floating"),
        (at(2, "10:00"), at(2, "11:00"), "Second"),
    ]


# --- which occurrences block what (``_blocks``) --------------------------------------------


def test_an_empty_summary_pattern_makes_no_event_study_by_its_title() -> None:
    """``summary_pattern = ""`` turns title matching off; an empty pattern would otherwise
    match every title."""
    profile = Profile.model_validate(
        {"timezone": "Europe/Berlin", "study": {"summary_pattern": ""}}
    )
    read = read_busy(
        [CalendarBytes("cal.ics", calendar(event("l", at(1, "10:00"), 60, "Lecture")))],
        profile,
        at(0, "00:00"),
        at(7, "00:00"),
    )
    assert [(b.summary, b.study) for b in read.blocks] == [("Lecture", False)]


def test_an_event_without_length_blocks_nothing() -> None:
    data = calendar(event("z", at(1, "10:00"), 0, "Reminder"), event("l", at(2, "10:00"), 60, "L"))
    assert busy(data, Profile(timezone="Europe/Berlin")) == [(at(2, "10:00"), at(2, "11:00"), "L")]


def test_travel_time_before_an_event_at_the_start_of_the_days_lies_before_them() -> None:
    """The travel time before an event at Monday 00:00 ends as the checked days begin: it is
    no block of theirs (the event is)."""
    data = calendar(
        event("m", at(0, "00:00"), 60, "Night shift", "X-APPLE-TRAVEL-DURATION:PT30M"),
        event("t", at(0, "00:10"), 20, "Call", "X-APPLE-TRAVEL-DURATION:PT30M"),
    )
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(-1, "23:40"), at(0, "00:10"), "Travel to Call"),
        (at(0, "00:00"), at(0, "01:00"), "Night shift"),
        (at(0, "00:10"), at(0, "00:30"), "Call"),
    ]


def test_travel_time_just_before_the_end_of_the_days_is_busy() -> None:
    data = calendar(event("s", at(6, "23:40"), 20, "Late call", "X-APPLE-TRAVEL-DURATION:PT30M"))
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(6, "23:10"), at(6, "23:40"), "Travel to Late call"),
        (at(6, "23:40"), at(7, "00:00"), "Late call"),
    ]


def test_an_all_day_event_has_no_travel_time() -> None:
    """Apple Calendar offers travel time for timed events only: one on an all-day event
    (an import, an edit) is not read."""
    data = calendar(
        [
            "UID:a",
            "DTSTART;VALUE=DATE:20261202",
            "DTEND;VALUE=DATE:20261203",
            "SUMMARY:Conference",
            "TRANSP:OPAQUE",
            "X-APPLE-TRAVEL-DURATION:PT1H",
        ]
    )
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(2, "00:00"), at(3, "00:00"), "Conference")
    ]


def test_every_block_names_the_calendar_it_came_from() -> None:
    data = calendar(
        event("d", at(2, "10:00"), 60, "Dentist", "X-APPLE-TRAVEL-DURATION:PT30M")
    ).replace(
        b"END:VCALENDAR",
        b"BEGIN:VFREEBUSY\r\nUID:fb\r\nFREEBUSY:20261203T090000Z/PT1H\r\nEND:VFREEBUSY\r\n"
        b"END:VCALENDAR",
    )
    read = read_busy(
        [CalendarBytes("mine.ics", data)],
        Profile(timezone="Europe/Berlin"),
        at(0, "00:00"),
        at(7, "00:00"),
    )
    assert [(b.summary, b.source) for b in read.blocks] == [
        ("Travel to Dentist", "mine.ics"),
        ("Dentist", "mine.ics"),
        ("busy (free/busy)", "mine.ics"),
    ]


def test_the_same_bytes_read_in_a_zone_of_the_same_offset_are_read_anew() -> None:
    """Casablanca and Berlin are both UTC+1 on 9 February and 23 March 2026, so the span's
    ISO texts are equal, but Casablanca is UTC+0 for Ramadan in between: the zone itself is
    part of what a reading is remembered by, as floating times take it."""
    data = calendar(["UID:f", "DTSTART:20260302T100000", "DTEND:20260302T110000", "SUMMARY:F"])
    casablanca = ZoneInfo("Africa/Casablanca")
    for tz, utc_hour in ((BERLIN, 9), (casablanca, 10), (BERLIN, 9)):
        start = dt.datetime(2026, 2, 9, tzinfo=tz)
        end = dt.datetime(2026, 3, 23, tzinfo=tz)
        assert (start.isoformat(), end.isoformat()) == (
            "2026-02-09T00:00:00+01:00",
            "2026-03-23T00:00:00+01:00",
        )
        read = read_busy([CalendarBytes("cal.ics", data)], Profile(), start, end)
        assert [b.start.astimezone(dt.UTC).hour for b in read.blocks] == [utc_hour]


def test_the_same_reading_is_remembered_not_repeated() -> None:
    """``brainfit serve`` checks every re-solve against the same calendars: the second
    reading of the same bytes, settings and span gives the blocks the first one made."""
    data = calendar(event("l", at(1, "10:00"), 60, "Lecture"))
    week = (at(0, "00:00"), at(7, "00:00"))
    first = read_busy([CalendarBytes("cal.ics", data)], Profile(), *week).blocks
    again = read_busy([CalendarBytes("cal.ics", data)], Profile(), *week).blocks
    assert first == again and all(a is b for a, b in zip(first, again, strict=True))


def test_a_travel_time_that_is_not_positive_blocks_nothing() -> None:
    data = calendar(
        event("d", at(2, "10:00"), 60, "Dentist", "X-APPLE-TRAVEL-DURATION:-PT30M"),
        event("e", at(3, "10:00"), 60, "Eye test", "X-APPLE-TRAVEL-DURATION:PT0S"),
    )
    assert [summary for _, _, summary in busy(data, Profile(timezone="Europe/Berlin"))] == [
        "Dentist",
        "Eye test",
    ]


def test_categories_of_a_value_type_that_holds_no_list_are_read_past() -> None:
    """icalendar gives ``CATEGORIES;VALUE=URI`` (not a type CATEGORIES has) as a plain
    value without categories: the event blocks time and is not study by them."""
    data = calendar(event("l", at(1, "10:00"), 60, "Talk", "CATEGORIES;VALUE=URI:Study"))
    profile = Profile.model_validate(
        {"timezone": "Europe/Berlin", "study": {"summary_pattern": ""}}
    )
    read = read_busy([CalendarBytes("cal.ics", data)], profile, at(0, "00:00"), at(7, "00:00"))
    assert [(b.summary, b.study) for b in read.blocks] == [("Talk", False)]


def with_free_busy(*periods: str) -> bytes:
    lines = b"".join(f"FREEBUSY:{period}\r\n".encode() for period in periods)
    return calendar().replace(
        b"END:VCALENDAR",
        b"BEGIN:VFREEBUSY\r\nUID:fb\r\n" + lines + b"END:VFREEBUSY\r\nEND:VCALENDAR",
    )


def test_free_busy_periods_block_only_what_lies_in_the_checked_days() -> None:
    """Periods come from no recurrence library: the checker keeps those that overlap the
    days and have a length, cut to nothing else (the whole period is the block)."""
    data = with_free_busy(
        "20261129T220000Z/PT1H",  # ends as the days begin (Monday 00:00 in Berlin)
        "20261129T223000Z/PT1H",  # overlaps their first half hour
        "20261202T090000Z/PT0S",  # no length
        "20261206T223000Z/PT1H",  # overlaps their last half hour
        "20261206T230000Z/PT1H",  # begins as they end
    )
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(-1, "23:30"), at(0, "00:30"), "busy (free/busy)"),
        (at(6, "23:30"), at(7, "00:30"), "busy (free/busy)"),
    ]


def test_a_floating_free_busy_period_is_read_in_the_users_zone() -> None:
    """RFC 5545 asks for UTC; a floating period is read as the user's wall clock, as any
    floating time is."""
    data = with_free_busy("20261202T090000/20261202T100000")
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(2, "09:00"), at(2, "10:00"), "busy (free/busy)")
    ]


def test_a_free_busy_line_in_an_event_is_not_a_period() -> None:
    """FREEBUSY belongs to VFREEBUSY (RFC 5545 §3.6.4); in a VEVENT it is no busy time."""
    data = calendar(event("l", at(1, "10:00"), 60, "Lecture", "FREEBUSY:20261202T090000Z/PT1H"))
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(1, "10:00"), at(1, "11:00"), "Lecture")
    ]


def test_the_last_64_readings_are_remembered_and_the_oldest_forgotten() -> None:
    """The memory is bounded (a team's calendars, a batch's last requests): the 65th new
    reading forgets the least recently used one and keeps the other 64."""
    week = (at(0, "00:00"), at(7, "00:00"))

    def first_block(data: bytes) -> object:
        return read_busy([CalendarBytes("cal.ics", data)], Profile(), *week).blocks[0]

    files = [calendar(event("l", at(1, "10:00"), 60, f"Lecture {n}")) for n in range(65)]
    first = [first_block(data) for data in files]
    assert first_block(files[64]) is first[64]
    assert first_block(files[1]) is first[1]
    assert first_block(files[0]) is not first[0]


def test_travel_time_reaching_back_into_the_span_from_an_event_after_it_is_busy_in_both_readers(
    tmp_path: Path,
) -> None:
    """An event just after the span whose travel time starts inside it: the travel time is
    busy there (the event itself is not, it lies outside), in the checker and the planner."""
    data = calendar(
        event("m", at(7, "00:30"), 60, "Early train", "X-APPLE-TRAVEL-DURATION:PT1H"),
    )
    assert busy(data, Profile(timezone="Europe/Berlin")) == [
        (at(6, "23:30"), at(7, "00:30"), "Travel to Early train"),
    ]
    path = tmp_path / "cal.ics"
    path.write_bytes(data)
    inputs = api.load_inputs([path], profile=Profile(timezone="Europe/Berlin"), week="2026-W49")
    h = inputs.horizon
    assert [
        (h.to_datetime(c.start), h.to_datetime(c.end)) for c in inputs.calendar.commitments
    ] == [(at(6, "23:30"), at(7, "00:00"))]
