"""Why a week cannot be planned, what would make it plannable, and the best week without
the least important rules.

Each hard rule and each kind's weekly minimum sits behind a guard literal (``WeekModel(
guarded=True)``). When the rules cannot all hold:

1. ``minimal_conflict``: CP-SAT's ``sufficient_assumptions_for_infeasibility`` returns a set
   of guards that cannot all hold, not always a minimal one, so it is shrunk by a deletion
   filter: drop one rule, re-solve, and keep it out if the rest still conflict. Every rule
   left is needed for the conflict.
2. ``describe_rule`` says what each of them demands with this week's numbers: the longest
   free stretch inside the daily window (``free_spans``), the days with room for a kind.
3. ``relaxations``: single changes to this week's inputs, each kept only if the changed week
   solves: widen one day's window, shrink the buffer, shorten a kind's minimum length, lower
   a weekly minimum, drop a hard rule. A window or buffer change rebuilds the week from a
   modified profile with ``prepare_week``, so it is exact, not an estimate.

``solve_relaxed`` (``brainfit plan --relax soft``) counts how often each rule is broken
instead of requiring it (consecutive-day pairs, sessions over a day's limit, sessions short
of a weekly minimum): it first minimises those counts weighted by the rule file's
``priority`` (0-100), then, with that fixed, maximises the usual objective.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from ..core.domain import CalendarWeek, Plan, Session, SolverOptions
from ..core.errors import Conflict, Fix, InfeasibleError, NoPlanFoundError
from ..core.timegrid import WEEKDAYS
from ..model.hard import add_counted_hard_rules, rests
from ..model.person import WeekModel, candidates
from ..model.soft import add_soft_rules
from ..model.week import Span, Week, prepare_week
from ..rules.profile import Profile, TimeRange
from ..rules.ruleset import (
    KindTable,
    MaxPerDay,
    NotOnConsecutiveDays,
    RestAfter,
    RuleSet,
    broken_text,
)
from ..solver.solve import build_model, make_solver, read_solution, run, solve

_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_NAME = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CONFLICT_LIMIT = 10  # minimal conflicts named at most; beyond, "at least" that many
TRIAL_LIMIT_S = 10.0  # per solve while explaining; an undecided trial counts as "no"
EARLIEST_START = 5 * 60  # window relaxations never start a day before 05:00 ...
LATEST_END = 23 * 60  # ... or end it after 23:00
WINDOW_STEP = 30  # and move its edges in steps of half an hour
MAX_WINDOW_RELAXATIONS = 3
_BUILT_IN = {  # guards that are not rules of the rule file
    "keep_past": "when re-planning, sessions that have already started stay as they were and "
    "nothing new starts before now",
}


# -- feasibility ----------------------------------------------------------------------------


def _trial_options(options: SolverOptions | None) -> SolverOptions:
    options = options or SolverOptions()
    limit = min(options.time_limit_s or TRIAL_LIMIT_S, TRIAL_LIMIT_S)
    return dataclasses.replace(options, time_limit_s=limit)


def plannable(week: Week, options: SolverOptions | None = None) -> bool | None:
    """Whether every rule can hold this week (None: undecided within the time limit)."""
    model, _ = build_model(week, objective=False)
    status = make_solver(options or SolverOptions()).solve(model)
    if status == cp_model.INFEASIBLE:
        return False
    return True if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def conflicts(
    week: Week, options: SolverOptions | None = None, *, limit: int = CONFLICT_LIMIT
) -> list[list[str]]:
    """Every minimal set of rule ids that cannot hold together this week ([] if feasible),
    up to ``limit`` of them, most important first (by the highest ``priority`` among their
    rules).

    Each set is minimal: drop any one of its rules and the others can hold, checked by
    solving. Sets may share rules (HIIT's minimum can clash with "two workouts a day" and
    with "not on consecutive days" at once), and all of them are named at once, so that
    fixing one never reveals another: the search stops only when taking out any smallest
    choice of one rule per known set (a minimal hitting set) lets the rest hold, which is
    true exactly when no other set exists. A set fits no choice that avoids it, so a missing
    one would have been found there.
    """
    options = _trial_options(options)
    model, wm = build_model(week, guarded=True, objective=False)
    by_index = {lit.index: name for name, lit in wm.guards.items()}
    everything = sorted(wm.guards)
    seen: dict[frozenset[str], list[str] | None] = {}

    def core_of(active: Sequence[str]) -> list[str] | None:
        """A conflicting subset of ``active``, or None if they can all hold (or undecided)."""
        key = frozenset(active)
        if key not in seen:
            model.clear_assumptions()
            model.add_assumptions([wm.guards[name] for name in active])
            solver = make_solver(options)
            if solver.solve(model) != cp_model.INFEASIBLE:
                seen[key] = None
            else:
                found = {by_index[i] for i in solver.sufficient_assumptions_for_infeasibility()}
                seen[key] = [name for name in active if name in found]
        return seen[key]

    def minimal(core: list[str]) -> list[str]:
        for name in list(core):
            if name in core and (smaller := core_of([n for n in core if n != name])):
                core = smaller
        return core

    found: list[list[str]] = []
    first = core_of(everything)
    if first is not None:
        found.append(minimal(first))
    while found and len(found) < limit:
        for hitting in _hitting_sets(found):
            core = core_of([name for name in everything if name not in hitting])
            if core is not None:
                found.append(minimal(core))
                break
        else:
            break
    rules = week.rules
    return sorted(found, key=lambda c: (-max(map(rules.priority_of, c)), c))


def _hitting_sets(sets: Sequence[Sequence[str]]) -> list[frozenset[str]]:
    """Every minimal set of names holding at least one name of each set, smallest first.
    The sets here are a few rules each, so trying subsets of their union in size order is
    quick; a subset is minimal when no smaller hitting set lies inside it."""
    union = sorted({name for s in sets for name in s})
    found: list[frozenset[str]] = []
    for size in range(1, len(sets) + 1):
        for combo in itertools.combinations(union, size):
            chosen = frozenset(combo)
            if all(chosen & set(s) for s in sets) and not any(f <= chosen for f in found):
                found.append(chosen)
    return found


def minimal_conflict(week: Week, options: SolverOptions | None = None) -> list[str]:
    """A minimal set of rule ids that cannot hold together this week ([] if feasible)."""
    found = conflicts(week, options, limit=1)
    return found[0] if found else []


# -- this week's numbers ----------------------------------------------------------------------


def free_spans(week: Week, day: int, pad: int = 0) -> list[Span]:
    """The parts of a day's window at least ``pad`` minutes away from busy time (``pad=0``:
    the plain free time), as the model sees them: the window's own edges need no buffer."""
    window = week.windows[day]
    if window is None:
        return []
    out: list[Span] = []
    cursor = window.start
    for busy in week.busy:
        lo, hi = busy.start - pad, busy.end + pad
        if hi <= cursor:
            continue
        if lo >= window.end:
            break
        if lo > cursor:
            out.append(Span(cursor, lo))
        cursor = max(cursor, hi)
    if cursor < window.end:
        out.append(Span(cursor, window.end))
    return out


