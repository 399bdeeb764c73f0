"""`brainfit plan --merge` output read by ical.js (Thunderbird's parser): every user event must
keep the instant it had in its own calendar.

The expected instants are each calendar read on its own with icalendar plus x-wr-timezone (its
floating and UTC times in its X-WR-TIMEZONE, as Google and Apple mean them). ical.js ignores
X-WR-TIMEZONE, so the merged file must carry the zone on every time itself; floating times
would be an error in the harness, not a silently shifted instant. The calendars here all declare
a zone: floating times in a calendar without one have no instant to compare (see
tests/test_merge_calendars.py for those).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import x_wr_timezone
from icalendar import Calendar

from brainfit_solver.outputs.merge import PLAN_UID_SUFFIX, merge_calendars
from brainfit_solver.pipeline import plan_weeks
from support import CALENDARS, Ev, inputs_for

from .consumers import Consumer, Instant, zoneinfo_events

pytestmark = pytest.mark.clients

SOURCES = [
    "merge_xwr_new_york_floating_and_utc.ics",  # first: its header is the merged file's
    "merge_xwr_berlin_floating_and_utc_series.ics",
]


def as_x_wr_timezone_reads(data: bytes) -> list[Instant]:
    calendar = x_wr_timezone.to_standard(Calendar.from_ical(data))
    return sorted(
        Instant(
            str(event["UID"]),
            str(event["SUMMARY"]),
            event.decoded("DTSTART").astimezone(dt.UTC),
            event.decoded("DTEND").astimezone(dt.UTC),
        )
        for event in calendar.walk("VEVENT")
    )


def test_icaljs_reads_every_merged_user_event_at_its_own_calendars_instant(
    tmp_path: Path, icaljs: Consumer
) -> None:
    sources = [(name, (CALENDARS / name).read_bytes()) for name in SOURCES]
    plan = plan_weeks(inputs_for(tmp_path, [Ev(d, "09:00", "12:00", "Lecture") for d in range(5)]))
    merged = tmp_path / "merged.ics"
    merged.write_bytes(merge_calendars(sources, plan.ics))
    expected = sorted(i for _, data in sources for i in as_x_wr_timezone_reads(data))
    read = icaljs(merged)
    assert [i for i in read if not i.uid.endswith(PLAN_UID_SUFFIX)] == expected
    assert read == zoneinfo_events(merged)  # the plan's sessions too, through the VTIMEZONEs
    lecture = next(i for i in read if i.summary == "Lecture")
    assert lecture.start_utc == dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)  # 10:00 in Berlin
