"""VTIMEZONE generation: every instant a client computes from it must equal zoneinfo's.

The check goes through text, as a client's does: a VCALENDAR holding the VTIMEZONE and one
VEVENT per sample wall time is written, parsed back with icalendar, and the parsed VTIMEZONE
is turned into a tzinfo of its own (``to_tz(lookup_tzid=False)``, which builds it with
dateutil's tzical from the component instead of looking the TZID up in zoneinfo).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event, Timezone

from brainfit_solver.core.errors import TimeZoneError
from brainfit_solver.outputs.vtimezone import vtimezone

UTC = dt.UTC
DTSTAMP = dt.datetime(2026, 1, 1, tzinfo=UTC)

ZONES_AND_RANGES = [
    pytest.param("Europe/Berlin", dt.date(2026, 10, 19), dt.date(2026, 10, 25), id="berlin"),
    pytest.param("America/New_York", dt.date(2026, 11, 2), dt.date(2026, 11, 8), id="new-york"),
    pytest.param("Australia/Sydney", dt.date(2026, 3, 30), dt.date(2026, 4, 5), id="sydney-south"),
    pytest.param(
        "Australia/Adelaide", dt.date(2026, 9, 28), dt.date(2026, 10, 4), id="adelaide-half"
    ),
    pytest.param(
        "Australia/Lord_Howe", dt.date(2026, 4, 1), dt.date(2026, 4, 7), id="lord-howe-30min"
    ),
    pytest.param("America/St_Johns", dt.date(2026, 3, 2), dt.date(2026, 3, 8), id="st-johns-half"),
    pytest.param("Europe/Dublin", dt.date(2026, 3, 23), dt.date(2026, 3, 29), id="dublin-negative"),
    pytest.param("Africa/Casablanca", dt.date(2026, 2, 9), dt.date(2026, 3, 22), id="casablanca"),
    pytest.param(
        "Europe/Moscow", dt.date(2011, 3, 21), dt.date(2014, 10, 26), id="moscow-2011-2014"
    ),
    pytest.param(
        "America/Sao_Paulo", dt.date(2018, 11, 1), dt.date(2019, 11, 1), id="sao-paulo-end"
    ),
    pytest.param("Pacific/Apia", dt.date(2011, 12, 26), dt.date(2011, 12, 31), id="apia-lost-day"),
    pytest.param("Asia/Kolkata", dt.date(2026, 10, 19), dt.date(2026, 10, 25), id="kolkata"),
    pytest.param("Asia/Tokyo", dt.date(2026, 10, 19), dt.date(2026, 10, 25), id="tokyo"),
    pytest.param("UTC", dt.date(2026, 10, 19), dt.date(2026, 10, 25), id="utc"),
]


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _covered(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """A year either side of the range, as vtimezone promises (29 Feb has no twin: use 28)."""
    return (
        first.replace(year=first.year - 1, day=min(first.day, 28)),
        last.replace(year=last.year + 1, day=min(last.day, 28)),
    )


def _change_days(zone: ZoneInfo, first: dt.date, last: dt.date) -> list[dt.date]:
    """Days whose noon UTC has another offset than the next day's: a change lies between.

    Found from zoneinfo alone, without the scan in vtimezone.py, so the two do not share a bug.
    """

    def offset(day: dt.date) -> dt.timedelta | None:
        return (
            dt.datetime(day.year, day.month, day.day, 12, tzinfo=UTC).astimezone(zone).utcoffset()
        )

    return [day for day in _days(first, last) if offset(day) != offset(day + dt.timedelta(days=1))]


def _sample_instants(zone: ZoneInfo, first: dt.date, last: dt.date) -> list[dt.datetime]:
    """Every quarter hour (and the second before it) across each change, plus weekly noons."""
    instants = [
        dt.datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        for day in _days(first, last)
        if day.weekday() == 0
    ]
    for day in _change_days(zone, first, last):
        noon = dt.datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        for quarter in range(24 * 4 + 1):
            instant = noon + dt.timedelta(minutes=15 * quarter)
            instants += [instant - dt.timedelta(seconds=1), instant]
    return instants


def _unambiguous(wall: dt.datetime, zone: ZoneInfo) -> bool:
    """A wall time that occurs exactly once: fold changes nothing (not repeated, not skipped)."""
    return (
        wall.replace(tzinfo=zone, fold=0).utcoffset()
        == wall.replace(tzinfo=zone, fold=1).utcoffset()
    )


def _calendar_round_trip(component: Timezone, walls: list[dt.datetime]) -> Calendar:
    """A VCALENDAR with the VTIMEZONE and one event per wall time, written and parsed back."""
    calendar = Calendar()
    calendar.add("PRODID", "-//brainfit-solver//tests//EN")
    calendar.add("VERSION", "2.0")
    calendar.add_component(component)
    tzid = str(component["TZID"])
    for number, wall in enumerate(walls):
        event = Event()
        event.add("UID", f"sample-{number}@brainfit.test")
        event.add("DTSTAMP", DTSTAMP)
        event.add("DTSTART", wall, parameters={"TZID": tzid})
        calendar.add_component(event)
    return Calendar.from_ical(calendar.to_ical())


@pytest.mark.parametrize(("tz_name", "first", "last"), ZONES_AND_RANGES)
def test_wall_times_read_through_the_vtimezone_equal_zoneinfo(
    tz_name: str, first: dt.date, last: dt.date
) -> None:
    zone = ZoneInfo(tz_name)
    start, end = _covered(first, last)
    walls = sorted(
        {
            wall
            for instant in _sample_instants(zone, start, end)
            for wall in (instant.astimezone(zone).replace(tzinfo=None),)
            if _unambiguous(wall, zone)
        }
    )
    parsed = _calendar_round_trip(vtimezone(tz_name, first, last), walls)
    from_component = parsed.timezones[0].to_tz(lookup_tzid=False)
    assert not isinstance(from_component, ZoneInfo)  # the component was read, not the name

    wrong = []
    for event in parsed.walk("VEVENT"):
        wall = event["DTSTART"].dt.replace(tzinfo=None)
        read = wall.replace(tzinfo=from_component).astimezone(UTC)
        expected = wall.replace(tzinfo=zone).astimezone(UTC)
        if read != expected:
            wrong.append((wall, read, expected))
    assert len(walls) > 50
    assert wrong == []


# Samoa skipped 30 December 2011 by moving from -10 to +14; as a DST amount that is a whole
# day, which Python's tzinfo refuses, so dateutil cannot even be asked about that zone.
DATEUTIL_CAN_HOLD = [zone for zone in ZONES_AND_RANGES if zone.id != "apia-lost-day"]


@pytest.mark.parametrize(("tz_name", "first", "last"), DATEUTIL_CAN_HOLD)
def test_utc_instants_get_zoneinfo_offset_to_the_second_around_each_change(
    tz_name: str, first: dt.date, last: dt.date
) -> None:
    zone = ZoneInfo(tz_name)
    start, end = _covered(first, last)
    parsed = Calendar.from_ical(vtimezone(tz_name, first, last).to_ical())
    assert isinstance(parsed, Timezone)
    from_component = parsed.to_tz(lookup_tzid=False)

    wrong = [
        (
            instant,
            instant.astimezone(from_component).utcoffset(),
            instant.astimezone(zone).utcoffset(),
        )
        for instant in _sample_instants(zone, start, end)
        if instant.astimezone(from_component).utcoffset() != instant.astimezone(zone).utcoffset()
    ]
    assert wrong == []


def test_each_sub_component_has_one_onset_and_no_rdate_or_rrule() -> None:
    component = vtimezone("Europe/Berlin", dt.date(2020, 1, 6), dt.date(2026, 10, 25))
    observances = component.subcomponents
    assert len(observances) == 1 + 2 * 9  # the initial one, then 2019 to 2027 with two a year
    for observance in observances:
        assert observance.name in {"STANDARD", "DAYLIGHT"}
        assert "RDATE" not in observance and "RRULE" not in observance
        assert {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME"} <= set(observance)
    assert b"RDATE" not in component.to_ical()


def test_dtstart_is_the_wall_time_before_the_change() -> None:
    """RFC 5545 §3.6.5: DTSTART is local time in TZOFFSETFROM, as in the RFC's own examples."""
    component = vtimezone("Europe/Berlin", dt.date(2026, 10, 19), dt.date(2026, 10, 25))
    onsets = {
        observance["DTSTART"].dt: (
            observance.name,
            observance["TZOFFSETFROM"].td,
            observance["TZOFFSETTO"].td,
            str(observance["TZNAME"]),
        )
        for observance in component.subcomponents
    }
    hour = dt.timedelta(hours=1)
    assert onsets[dt.datetime(2026, 3, 29, 2)] == ("DAYLIGHT", hour, 2 * hour, "CEST")
    assert onsets[dt.datetime(2026, 10, 25, 3)] == ("STANDARD", 2 * hour, hour, "CET")


