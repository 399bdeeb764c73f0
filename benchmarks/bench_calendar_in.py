"""Time and memory of reading one big calendar: load_calendar + week_from_calendars.

    python benchmarks/bench_calendar_in.py [--megabytes 50] [--runs 3] [--mode both]

Generates an Outlook-like export of about ``--megabytes`` MB (ten years of history, one
event in twenty a weekly series, some with EXDATE and moved occurrences) in a temporary
folder, then reads it ``--runs`` times, each in a fresh process so that peak resident memory
(``os.wait4``) belongs to that one read. Prints the median of each phase and of the peak.
Mode ``whole`` parses every event; ``filtered`` passes the two weeks read as ``dates``, so
the loader leaves out the events that cannot touch them (``prefilter``), as ``brainfit plan``
does; ``both`` (the default) measures the two and checks they read the same commitments.
Mode ``checker`` measures the independent checker's own reading of the same bytes
(``check_calendars.read_busy`` over the two weeks), which ``brainfit plan`` adds to the
planner's; ``plan`` measures filtered and checker, ``both`` all three. The checker must find
the planner's busy time in the planned week (minutes, start floored and end ceiled).
The file is never kept: it is too big to commit and takes seconds to make again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WEEK, TZ = "2026-W49", "Europe/Berlin"
HEAD = [
    "BEGIN:VCALENDAR",
    "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
    "VERSION:2.0",
    "METHOD:PUBLISH",
    "X-WR-CALNAME:Kalender",
]
WORDS = (
    "review", "planning", "budget", "roadmap", "customer", "sync", "hiring", "retro", "design",
    "incident", "release", "onboarding", "workshop", "interview", "training", "migration",
)  # fmt: skip


def big_calendar(megabytes: float, seed: int = 2026) -> tuple[bytes, int]:
    """An export of at least ``megabytes`` MB and the number of VEVENTs in it."""
    rnd = random.Random(seed)
    first = dt.date(2017, 1, 2)
    out = ["\r\n".join(HEAD)]
    size, events = 0, 0
    while size < megabytes * 1_000_000:
        day = first + dt.timedelta(days=rnd.randrange(10 * 365))
        start = dt.datetime.combine(day, dt.time(rnd.randrange(7, 19), rnd.choice((0, 15, 30))))
        end = start + dt.timedelta(minutes=rnd.choice((15, 30, 45, 60, 90, 120)))
        topic = " ".join(rnd.choice(WORDS) for _ in range(3))
        lines = [
            "BEGIN:VEVENT",
            f"UID:bench-{events:07d}-{rnd.getrandbits(64):016x}@bench.example",
            "DTSTAMP:20261129T120000Z",
            f"CREATED:{day:%Y%m%d}T080000Z",
            f"LAST-MODIFIED:{day:%Y%m%d}T080000Z",
            f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}",
            f"DTEND;TZID=Europe/Berlin:{end:%Y%m%dT%H%M%S}",
            f"SUMMARY:{topic.capitalize()} #{events}",
            "DESCRIPTION:"
            + ("Agenda\\: " + topic + "\\, notes in the wiki\\n") * rnd.randint(1, 4),
            "LOCATION:Raum " + str(rnd.randrange(1, 40)),
            "CATEGORIES:" + rnd.choice(("Work", "Study", "Privat")),
            "TRANSP:OPAQUE",
            "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
        ]
        if events % 20 == 0:
            lines.append(f"RRULE:FREQ=WEEKLY;COUNT={rnd.randrange(10, 200)}")
            if events % 60 == 0:
                lines.append(
                    f"EXDATE;TZID=Europe/Berlin:{start + dt.timedelta(weeks=2):%Y%m%dT%H%M%S}"
                )
        lines.append("END:VEVENT")
        text = "\r\n".join(_fold(line) for line in lines)
        out.append(text)
        size += len(text) + 2
        events += 1
    out.append("END:VCALENDAR\r\n")
    return "\r\n".join(out).encode(), events


def _fold(line: str) -> str:
    """RFC 5545 §3.1 folding at 75 octets (the lines here are ASCII)."""
    return (
        "\r\n ".join(line[i : i + 74] for i in range(0, len(line), 74)) if len(line) > 75 else line
    )


def child_checker(path: str) -> None:
    """The checker's reading of the whole file, in this process; prints its phases as JSON."""
    from brainfit_solver.check.calendars import CalendarBytes, read_busy
    from brainfit_solver.core.timegrid import Horizon, parse_week, zone
    from brainfit_solver.rules.profile import Profile

    horizon = Horizon(zone(TZ), parse_week(WEEK))
    began = time.perf_counter()
    data = Path(path).read_bytes()
    read_at = time.perf_counter()
    end = horizon.end + dt.timedelta(days=7)
    busy = read_busy((CalendarBytes(path, data),), Profile(timezone=TZ), horizon.start, end)
    done = time.perf_counter()
    inside = [b for b in busy.blocks if b.start < horizon.end]
    spans = sorted(
        (horizon.to_minute(b.start), -(-(b.end - horizon.start) // MINUTE)) for b in inside
    )
    print(
        json.dumps(
            {
                "load": read_at - began,
                "week": done - read_at,
                "next week": 0.0,
                "n": len(inside),
                "spans": hashlib.sha256(repr(spans).encode()).hexdigest(),
            }
        )
    )


MINUTE = dt.timedelta(minutes=1)


def child(path: str, filtered: bool) -> None:
    """One measured read, in this process; prints its phases as JSON."""
    from brainfit_solver.calendars.reading import load_calendar, week_from_calendars
    from brainfit_solver.core.timegrid import Horizon, parse_week, zone
    from brainfit_solver.rules.profile import BusyPolicy, StudyRecognition

    horizon = Horizon(zone(TZ), parse_week(WEEK))
    next_week = Horizon(horizon.tz, horizon.monday + dt.timedelta(days=7))
    study, busy = StudyRecognition(), BusyPolicy()
    began = time.perf_counter()
    dates = (horizon.monday, next_week.monday + dt.timedelta(days=6)) if filtered else None
    loaded = load_calendar(path, dates=dates)
    loaded_at = time.perf_counter()
    week = week_from_calendars([loaded], horizon, study=study, busy=busy)
    first_week_at = time.perf_counter()
    week_from_calendars([loaded], next_week, study=study, busy=busy)
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "load": loaded_at - began,
                "week": first_week_at - loaded_at,
                "next week": done - first_week_at,
                "n": len(week.commitments),
                "digest": hashlib.sha256(repr(week.commitments).encode()).hexdigest(),
                "spans": hashlib.sha256(
                    repr(sorted((c.start, c.end) for c in week.commitments)).encode()
                ).hexdigest(),
            }
        )
    )


