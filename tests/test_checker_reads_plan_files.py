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

from click.testing import CliRunner

from brainfit_solver.check import read_days_before
from brainfit_solver.cli import main
from brainfit_solver.rules import RuleSet
from brainfit_solver.timegrid import Horizon

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
