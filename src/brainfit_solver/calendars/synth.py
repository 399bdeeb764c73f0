"""Synthetic but realistic calendars, one per seed, for benchmarks and property tests.

Why it exists: timing the planner and testing it on random inputs needs many weeks that look
like real ones (packed weekdays, light weekends, off-grid meetings, study blocks between
classes), sized on demand and identical for the same seed on every machine. Real calendars
cannot be shipped in the repository, and hand-written ones are too few and too tidy.

A generated file is a real iCalendar (TZID on every time, VTIMEZONE included) that goes
through the same reader as a user's file. Busy summaries avoid the default study pattern, so
exactly ``study_blocks`` events are study (they carry ``CATEGORIES:Study``). Nights are left
empty (no sleep events) and most days keep one free stretch of 100-150 minutes, so the
default rules are usually, not always, feasible.
"""

from __future__ import annotations

import datetime as dt
import random

from icalendar import Calendar, Event

from ..core.timegrid import parse_week, zone

# (summary, possible durations in minutes); no summary matches the default study pattern.
BUSY_KINDS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("Linear Algebra", (90,)),
    ("Organic Chemistry", (90,)),
    ("Team meeting", (30, 45, 60)),
    ("1:1 with supervisor", (30,)),
    ("Café shift", (180, 240)),
    ("Lunch", (30, 45)),
    ("Dinner with friends", (60, 90)),
    ("Commute", (20, 30)),
    ("Dentist", (45,)),
    ("Choir rehearsal", (90,)),
)
STUDY_SUBJECTS = ("Statistics", "Anatomy", "French", "Thesis", "Algorithms", "History")
DAY_START, DAY_END = 7 * 60, 21 * 60  # busy time lies between 07:00 and 21:00
STAMP = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


def synthetic_calendar(
    seed: int,
    *,
    busy_events: int,
    study_blocks: int,
    week: str = "2026-W49",
    tz: str = "Europe/Berlin",
) -> bytes:
    """A week's calendar with ``busy_events`` busy events and ``study_blocks`` study blocks."""
    if not 1 <= busy_events <= 150 or not 0 <= study_blocks <= 30:
        raise ValueError("busy_events must be 1..150 and study_blocks 0..30")
    rng = random.Random(seed)
    monday, tzinfo = parse_week(week), zone(tz)
    weekday_weight = [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.4]
    busy_days = rng.choices(range(7), weekday_weight, k=busy_events)
    study_days = rng.choices(range(7), weekday_weight, k=study_blocks)
    cal = Calendar()
    cal.add("prodid", f"-//brainfit-solver synth//seed {seed}//EN")
    cal.add("version", "2.0")
    for day in range(7):
        items = [rng.choice(BUSY_KINDS) for d in busy_days if d == day]
        entries = [(name, rng.choice(lengths), False) for name, lengths in items]
        entries += [
            (f"Study: {rng.choice(STUDY_SUBJECTS)}", rng.choice((60, 90, 120)), True)
            for d in study_days
            if d == day
        ]
        rng.shuffle(entries)
        for index, (start, end, summary, study) in enumerate(_lay_out(rng, entries)):
            event = Event()
            event.add("uid", f"synth-{seed}-{day}-{index}@synth.invalid")
            event.add("dtstamp", STAMP)
            date = monday + dt.timedelta(days=day)
            event.add("dtstart", dt.datetime.combine(date, dt.time(*divmod(start, 60)), tzinfo))
            event.add("dtend", dt.datetime.combine(date, dt.time(*divmod(end, 60)), tzinfo))
            event.add("summary", summary)
            if study:
                event.add("categories", ["Study"])
            cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def _lay_out(
    rng: random.Random, entries: list[tuple[str, int, bool]]
) -> list[tuple[int, int, str, bool]]:
    """Place one day's events in order between 07:00 and 21:00, leaving random gaps and,
    on most days, one free stretch long enough for a workout with its buffers."""
    room = rng.choice((100, 120, 150)) if rng.random() < 0.85 else 0
    available = DAY_END - DAY_START - room
    total = sum(length for _, length, _ in entries)
    if total > 0.9 * available:  # a packed day: shorten everything, to 10 minutes at least
        scale = 0.9 * available / total
        entries = [(s, max(10, 5 * round(length * scale / 5)), st) for s, length, st in entries]
        total = sum(length for _, length, _ in entries)
    cuts = sorted(rng.randint(0, max(0, available - total) // 5) * 5 for _ in entries)
    room_at = rng.randint(0, len(entries))
    placed, cursor, previous_cut = [], DAY_START, 0
    for index, ((summary, length, study), cut) in enumerate(zip(entries, cuts, strict=True)):
        cursor += cut - previous_cut + (room if index == room_at else 0)
        previous_cut = cut
        start = cursor + (rng.randint(1, 4) if rng.random() < 0.1 else 0)  # a 10:02 meeting
        placed.append((start, cursor + length, summary, study))
        cursor += length
    return placed