def test_range_reaches_a_year_before_first_and_after_last() -> None:
    component = vtimezone("America/New_York", dt.date(2026, 11, 2), dt.date(2026, 11, 8))
    starts = sorted(observance["DTSTART"].dt for observance in component.subcomponents)
    assert starts[0] <= dt.datetime(2025, 11, 2)
    assert dt.datetime(2025, 3, 9, 2) in starts  # the spring before the year before
    assert dt.datetime(2027, 11, 7, 2) in starts  # the autumn of the year after


def test_first_observance_is_the_change_that_began_the_offset_in_force_at_the_start() -> None:
    """Sydney is on summer time on 1 January 2025: the first sub-component is October 2024's
    change into it, with a real TZOFFSETFROM, not a made-up one equal to TZOFFSETTO."""
    component = vtimezone("Australia/Sydney", dt.date(2026, 3, 30), dt.date(2026, 4, 5))
    initial = component.subcomponents[0]
    assert initial.name == "DAYLIGHT"
    assert initial["DTSTART"].dt == dt.datetime(2024, 10, 6, 2)
    assert initial["TZOFFSETFROM"].td == dt.timedelta(hours=10)
    assert initial["TZOFFSETTO"].td == dt.timedelta(hours=11)
    assert str(initial["TZNAME"]) == "AEDT"


