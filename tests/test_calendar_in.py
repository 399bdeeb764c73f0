"""Reading calendars: each test pins one rule of calendar_in on a calendar as a client exports it.

Minutes are minutes of the horizon (0 = Monday 00:00 local); the comment next to each expected
tuple gives the local wall-clock time it stands for.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brainfit_solver.calendars.reading import (
    LoadedCalendar,
    load_calendar,
    read_calendars,
    week_from_calendars,
    zone_hint,
)
from brainfit_solver.core.domain import CalendarWeek
from brainfit_solver.core.errors import CalendarError, TimeZoneError
from brainfit_solver.core.timegrid import Horizon, parse_week, zone
from brainfit_solver.rules.profile import DEFAULT_STUDY_PATTERN, BusyPolicy, StudyRecognition

CALENDARS = Path(__file__).parent / "calendars"
EXAMPLES = Path(__file__).parent.parent / "examples"
BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
MON, TUE, WED, THU, FRI, SAT, SUN = (day * 1440 for day in range(7))


def horizon(week: str, tz: str = BERLIN) -> Horizon:
    return Horizon(zone(tz), parse_week(week))


def read(
    name: str,
    week: str,
    tz: str = BERLIN,
    *,
    study: StudyRecognition | None = None,
    busy: BusyPolicy | None = None,
) -> CalendarWeek:
    return read_calendars(
        [CALENDARS / name],
        horizon(week, tz),
        study=study or StudyRecognition(),
        busy=busy or BusyPolicy(),
    )


def spans(week: CalendarWeek) -> list[tuple[int, int, str]]:
    return [(c.start, c.end, c.summary) for c in week.commitments]


# --- recurrence ----------------------------------------------------------------------------


def test_exdate_removes_the_cancelled_lecture() -> None:
    week = read("weekly_lecture_exdate_and_moved.ics", "2026-W46")
    summaries = [(c.start, c.summary) for c in week.commitments]
    assert (MON + 615, "Lineare Algebra für Informatik (Vorlesung)") not in summaries  # Mon 10:15


def test_recurrence_id_moves_the_thursday_lecture_to_friday() -> None:
    assert spans(read("weekly_lecture_exdate_and_moved.ics", "2026-W46")) == [
        (FRI + 855, FRI + 945, "Lineare Algebra für Informatik (Vorlesung)"),  # Fri 14:15-15:45
    ]


def test_weekly_lecture_is_back_to_normal_the_week_after() -> None:
    assert spans(read("weekly_lecture_exdate_and_moved.ics", "2026-W47")) == [
        (MON + 615, MON + 705, "Lineare Algebra für Informatik (Vorlesung)"),  # Mon 10:15
        (THU + 615, THU + 705, "Lineare Algebra für Informatik (Vorlesung)"),  # Thu 10:15
    ]


def test_nextcloud_overrides_move_cancel_and_add_occurrences() -> None:
    assert spans(read("nextcloud_recurrence_overrides.ics", "2026-W46")) == [
        (MON + 600, MON + 660, "Teammeeting"),  # Mon 10:00; Fri is cancelled by override
        (TUE + 1140, TUE + 1260, "Chorprobe"),  # every other Tuesday (INTERVAL=2, COUNT=10)
        (WED + 840, WED + 900, "Teammeeting (verschoben)"),  # Wed 10:00 moved to 14:00
        (THU + 960, THU + 1020, "Elternsprechtag"),  # RDATE Thu 16:00
    ]


def test_interval_two_series_skips_the_odd_week() -> None:
    week = read("nextcloud_recurrence_overrides.ics", "2026-W47")
    assert "Chorprobe" not in {c.summary for c in week.commitments}


def test_one_loaded_calendar_reads_several_weeks() -> None:
    loaded = [load_calendar(CALENDARS / "weekly_lecture_exdate_and_moved.ics")]
    study, busy = StudyRecognition(), BusyPolicy()
    weeks = [
        week_from_calendars(loaded, horizon(week), study=study, busy=busy)
        for week in ("2026-W46", "2026-W47")
    ]
    assert [len(week.commitments) for week in weeks] == [1, 2]


@pytest.mark.timeout(60)  # expanding from 2012 on would not end; benchmarks/bench_guards.py
def test_endless_series_started_years_ago_expands_only_the_horizon() -> None:
    week = read("bad/endless_rrule.ics", "2026-W46")
    standups = [c for c in week.commitments if c.summary == "Stand-up"]
    daily = [(day * 1440 + 555, day * 1440 + 570) for day in range(7)]  # 09:15-09:30
    assert [(c.start, c.end) for c in standups] == daily  # a daily series since 2012
    assert (MON + 1080, MON + 1140, "Stammtisch") in spans(week)  # weekly since 2002


# --- times and zones -----------------------------------------------------------------------


def test_x_wr_timezone_keeps_utc_series_at_local_wall_time() -> None:
    week = read("google_xwr_timezone_recurring.ics", "2026-W45")
    assert spans(week) == [
        (TUE + 1110, TUE + 1200, "Spanischkurs"),  # TZID series, Tue 18:30-20:00
        (WED + 1140, WED + 1260, "Chor-Probe"),  # UTC series from summer: still 19:00 in CET
        (THU + 960, THU + 1005, "Physio"),  # 15:00Z = 16:00 CET
    ]
    assert week.zone_hint == BERLIN


def test_windows_zone_names_map_to_iana() -> None:
    week = read("outlook_windows_zone_names.ics", "2026-W47")
    assert [(s, e, n) for s, e, n in spans(week) if n != "Daily Stand-up"] == [
        (TUE + 1020, TUE + 1080, "Sync with Seattle team"),  # 08:00 Pacific = 17:00 Berlin
        (THU + 840, THU + 870, "1:1 mit Sabine"),  # 14:00 W. Europe Standard Time
        (FRI, SAT, "Urlaub"),  # all-day, Outlook OOF
    ]
    weekdays_at_nine = [day * 1440 + 540 for day in range(5)]  # series from September
    assert [s for s, _, n in spans(week) if n == "Daily Stand-up"] == weekdays_at_nine
    assert week.zone_hint == BERLIN  # the most used TZID, 'W. Europe Standard Time'


def test_windows_zone_name_without_vtimezone_is_resolved() -> None:
    week = read("exchange_invite_windows_zone_without_vtimezone.ics", "2026-W47")
    assert spans(week) == [(WED + 1020, WED + 1080, "Pipeline review")]  # 11:00 EST
    assert week.zone_hint == NEW_YORK


def test_iana_tzid_without_vtimezone_is_resolved() -> None:
    assert spans(read("university_timetable_tzid_without_vtimezone.ics", "2026-W46")) == [
        (TUE + 555, TUE + 645, "Algorithmen und Datenstrukturen 1"),
        (THU + 795, THU + 885, "Algorithmen und Datenstrukturen 1 (Übung)"),
    ]


def test_apple_vtimezone_events_in_two_zones() -> None:
    week = read("apple_calendar_vtimezone.ics", "2026-W46", NEW_YORK)
    assert spans(week) == [
        (MON + 900, MON + 945, "Pick up Mia from school"),
        (TUE + 1020, TUE + 1070, "Therapy"),
        (WED + 900, WED + 945, "Pick up Mia from school"),
        (FRI + 900, FRI + 945, "Pick up Mia from school"),
        (SAT + 600, SAT + 660, "Call with Grandma"),  # 15:00 London = 10:00 New York
    ]
    assert week.zone_hint == NEW_YORK  # two events in New York, one in London


def test_same_custom_tzid_in_two_files_keeps_each_files_own_definition() -> None:
    files = ["outlook_customized_time_zone_cet.ics", "outlook_customized_time_zone_est.ics"]
    week = read_calendars(
        [CALENDARS / name for name in files],
        horizon("2026-W46"),
        study=StudyRecognition(),
        busy=BusyPolicy(),
    )
    assert spans(week) == [
        (TUE + 600, TUE + 660, "Budgetrunde Berlin"),  # 10:00 at +01:00
        (TUE + 960, TUE + 1020, "Budget review New York"),  # 10:00 at -05:00 = 16:00 Berlin
    ]
    assert week.zone_hint is None  # 'Customized Time Zone' names no IANA zone


def test_floating_times_are_read_in_the_horizon_zone() -> None:
    berlin = read("thunderbird_floating_and_allday.ics", "2026-W46", BERLIN)
    new_york = read("thunderbird_floating_and_allday.ics", "2026-W46", NEW_YORK)
    dentist = (WED + 510, WED + 560, "Zahnarzt")  # 08:30-09:20 wherever the person is
    assert dentist in spans(berlin)
    assert dentist in spans(new_york)


def test_globally_unique_mozilla_tzid_is_read_as_its_iana_zone() -> None:
    week = read("thunderbird_floating_and_allday.ics", "2026-W46", NEW_YORK)
    assert (THU + 810, THU + 900, "Elternabend") in spans(week)  # 19:30 Berlin = 13:30 NY
    assert week.zone_hint == BERLIN


def test_dst_end_in_berlin_gives_sunday_25_hours() -> None:
    week = read("dst_berlin_october.ics", "2026-W43")
    assert horizon("2026-W43").minutes == 7 * 1440 + 60
    assert spans(week) == [
        (MON + 495, MON + 585, "Vorlesung Physiologie"),  # Mon 08:15, series from CEST
        (SAT + 1320, SUN + 420, "Nachtdienst Klinikum"),  # Sat 22:00 - Sun 06:00 is 9 hours
        (SUN + 720, SUN + 840, "Brunch mit Jana"),  # Sun 11:00 CET is 12 hours after midnight
        (SUN + 1020, 7 * 1440 + 60, "Flug LH 400 nach New York"),  # 15:00Z, clipped at the end
    ]


def test_dst_start_in_berlin_gives_sunday_23_hours() -> None:
    week = read("dst_berlin_march.ics", "2026-W13")
    assert horizon("2026-W13").minutes == 7 * 1440 - 60
    assert spans(week) == [
        (SAT + 1320, SUN + 300, "Nachtdienst Klinikum"),  # Sat 22:00 - Sun 06:00 is 7 hours
        (SUN + 540, SUN + 630, "Frühstück mit Oma"),  # Sun 10:00 CEST is 9 hours after midnight
    ]


def test_dst_end_in_new_york_and_the_repeated_hour() -> None:
    week = read("dst_new_york_november.ics", "2026-W44", NEW_YORK)
    assert spans(week) == [
        (MON + 600, MON + 660, "Team sync"),
        (SAT + 1200, SUN + 210, "Bartending shift (Halloween)"),  # ends 02:30 EST, 3.5 h later
        (SUN + 90, SUN + 105, "Night bus home"),  # 01:30 is ambiguous: the first (EDT) is used
        (SUN + 780, SUN + 900, "Sunday lunch at Nonna's"),  # 12:00 EST
    ]


def test_multi_day_events_and_horizon_edges_are_clipped() -> None:
    assert spans(read("multi_day_and_midnight.ics", "2026-W46")) == [
        (0, MON + 480, "Wochenende an der Ostsee"),  # began Friday before, clipped at Mon 00:00
        (TUE + 540, THU + 1050, "Konferenz: DevOpsDays Berlin"),  # Tue 09:00 - Thu 17:30
        (FRI + 719, FRI + 751, "Telefonat mit der Versicherung"),  # 11:59:45-12:30:30 widened
        (SAT + 1310, SUN + 555, "Nachtzug nach Wien"),  # across midnight
        (SUN + 1380, 7 * 1440, "Rückflug aus Wien"),  # clipped at the horizon's end
    ]  # ending exactly at Mon 00:00 and starting next week: dropped


# --- busy or not ---------------------------------------------------------------------------


def test_transparent_is_free_cancelled_is_ignored_tentative_is_busy_by_default() -> None:
    assert spans(read("transparent_cancelled_tentative.ics", "2026-W46")) == [
        (WED + 1200, WED + 1350, "Vielleicht: Kino"),  # STATUS:TENTATIVE
        (THU + 540, THU + 585, "Arzttermin"),
        (FRI + 840, FRI + 960, "Lernblock Statistik"),  # transparent but study
    ]


def test_tentative_is_free_when_the_policy_says_so() -> None:
    week = read("transparent_cancelled_tentative.ics", "2026-W46", busy=BusyPolicy(tentative=False))
    assert "Vielleicht: Kino" not in {c.summary for c in week.commitments}
    invite = read(
        "exchange_invite_windows_zone_without_vtimezone.ics",
        "2026-W47",
        busy=BusyPolicy(tentative=False),
    )
    assert invite.commitments == ()  # Outlook's X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE


def test_transparent_study_block_stays_study_and_busy() -> None:
    (block,) = [
        c
        for c in read("transparent_cancelled_tentative.ics", "2026-W46").commitments
        if c.summary == "Lernblock Statistik"
    ]
    assert block.study


def test_all_day_events_are_free_unless_marked_busy() -> None:
    week = read("thunderbird_floating_and_allday.ics", "2026-W46")
    assert "Tante Inge zu Besuch" not in {c.summary for c in week.commitments}
    assert (SUN, 7 * 1440, "Umzug in die neue Wohnung") in spans(week)  # TRANSP:OPAQUE
    outlook = spans(read("outlook_windows_zone_names.ics", "2026-W47"))
    assert (FRI, SAT, "Urlaub") in outlook  # X-MICROSOFT-CDO-BUSYSTATUS:OOF
    assert "Geburtstag von Anna" not in {name for *_, name in outlook}  # BUSYSTATUS:FREE
    assert "Mamas Geburtstag" not in {
        c.summary for c in read("google_xwr_timezone_recurring.ics", "2026-W45").commitments
    }


def test_all_day_events_are_busy_when_the_policy_says_so() -> None:
    week = read("thunderbird_floating_and_allday.ics", "2026-W46", busy=BusyPolicy(all_day=True))
    assert (FRI, SUN, "Tante Inge zu Besuch") in spans(week)  # Fri and Sat, DTEND exclusive


def test_declined_invitation_is_free_for_the_declining_address() -> None:
    policy = BusyPolicy(declined_addresses=["MAILTO:Lena.Weber@gmail.com"])
    assert spans(read("declined_invitation.ics", "2026-W46", busy=policy)) == [
        (THU + 1140, THU + 1230, "Lesekreis"),  # someone else declined: still busy
        (SAT + 1140, SAT + 1320, "Geburtstagsfeier Tom"),  # not answered yet: busy
    ]


def test_declined_invitation_is_busy_without_declined_addresses() -> None:
    assert (TUE + 600, TUE + 660, "Projekt-Kickoff") in spans(
        read("declined_invitation.ics", "2026-W46")
    )


def test_sessions_of_an_earlier_plan_imported_into_the_calendar_are_not_busy() -> None:
    assert spans(read("google_with_imported_brainfit_sessions.ics", "2026-W46")) == [
        (TUE + 1080, TUE + 1170, "Spanischkurs"),  # the UID@brainfit-solver events are skipped
    ]


def test_freebusy_periods_become_busy_commitments() -> None:
    assert spans(read("freebusy.ics", "2026-W46")) == [
        (MON + 540, MON + 660, "busy (free/busy)"),  # default FBTYPE is BUSY
        (TUE + 780, TUE + 870, "busy (free/busy)"),  # start/duration period
        (WED + 1080, WED + 1140, "busy (free/busy)"),  # BUSY-TENTATIVE
        (SAT + 60, SAT + 420, "busy (free/busy)"),  # BUSY-UNAVAILABLE; FBTYPE=FREE is skipped
    ]


def test_freebusy_tentative_follows_the_policy() -> None:
    week = read("freebusy.ics", "2026-W46", busy=BusyPolicy(tentative=False))
    assert (WED + 1080, WED + 1140, "busy (free/busy)") not in spans(week)


# --- study ---------------------------------------------------------------------------------


def test_study_categories_match_case_insensitively() -> None:
    week = read(
        "university_timetable_tzid_without_vtimezone.ics",
        "2026-W46",
        study=StudyRecognition(categories=["LEHRVERANSTALTUNG"], summary_pattern=None),
    )
    assert all(c.study for c in week.commitments) and len(week.commitments) == 2


def test_study_summary_pattern_is_searched_in_the_summary() -> None:
    week = read("university_timetable_tzid_without_vtimezone.ics", "2026-W46")
    assert [(c.summary, c.study) for c in week.commitments] == [
        ("Algorithmen und Datenstrukturen 1", False),
        ("Algorithmen und Datenstrukturen 1 (Übung)", True),  # 'übung' in the default pattern
    ]
    narrow = read(
        "university_timetable_tzid_without_vtimezone.ics",
        "2026-W46",
        study=StudyRecognition(categories=[], summary_pattern=r"Algorithmen"),
    )
    assert all(c.study for c in narrow.commitments)


def test_study_calendar_makes_every_event_study() -> None:
    week = read_calendars(
        [],
        horizon("2026-W46"),
        study_sources=[CALENDARS / "multi_day_and_midnight.ics"],
        study=StudyRecognition(categories=[], summary_pattern=None),
        busy=BusyPolicy(),
    )
    assert week.commitments and all(c.study for c in week.commitments)


def test_study_calendars_in_the_profile_match_name_or_path() -> None:
    loaded = [load_calendar(CALENDARS / "nextcloud_recurrence_overrides.ics")]
    off = StudyRecognition(categories=[], summary_pattern=None)
    for entry in ("familie", str(CALENDARS / "nextcloud_recurrence_overrides.ics")):
        study = off.model_copy(update={"calendars": [entry]})
        week = week_from_calendars(loaded, horizon("2026-W46"), study=study, busy=BusyPolicy())
        assert all(c.study for c in week.commitments)
    week = week_from_calendars(loaded, horizon("2026-W46"), study=off, busy=BusyPolicy())
    assert not any(c.study for c in week.commitments)


def test_calendar_named_as_both_plain_and_study_is_read_once_as_study() -> None:
    path = CALENDARS / "weekly_lecture_exdate_and_moved.ics"
    week = read_calendars(
        [path],
        horizon("2026-W47"),
        study_sources=[str(path)],
        study=StudyRecognition(categories=[], summary_pattern=None),
        busy=BusyPolicy(),
    )
    assert len(week.commitments) == 2 and all(c.study for c in week.commitments)
    assert week.sources == (str(path),)


# --- the week as a whole -------------------------------------------------------------------


def test_commitments_are_sorted_and_independent_of_file_order() -> None:
    names = ["multi_day_and_midnight.ics", "transparent_cancelled_tentative.ics", "freebusy.ics"]
    paths = [CALENDARS / name for name in names]
    study, busy = StudyRecognition(), BusyPolicy()
    forward = read_calendars(paths, horizon("2026-W46"), study=study, busy=busy)
    backward = read_calendars(paths[::-1], horizon("2026-W46"), study=study, busy=busy)
    assert forward.commitments == backward.commitments
    keys = [(c.start, c.end, c.summary, c.source) for c in forward.commitments]
    assert keys == sorted(keys)


def test_same_source_twice_is_read_once_as_study_if_either_copy_is() -> None:
    path = CALENDARS / "weekly_lecture_exdate_and_moved.ics"
    plain, as_study = load_calendar(path), load_calendar(path, study=True)
    off = StudyRecognition(categories=[], summary_pattern=None)
    week = week_from_calendars([plain, as_study], horizon("2026-W47"), study=off, busy=BusyPolicy())
    assert [c.study for c in week.commitments] == [True, True]
    assert week.sources == (str(path),)


def test_event_imported_twice_is_one_commitment() -> None:
    assert spans(read("duplicated_by_double_import.ics", "2026-W46")) == [
        (THU + 840, THU + 960, "Probeklausur Analysis I"),  # two UIDs, same event
    ]


def test_latest_stamp_is_the_newest_dtstamp_or_last_modified() -> None:
    loaded = load_calendar(CALENDARS / "nextcloud_recurrence_overrides.ics")
    assert loaded.latest_stamp == dt.datetime(2026, 11, 6, 17, 45, 2, tzinfo=dt.UTC)
    week = read_calendars(
        [CALENDARS / "nextcloud_recurrence_overrides.ics", CALENDARS / "freebusy.ics"],
        horizon("2026-W46"),
        study=StudyRecognition(),
        busy=BusyPolicy(),
    )
    assert week.latest_stamp == dt.datetime(2026, 11, 8, 21, 15, tzinfo=dt.UTC)  # freebusy's


def test_zone_hint_is_the_zone_most_events_use_in_any_order() -> None:
    free_busy = load_calendar(CALENDARS / "freebusy.ics")
    apple = load_calendar(CALENDARS / "apple_calendar_vtimezone.ics")
    google = load_calendar(CALENDARS / "google_xwr_timezone_recurring.ics")
    assert free_busy.zone_hint is None
    assert zone_hint([free_busy, apple, google]) == zone_hint([google, free_busy, apple])
    # Berlin 3 events (Google), New York 2 and London 1 (Apple): the most used zone wins.
    assert zone_hint([free_busy, apple, google]) == BERLIN
    assert zone_hint([free_busy]) is None


def test_loaded_calendar_keeps_source_and_study_flag() -> None:
    loaded = load_calendar(str(CALENDARS / "freebusy.ics"), study=True)
    assert isinstance(loaded, LoadedCalendar)
    assert (loaded.source, loaded.study) == (str(CALENDARS / "freebusy.ics"), True)


def test_empty_calendar_has_no_commitments() -> None:
    week = read("bad/empty.ics", "2026-W46")
    assert week.commitments == ()
    assert week.zone_hint == BERLIN


def test_broken_property_the_planner_does_not_read_is_ignored() -> None:
    assert spans(read("bad/broken_geo_is_harmless.ics", "2026-W46")) == [
        (WED + 1020, WED + 1110, "Hallendienst U16"),
    ]


# --- bad input -----------------------------------------------------------------------------


def error_of(path: Path | str) -> CalendarError:
    with pytest.raises(CalendarError) as caught:
        load_calendar(path)
    return caught.value


def test_truncated_file_is_a_clear_calendar_error() -> None:
    error = error_of(CALENDARS / "bad/truncated.ics")
    assert "truncated" in error.message and "BEGIN:VEVENT (opened at line 17)" in error.message
    assert error.file == str(CALENDARS / "bad/truncated.ics")


def test_html_page_is_not_icalendar() -> None:
    error = error_of(CALENDARS / "bad/not_icalendar.ics")
    assert error.message.startswith("not an iCalendar file")
    assert error.fix is not None and "BEGIN:VCALENDAR" in error.fix


def test_latin1_bytes_are_refused_with_their_line() -> None:
    error = error_of(CALENDARS / "bad/latin1_bytes.ics")
    assert "not UTF-8" in error.message and error.where == "line 7"
    assert error.fix is not None and "iconv" in error.fix


def test_line_without_colon_names_its_line_number() -> None:
    # The rest of an EXDATE list that lost the space marking it as a continuation: which
    # lectures are cancelled cannot be read, so the file is refused (a lost fold in a
    # DESCRIPTION is read with a warning: test_faults_that_do_not_change_busy_time).
    error = error_of(CALENDARS / "bad/line_without_colon.ics")
    assert error.where == "line 12" and "'20261125T160000'" in error.message
    assert "rest of the EXDATE line above" in error.message


def test_broken_dtstart_value_names_line_and_event() -> None:
    error = error_of(CALENDARS / "bad/broken_dtstart_value.ics")
    assert error.where == "line 8"
    assert "Training U14 (Hallendienst)" in error.message and "DTSTART" in error.message


def test_dtend_before_dtstart_names_the_event() -> None:
    error = error_of(CALENDARS / "bad/dtend_before_dtstart.ics")
    assert "'Tutorium Theoretische Informatik'" in error.message
    assert "termin-2026-11-12-tutorium@fs-info.example" in error.message
    assert "ends before it starts" in error.message and error.where == "line 6"


def test_unknown_tzid_is_a_time_zone_error_naming_tzid_and_event() -> None:
    with pytest.raises(TimeZoneError) as caught:
        load_calendar(CALENDARS / "bad/unknown_tzid.ics")
    assert "(GMT+01.00) Sarajevo/Warsaw/Zagreb" in caught.value.message
    assert "'Abteilungsrunde'" in caught.value.message and caught.value.where == "line 9"


def test_unknown_x_wr_timezone_is_a_time_zone_error(tmp_path: Path) -> None:
    text = (CALENDARS / "bad/empty.ics").read_text().replace("Europe/Berlin", "Europe/Atlantis")
    (tmp_path / "atlantis.ics").write_text(text)
    with pytest.raises(TimeZoneError) as caught:
        load_calendar(tmp_path / "atlantis.ics")
    assert caught.value.where == "X-WR-TIMEZONE"


def test_missing_file_and_directory_are_calendar_errors(tmp_path: Path) -> None:
    assert "cannot read" in error_of(tmp_path / "missing.ics").message
    assert "cannot read" in error_of(tmp_path).message


def test_empty_file_is_not_icalendar(tmp_path: Path) -> None:
    (tmp_path / "zero.ics").write_bytes(b"")
    assert "it is empty" in error_of(tmp_path / "zero.ics").message


def test_file_over_64_mib_is_refused_before_parsing(tmp_path: Path) -> None:
    huge = tmp_path / "huge.ics"
    with huge.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024 + 1)
    assert "larger than 64 MiB" in error_of(huge).message


@pytest.mark.parametrize(
    ("damage", "where", "words"),
    [
        ("END:VEVENT", "line 7", "END:VTODO does not match"),
        ("X-WR-TIMEZONE", "line 11", "declare different time zones"),
        ("BEGIN:VEVENT", "line 10", "lies after END:VCALENDAR"),
    ],
)
def test_damaged_structure_names_the_line(
    tmp_path: Path, damage: str, where: str, words: str
) -> None:
    body = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//hand edited//EN",
        "BEGIN:VEVENT",
        "UID:x@example.org",
        "DTSTART:20261110T090000Z",
        "END:VTODO" if damage == "END:VEVENT" else "END:VEVENT",
        "END:VCALENDAR",
    ]
    if damage == "X-WR-TIMEZONE":  # concatenated calendars whose UTC times mean other zones
        body += ["", "BEGIN:VCALENDAR", "X-WR-TIMEZONE:Europe/Berlin", "END:VCALENDAR"]
    elif damage == "BEGIN:VEVENT":  # an event outside any calendar
        body += ["", "BEGIN:VEVENT", "END:VEVENT"]
    (tmp_path / "damaged.ics").write_text("\r\n".join(body) + "\r\n")
    error = error_of(tmp_path / "damaged.ics")
    assert error.where == where and words in error.message


# --- the bundled examples ------------------------------------------------------------------


def test_student_example_reads_cleanly() -> None:
    week = read_calendars(
        [EXAMPLES / "student/calendar.ics"],
        horizon("2026-W49"),
        study=StudyRecognition(),
        busy=BusyPolicy(),
    )
    assert week.zone_hint == BERLIN
    assert len(week.commitments) == 28
    taught = ("Vorlesung", "Übung", "Tutorial", "Lab:")
    blocks = [c for c in week.commitments if c.study and not any(t in c.summary for t in taught)]
    assert len([c for c in week.commitments if c.study]) == 17  # classes match the pattern too
    assert len(blocks) == 8
    summaries = {c.summary for c in week.commitments}
    assert "Seminar: Ethik in der Informatik" not in summaries  # EXDATE this week
    assert (FRI + 600, FRI + 780, "Lab: Rechnerarchitektur") in spans(week)  # moved from Wed


def test_office_example_reads_cleanly() -> None:
    week = read_calendars(
        [EXAMPLES / "office/calendar.ics"],
        horizon("2026-W49", NEW_YORK),
        study=StudyRecognition(),
        busy=BusyPolicy(),
    )
    assert week.zone_hint == NEW_YORK
    assert len(week.commitments) == 23
    assert len([c for c in week.commitments if c.study]) == 5  # "Course:" by CATEGORIES:Study
    assert "Hanukkah" not in {c.summary for c in week.commitments}  # all-day, marked free


# --- properties ----------------------------------------------------------------------------

HYPOTHESIS_HORIZON = horizon("2026-W43")  # holds a DST change, to make edges interesting
ZONES = ("UTC", "floating", "date", BERLIN, NEW_YORK, "Pacific Standard Time")


@st.composite
def vevents(draw: st.DrawFn, index: int) -> str:
    """One VEVENT near the horizon, in any of the value forms the module reads."""
    kind = draw(st.sampled_from(ZONES))
    day = dt.date(2026, 10, 19) + dt.timedelta(days=draw(st.integers(-9, 9)))
    if kind == "date":
        length = draw(st.integers(1, 3))
        times = [
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + dt.timedelta(days=length):%Y%m%d}",
            "TRANSP:OPAQUE",
        ]
    else:
        start = dt.datetime.combine(day, dt.time(0)) + dt.timedelta(
            minutes=draw(st.integers(0, 1439)), seconds=draw(st.sampled_from([0, 0, 30]))
        )
        end = start + dt.timedelta(minutes=draw(st.integers(1, 3 * 1440)))
        suffix, param = {"UTC": ("Z", ""), "floating": ("", "")}.get(kind, ("", f";TZID={kind}"))
        times = [
            f"DTSTART{param}:{start:%Y%m%dT%H%M%S}{suffix}",
            f"DTEND{param}:{end:%Y%m%dT%H%M%S}{suffix}",
        ]
    if draw(st.booleans()):
        times.append(f"RRULE:FREQ=DAILY;INTERVAL={draw(st.integers(1, 3))};COUNT=5")
    category = draw(st.sampled_from(["", "CATEGORIES:Study", "CATEGORIES:Work"]))
    return "\r\n".join(
        ["BEGIN:VEVENT", f"UID:event-{index}@hypothesis.example", "DTSTAMP:20261001T000000Z"]
        + times
        + ([category] if category else [])
        + [f"SUMMARY:Event {index}", "END:VEVENT"]
    )


@st.composite
def calendars(draw: st.DrawFn) -> list[str]:
    count = draw(st.integers(0, 8))
    return [draw(vevents(index)) for index in range(count)]


def week_of(events: list[str], folder: Path, name: str) -> CalendarWeek:
    path = folder / name
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//hypothesis//EN", *events, "END:VCALENDAR"]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return read_calendars(
        [path], HYPOTHESIS_HORIZON, study=StudyRecognition(), busy=BusyPolicy(all_day=True)
    )


# Derandomized like the other property tests: CI runs the same 150 calendars every time, so
# a run that lands cannot fail on the next checkout by drawing a new one.
@settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(events=calendars(), data=st.data())
def test_random_calendars_stay_inside_the_horizon_and_ignore_event_order(
    events: list[str], data: st.DataObject
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="brainfit-hypothesis-"))
    try:
        week = week_of(events, folder, "calendar.ics")
        shuffled = week_of(data.draw(st.permutations(events)), folder, "calendar.ics")
    finally:
        shutil.rmtree(folder)
    for commitment in week.commitments:
        assert 0 <= commitment.start < commitment.end <= HYPOTHESIS_HORIZON.minutes
    assert shuffled.commitments == week.commitments


@pytest.mark.parametrize(
    "summary",
    ["Blood test at lab", "Yoga class", "Eye exam", "Kids' swim class", "Dental exam", "Reading"],
)
def test_default_study_pattern_does_not_match_ordinary_life(summary: str) -> None:
    assert not re.search(DEFAULT_STUDY_PATTERN, summary)


@pytest.mark.parametrize(
    "summary",
    [
        "Lecture: Linear Algebra",
        "Seminar Ethik",
        "Tutorial Analysis I",
        "Study group",
        "Revision for finals",
        "Exam: Statistics",
        "Final exam Analysis",
        "Lab: Rechnerarchitektur",
        "Vorlesung Algorithmen",
        "Übung Lineare Algebra",
        "Lernblock Analysis",
        "Klausur Mathe",
        "Class: Organic Chemistry",
    ],
)
def test_default_study_pattern_matches_learning(summary: str) -> None:
    assert re.search(DEFAULT_STUDY_PATTERN, summary)
