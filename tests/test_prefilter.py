"""The text pre-filter for big calendars changes nothing but the time it takes.

Every test compares a calendar loaded whole with the same calendar loaded for the planned
days (``dates``, so ``prefilter`` leaves events out): the weeks read, the zone hint and the
newest stamp must be identical, and so must the error of a bad file.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from brainfit_solver import api
from brainfit_solver.calendars.prefilter import prefilter
from brainfit_solver.calendars.reading import LoadedCalendar, load_calendar, week_from_calendars
from brainfit_solver.calendars.synth import synthetic_calendar
from brainfit_solver.core.domain import CalendarWeek
from brainfit_solver.core.errors import CalendarError, InputError, TimeZoneError
from brainfit_solver.core.timegrid import Horizon, parse_week, zone
from brainfit_solver.rules.profile import BusyPolicy, Profile, StudyRecognition

CALENDARS = Path(__file__).parent / "calendars"
EXAMPLES = Path(__file__).parent.parent / "examples"
WEEKS = ("2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W49", "2012-W02")
ZONES = ("Europe/Berlin", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/New_York")
BUSY = BusyPolicy(all_day=True, tentative=True)


def week_of(loaded: LoadedCalendar, monday: dt.date, tz: str) -> CalendarWeek:
    horizon = Horizon(zone(tz), monday)
    return week_from_calendars([loaded], horizon, study=StudyRecognition(), busy=BUSY)


def outcome(path: Path, monday: dt.date, *, filtered: bool) -> object:
    """What reading the week of ``monday`` gives: the week and facts, or the error."""
    dates = (monday, monday + dt.timedelta(days=6)) if filtered else None
    try:
        loaded = load_calendar(path, dates=dates)
        week = week_of(loaded, monday, "Europe/Berlin")
    except InputError as exc:
        return type(exc).__name__, exc.render()
    return week, loaded.zone_hint, loaded.latest_stamp


def assert_same(path: Path, monday: dt.date, days: int = 7) -> None:
    dates = (monday, monday + dt.timedelta(days=days - 1))
    whole = load_calendar(path)
    filtered = load_calendar(path, dates=dates)
    assert (filtered.zone_hint, filtered.latest_stamp) == (whole.zone_hint, whole.latest_stamp)
    for tz in ZONES:
        for k in range(days // 7):
            week = monday + dt.timedelta(weeks=k)
            assert week_of(filtered, week, tz) == week_of(whole, week, tz), (path, week, tz)


# --- every calendar of the test suite ------------------------------------------------------

GOOD = sorted(CALENDARS.glob("*.ics")) + sorted(EXAMPLES.glob("*/*.ics"))
BAD = sorted((CALENDARS / "bad").glob("*.ics"))


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
@pytest.mark.parametrize("week", WEEKS)
def test_filtering_reads_the_same_week_from_every_test_calendar(path: Path, week: str) -> None:
    assert_same(path, parse_week(week))


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_filtering_for_three_weeks_reads_each_of_them_the_same(path: Path) -> None:
    assert_same(path, parse_week("2026-W45"), days=21)


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
@pytest.mark.parametrize("week", ["2026-W46", "2030-W01"])
def test_bad_calendars_fail_the_same_with_the_filter(path: Path, week: str) -> None:
    monday = parse_week(week)
    assert outcome(path, monday, filtered=True) == outcome(path, monday, filtered=False)


def test_a_week_outside_the_filtered_days_is_read_from_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "two-weeks.ics"
    path.write_text(
        HEAD + "BEGIN:VEVENT\r\nUID:a@tests\r\nDTSTART:20261110T100000Z\r\n"
        "DTEND:20261110T110000Z\r\nSUMMARY:this week\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b@tests\r\nDTSTART:20261125T100000Z\r\n"
        "DTEND:20261125T110000Z\r\nSUMMARY:in two weeks\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    monday = parse_week("2026-W46")
    filtered = load_calendar(path, dates=(monday, monday + dt.timedelta(days=6)))
    assert filtered.dates is not None and len(filtered.calendar.walk("VEVENT")) == 1
    later = monday + dt.timedelta(weeks=2)
    assert [c.summary for c in week_of(filtered, later, "UTC").commitments] == ["in two weeks"]


# --- calendars made to be hard for the filter ----------------------------------------------

HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//brainfit tests//prefilter//EN\r\n"
BERLIN_VTIMEZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\n"
    "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
)
FORMS = ("utc", "berlin", "new_york", "floating", "date")


def value(moment: dt.datetime, form: str) -> tuple[str, str]:
    """(parameters, value) of a DTSTART-like property in one of the forms."""
    if form == "utc":
        return "", moment.strftime("%Y%m%dT%H%M%SZ")
    if form == "date":
        return ";VALUE=DATE", moment.strftime("%Y%m%d")
    if form == "floating":
        return "", moment.strftime("%Y%m%dT%H%M%S")
    tzid = "Europe/Berlin" if form == "berlin" else "America/New_York"
    return f";TZID={tzid}", moment.strftime("%Y%m%dT%H%M%S")


def prop(name: str, moment: dt.datetime, form: str) -> str:
    params, text = value(moment, form)
    return f"{name}{params}:{text}"


def vevent(lines: list[str], rnd: random.Random) -> str:
    stamp = dt.datetime(2026, 1, 1) + dt.timedelta(minutes=rnd.randrange(600_000))
    extra = [f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}"]
    if rnd.random() < 0.3:
        extra.append(
            f"LAST-MODIFIED:{stamp + dt.timedelta(days=rnd.randrange(400)):%Y%m%dT%H%M%SZ}"
        )
    if rnd.random() < 0.2:
        extra.append(
            "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:reminder\r\nTRIGGER:-PT15M\r\nEND:VALARM"
        )
    return "BEGIN:VEVENT\r\n" + "\r\n".join(lines + extra) + "\r\nEND:VEVENT\r\n"


def span(rnd: random.Random, start: dt.datetime, form: str) -> list[str]:
    """DTEND, DURATION or nothing, for an event of a random length."""
    if form == "date":
        days = rnd.randrange(1, 12)
        choice = rnd.random()
        if choice < 0.5:
            return [prop("DTEND", start + dt.timedelta(days=days), "date")]
        return [f"DURATION:P{days}D"] if choice < 0.8 else []
    minutes = rnd.choice((15, 60, 90, 600, 1440, 3 * 1440, 9 * 1440))
    choice = rnd.random()
    if choice < 0.6:
        return [prop("DTEND", start + dt.timedelta(minutes=minutes), form)]
    if choice < 0.9:
        return [f"DURATION:PT{minutes}M" if minutes < 1440 else f"DURATION:P{minutes // 1440}D"]
    return []


def tricky_calendar(seed: int, monday: dt.date) -> str:
    """One-off, all-day, multi-day and recurring events around ``monday``, with overrides
    moved in and out of the week, cancelled and duplicated ones, orphans and duplicates."""
    rnd = random.Random(seed)
    base = dt.datetime.combine(monday, dt.time(0))
    parts = [HEAD, BERLIN_VTIMEZONE] if rnd.random() < 0.7 else [HEAD]
    for index in range(rnd.randrange(15, 40)):
        uid = f"ev{index}-{seed}@tests"
        form = rnd.choice(FORMS)
        kind = rnd.random()
        if kind < 0.45:  # one-off, near or far
            start = base + dt.timedelta(days=rnd.randrange(-40, 40), minutes=15 * rnd.randrange(96))
            lines = [f"UID:{uid}", prop("DTSTART", start, form), *span(rnd, start, form)]
            lines.append(f"SUMMARY:one-off {index}")
            parts.append(vevent(lines, rnd))
            if rnd.random() < 0.15:  # the same UID again, elsewhere, a higher SEQUENCE
                other = start + dt.timedelta(days=rnd.randrange(-30, 30))
                again = [f"UID:{uid}", "SEQUENCE:2", prop("DTSTART", other, form)]
                parts.append(vevent([*again, *span(rnd, other, form), "SUMMARY:again"], rnd))
            continue
        if kind < 0.55:  # an orphan override (an invitation to one occurrence)
            start = base + dt.timedelta(days=rnd.randrange(-30, 30), hours=rnd.randrange(24))
            replaced = start + dt.timedelta(days=rnd.randrange(-60, 60))
            lines = [f"UID:{uid}", prop("RECURRENCE-ID", replaced, form)]
            lines += [prop("DTSTART", start, form), *span(rnd, start, form), "SUMMARY:orphan"]
            parts.append(vevent(lines, rnd))
            continue
        parts.append(series(rnd, uid, base, form, index))
    parts.append("END:VCALENDAR\r\n")
    return "".join(parts)


def series(rnd: random.Random, uid: str, base: dt.datetime, form: str, index: int) -> str:
    """A recurring event with EXDATEs and overrides, all as text."""
    start = base + dt.timedelta(days=rnd.randrange(-500, 20), minutes=30 * rnd.randrange(48))
    freq = rnd.choice(("DAILY", "WEEKLY", "WEEKLY", "MONTHLY"))
    rule = f"FREQ={freq};INTERVAL={rnd.choice((1, 1, 2, 3))}"
    bound = rnd.random()
    if bound < 0.35:
        rule += f";COUNT={rnd.randrange(1, 80)}"
    elif bound < 0.7:
        until = start + dt.timedelta(days=rnd.randrange(0, 600))
        rule += f";UNTIL={until:%Y%m%d}" if form == "date" else f";UNTIL={until:%Y%m%dT%H%M%SZ}"
    if freq == "WEEKLY" and rnd.random() < 0.4:
        rule += ";BYDAY=" + ",".join(rnd.sample(["MO", "TU", "WE", "TH", "FR", "SA", "SU"], 2))
    if freq == "MONTHLY" and rnd.random() < 0.3:
        rule += ";BYMONTHDAY=31"
    master = [f"UID:{uid}", prop("DTSTART", start, form), *span(rnd, start, form)]
    master += [f"RRULE:{rule}", f"SUMMARY:series {index}"]
    occurrences = occurrence_starts(master, form)
    for moment in rnd.sample(occurrences, min(len(occurrences), rnd.randrange(3))):
        master.append(prop("EXDATE", moment, form))
    text = vevent(master, rnd)
    for moment in rnd.sample(occurrences, min(len(occurrences), rnd.randrange(5))):
        for version in range(rnd.choice((1, 1, 2))):
            moved = moment + dt.timedelta(days=rnd.randrange(-60, 60), hours=rnd.randrange(-3, 4))
            if rnd.random() < 0.3:  # moved into the planned week
                moved = base + dt.timedelta(days=rnd.randrange(7), hours=rnd.randrange(8, 20))
            lines = [f"UID:{uid}", f"SEQUENCE:{rnd.randrange(4) + version}"]
            range_ = ";RANGE=THISANDFUTURE" if rnd.random() < 0.03 else ""
            params, text_value = value(moment, form)
            lines.append(f"RECURRENCE-ID{params}{range_}:{text_value}")
            lines += [prop("DTSTART", moved, form), *span(rnd, moved, form)]
            if rnd.random() < 0.2:
                lines.append("STATUS:CANCELLED")
            lines.append(f"SUMMARY:override {index}.{version}")
            text += vevent(lines, rnd)
    return text


def occurrence_starts(master: list[str], form: str) -> list[dt.datetime]:
    """Naive starts of the series' occurrences (up to 100), to aim overrides at."""
    text = HEAD + BERLIN_VTIMEZONE + vevent(master, random.Random(0)) + "END:VCALENDAR\r\n"
    calendar = icalendar.Calendar.from_ical(text)
    found: list[dt.datetime] = []
    query = recurring_ical_events.of(calendar)
    for occurrence in query.between(dt.datetime(2020, 1, 1), dt.datetime(2031, 1, 1)):
        start = occurrence["DTSTART"].dt
        if not isinstance(start, dt.datetime):
            start = dt.datetime.combine(start, dt.time(0))
        elif start.tzinfo is not None and form == "utc":
            start = start.astimezone(dt.UTC).replace(tzinfo=None)
        found.append(start.replace(tzinfo=None))
        if len(found) == 100:
            break
    return found