@pytest.mark.parametrize(
    ("tz_name", "forward"),
    [("Europe/Dublin", "IST"), ("Africa/Casablanca", "+01"), ("Europe/Moscow", "MSK")],
)
def test_daylight_marks_the_changes_that_move_clocks_forward(tz_name: str, forward: str) -> None:
    """Whatever zoneinfo's DST flag says (negative in Dublin and Casablanca, absent in Moscow
    2011), so that dateutil's DST amount, TZOFFSETTO − TZOFFSETFROM, is positive."""
    component = vtimezone(tz_name, dt.date(2011, 3, 21), dt.date(2011, 3, 27))
    changes = [o for o in component.subcomponents if o["TZOFFSETFROM"].td != o["TZOFFSETTO"].td]
    assert changes
    for observance in changes:
        moves_forward = observance["TZOFFSETTO"].td > observance["TZOFFSETFROM"].td
        assert (observance.name == "DAYLIGHT") == moves_forward
    assert forward in {str(o["TZNAME"]) for o in changes if o.name == "DAYLIGHT"}


@pytest.mark.parametrize("tz_name", ["UTC", "Asia/Tokyo", "Asia/Kolkata"])
def test_zone_without_changes_gets_a_single_standard(tz_name: str) -> None:
    component = vtimezone(tz_name, dt.date(2026, 10, 19), dt.date(2026, 10, 25))
    assert str(component["TZID"]) == tz_name
    [observance] = component.subcomponents
    assert observance.name == "STANDARD"
    offset = dt.datetime(2026, 10, 19, tzinfo=ZoneInfo(tz_name)).utcoffset()
    assert observance["TZOFFSETFROM"].td == observance["TZOFFSETTO"].td == offset


def test_same_bytes_for_every_week_of_a_year() -> None:
    """Files exported for different weeks then carry identical definitions of one TZID."""
    january = vtimezone("Europe/Berlin", dt.date(2026, 1, 5), dt.date(2026, 1, 11))
    december = vtimezone("Europe/Berlin", dt.date(2026, 12, 21), dt.date(2026, 12, 27))
    assert january.to_ical() == december.to_ical()


def test_unknown_zone_is_a_time_zone_error() -> None:
    with pytest.raises(TimeZoneError, match="Mars/Olympus_Mons"):
        vtimezone("Mars/Olympus_Mons", dt.date(2026, 1, 5), dt.date(2026, 1, 11))


def test_last_before_first_is_refused() -> None:
    with pytest.raises(ValueError, match="before first"):
        vtimezone("Europe/Berlin", dt.date(2026, 1, 11), dt.date(2026, 1, 5))