def measure(path: Path, mode: str) -> tuple[dict[str, float], float]:
    """Phases reported by a child process and its peak resident memory in MiB."""
    command = [sys.executable, __file__, "--child", str(path), "--mode", mode]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    output, errors = process.stdout.read(), process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the measured read failed:\n{errors.decode()}")
    phases = json.loads(output)
    phases["process"] = time.perf_counter() - started
    return phases, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=50.0, help="size of the calendar")
    parser.add_argument("--runs", type=int, default=3, help="measured reads (median printed)")
    parser.add_argument(
        "--mode",
        choices=("both", "whole", "filtered", "checker", "plan"),
        default="both",
        help="what to measure",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child and args.mode == "checker":
        child_checker(args.child)
        return
    if args.child:
        child(args.child, filtered=args.mode == "filtered")
        return
    modes = {"both": ("whole", "filtered", "checker"), "plan": ("filtered", "checker")}.get(
        args.mode, (args.mode,)
    )
    with tempfile.TemporaryDirectory(prefix="bench-calendar-in-") as folder:
        path = Path(folder) / "big.ics"
        began = time.perf_counter()
        data, events = big_calendar(args.megabytes)
        path.write_bytes(data)
        took = time.perf_counter() - began
        print(f"generated {len(data) / 1e6:.1f} MB, {events} VEVENTs in {took:.1f} s")
        results = {mode: [measure(path, mode) for _ in range(args.runs)] for mode in modes}
    keys = ("load", "week", "next week", "process")
    for mode, runs in results.items():
        phases = {key: statistics.median(run[0][key] for run in runs) for key in keys}
        peak = statistics.median(run[1] for run in runs)
        print(f"{mode}: runs: {args.runs}, commitments in {WEEK}: {runs[0][0]['n']}")
        if mode == "checker":
            print(f"  median reading the bytes    {phases['load']:7.2f} s")
            print(f"  median read_busy, two weeks {phases['week']:7.2f} s")
        else:
            print(f"  median load_calendar        {phases['load']:7.2f} s")
            print(f"  median week_from_calendars  {phases['week']:7.2f} s")
            print(f"  median the next week        {phases['next week']:7.2f} s (series built)")
        print(f"  median whole process        {phases['process']:7.2f} s")
        print(f"  median peak resident memory {peak:7.0f} MiB")
    spans = {run[0]["spans"] for runs in results.values() for run in runs}
    if len(spans) > 1:
        raise SystemExit("the checker and the planner read different busy time")
    digests = {run[0]["digest"] for runs in results.values() for run in runs if "digest" in run[0]}
    if len(digests) > 1:
        raise SystemExit("the modes read different commitments: the filter changed the week")


if __name__ == "__main__":
    main()
