"""VTIMEZONE components that Thunderbird, vobject and CalDAV servers all read as zoneinfo does.

RFC 5545 §3.6.5 lets one STANDARD or DAYLIGHT sub-component stand for many onsets through a
multi-valued RDATE. icalendar's ``Timezone.from_tzinfo`` (and so ``add_missing_timezones``)
writes exactly that, and ical.js 2.2 (Thunderbird), vobject 0.9.9 and Radicale read only the
first date of such an RDATE: every later summer is then shifted by an hour, and the three
clients agree with each other, so comparing clients among themselves does not catch it.

This module writes the one form they all read alike: one sub-component per change of UTC
offset, each with its own DTSTART and no RDATE or RRULE. The changes come from Python's
zoneinfo (the IANA database), found by scanning, because zoneinfo does not expose its list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

from ..core.errors import TimeZoneError

_SCAN_STEP = dt.timedelta(hours=6)
"""A scan this coarse sees every change: the closest two transitions of any zone since 1900 in
the tz database (2026 release) are four days apart (Africa/Freetown, 1939). Each change seen
is then pinned to the second by bisection."""


@dataclass(frozen=True)
class _Onset:
    """The first UTC second at which ``offset_to`` replaces ``offset_from``, and its name."""

    at: dt.datetime
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    name: str


def _offset(tz: ZoneInfo, posix_second: int) -> dt.timedelta:
    offset = dt.datetime.fromtimestamp(posix_second, tz).utcoffset()
    # An aware datetime in a ZoneInfo always has an offset; the check narrows the type.
    assert offset is not None
    return offset


def _name(tz: ZoneInfo, posix_second: int) -> str:
    name = dt.datetime.fromtimestamp(posix_second, tz).tzname()
    assert name is not None
    return name


def _first_second_of(tz: ZoneInfo, lo: int, hi: int) -> int:
    """The first POSIX second in (lo, hi] whose offset differs from the one at ``lo``.

    tz database transitions fall on whole seconds, so bisecting on integers finds the exact
    instant in about fifteen steps for a six-hour window.
    """
    before = _offset(tz, lo)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _offset(tz, mid) == before:
            lo = mid
        else:
            hi = mid
    return hi


@lru_cache(maxsize=32)
def _onsets(tz: ZoneInfo, start: int, end: int) -> tuple[_Onset, ...]:
    """Every change of UTC offset in (start, end], as POSIX seconds, oldest first.

    Remembered (frozen records in a tuple): the scan is a few milliseconds, as much as the
    rest of an export, and every week of a year asks for the same years of the same zone."""
    step = int(_SCAN_STEP.total_seconds())
    onsets: list[_Onset] = []
    current = _offset(tz, start)
    instant = start
    while instant < end:
        probe = min(instant + step, end)
        if _offset(tz, probe) != current:
            at = _first_second_of(tz, instant, probe)
            after = _offset(tz, at)
            moment = dt.datetime.fromtimestamp(at, dt.UTC)
            onsets.append(_Onset(moment, offset_from=current, offset_to=after, name=_name(tz, at)))
            current, probe = after, at
        instant = probe
    return tuple(onsets)


def _sub_component(
    wall_time: dt.datetime, offset_from: dt.timedelta, offset_to: dt.timedelta, name: str
) -> TimezoneStandard | TimezoneDaylight:
    """One observance (RFC 5545 §3.6.5) with a single onset, DAYLIGHT if clocks move forward.

    ``wall_time`` is naive: DTSTART is local time in the offset before the onset
    (TZOFFSETFROM, §3.8.3.3), which is what every client combines it with.

    DAYLIGHT is chosen by the direction of the change, not by zoneinfo's DST flag: dateutil
    (inside vobject, Radicale and icalendar's ``to_tz``) takes TZOFFSETTO − TZOFFSETFROM of a
    DAYLIGHT observance as the DST amount and needs it positive to find the repeated hour
    when clocks go back. zoneinfo calls Irish winter time DST (a negative one) and Moscow's
    2011–2014 offset standard; read that way, dateutil put the hour before those changes on
    the wrong side. Forward changes as DAYLIGHT is also what other VTIMEZONE writers emit.
    """
    component = TimezoneDaylight() if offset_to > offset_from else TimezoneStandard()
    component.add("DTSTART", wall_time)
    component.add("TZOFFSETFROM", offset_from)
    component.add("TZOFFSETTO", offset_to)
    component.add("TZNAME", name)
    return component


def _onset_component(onset: _Onset) -> TimezoneStandard | TimezoneDaylight:
    wall = (onset.at + onset.offset_from).replace(tzinfo=None)
    return _sub_component(wall, onset.offset_from, onset.offset_to, onset.name)


def vtimezone(tz_name: str, first: dt.date, last: dt.date) -> Timezone:
    """A VTIMEZONE for ``tz_name`` that is right for every instant from ``first`` to ``last``.

    It covers whole calendar years, from 1 January of the year before ``first`` to the end of
    the year after ``last``, so the component is at least a year wider than asked on each side
    and is the same for every week of a year: files exported for different weeks carry
    identical definitions under one TZID, and a client merging them finds nothing to reconcile.

    The first sub-component is the change that began the offset in force when the covered
    range starts, found up to a year further back, so that it has a real TZOFFSETFROM (which
    dateutil needs, see `_sub_component`); a zone that kept one offset all that year starts
    with that offset as a STANDARD with TZOFFSETFROM = TZOFFSETTO instead, and a zone that
    never changes in the range (UTC, Asia/Tokyo, Asia/Kolkata) has only that one.

    TZID is ``tz_name`` unchanged (RFC 5545 §3.8.3.1): icalendar writes ``ZoneInfo.key`` as the
    TZID parameter of event datetimes, and ``ZoneInfo(tz_name).key`` is ``tz_name``, so events
    and their VTIMEZONE match. Windows names are not mapped here, since that would change the
    TZID (``UTC`` is both a Windows and an IANA name).

    Raises TimeZoneError for a name zoneinfo does not know, ValueError if ``last < first``.
    """
    if last < first:
        raise ValueError(f"vtimezone: last ({last}) is before first ({first})")
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise TimeZoneError(
            f"unknown time zone {tz_name!r}",
            fix="Use an IANA name such as 'Europe/Berlin' or 'America/New_York'",
        ) from exc
    lookback = int(dt.datetime(first.year - 2, 1, 1, tzinfo=dt.UTC).timestamp())
    start = int(dt.datetime(first.year - 1, 1, 1, tzinfo=dt.UTC).timestamp())
    end = int(dt.datetime(last.year + 2, 1, 1, tzinfo=dt.UTC).timestamp())

    onsets = _onsets(tz, lookback, end)
    earlier = [onset for onset in onsets if onset.at.timestamp() <= start]
    component = Timezone()
    component.add("TZID", tz_name)
    if earlier:
        component.add_component(_onset_component(earlier[-1]))
    else:
        in_force = _offset(tz, start)
        wall = dt.datetime.fromtimestamp(start + int(in_force.total_seconds()), dt.UTC)
        component.add_component(
            _sub_component(wall.replace(tzinfo=None), in_force, in_force, _name(tz, start))
        )
    for onset in onsets[len(earlier) :]:
        component.add_component(_onset_component(onset))
    return component