def _on_grid(week: Week, span: Span) -> int:
    """Minutes of a span a session can use, starting and ending on the grid."""
    grid = week.grid
    return max(0, (span.end // grid - -(-span.start // grid)) * grid)


def _day(week: Week, day: int) -> str:
    date = week.horizon.date(day)
    abbr = _ABBR[date.weekday()]
    return abbr if week.days <= 7 else f"{abbr} {date.isoformat()}"


def _clock(week: Week, day: int, minute: int) -> str:
    if minute >= week.horizon.day_span(day)[1]:
        return "24:00"
    return f"{week.horizon.to_datetime(minute):%H:%M}"


def _span_text(week: Week, day: int, span: Span) -> str:
    return f"{_day(week, day)} {_clock(week, day, span.start)}–{_clock(week, day, span.end)}"


def _window_phrase(week: Week) -> str:
    ranges = {
        str(week.profile.window.for_date(week.horizon.date(d)))
        for d in range(week.days)
        if week.windows[d] is not None
    }
    if len(ranges) == 1:
        start, end = next(iter(ranges)).split("-")
        return f"between {start} and {end}"
    return "inside your daily windows"


@dataclass(frozen=True)
class _Stretch:
    day: int
    span: Span
    room: int  # minutes a session kept ``pad`` from busy time can use, on the grid

    @property
    def minutes(self) -> int:
        return self.span.end - self.span.start


def _stretches(week: Week, days: Iterable[int], pad: int) -> list[_Stretch]:
    """Every free stretch of the given days, with the room it leaves once buffers are kept."""
    out = []
    for day in days:
        usable = free_spans(week, day, pad)
        for span in free_spans(week, day):
            inside = [u for u in usable if span.start <= u.start and u.end <= span.end]
            room = max((_on_grid(week, u) for u in inside), default=0)
            out.append(_Stretch(day, span, room))
    return out


def _stretch_text(week: Week, stretches: Sequence[_Stretch], other: str) -> str:
    """ "your longest free stretch ... is 40 min (Tue 18:10–18:50), which leaves 10 min ..."."""
    longest = max(stretches, key=lambda s: (s.minutes, s.room, -s.day))
    roomiest = max(stretches, key=lambda s: (s.room, s.minutes, -s.day))
    text = (
        f"your longest free stretch {_window_phrase(week)}{other} is {longest.minutes} min "
        f"({_span_text(week, longest.day, longest.span)})"
    )
    if roomiest.room >= longest.room and roomiest.span != longest.span:
        return (
            f"{text}, and none leaves more than {roomiest.room} min once the buffers are kept "
            f"({_span_text(week, roomiest.day, roomiest.span)})"
        )
    if longest.room < longest.minutes:
        text += f", which leaves {longest.room} min once the buffers are kept"
    return text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _days_text(week: Week, days: Sequence[int]) -> str:
    return ", ".join(_day(week, d) for d in days) or "no day"


def _max_apart(days: Sequence[int], last: int = -2) -> int:
    """How many of the given days can be used with no two of them consecutive (nor next to
    ``last``, a day already used: -1 when an earlier plan used the day before the week)."""
    count = 0
    for day in sorted(days):
        if day > last + 1:
            count, last = count + 1, day
    return count


def _kind_reason(week: Week, kind_id: str) -> str:
    kind = week.rules.kinds[kind_id]
    need, low = kind.per_week.min, kind.duration_min[0]
    found = [c for c in candidates(week) if c.kind == kind_id]
    rule_id = f"{kind_id}_per_week"
    if kind.anchor == "before_study":
        return (
            f"{rule_id}: {kind.title} needs {_plural(need, 'session')} a week, each "
            f"{low} min ending at most {kind.lead_max_min} min before a study block; this week "
            f"{len({c.anchor for c in found})} of the {_plural(len(week.study), 'study block')} "
            "leave room for one"
        )
    days = sorted({c.day for c in found})
    pad = week.buffer if kind.buffer else 0
    size = f"at least {low}" if kind.variable else f"{low}"
    head = f"{rule_id}: {kind.title} needs {_plural(need, 'session')} a week of {size} min"
    head += " in one piece, at most one a day"
    if pad:
        head += f", {pad} min clear of busy time on each side"
    has = "has" if len(days) == 1 else "have"
    if len(days) >= need:
        listed = _days_text(week, days)
        return f"{head}; this week {_plural(len(days), 'day')} {has} room for one ({listed})"
    others = [d for d in range(week.days) if d not in days and week.windows[d] is not None]
    stretches = _stretches(week, others, pad)
    other = " on any other day" if days else ""
    if not others:
        where = f"no{' other' if days else ''} day of the week is open for exercise"
    elif not stretches:
        where = f"your calendar has no free time {_window_phrase(week)}{other}"
    else:
        where = _stretch_text(week, stretches, other)
    if not days:
        return f"{head}, but {where}"
    return f"{head}, but only {_days_text(week, days)} {has} room for one; {where}"


def _room_for_two(week: Week, day: int, kinds: Sequence[str]) -> bool:
    """Whether a day has room for two workouts of different kinds (a kind is at most once a
    day), each at its shortest and kept a buffer from busy time and from each other."""
    pad = week.buffer
    rooms = [_on_grid(week, span) for span in free_spans(week, day, pad)]
    for a, b in itertools.permutations(kinds, 2):
        first, second = week.rules.kinds[a].duration_min[0], week.rules.kinds[b].duration_min[0]
        for i, room in enumerate(rooms):
            if room >= first + pad + second:
                return True
            if room >= first and any(r >= second for j, r in enumerate(rooms) if j != i):
                return True
    return False


def _one_workout_a_day(week: Week, conflict: Sequence[str]) -> str:
    """The sentence for a conflict between weekly minimums that is really the calendar's:
    every day with room fits only one of these workouts at a time ("" when not so)."""
    rules = week.rules
    kinds = [k for name in conflict if (k := rules.guarded_kind(name)) is not None]
    if len(kinds) < 2 or any(
        rules.kinds[k].anchor != "free" or not rules.kinds[k].buffer for k in kinds
    ):
        return ""
    days = sorted({c.day for c in candidates(week) if c.kind in kinds})
    asked = sum(rules.kinds[k].per_week.min for k in kinds)
    if asked <= len(days) or any(_room_for_two(week, day, kinds) for day in days):
        return ""
    each = f"Each of the {len(days)} days" if len(days) > 1 else "The one day"
    return (
        f"{each} with room ({_days_text(week, days)}) has "
        f"room for only one of these workouts at a time, so the week holds at most "
        f"{len(days)} of the {asked} sessions these minimums ask for."
    )


DESCRIPTIONS: KindTable[Callable[[Week, Any], str]] = KindTable(
    "explain.impossible.DESCRIPTIONS", hard=True
)
"""Each hard rule kind in one sentence, with this week's numbers (``rules.ruleset.KINDS``)."""


def describe_rule(week: Week, rule_id: str) -> str:
    """One sentence on what a rule demands, with this week's numbers where they help."""
    rules = week.rules
    kind_id = rules.guarded_kind(rule_id)
    if kind_id is not None:
        return _kind_reason(week, kind_id)
    rule = next((r for r in rules.hard if r.id == rule_id), None)
    if rule is None:
        return f"{rule_id}: {_BUILT_IN.get(rule_id, rules.rule_text(rule_id))}"
    return DESCRIPTIONS[rule.kind](week, rule)


def _room(week: Week, rule: MaxPerDay | NotOnConsecutiveDays) -> list[int]:
    """The days with room for a session of a kind the rule applies to."""
    kinds = week.rules.select(rule.applies_to)
    return sorted({c.day for c in candidates(week) if c.kind in kinds})


def _asked(week: Week, rule: MaxPerDay | NotOnConsecutiveDays) -> str:
    """What the weekly minimums of the kinds a rule applies to ask for, if anything."""
    rules = week.rules
    kinds = rules.select(rule.applies_to)
    asked = {k: rules.kinds[k].per_week.min for k in kinds if rules.kinds[k].per_week.min}
    if not asked:
        return ""
    parts = ", ".join(f"{k} {n}" for k, n in asked.items())
    return f", and the weekly minimums ask for {sum(asked.values())} ({parts})"


@DESCRIPTIONS.part("max_per_day")
def describe_max_per_day(week: Week, rule: MaxPerDay) -> str:
    """The rule, and how many sessions the days with room can then hold."""
    room = _room(week, rule)
    return (
        f"{rule.id}: {rule.description.rstrip('.')}; on the {_plural(len(room), 'day')} with "
        f"room that allows at most {rule.max * len(room)} such session(s)" + _asked(week, rule)
    )


@DESCRIPTIONS.part("not_on_consecutive_days")
def describe_not_on_consecutive_days(week: Week, rule: NotOnConsecutiveDays) -> str:
    """The rule, and how many of the days with room can be used without two in a row."""
    room = _room(week, rule)
    kinds = week.rules.select(rule.applies_to)
    used = -1 if any(k in kinds and d == -1 for k, d in week.earlier) else -2
    text = (
        f"{rule.id}: {rule.description.rstrip('.')}; at most {_max_apart(room, used)} of the "
        f"{_plural(len(room), 'day')} with room can be used without two being consecutive"
    )
    if used == -1:
        text += f" (an earlier plan has one the day before, {week.horizon.date(-1):%a %d %b})"
    return text + _asked(week, rule)


@DESCRIPTIONS.part("rest_after")
def describe_rest_after(week: Week, rule: RestAfter) -> str:
    """The rule, and this week's rest periods."""
    return f"{rule.id}: {rule.description.rstrip('.')}" + _rest_text(week, rule)


def _moment(week: Week, minute: int) -> str:
    return f"{week.horizon.to_datetime(minute):%a %H:%M}"


def _rest_text(week: Week, rule: RestAfter, shown: int = 3) -> str:
    """This week's rest periods in words: after which event, and until when."""
    found = rests(week, rule)
    if not found:
        return "; this week no event calls for rest"
    parts = [
        f"after '{r.after.summary}' ({'overnight' if r.overnight else 'long'}, ended "
        f"{_moment(week, r.start)}) no workout before {_moment(week, r.end)}"
        for r in found[:shown]
    ]
    more = f", and {len(found) - shown} more" if len(found) > shown else ""
    return f"; this week {'; '.join(parts)}{more}"


# -- relaxations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Relaxation:
    """One change to this week's inputs, checked by solving to make the week plannable.

    ``family`` is what it changes (``window``, ``buffer``, ``shorter``, ``minimum``,
    ``drop``), ``subject`` the rule, kind or weekday, ``text`` the sentence a user reads,
    ``week`` the changed week itself (plan it with ``plan_week``) and ``cost`` what the best
    plan of that week gives up for it (sessions in the added time, the rule broken, the
    objective), so that fixes can be weighed against each other. ``setting`` names what to
    edit for it (``window.sun``, ``buffer_min``, ``kinds.hiit.per_week.min``, ...), for the
    JSON report.
    """

    family: str
    subject: str
    text: str
    week: Week
    cost: str = ""
    setting: str = ""

    @property
    def offer(self) -> str:
        """The change and its cost, as a "would work" line says them."""
        return f"{self.text}; {self.cost}" if self.cost else self.text


def rebuild(week: Week, *, profile: Profile | None = None, rules: RuleSet | None = None) -> Week:
    """The same week under a changed profile or rule set, resolved again by ``prepare_week``
    (anything else the week carries, such as a re-planned week's pinned sessions, stays)."""
    fresh = prepare_week(
        profile or week.profile,
        rules or week.rules,
        CalendarWeek(week.commitments),
        week.horizon,
    )
    changed = ("profile", "rules", "windows", "buffer", "preferred", "disliked")
    return dataclasses.replace(week, **{name: getattr(fresh, name) for name in changed})


def _first(
    values: Sequence[int], make: Callable[[int], Week], options: SolverOptions
) -> tuple[int, Week] | None:
    """The first value (least change first) whose week is plannable. ``values[-1]`` is the
    biggest change; if even that fails none is tried."""
    if not values:
        return None
    last = make(values[-1])
    if not plannable(last, options):
        return None
    for value in values[:-1]:
        week = make(value)
        if plannable(week, options):
            return value, week
    return values[-1], last


def _with_kind(week: Week, kind_id: str, **update: object) -> Week:
    rules = week.rules
    kind = rules.kinds[kind_id].model_copy(update=update)
    return rebuild(week, rules=rules.model_copy(update={"kinds": {**rules.kinds, kind_id: kind}}))


def _kind_relaxations(week: Week, kind_id: str, options: SolverOptions) -> list[Relaxation]:
    kind = week.rules.kinds[kind_id]
    out: list[Relaxation] = []
    low, high = kind.duration_min
    grid = week.grid
    floor = max(grid, -(-low // 2 // grid) * grid)
    shorter = list(range(low - grid, floor - 1, -grid))

    def short(value: int) -> Week:
        return _with_kind(week, kind_id, duration_min=(value, high if kind.variable else value))

    if (hit := _first(shorter, short, options)) is not None:
        value, changed = hit
        out.append(
            Relaxation(
                "shorter",
                kind_id,
                f"shorten {kind.title} to {'at least ' if kind.variable else ''}{value} min "
                f"this week (kinds.{kind_id}.duration_min, now {low})",
                changed,
                setting=f"kinds.{kind_id}.duration_min",
            )
        )
    need = kind.per_week.min

    def fewer(value: int) -> Week:
        return _with_kind(week, kind_id, per_week=kind.per_week.model_copy(update={"min": value}))

    if (hit := _first(list(range(need - 1, -1, -1)), fewer, options)) is not None:
        value, changed = hit
        text = (
            f"lower the weekly minimum of {kind.title} from {need} to {value} "
            f"(kinds.{kind_id}.per_week.min)"
            if value
            else f"drop {kind_id}_per_week this week, so no {kind.title} session is required "
            f"(kinds.{kind_id}.per_week.min = 0, now {need})"
        )
        setting = f"kinds.{kind_id}.per_week.min"
        out.append(Relaxation("minimum", kind_id, text, changed, setting=setting))
    return out


def _drop_relaxation(week: Week, rule_id: str, options: SolverOptions) -> list[Relaxation]:
    rules = week.rules
    if not any(r.id == rule_id for r in rules.hard):
        return []
    changed = rebuild(
        week, rules=rules.model_copy(update={"hard": [r for r in rules.hard if r.id != rule_id]})
    )
    if not plannable(changed, options):
        return []
    text = f"drop {rule_id} this week ({rules.rule_text(rule_id)})"
    return [Relaxation("drop", rule_id, text, changed, setting=f'[[hard]] id = "{rule_id}"')]


RELAXATIONS: KindTable[Callable[[Week, Any, SolverOptions], list[Relaxation]]] = KindTable(
    "explain.impossible.RELAXATIONS", hard=True, optional=True
)
"""Changes to a hard rule's own numbers that make a week plannable, for the kinds that have
numbers worth changing (any hard rule can also be dropped: ``_drop_relaxation``)."""


@RELAXATIONS.part("rest_after")
def relax_rest_after(week: Week, rule: RestAfter, options: SolverOptions) -> list[Relaxation]:
    """Shorter rests after overnight and after long events, each the least change (in
    steps of an hour) that makes the week plannable."""
    rules, rule_id = week.rules, rule.id
    index = rules.hard.index(rule)
    out: list[Relaxation] = []
    for field, what in (("after_overnight_min", "overnight"), ("after_long_min", "long")):
        now = getattr(rule, field)

        def shorter(value: int, field: str = field) -> Week:
            hard = list(rules.hard)
            hard[index] = rule.model_copy(update={field: value})
            return rebuild(week, rules=rules.model_copy(update={"hard": hard}))

        hit = _first(list(range(now - (now % 60 or 60), -1, -60)), shorter, options)
        if hit is not None:
            value, changed = hit
            text = (
                f"rest only {_duration(value)} after {what} commitments this week "
                f"(hard rule {rule_id}: {field} = {value}, now {now})"
            )
            setting = f'[[hard]] id = "{rule_id}": {field}'
            out.append(Relaxation("rest", rule_id, text, changed, setting=setting))
    return out


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not rest:
        return f"{hours} h"
    return f"{hours} h {rest} min" if hours else f"{rest} min"


def _buffer_relaxation(week: Week, options: SolverOptions) -> list[Relaxation]:
    buffer = week.profile.buffer_min
    values = list(range(buffer - (buffer % 5 or 5), -1, -5))

    def make(value: int) -> Week:
        return rebuild(week, profile=week.profile.model_copy(update={"buffer_min": value}))

    hit = _first(values, make, options)
    if hit is None:
        return []
    value, changed = hit
    text = f"shrink the buffer from {buffer} to {value} min (buffer_min = {value} in the profile)"
    return [Relaxation("buffer", "buffer_min", text, changed, setting="buffer_min")]


def _with_windows(week: Week, ranges: dict[int, TimeRange]) -> Week:
    """The week with some weekdays' windows (0 = Monday) replaced, and with them the
    ``[window.dates]`` entries of this week's dates on those weekdays."""
    window = week.profile.window
    dates = {
        date: ranges.get(date.weekday(), clock)
        if date in _week_dates(week, date.weekday())
        else clock
        for date, clock in window.dates.items()
    }
    window = window.model_copy(
        update={WEEKDAYS[wd]: clock for wd, clock in ranges.items()} | {"dates": dates}
    )
    return rebuild(week, profile=week.profile.model_copy(update={"window": window}))


def _week_dates(week: Week, weekday: int) -> list[dt.date]:
    dates = (week.horizon.date(d) for d in range(week.days))
    return [date for date in dates if date.weekday() == weekday]


def _current(week: Week, weekday: int) -> TimeRange | None:
    """A weekday's window this week: its date's own (``[window.dates]``), else the weekday's."""
    return week.profile.window.for_date(_week_dates(week, weekday)[0])


def _assign(week: Week, weekday: int, clock: TimeRange) -> str:
    """The profile line(s) that give a weekday of this week ``clock``: its dates' entries in
    ``[window.dates]`` when they set it, else the weekday's field."""
    own = [d for d in _week_dates(week, weekday) if d in week.profile.window.dates]
    if own and len(own) == len(_week_dates(week, weekday)):
        return ", ".join(f'window.dates."{d.isoformat()}" = "{clock}"' for d in own)
    return f'window.{WEEKDAYS[weekday]} = "{clock}"'


def _field(assignment: str) -> str:
    """The profile field(s) an assignment from ``_assign`` sets (``window.thu``)."""
    return ", ".join(part.split(" = ")[0] for part in assignment.split(", "))


def _clock_range(start: int, end: int) -> TimeRange:
    return TimeRange(start=dt.time(*divmod(start, 60)), end_minute=end)


def _window_relaxations(week: Week, options: SolverOptions) -> list[Relaxation]:
    """Later ends, earlier starts, or an exercise day more, one weekday at a time; every
    day at once only when no single day is enough."""
    window = week.profile.window
    weekdays = sorted({week.horizon.date(d).weekday() for d in range(week.days)})
    current = {wd: _current(week, wd) for wd in weekdays}
    widest = {
        wd: _clock_range(
            min(EARLIEST_START, c.start_minute) if c else EARLIEST_START,
            max(LATEST_END, c.end_minute) if c else LATEST_END,
        )
        for wd, c in current.items()
    }
    if not plannable(_with_windows(week, widest), options):
        return []
    found: list[tuple[int, int, Relaxation]] = []  # (minutes added, weekday, relaxation)
    for wd, clock in current.items():
        if clock is None:
            default = window.default
            changed = _with_windows(week, {wd: default})
            if plannable(changed, options):
                assign = _assign(week, wd, default)
                text = f"allow exercise on {_NAME[wd]} ({assign})"
                added = default.end_minute - default.start_minute
                setting = _field(assign)
                relaxation = Relaxation("window", WEEKDAYS[wd], text, changed, setting=setting)
                found.append((added, wd, relaxation))
            continue
        start, end = clock.start_minute, clock.end_minute

        def ending(value: int, wd: int = wd, start: int = start) -> Week:
            return _with_windows(week, {wd: _clock_range(start, value)})

        def starting(value: int, wd: int = wd, end: int = end) -> Week:
            return _with_windows(week, {wd: _clock_range(value, end)})

        later = range((end // WINDOW_STEP + 1) * WINDOW_STEP, LATEST_END + 1, WINDOW_STEP)
        if (hit := _first(list(later), ending, options)) is not None:
            new_end, changed = hit
            new = _clock_range(start, new_end)
            assign = _assign(week, wd, new)
            text = f"allow a {str(new).split('-')[1]} end on {_NAME[wd]} ({assign})"
            relaxation = Relaxation("window", WEEKDAYS[wd], text, changed, setting=_field(assign))
            found.append((new_end - end, wd, relaxation))
        top = -(-start // WINDOW_STEP) * WINDOW_STEP - WINDOW_STEP
        if hit := _first(list(range(top, EARLIEST_START - 1, -WINDOW_STEP)), starting, options):
            new_start, changed = hit
            new = _clock_range(new_start, end)
            assign = _assign(week, wd, new)
            text = f"allow a {new.start:%H:%M} start on {_NAME[wd]} ({assign})"
            relaxation = Relaxation("window", WEEKDAYS[wd], text, changed, setting=_field(assign))
            found.append((start - new_start, wd, relaxation))
    if found:
        found.sort(key=lambda item: (item[0], item[1]))
        edges = [r for _, _, r in found if not r.text.startswith("allow exercise on")]
        days_off = [r for _, _, r in found if r.text.startswith("allow exercise on")]
        # A day off opened is time the calendar already has free; a wider edge eats into
        # the morning or the night, so days off come first.
        return days_off[:MAX_WINDOW_RELAXATIONS] + edges[:MAX_WINDOW_RELAXATIONS]
    out = _days_off_relaxation(week, [wd for wd, c in current.items() if c is None], options)
    open_days = {wd: c for wd, c in current.items() if c is not None}

    def all_ending(value: int) -> Week:
        return _with_windows(
            week,
            {
                wd: _clock_range(c.start_minute, max(value, c.end_minute))
                for wd, c in open_days.items()
            },
        )

    def all_starting(value: int) -> Week:
        return _with_windows(
            week,
            {
                wd: _clock_range(min(value, c.start_minute), c.end_minute)
                for wd, c in open_days.items()
            },
        )

    latest = max((c.end_minute for c in open_days.values()), default=LATEST_END)
    earliest = min((c.start_minute for c in open_days.values()), default=EARLIEST_START)
    later = range((latest // WINDOW_STEP + 1) * WINDOW_STEP, LATEST_END + 1, WINDOW_STEP)
    by_default = all(
        getattr(window, WEEKDAYS[wd]) in (None, True)
        and not set(_week_dates(week, wd)) & set(window.dates)
        for wd in open_days
    )

    every = "window.default" if by_default else "window"

    def where(clock: TimeRange) -> str:
        return f'window.default = "{clock}"' if by_default else "each day's window"

    if open_days and (hit := _first(list(later), all_ending, options)):
        value, changed = hit
        clock = _clock_range(window.default.start_minute, value)
        text = f"allow exercise until {str(clock)[-5:]} every day ({where(clock)})"
        out.append(Relaxation("window", "every day", text, changed, setting=every))
    top = -(-earliest // WINDOW_STEP) * WINDOW_STEP - WINDOW_STEP
    if open_days and (
        hit := _first(list(range(top, EARLIEST_START - 1, -WINDOW_STEP)), all_starting, options)
    ):
        value, changed = hit
        clock = _clock_range(value, window.default.end_minute)
        text = f"allow exercise from {clock.start:%H:%M} every day ({where(clock)})"
        out.append(Relaxation("window", "every day", text, changed, setting=every))
    if out:
        return out
    text = (
        f"widen every day's window to {EARLIEST_START // 60:02d}:{EARLIEST_START % 60:02d}-"
        f"{LATEST_END // 60:02d}:{LATEST_END % 60:02d}, days off included (window in the profile)"
    )
    return [Relaxation("window", "every day", text, _with_windows(week, widest), setting="window")]


def _days_off_relaxation(
    week: Week, days_off: Sequence[int], options: SolverOptions
) -> list[Relaxation]:
    """When no single day off is enough: a few days off opened together (the default
    window), found by opening them all and closing again, latest first, each that can be."""
    default = week.profile.window.default
    if len(days_off) < 2 or not plannable(
        _with_windows(week, dict.fromkeys(days_off, default)), options
    ):
        return []
    opened = list(days_off)
    for wd in reversed(days_off):
        fewer = [d for d in opened if d != wd]
        if plannable(_with_windows(week, dict.fromkeys(fewer, default)), options):
            opened = fewer
    names = [_NAME[wd] for wd in opened]
    listed = f"{', '.join(names[:-1])} and {names[-1]}"
    fields = ", ".join(_assign(week, wd, default) for wd in opened)
    changed = _with_windows(week, dict.fromkeys(opened, default))
    text = f"allow exercise on {listed} ({fields})"
    setting = ", ".join(f"window.{WEEKDAYS[wd]}" for wd in opened)
    return [Relaxation("window", "days off", text, changed, setting=setting)]


def relaxations(
    week: Week, conflict: Sequence[str], options: SolverOptions | None = None
) -> list[Relaxation]:
    """Single changes that make the week plannable, each checked by solving the changed
    week with every other rule as given; least invasive first."""
    trial = _trial_options(options)
    found = [*_window_relaxations(week, trial), *_buffer_relaxation(week, trial)]
    for rule_id in conflict:
        kind_id = week.rules.guarded_kind(rule_id)
        if kind_id is not None:
            found += _kind_relaxations(week, kind_id, trial)
    for rule_id in conflict:
        for rule in week.rules.hard:
            relax = RELAXATIONS.get(rule.kind)
            if rule.id == rule_id and relax is not None:
                found += relax(week, rule, trial)
    for rule_id in conflict:
        found += _drop_relaxation(week, rule_id, trial)
    order = {"window": 0, "buffer": 1, "shorter": 2, "rest": 3, "minimum": 4, "drop": 5}
    return [_priced(week, r, trial) for r in sorted(found, key=lambda r: order[r.family])]


def _priced(week: Week, relaxation: Relaxation, options: SolverOptions) -> Relaxation:
    """The relaxation with what it costs: the changed week planned as ``plan`` would plan
    it, and what that plan does with the change. A dropped rule is priced by the plan that
    breaks it as little as it can (``solve_relaxed`` with only that rule breakable): a plan
    that may break it at will could break it anywhere."""
    if relaxation.family == "drop":
        try:
            least = solve_relaxed(week, options, breakable={relaxation.subject})
        except NoPlanFoundError:
            return relaxation
        broken = least.broken.get(relaxation.subject, 0)
        how = broken_text(week.rules, relaxation.subject, broken)
        score = f"{'' if least.status == 'OPTIMAL' else 'at least '}{least.objective}"
        cost = (
            f"it is then broken by at least {how}, and the best plan that breaks it that "
            f"little scores {score}"
        )
        return dataclasses.replace(relaxation, cost=cost)
    model, wm = build_model(relaxation.week)
    try:
        solver, status = run(model, options)
    except NoPlanFoundError:  # undecided within the trial time: no cost to tell
        return relaxation
    if status == cp_model.INFEASIBLE:
        return relaxation
    plan = read_solution(solver, status, wm, 0.0)
    score = f"{'' if plan.status == 'OPTIMAL' else 'at least '}{plan.objective}"
    match relaxation.family:
        case "window":
            added = sum(not _inside(week, s) for s in plan.sessions)
            verb = "falls" if added == 1 else "fall"
            cost = (
                f"then {_plural(added, 'session')} {verb} in the added time and the best plan "
                f"scores {score}"
            )
        case "shorter":
            kind = week.rules.kinds[relaxation.subject]
            low = kind.duration_min[0]
            short = sum(s.kind == relaxation.subject and s.minutes < low for s in plan.sessions)
            verb = "is" if short == 1 else "are"
            cost = (
                f"then {_plural(short, 'session')} {verb} shorter than {low} min and the best "
                f"plan scores {score}"
            )
        case _:
            cost = f"the best plan then scores {score}"
    return dataclasses.replace(relaxation, cost=cost)


def _inside(week: Week, session: Session) -> bool:
    """Whether a session lies inside its day's window as the (unrelaxed) week has it."""
    window = week.windows[week.horizon.day_of(session.start)]
    return window is not None and window.start <= session.start and session.end <= window.end


def _family_phrase(week: Week, relaxation: Relaxation) -> str:
    match relaxation.family:
        case "window":
            return "the daily window"
        case "buffer":
            return f"the {week.buffer}-min buffer"
        case "shorter":
            return f"{relaxation.subject}'s minimum length"
        case "minimum":
            return f"{relaxation.subject}'s weekly minimum"
        case "rest":
            return f"the rest {relaxation.subject} asks for"
        case _:
            return f"the rule {relaxation.subject}"


def _conflict_text(
    week: Week, conflict: Sequence[str], said: set[str], *, alone: bool = True
) -> str:
    """A conflict in words: its rules, then what each of them not yet ``said`` demands."""
    reasons = " ".join(
        describe_rule(week, name).rstrip(".") + "." for name in conflict if name not in said
    )
    said.update(conflict)
    if len(conflict) == 1:
        return reasons or f"{conflict[0]}."
    names = f"{', '.join(conflict[:-1])} and {conflict[-1]}"
    rest = "the rest" if alone else "the others of them"
    text = f"{names} cannot all hold together (drop any one and {rest} can)."
    if one_each := _one_workout_a_day(week, conflict):
        text += f" {one_each}"
    return f"{text} {reasons}".rstrip()


def explain_infeasible(week: Week, options: SolverOptions | None = None) -> InfeasibleError:
    """The error a user sees when the week cannot hold every rule: each conflict in words
    with this week's numbers, and the single changes that were checked to make it plannable."""
    found = conflicts(week, options)
    first = found[0] if found else []
    fixes = relaxations(week, sorted({name for c in found for name in c}), options)
    said: set[str] = set()
    if len(found) > 1:
        shared = any(set(a) & set(b) for a, b in itertools.combinations(found, 2))
        many = "at least " if len(found) >= CONFLICT_LIMIT else ""
        kind = "conflicts (some share rules)" if shared else "separate conflicts"
        head = f"{many}{len(found)} {kind}"
        texts = [_conflict_text(week, c, said, alone=False) for c in found]
        body = f"{head}, each needing a change. " + " ".join(
            f"({i}) {text}" for i, text in enumerate(texts, 1)
        )
        everywhere = [name for name in first if all(name in c for c in found)]
        if everywhere and not many:
            body += f" Dropping {' or '.join(everywhere)} alone resolves them all."
        elif not many:
            body += (
                " No rule is in every conflict, so no single rule dropped makes the week plannable."
            )
    elif found:
        body = _conflict_text(week, first, said)
        texts = [body]
    else:
        texts = []
        body = "the weekly minimums cannot all be met."
    families = list(dict.fromkeys(_family_phrase(week, r) for r in fixes))
    if families:
        fix = f"Relax one of: {', '.join(families)}"
        if len(found) > 1:
            fix += (
                "; or plan with --relax soft to break the least important rules as little as "
                "possible"
            )
    else:
        fix = (
            "No single change tried here (a wider window, a smaller buffer, shorter sessions, "
            "a lower weekly minimum, dropping one rule) makes this week plannable; free time in "
            "the calendar, or plan with --relax soft to break the least important rules as "
            "little as possible"
        )
    return InfeasibleError(
        f"the rules cannot all hold in {week.horizon.label}. {body.rstrip('.')}",
        conflict=first,
        conflicts=found,
        reasons=[describe_rule(week, name) for c in found for name in c],
        relaxations=[r.offer for r in fixes],
        fix=fix,
        week=week.horizon.label,
        explained=[Conflict(tuple(c), text) for c, text in zip(found, texts, strict=True)],
        fixes=[Fix(r.text, r.setting, r.cost, r.week) for r in fixes],
    )


# -- planning that breaks the least important rules as little as possible ----------------------


TALLIES: KindTable[Callable[[Week, Any, Sequence[Session]], int]] = KindTable(
    "explain.impossible.TALLIES", hard=True
)
"""How many times a plan's sessions break a hard rule, per kind (``rules.ruleset.KINDS``)."""


def broken_counts(week: Week, sessions: Sequence[Session]) -> dict[str, int]:
    """How many times a plan breaks each hard rule and weekly minimum it breaks, counted
    from its sessions: sessions short of a weekly minimum, sessions over a day's limit,
    pairs of consecutive days (``keep_past`` is not counted here)."""
    rules = week.rules
    found: dict[str, int] = {}
    for kind_id, kind in rules.kinds.items():
        found[f"{kind_id}_per_week"] = max(
            0, kind.per_week.min - sum(s.kind == kind_id for s in sessions)
        )
    for rule in rules.hard:
        found[rule.id] = TALLIES[rule.kind](week, rule, sessions)
    return {name: n for name, n in found.items() if n}


def _days_of(
    week: Week, rule: MaxPerDay | NotOnConsecutiveDays, sessions: Sequence[Session]
) -> list[int]:
    """The day of each session of a kind the rule applies to."""
    kinds = set(week.rules.select(rule.applies_to))
    return [week.horizon.day_of(s.start) for s in sessions if s.kind in kinds]


@TALLIES.part("max_per_day")
def tally_max_per_day(week: Week, rule: MaxPerDay, sessions: Sequence[Session]) -> int:
    """Sessions beyond ``rule.max`` on their days."""
    days = _days_of(week, rule, sessions)
    return sum(max(0, days.count(d) - rule.max) for d in set(days))


@TALLIES.part("not_on_consecutive_days")
def tally_not_on_consecutive_days(
    week: Week, rule: NotOnConsecutiveDays, sessions: Sequence[Session]
) -> int:
    """Pairs of consecutive days both holding a matching session."""
    days = _days_of(week, rule, sessions)
    return sum(d + 1 in days for d in set(days))


@TALLIES.part("rest_after")
def tally_rest_after(week: Week, rule: RestAfter, sessions: Sequence[Session]) -> int:
    """Matching sessions starting inside a rest period."""
    kinds = set(week.rules.select(rule.applies_to))
    periods = rests(week, rule)
    return sum(
        s.kind in kinds and any(r.start <= s.start < r.end for r in periods) for s in sessions
    )


def plan_week(week: Week, options: SolverOptions | None = None, *, relax: bool = False) -> Plan:
    """The best week under the rules, or an error saying why there is none: the policy for
    impossible weeks, over the solver's primitive (``solver.solve.solve``).

    Raises ``InfeasibleError`` (naming minimal sets of conflicting rules, with relaxations
    tested by solving) when the hard rules cannot all hold, and ``NoPlanFoundError`` when a
    time limit ran out first. With ``relax=True`` an impossible week is planned breaking its
    least important rules as little as possible instead (``solve_relaxed``; ``Plan.dropped``
    names them)."""
    options = options or SolverOptions()
    plan = solve(week, options)
    if plan is not None:
        return plan
    if relax:
        return solve_relaxed(week, options)
    raise explain_infeasible(week, options)


def solve_relaxed(
    week: Week, options: SolverOptions | None = None, *, breakable: Collection[str] | None = None
) -> Plan:
    """The best week that breaks the least important rules as little as it can
    (``--relax soft``).

    Every hard rule and weekly minimum is counted instead of required (``hard.
    add_counted_hard_rules``: consecutive-day pairs, sessions over a day's limit, sessions
    short of a minimum). Stage 1 minimises the sum over rules of ``priority × count``, each
    break also counting 1 below any priority step, so that at equal priority fewer breaks
    win and a priority-0 rule is never broken for nothing; stage 2 keeps that cost and
    maximises the usual objective. A rule dropped to the least possible extent leaves no room
    for an optional session on a day whose limit it breaks: that would be a break more.
    ``Plan.dropped`` names the rules broken and ``Plan.broken`` how often. ``breakable``
    limits which rules may be broken at all (pricing a single dropped rule); the week must
    then be plannable breaking only those.
    """
    options = options or SolverOptions()
    started = time.perf_counter()
    model = cp_model.CpModel()
    wm = WeekModel(model, week, guarded=True)
    broken = add_counted_hard_rules(wm)
    if breakable is not None:
        for name in set(broken) - set(breakable):
            model.add(broken.pop(name) == 0)
    if not broken and breakable is None:
        return plan_week(week, options)
    rules = week.rules
    # More than the number of breaks any plan can have, so one priority step outweighs them.
    step = 1 + sum(k.per_week.min for k in rules.kinds.values()) + len(broken)
    step += len(rules.hard) * (len(wm.vars) + week.days)
    cost = sum((rules.priority_of(name) * step + 1) * expr for name, expr in broken.items())
    model.minimize(cost)
    solver, first = run(model, options)
    model.add(cost <= round(solver.objective_value))
    model.maximize(add_soft_rules(wm))
    solver, second = run(model, options)
    proven = first == second == cp_model.OPTIMAL
    plan = read_solution(
        solver, cp_model.OPTIMAL if proven else cp_model.FEASIBLE, wm, time.perf_counter() - started
    )
    counts = broken_counts(week, plan.sessions)
    counts.update({name: 1 for name, guard in wm.guards.items() if not solver.boolean_value(guard)})
    return dataclasses.replace(plan, dropped=tuple(sorted(counts)), broken=counts)