@pytest.mark.parametrize("seed", range(30))
def test_filtering_reads_the_same_week_from_tricky_calendars(tmp_path: Path, seed: int) -> None:
    monday = parse_week("2026-W46")
    path = tmp_path / f"tricky-{seed}.ics"
    path.write_text(tricky_calendar(seed, monday), encoding="utf-8")
    assert_same(path, monday)
    assert_same(path, monday + dt.timedelta(weeks=1), days=14)


def test_tricky_calendars_do_lose_events_to_the_filter() -> None:
    """The equivalence above is not vacuous: most events are left out."""
    monday = parse_week("2026-W46")
    filtered = prefilter(tricky_calendar(0, monday), monday, monday + dt.timedelta(days=6))
    assert filtered is not None and filtered.dropped >= 5


@pytest.mark.parametrize("seed", range(4))
def test_filtering_reads_the_same_week_from_synthetic_calendars(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "synth.ics"
    path.write_bytes(synthetic_calendar(seed, busy_events=60, study_blocks=6, week="2026-W46"))
    for week in ("2026-W45", "2026-W46", "2026-W47"):
        assert_same(path, parse_week(week))


# --- errors --------------------------------------------------------------------------------


def old_events(count: int) -> str:
    return "".join(
        f"BEGIN:VEVENT\r\nUID:old{i}@tests\r\nDTSTAMP:20100101T000000Z\r\n"
        f"DTSTART:2010{1 + i % 12:02d}{1 + i % 28:02d}T100000Z\r\n"
        f"DTEND:2010{1 + i % 12:02d}{1 + i % 28:02d}T110000Z\r\nSUMMARY:old {i}\r\nEND:VEVENT\r\n"
        for i in range(count)
    )


def test_a_malformed_line_in_a_left_out_event_is_still_an_error(tmp_path: Path) -> None:
    text = HEAD + old_events(5).replace("SUMMARY:old 3", "SUMMARY:old 3\r\nRRULE FREQ=DAILY")
    path = tmp_path / "damaged.ics"
    path.write_text(text + "END:VCALENDAR\r\n")
    monday = parse_week("2026-W46")
    with pytest.raises(CalendarError) as caught:
        load_calendar(path, dates=(monday, monday + dt.timedelta(days=6)))
    line = text.split("\r\n").index("RRULE FREQ=DAILY") + 1
    assert caught.value.where == f"line {line}" and "not a content line" in caught.value.message


def test_a_broken_value_after_left_out_events_names_its_line_in_the_file(tmp_path: Path) -> None:
    broken = (
        "BEGIN:VEVENT\r\nUID:now@tests\r\nDTSTAMP:20261101T000000Z\r\n"
        "DTSTART:20261110T100000Z\r\nDTEND:20261110T110000Z\r\n"
        "RRULE:FREQ=WEEKLY;BYDAY=XX\r\nSUMMARY:now\r\nEND:VEVENT\r\n"
    )
    text = HEAD + old_events(30) + broken + "END:VCALENDAR\r\n"
    path = tmp_path / "broken.ics"
    path.write_text(text)
    monday = parse_week("2026-W46")
    errors = []
    for dates in (None, (monday, monday + dt.timedelta(days=6))):
        with pytest.raises(CalendarError) as caught:
            load_calendar(path, dates=dates)
        errors.append(caught.value.render())
    assert errors[0] == errors[1]
    assert (
        f"line {text.split(chr(13) + chr(10)).index('RRULE:FREQ=WEEKLY;BYDAY=XX') + 1}" in errors[0]
    )


def test_an_unknown_tzid_in_a_left_out_event_is_still_reported(tmp_path: Path) -> None:
    text = HEAD + old_events(3).replace(
        "DTSTART:20100202T100000Z", "DTSTART;TZID=Mars/Olympus:20100202T100000"
    )
    path = tmp_path / "mars.ics"
    path.write_text(text + "END:VCALENDAR\r\n")
    monday = parse_week("2026-W46")
    with pytest.raises(TimeZoneError) as caught:
        load_calendar(path, dates=(monday, monday + dt.timedelta(days=6)))
    line = text.split("\r\n").index("DTSTART;TZID=Mars/Olympus:20100202T100000") + 1
    assert "Mars/Olympus" in caught.value.message and caught.value.where == f"line {line}"


# --- the planned days, as api.load_inputs knows them ---------------------------------------


@pytest.mark.parametrize("tz", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin"])
def test_the_default_week_is_covered_in_every_zone(
    tmp_path: Path, tz: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --week the loader cannot know the zone yet; the range it filters for covers
    the next full week wherever the user is (SOURCE_DATE_EPOCH is a Wednesday here)."""
    path = tmp_path / "tricky.ics"
    path.write_text(tricky_calendar(7, parse_week("2026-W48")))
    profile = Profile(timezone=tz)
    filtered = api.load_inputs([path], profile=profile)
    monkeypatch.setattr(api, "_planned_dates", lambda week, weeks: None)
    whole = api.load_inputs([path], profile=profile)
    assert filtered.horizon == whole.horizon and filtered.calendar == whole.calendar
    assert filtered.loaded[0].dates is not None


@pytest.mark.parametrize("epoch", [1795000000, 1795000000 + 4 * 86400 + 50000])
def test_the_planned_dates_hold_next_week_for_every_zone(
    epoch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    dates = api._planned_dates(None, 1)
    assert dates is not None
    for tz in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "Etc/GMT+12", "Etc/GMT-14", "UTC"):
        monday = api.next_full_week(api.today(tz))
        assert dates[0] <= monday and monday + dt.timedelta(days=6) <= dates[1]


def test_several_weeks_are_covered_when_asked_for() -> None:
    first, last = api._planned_dates("2026-W49", 4) or (None, None)
    # From the week before (its imported BrainFit sessions are seam context) to the last.
    assert (first, last) == (dt.date(2026, 11, 23), dt.date(2026, 12, 27))
    assert api._planned_dates("2026-W99", 1) is None  # reported later, as ever
