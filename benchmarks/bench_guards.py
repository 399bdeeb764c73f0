"""How fast the guards against bad input answer: the times unit tests used to assert.

    python benchmarks/bench_guards.py [--runs 7]

The tests pin what these cases do (the error, the commitments, the conflict) and are bounded
only by the suite's per-test timeout, since a wall-clock assertion fails at random on a loaded
machine. The times are measured here instead, in this process, ``--runs`` times each (the
first run includes imports and caches, so the worst case is the cold one):

- refuse:  a calendar whose RRULE repeats by the second since 2016 (dateutil would walk it for
           hours) is refused with a ``CalendarError``;
- endless: ``tests/calendars/bad/endless_rrule.ics`` (a daily series since 2012, a weekly one
           since 2002, no end) read for one week;
- explain: the whole default protocol in a week busy from 06:30 to 21:30 but for one 40-minute
           gap: the solver calls it impossible and names four separate minimal conflicts.

Prints median and worst seconds per case and the bound each once had in the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from icalendar import Calendar, Event

from brainfit_solver import api, pipeline
from brainfit_solver.calendars.reading import load_calendar, week_from_calendars
from brainfit_solver.core.errors import CalendarError, InfeasibleError
from brainfit_solver.core.timegrid import Horizon, parse_week, zone
from brainfit_solver.rules.profile import BusyPolicy, StudyRecognition
from common import median, verdict, worst

REPO = Path(__file__).resolve().parent.parent
TZ = "Europe/Berlin"
STAMP = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
BOUNDS_S = {"refuse": 5.0, "endless": 2.0, "explain": 5.0}
"""The wall-clock bounds the unit tests asserted before they moved here."""


def read_week(path: Path, week: str) -> int:
    """Load ``path`` for ``week`` as `brainfit plan` does; the number of commitments."""
    horizon = Horizon(zone(TZ), parse_week(week))
    dates = (horizon.monday, horizon.monday + dt.timedelta(days=6))
    loaded = [load_calendar(path, dates=dates)]
    study, busy = StudyRecognition(), BusyPolicy()
    return len(week_from_calendars(loaded, horizon, study=study, busy=busy).commitments)


def by_the_second(folder: Path) -> Path:
    path = folder / "secondly.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nBEGIN:VEVENT\r\n"
        "UID:x@bench\r\nSUMMARY:Damaged\r\nDTSTART:20160110T100000Z\r\n"
        "DTEND:20160110T100100Z\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    return path


def refuse(path: Path) -> None:
    try:
        read_week(path, "2026-W46")
    except CalendarError:
        return
    raise SystemExit(f"{path} was read, not refused")


def one_gap_week(folder: Path) -> Path:
    """Busy 06:30-21:30 every day of 2026-W49, but Tuesday 18:10-18:50 is free."""
    monday, tzinfo = parse_week("2026-W49"), zone(TZ)
    spans = [((6, 30), (21, 30))] * 7
    cal = Calendar()
    cal.add("prodid", "-//bench//EN")
    cal.add("version", "2.0")
    for day, (start, end) in enumerate(spans):
        parts = [(start, (18, 10)), ((18, 50), end)] if day == 1 else [(start, end)]
        for n, ((h0, m0), (h1, m1)) in enumerate(parts):
            date = monday + dt.timedelta(days=day)
            event = Event()
            event.add("uid", f"busy-{day}-{n}@bench")
            event.add("dtstamp", STAMP)
            event.add("dtstart", dt.datetime.combine(date, dt.time(h0, m0), tzinfo))
            event.add("dtend", dt.datetime.combine(date, dt.time(h1, m1), tzinfo))
            event.add("summary", "Busy")
            cal.add_component(event)
    cal.add_missing_timezones()
    path = folder / "one-gap.ics"
    path.write_bytes(cal.to_ical())
    return path


def explain(path: Path) -> None:
    inputs = api.load_inputs([path], week="2026-W49", tz=TZ)
    try:
        pipeline.plan(inputs)
    except InfeasibleError as exc:
        if len(exc.conflicts) != 4:
            raise SystemExit(f"expected 4 separate conflicts, got {exc.conflicts}") from exc
        return
    raise SystemExit("the one-gap week was planned, not explained")


def timed(run: Callable[[], object], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    endless = REPO / "tests" / "calendars" / "bad" / "endless_rrule.ics"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        secondly, gap = by_the_second(folder), one_gap_week(folder)
        cases: dict[str, Callable[[], object]] = {
            "refuse": lambda: refuse(secondly),
            "endless": lambda: read_week(endless, "2026-W46"),
            "explain": lambda: explain(gap),
        }
        print(f"{'case':>8} {'median s':>9} {'worst s':>8} {'bound s':>8}")
        for name, run in cases.items():
            seconds = timed(run, args.runs)
            bound = BOUNDS_S[name]
            print(
                f"{name:>8} {median(seconds):9.3f} {worst(seconds):8.3f} {bound:8.1f} "
                f"{verdict(worst(seconds) <= bound)}"
            )


if __name__ == "__main__":
    main()
