"""The independent checker, one rule at a time: for each check, a plan that keeps the rule
exactly at its edge is accepted and one that breaks it by the smallest step is rejected, so
disabling or loosening any check fails a test (the checker's mutation score depends on it).

Plans and busy time are written here directly, as the checker reads them from files: exact
aware datetimes, no planner code involved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import pytest

from brainfit_solver.check.calendars import Block, BusyTime
from brainfit_solver.check.checker import (
    CheckReport,
    DaysBefore,
    PlannedEvent,
    check_plan,
    check_seams,
)
from brainfit_solver.core.domain import Session
from brainfit_solver.core.timegrid import Horizon
from brainfit_solver.rules.profile import KindPreference, Profile, TimeRange, Window
from brainfit_solver.rules.ruleset import RuleSet
from support import kind, ruleset

TZ = ZoneInfo("Europe/Berlin")
HORIZON = Horizon(TZ, dt.date(2026, 11, 30))  # 2026-W49, no clock change
HIGH = {"intensity": ["high"]}
RULES = ruleset(
    {
        "w": kind(60, per_week=(0, 3)),
        "v": kind([30, 60], per_week=(0, 3)),
        "h": kind(20, per_week=(0, 3), intensity="high"),
        "s": kind(
            5,
            per_week=(0, 5),
            intensity="low",
            buffer=False,
            anchor="before_study",
            lead_max_min=10,
        ),
    },
    hard=[
        {"id": "one_high", "kind": "max_per_day", "max": 1, "applies_to": HIGH},
        {"id": "high_apart", "kind": "not_on_consecutive_days", "applies_to": HIGH},
        {"id": "two_a_day", "kind": "max_per_day", "max": 2, "applies_to": {"kinds": ["w", "v"]}},
    ],
    soft=[
        {
            "id": "near",
            "kind": "near_study",
            "weight": 3,
            "within_min": 60,
            "applies_to": {"kinds": ["w", "v", "h"]},
        },
        {"id": "bonus", "kind": "session_bonus", "weight": 5, "applies_to": {"kinds": ["s"]}},
        {"id": "longer", "kind": "longer_sessions", "weight": 2, "applies_to": {"kinds": ["v"]}},
        {"id": "days", "kind": "active_days", "weight": 7, "applies_to": {"kinds": ["w", "v"]}},
        {"id": "liked", "kind": "preferred_times", "weight": 11},
        {"id": "disliked", "kind": "disliked_times", "weight": 13},
        {"id": "stay", "kind": "stability", "weight": 17},
    ],
)
PROFILE = Profile(
    timezone="Europe/Berlin",
    buffer_min=15,
    window=Window.model_validate({"default": "07:00-21:00", "sun": "off"}),
)
# Every minute of every day open: for sessions at the week's edges and around midnight.
ALL_DAY = PROFILE.model_copy(update={"window": Window.model_validate({"default": "00:00-24:00"})})


def at(day: int, clock: str) -> dt.datetime:
    """Day 0 is Monday 30 November 2026."""
    hour, minute = map(int, clock.split(":"))
    return dt.datetime.combine(
        dt.date(2026, 11, 30) + dt.timedelta(days=day), dt.time(hour, minute), TZ
    )


def ev(kind_id: str, day: int, start: str, end: str) -> PlannedEvent:
    return PlannedEvent(f"{kind_id}{day}{start}@t", kind_id, at(day, start), at(day, end), kind_id)


def block(
    day: int, start: str, end: str, summary: str = "Meeting", *, study: bool = False
) -> Block:
    return Block(at(day, start), at(day, end), summary, "cal.ics", study)


def check(
    events: list[PlannedEvent],
    *blocks: Block,
    profile: Profile = PROFILE,
    previous: Sequence[Session] = (),
    now: dt.datetime | None = None,
    dropped: Sequence[str] = (),
    before: DaysBefore | None = None,
) -> CheckReport:
    return check_plan(
        events,
        profile=profile,
        rules=RULES,
        busy=BusyTime(tuple(blocks)),
        horizon=HORIZON,
        previous=previous,
        now=now,
        dropped=dropped,
        before=before,
    )


def violations(
    events: list[PlannedEvent],
    *blocks: Block,
    profile: Profile = PROFILE,
    previous: Sequence[Session] = (),
    now: dt.datetime | None = None,
    dropped: Sequence[str] = (),
    before: DaysBefore | None = None,
) -> list[str]:
    report = check(
        events, *blocks, profile=profile, previous=previous, now=now, dropped=dropped, before=before
    )
    return report.violations


# --- sessions themselves --------------------------------------------------------------------


def test_a_session_of_an_unknown_kind_is_rejected() -> None:
    assert violations([ev("w", 0, "08:00", "09:00")]) == []
    assert violations([ev("yoga", 0, "08:00", "09:00")]) == [
        "yoga Mon 30 Nov 08:00: unknown session kind 'yoga'"
    ]


@pytest.mark.parametrize(
    ("end", "ok"), [("08:30", True), ("09:00", True), ("08:25", False), ("09:05", False)]
)
def test_a_session_lasts_within_its_kinds_range(end: str, ok: bool) -> None:
    found = violations([ev("v", 0, "08:00", end)])
    assert (found == []) is ok, found
    if not ok:
        assert found[0].endswith("outside 30-60 min")


@pytest.mark.parametrize(
    ("start", "end", "ok"), [("07:00", "08:00", True), ("06:55", "07:55", False)]
)
def test_a_session_starts_inside_the_daily_window(start: str, end: str, ok: bool) -> None:
    found = violations([ev("w", 0, start, end)])
    assert (found == []) is ok, found
    if not ok:
        assert found == [
            "w Mon 30 Nov 06:55: outside the daily window 07:00-21:00 (window.default)"
        ]


@pytest.mark.parametrize(
    ("start", "end", "ok"), [("20:00", "21:00", True), ("20:05", "21:05", False)]
)
def test_a_session_ends_inside_the_daily_window(start: str, end: str, ok: bool) -> None:
    found = violations([ev("w", 0, start, end)])
    assert (found == []) is ok, found
    if not ok:
        assert found == [
            "w Mon 30 Nov 20:05: outside the daily window 07:00-21:00 (window.default)"
        ]


def test_a_session_on_a_day_off_is_rejected() -> None:
    assert violations([ev("w", 5, "08:00", "09:00")]) == []
    assert violations([ev("w", 6, "08:00", "09:00")]) == [
        "w Sun 06 Dec 08:00: Sunday is a day off in the profile (window.sun)"
    ]


def test_a_session_outside_the_planned_week_is_rejected() -> None:
    found = violations([ev("w", 7, "08:00", "09:00")])
    assert "w Mon 07 Dec 08:00: outside the planned week 2026-W49" in found


def test_an_unknown_kind_does_not_stop_the_check_of_the_sessions_after_it() -> None:
    found = violations([ev("yoga", 0, "08:00", "09:00"), ev("w", 1, "06:55", "07:55")])
    assert found == [
        "yoga Mon 30 Nov 08:00: unknown session kind 'yoga'",
        "w Tue 01 Dec 06:55: outside the daily window 07:00-21:00 (window.default)",
    ]


def test_sessions_at_the_very_start_and_end_of_the_week_are_inside_it() -> None:
    first = ev("w", 0, "00:00", "01:00")
    last = PlannedEvent("v@t", "v", at(6, "23:00"), at(7, "00:00"), "v")
    assert violations([first, last], profile=ALL_DAY) == []
    early = PlannedEvent("w@t", "w", at(-1, "23:00"), at(0, "00:00"), "w")
    assert violations([early], profile=ALL_DAY) == [
        "w Sun 29 Nov 23:00: outside the planned week 2026-W49"
    ]
    late = PlannedEvent("w@t", "w", at(6, "23:30"), at(7, "00:30"), "w")
    assert "w Sun 06 Dec 23:30: outside the planned week 2026-W49" in violations(
        [late], profile=ALL_DAY
    )


def test_a_session_may_end_at_midnight_but_not_run_past_it() -> None:
    until_midnight = PlannedEvent("w@t", "w", at(0, "23:00"), at(1, "00:00"), "w")
    assert violations([until_midnight], profile=ALL_DAY) == []
    past = PlannedEvent("w@t", "w", at(0, "23:30"), at(1, "00:30"), "w")
    assert violations([past], profile=ALL_DAY) == [
        "w Mon 30 Nov 23:30: outside the daily window 00:00-24:00 (window.default)"
    ]


# --- windows and time tastes on the nights the clock changes ---------------------------------
# A wall-clock range on a date runs from the first instant the local clock reads its start or
# later to the first instant it reads its end or later (constraints/README.md, "Clock changes").

SPRING = Horizon(TZ, dt.date(2026, 3, 23))  # Sunday 29 March: 02:00 jumps to 03:00
AUTUMN = Horizon(TZ, dt.date(2026, 10, 19))  # Sunday 25 October: 02:00-03:00 comes twice


def on_sunday(horizon: Horizon, clock: str, fold: int = 0) -> dt.datetime:
    hour, minute = map(int, clock.split(":"))
    sunday = horizon.monday + dt.timedelta(days=6)
    return dt.datetime.combine(sunday, dt.time(hour, minute), TZ).replace(fold=fold)


def sunday_session(horizon: Horizon, start: dt.datetime, end: dt.datetime) -> PlannedEvent:
    return PlannedEvent(f"w{start.isoformat()}@t", "w", start, end, "w")


def sunday_check(
    horizon: Horizon, event: PlannedEvent, window: str, taste: KindPreference | None = None
) -> CheckReport:
    """The check of one session on the Sunday; ``window_found`` keeps what it says of the
    window (sessions here are as long as the clock change needs, not as ``w`` lasts)."""
    profile = PROFILE.model_copy(
        update={
            "window": Window.model_validate({"default": "off", "sun": window}),
            "preferences": {"w": taste} if taste else {},
        }
    )
    return check_plan(
        [event], profile=profile, rules=RULES, busy=BusyTime(()), horizon=horizon, previous=()
    )


def window_found(report: CheckReport) -> list[str]:
    return [v for v in report.violations if "daily window" in v]


def night_check(
    session: PlannedEvent,
    *blocks: Block,
    buffer: int = 0,
    rules: RuleSet = RULES,
    horizon: Horizon = SPRING,
) -> CheckReport:
    """One session against busy blocks, every minute open: for the edges of a night."""
    profile = ALL_DAY.model_copy(update={"buffer_min": buffer})
    return check_plan(
        [session], profile=profile, rules=rules, busy=BusyTime(blocks), horizon=horizon, previous=()
    )


def test_a_window_ending_in_the_skipped_hour_ends_when_the_clock_jumps() -> None:
    midnight = on_sunday(SPRING, "00:00")
    until_jump = sunday_session(SPRING, midnight, on_sunday(SPRING, "03:00"))
    assert window_found(sunday_check(SPRING, until_jump, "00:00-02:30")) == []
    past_jump = sunday_session(SPRING, midnight, on_sunday(SPRING, "03:05"))
    assert window_found(sunday_check(SPRING, past_jump, "00:00-02:30")) == [
        "w Sun 29 Mar 00:00: outside the daily window 00:00-02:30 (window.sun)"
    ]


def test_a_window_starting_in_the_skipped_hour_opens_when_the_clock_jumps() -> None:
    at_jump = sunday_session(SPRING, on_sunday(SPRING, "03:00"), on_sunday(SPRING, "04:00"))
    assert sunday_check(SPRING, at_jump, "02:30-05:00").violations == []
    before = sunday_session(SPRING, on_sunday(SPRING, "01:55"), on_sunday(SPRING, "03:55"))
    assert window_found(sunday_check(SPRING, before, "02:30-05:00")) == [
        "w Sun 29 Mar 01:55: outside the daily window 02:30-05:00 (window.sun)"
    ]


def test_a_session_in_the_repeated_hour_after_the_window_closed_is_rejected() -> None:
    first_pass = sunday_session(AUTUMN, on_sunday(AUTUMN, "01:30"), on_sunday(AUTUMN, "02:30"))
    assert sunday_check(AUTUMN, first_pass, "00:00-02:30").violations == []
    second_pass = sunday_session(
        AUTUMN, on_sunday(AUTUMN, "02:00", fold=1), on_sunday(AUTUMN, "02:30", fold=1)
    )
    assert window_found(sunday_check(AUTUMN, second_pass, "00:00-02:30")) == [
        "w Sun 25 Oct 02:00: outside the daily window 00:00-02:30 (window.sun)"
    ]


def test_a_session_leaving_a_preferred_time_through_the_repeated_hour_is_not_inside_it() -> None:
    taste = KindPreference(preferred=[TimeRange.parse("01:00-02:30")])
    inside = sunday_session(AUTUMN, on_sunday(AUTUMN, "01:30"), on_sunday(AUTUMN, "02:30"))
    assert sunday_check(AUTUMN, inside, "00:00-24:00", taste).raw["liked"] == 1
    leaving = sunday_session(AUTUMN, on_sunday(AUTUMN, "01:50"), on_sunday(AUTUMN, "02:20", 1))
    report = sunday_check(AUTUMN, leaving, "00:00-24:00", taste)
    assert report.raw["liked"] == 0, "it ends after the clock first read 02:30"


def test_a_workouts_buffer_is_real_minutes_across_the_jump() -> None:
    # 01:55 to 03:05 is 10 minutes that night: a 15-minute buffer does not fit
    session = sunday_session(SPRING, on_sunday(SPRING, "00:55"), on_sunday(SPRING, "01:55"))
    meeting = Block(on_sunday(SPRING, "03:05"), on_sunday(SPRING, "04:00"), "Meeting", "c", False)
    assert night_check(session, meeting, buffer=15).violations == [
        "w Sun 29 Mar 00:55: overlaps 'Meeting' (or its 15-min buffer)"
    ]
    later = Block(on_sunday(SPRING, "03:10"), on_sunday(SPRING, "04:00"), "Meeting", "c", False)
    assert night_check(session, later, buffer=15).violations == []


def test_a_workouts_buffer_after_busy_time_is_real_minutes_across_the_jump() -> None:
    meeting = Block(on_sunday(SPRING, "00:30"), on_sunday(SPRING, "01:55"), "Meeting", "c", False)
    for start, ok in (("03:05", False), ("03:10", True)):
        session = sunday_session(SPRING, on_sunday(SPRING, start), on_sunday(SPRING, "04:10"))
        found = night_check(session, meeting, buffer=15).violations
        assert any("overlaps 'Meeting'" in v for v in found) is not ok, start


def test_near_study_counts_real_minutes_across_the_jump() -> None:
    lecture = Block(on_sunday(SPRING, "03:30"), on_sunday(SPRING, "05:00"), "Lecture", "c", True)
    # ends at 01:45, 45 real minutes before the lecture (the clock shows 105)
    session = sunday_session(SPRING, on_sunday(SPRING, "00:45"), on_sunday(SPRING, "01:45"))
    assert night_check(session, lecture).raw["near"] == 1


RESTING = ruleset(
    {"w": kind(60, per_week=(0, 3))},
    hard=[
        {
            "id": "rest",
            "kind": "rest_after",
            "after_overnight_min": 480,
            "long_block_min": 360,
            "after_long_min": 120,
        }
    ],
)


def rested(session: PlannedEvent, shift: Block, horizon: Horizon = HORIZON) -> list[str]:
    return night_check(session, shift, rules=RESTING, horizon=horizon).violations


def test_a_block_ending_at_midnight_is_a_long_day_not_an_overnight_one() -> None:
    shift = Block(at(0, "16:00"), at(1, "00:00"), "Late shift", "c", False)
    assert rested(ev("w", 1, "02:00", "03:00"), shift) == []  # 2 h after a long block
    [found] = rested(ev("w", 1, "01:55", "02:55"), shift)
    assert "after a long commitment" in found


def test_a_block_holding_midnight_by_a_minute_is_overnight() -> None:
    shift = Block(at(0, "23:00"), at(1, "00:01"), "Gig", "c", False)
    [found] = rested(ev("w", 1, "08:00", "09:00"), shift)
    assert "after an overnight commitment" in found and "no workout before Tue 08:01" in found


def test_a_block_holds_the_midnight_after_its_local_start_not_its_utc_one() -> None:
    # Monday 00:30 in Berlin is Sunday in UTC, whose next midnight (Monday's) it does not
    # hold: ending Monday 08:00 it is a long day (2 h rest), not an overnight one (8 h)
    shift = Block(at(0, "00:30"), at(0, "08:00"), "Early shift", "c", False)
    assert rested(ev("w", 0, "10:00", "11:00"), shift) == []
    overnight = Block(at(0, "00:30"), at(1, "00:30"), "Shift", "c", False)
    [found] = rested(ev("w", 1, "03:00", "04:00"), overnight)
    assert "after an overnight commitment" in found and "no workout before Tue 08:30" in found


def test_a_rest_is_real_hours_across_the_jump() -> None:
    night = Block(
        on_sunday(SPRING, "00:00") - dt.timedelta(hours=2),
        on_sunday(SPRING, "01:30"),
        "Night",
        "c",
        False,
    )
    # ended at 01:30, eight real hours later the clock reads 10:30
    early = sunday_session(SPRING, on_sunday(SPRING, "10:00"), on_sunday(SPRING, "11:00"))
    [found] = rested(early, night, SPRING)
    assert "no workout before Sun 10:30" in found
    rested_enough = sunday_session(SPRING, on_sunday(SPRING, "10:30"), on_sunday(SPRING, "11:30"))
    assert rested(rested_enough, night, SPRING) == []


def test_a_disliked_time_ending_after_the_repeated_hour_covers_its_second_pass() -> None:
    taste = KindPreference(disliked=[TimeRange.parse("02:40-03:00")])
    second_pass = sunday_session(
        AUTUMN, on_sunday(AUTUMN, "02:00", fold=1), on_sunday(AUTUMN, "02:30", fold=1)
    )
    report = sunday_check(AUTUMN, second_pass, "00:00-24:00", taste)
    assert report.raw["disliked"] == 1, "from the first 02:40 to 03:00 takes in the second pass"
    earlier = sunday_session(AUTUMN, on_sunday(AUTUMN, "01:30"), on_sunday(AUTUMN, "02:30"))
    assert sunday_check(AUTUMN, earlier, "00:00-24:00", taste).raw["disliked"] == 0


# --- busy time and the buffer ---------------------------------------------------------------


@pytest.mark.parametrize(("end", "ok"), [("09:45", True), ("09:46", False)])
def test_a_workout_ends_a_whole_buffer_before_busy_time(end: str, ok: bool) -> None:
    meeting = block(0, "10:00", "11:00")
    start = (dt.datetime.strptime(end, "%H:%M") - dt.timedelta(hours=1)).strftime("%H:%M")
    found = violations([ev("w", 0, start, end)], meeting)
    assert (found == []) is ok, found
    if not ok:
        assert found == ["w Mon 30 Nov 08:46: overlaps 'Meeting' (or its 15-min buffer)"]


@pytest.mark.parametrize(("start", "ok"), [("11:15", True), ("11:14", False)])
def test_a_workout_starts_a_whole_buffer_after_busy_time(start: str, ok: bool) -> None:
    meeting = block(0, "10:00", "11:00")
    end = (dt.datetime.strptime(start, "%H:%M") + dt.timedelta(hours=1)).strftime("%H:%M")
    found = violations([ev("w", 0, start, end)], meeting)
    assert (found == []) is ok, found


def test_a_workout_on_top_of_busy_time_is_rejected() -> None:
    assert violations([ev("w", 0, "10:00", "11:00")], block(0, "10:30", "10:40"))


def test_a_snack_needs_no_buffer_from_its_study_block() -> None:
    lecture = block(0, "10:00", "12:00", "Lecture", study=True)
    assert violations([ev("s", 0, "09:55", "10:00")], lecture) == []
    assert violations([ev("s", 0, "09:56", "10:01")], lecture) == [
        "s Mon 30 Nov 09:56: overlaps 'Lecture' (or its 0-min buffer)",
        "s Mon 30 Nov 09:56: not within 10 min before a study block",
    ]


@pytest.mark.parametrize("later_first", [False, True], ids=["in-time-order", "later-first"])
@pytest.mark.parametrize(("second", "ok"), [("10:15", True), ("10:14", False)])
def test_two_workouts_keep_the_buffer_between_them_whatever_their_order_in_the_file(
    second: str, ok: bool, later_first: bool
) -> None:
    end = (dt.datetime.strptime(second, "%H:%M") + dt.timedelta(hours=1)).strftime("%H:%M")
    events = [ev("w", 0, "09:00", "10:00"), ev("v", 0, second, end)]
    names = ["w Mon 30 Nov 09:00", "v Mon 30 Nov 10:14"]
    if later_first:
        events.reverse()
        names.reverse()
    found = violations(events)
    assert (found == []) is ok, found
    if not ok:
        assert found == [f"{names[0]} and {names[1]}: closer than 15 min"]


def test_a_snack_stays_out_of_a_workouts_buffer() -> None:
    lecture = block(0, "11:00", "12:00", "Lecture", study=True)
    kept = [ev("w", 0, "09:40", "10:40"), ev("s", 0, "10:55", "11:00")]
    assert violations(kept, lecture) == []
    broken = [ev("w", 0, "09:41", "10:41"), ev("s", 0, "10:55", "11:00")]
    assert violations(broken, lecture) == [
        "w Mon 30 Nov 09:41 and s Mon 30 Nov 10:55: closer than 15 min"
    ]


def test_a_workout_after_a_snack_in_the_file_keeps_its_buffer_from_it() -> None:
    lecture = block(0, "10:00", "12:00", "Lecture", study=True)
    kept = [ev("s", 0, "09:50", "09:55"), ev("w", 0, "08:35", "09:35")]
    assert violations(kept, lecture) == []
    broken = [ev("s", 0, "09:50", "09:55"), ev("w", 0, "08:40", "09:40")]
    assert violations(broken, lecture) == [
        "s Mon 30 Nov 09:50 and w Mon 30 Nov 08:40: closer than 15 min"
    ]


# --- snacks before study --------------------------------------------------------------------


@pytest.mark.parametrize(("end", "ok"), [("09:50", True), ("09:49", False)])
def test_a_snack_ends_at_most_its_lead_before_a_study_block(end: str, ok: bool) -> None:
    lecture = block(0, "10:00", "12:00", "Lecture", study=True)
    start = (dt.datetime.strptime(end, "%H:%M") - dt.timedelta(minutes=5)).strftime("%H:%M")
    found = violations([ev("s", 0, start, end)], lecture)
    assert (found == []) is ok, found
    if not ok:
        assert found == ["s Mon 30 Nov 09:44: not within 10 min before a study block"]


def test_a_snack_before_busy_time_that_is_not_study_is_rejected() -> None:
    meeting = block(0, "10:00", "12:00", "Meeting")
    assert violations([ev("s", 0, "09:50", "09:55")], meeting) == [
        "s Mon 30 Nov 09:50: not within 10 min before a study block"
    ]


def test_one_snack_per_study_block() -> None:
    lecture = block(0, "10:00", "12:00", "Lecture", study=True)
    seminar = block(0, "14:00", "16:00", "Seminar", study=True)
    assert (
        violations([ev("s", 0, "09:50", "09:55"), ev("s", 0, "13:55", "14:00")], lecture, seminar)
        == []
    )
    assert violations([ev("s", 0, "09:50", "09:55"), ev("s", 0, "09:55", "10:00")], lecture) == [
        "s Mon 30 Nov 09:55: a second snack before 'Lecture' (one per study start)"
    ]


def test_a_study_block_of_the_next_week_takes_no_snack_of_this_one() -> None:
    next_monday = Block(at(7, "00:00"), at(7, "02:00"), "Lecture", "cal.ics", True)
    snack = ev("s", 6, "23:50", "23:55")
    assert violations([snack], next_monday, profile=ALL_DAY) == [
        "s Sun 06 Dec 23:50: not within 10 min before a study block"
    ]


# --- counts and days ------------------------------------------------------------------------


def test_weekly_counts_hold_at_both_ends() -> None:
    three = [ev("w", d, "08:00", "09:00") for d in (0, 2, 4)]
    assert violations(three) == []
    four = [*three, ev("w", 5, "08:00", "09:00")]
    assert violations(four) == ["w_per_week: 4 Session session(s), rule needs 0-3"]
    strict = ruleset({"w": kind(60, per_week=(2, 3))})
    found = check_plan(
        [ev("w", 0, "08:00", "09:00")],
        profile=PROFILE,
        rules=strict,
        busy=BusyTime(()),
        horizon=HORIZON,
    )
    assert found.violations == ["w_per_week: 1 Session session(s), rule needs 2-3"]


def test_a_free_kind_appears_at_most_per_day_max_a_day() -> None:
    found = violations([ev("w", 0, "08:00", "09:00"), ev("w", 0, "12:00", "13:00")])
    assert found == ["w: 2 sessions on 2026-11-30, at most 1"]


def test_max_per_day_counts_the_selected_kinds() -> None:
    assert violations([ev("w", 0, "08:00", "09:00"), ev("v", 0, "12:00", "13:00")]) == []
    found = violations([ev("h", 0, "08:00", "08:20"), ev("h", 0, "12:00", "12:20")])
    assert "one_high: 2 sessions on 2026-11-30 (at most 1)" in found


def test_high_intensity_days_are_never_consecutive() -> None:
    assert violations([ev("h", 0, "08:00", "08:20"), ev("h", 2, "08:00", "08:20")]) == []
    assert violations([ev("h", 0, "08:00", "08:20"), ev("h", 1, "08:00", "08:20")]) == [
        "high_apart: sessions on both 2026-11-30 and the next day"
    ]


def test_dropped_rules_are_not_checked_and_others_are() -> None:
    pair = [ev("h", 0, "08:00", "08:20"), ev("h", 1, "08:00", "08:20")]
    assert violations(pair, dropped=["high_apart"]) == []
    assert violations(pair, dropped=["one_high"]) == [
        "high_apart: sessions on both 2026-11-30 and the next day"
    ]


def test_a_dropped_weekly_minimum_is_zero_and_the_other_minimums_hold() -> None:
    strict = ruleset({"w": kind(60, per_week=(2, 3)), "v": kind(30, per_week=(1, 3))})

    def found(dropped: Sequence[str]) -> list[str]:
        report = check_plan(
            [], profile=PROFILE, rules=strict, busy=BusyTime(()), horizon=HORIZON, dropped=dropped
        )
        return report.violations

    assert found(["w_per_week"]) == ["v_per_week: 0 Session session(s), rule needs 1-3"]
    assert found(["w_per_week", "v_per_week"]) == []


def test_days_are_the_users_local_days() -> None:
    # 00:30 in Berlin is still the day before in UTC and in any zone west of Berlin.
    pair = [ev("h", 0, "00:30", "00:50"), ev("h", 1, "08:00", "08:20")]
    assert violations(pair, profile=ALL_DAY) == [
        "high_apart: sessions on both 2026-11-30 and the next day"
    ]


def earlier(*sessions: tuple[str, int, str, str]) -> DaysBefore:
    return DaysBefore(True, tuple(ev(k, day, start, end) for k, day, start, end in sessions))


def test_an_earlier_plans_sunday_high_intensity_forbids_high_intensity_on_monday() -> None:
    sunday = earlier(("h", -1, "08:00", "08:20"))
    report = check([ev("h", 0, "08:00", "08:20")], before=sunday)
    assert report.before == sunday
    assert report.violations == [
        "high_apart: sessions on both 2026-11-29 (an earlier plan's, before the week) "
        "and the next day"
    ]
    assert violations([ev("h", 1, "08:00", "08:20")], before=sunday) == []
    saturday = earlier(("h", -2, "08:00", "08:20"))
    assert violations([ev("h", 0, "08:00", "08:20")], before=saturday) == []


def test_earlier_sessions_count_only_on_the_days_before_the_week() -> None:
    # Sessions of an earlier plan inside this week are not this plan's: only its own count.
    inside = earlier(("h", 0, "08:00", "08:20"))
    assert violations([ev("h", 1, "08:00", "08:20")], before=inside) == []


def test_a_re_plan_keeps_the_past_as_it_was() -> None:
    kept = Session("w", HORIZON.to_minute(at(0, "08:00")), HORIZON.to_minute(at(0, "09:00")))
    now = at(2, "12:00")
    assert violations([ev("w", 0, "08:00", "09:00")], previous=[kept], now=now) == []
    assert violations([ev("w", 1, "08:00", "09:00")], previous=[kept], now=now) == [
        "w Tue 01 Dec 08:00: starts before now (Wed 02 Dec 12:00) and is not a kept session"
    ]
    assert violations([ev("w", 3, "08:00", "09:00")], previous=[kept], now=now) == []


def test_a_new_session_may_start_exactly_now() -> None:
    assert violations([ev("w", 2, "12:00", "13:00")], previous=[], now=at(2, "12:00")) == []


# --- the recomputed score -------------------------------------------------------------------


def test_near_study_counts_a_workout_ending_or_starting_within_the_distance() -> None:
    lecture = block(0, "12:00", "14:00", "Lecture", study=True)
    counted = [ev("w", 0, "10:00", "11:00"), ev("v", 0, "15:00", "16:00")]
    assert check(counted, lecture).raw["near"] == 2
    missed = [ev("w", 0, "09:59", "10:59"), ev("v", 0, "15:01", "16:01")]
    assert check(missed, lecture).raw["near"] == 0


def test_near_study_counts_a_workout_touching_the_study_block() -> None:
    lecture = block(0, "12:00", "14:00", "Lecture", study=True)
    no_buffer = PROFILE.model_copy(update={"buffer_min": 0})
    touching = [ev("w", 0, "11:00", "12:00"), ev("v", 0, "14:00", "15:00")]
    report = check(touching, lecture, profile=no_buffer)
    assert (report.violations, report.raw["near"]) == ([], 2)


@pytest.mark.parametrize(
    ("lecture", "counted"),
    [
        ((at(-1, "22:00"), at(0, "00:00")), 0),  # ends as the week starts
        ((at(-1, "22:00"), at(0, "00:01")), 1),
        ((at(7, "00:00"), at(7, "02:00")), 0),  # starts as the week ends
        ((at(6, "23:59"), at(7, "02:00")), 1),
    ],
)
def test_near_study_counts_only_study_blocks_that_overlap_the_week(
    lecture: tuple[dt.datetime, dt.datetime], counted: int
) -> None:
    study = Block(*lecture, "Lecture", "cal.ics", True)
    plan = [ev("w", 0, "00:30", "01:30"), ev("v", 6, "22:30", "23:30")]
    no_buffer = ALL_DAY.model_copy(update={"buffer_min": 0})
    assert check(plan, study, profile=no_buffer).raw["near"] == counted


def test_longer_sessions_adds_up_whole_grid_steps_over_the_minimum() -> None:
    plan = [ev("v", 0, "08:00", "08:52"), ev("v", 1, "08:00", "08:40")]
    assert check(plan).raw["longer"] == 4 + 2


def test_bonus_longer_and_active_days_are_counted() -> None:
    lecture = block(1, "10:00", "12:00", "Lecture", study=True)
    plan = [
        ev("s", 1, "09:50", "09:55"),
        ev("v", 0, "08:00", "08:50"),
        ev("w", 2, "08:00", "09:00"),
    ]
    report = check(plan, lecture)
    assert (report.raw["bonus"], report.raw["longer"], report.raw["days"]) == (1, 4, 2)
    assert report.terms["bonus"] == 5 and report.terms["longer"] == 8 and report.terms["days"] == 14


def test_preferred_and_disliked_times_are_counted_with_their_signs() -> None:
    taste = KindPreference(
        preferred=[TimeRange.parse("07:00-09:00")], disliked=[TimeRange.parse("12:00-13:00")]
    )
    profile = PROFILE.model_copy(update={"preferences": {"w": taste}})
    inside = check([ev("w", 0, "08:00", "09:00")], profile=profile)
    assert (inside.raw["liked"], inside.terms["liked"]) == (1, 11)
    over = check([ev("w", 0, "08:01", "09:01")], profile=profile)
    assert over.raw["liked"] == 0
    touching = check([ev("w", 0, "12:59", "13:59")], profile=profile)
    assert (touching.raw["disliked"], touching.terms["disliked"]) == (1, -13)
    clear = check([ev("w", 0, "13:00", "14:00")], profile=profile)
    assert clear.raw["disliked"] == 0


def test_time_tastes_count_every_session_at_their_edges() -> None:
    taste = KindPreference(
        preferred=[TimeRange.parse("07:00-09:00")], disliked=[TimeRange.parse("12:00-13:00")]
    )
    profile = PROFILE.model_copy(update={"preferences": {"w": taste}})
    plan = [
        ev("v", 0, "07:00", "08:00"),  # no taste for v: not counted, and the rest still are
        ev("w", 1, "07:00", "08:00"),
        ev("w", 2, "08:00", "09:00"),
        ev("w", 3, "11:00", "12:00"),  # ends as the disliked time starts
        ev("w", 4, "12:30", "13:30"),
        ev("w", 5, "12:00", "12:30"),
    ]
    report = check(plan, profile=profile)
    assert (report.raw["liked"], report.raw["disliked"]) == (2, 2)


def test_a_session_ending_at_midnight_is_timed_until_24_00() -> None:
    taste = KindPreference(
        preferred=[TimeRange.parse("23:00-24:00")], disliked=[TimeRange.parse("23:30-24:00")]
    )
    profile = ALL_DAY.model_copy(update={"preferences": {"w": taste}})
    until_midnight = PlannedEvent("w@t", "w", at(0, "23:00"), at(1, "00:00"), "w")
    report = check([until_midnight], profile=profile)
    assert (report.violations, report.raw["liked"], report.raw["disliked"]) == ([], 1, 1)


def test_stability_counts_sessions_kept_with_the_same_kind_and_start() -> None:
    before = Session("w", HORIZON.to_minute(at(0, "08:00")), HORIZON.to_minute(at(0, "09:00")))
    assert check([ev("w", 0, "08:00", "09:00")], previous=[before]).raw["stay"] == 1
    assert check([ev("w", 0, "08:05", "09:05")], previous=[before]).raw["stay"] == 0
    assert check([ev("v", 0, "08:00", "09:00")], previous=[before]).raw["stay"] == 0


def test_the_objective_is_the_sum_of_the_signed_terms() -> None:
    lecture = block(0, "12:00", "14:00", "Lecture", study=True)
    report = check([ev("w", 0, "10:00", "11:00"), ev("s", 0, "11:50", "11:55")], lecture)
    assert report.objective == sum(report.terms.values()) == 3 + 5 + 7


# --- the seams of a multi-week plan (check_seams) ---------------------------------------------


def test_high_intensity_on_the_sunday_and_monday_of_two_planned_weeks_is_rejected() -> None:
    weeks = [HORIZON, Horizon(TZ, dt.date(2026, 12, 7))]
    sunday = ev("h", 6, "08:00", "08:20")
    assert check_seams([sunday, ev("h", 8, "08:00", "08:20")], RULES, weeks) == []
    # 00:30 in Berlin is still Sunday in UTC: the seam is read on the user's days.
    monday = ev("h", 7, "00:30", "00:50")
    assert check_seams([sunday, monday], RULES, weeks) == [
        "high_apart: sessions on both 2026-12-06 and the next day"
    ]
