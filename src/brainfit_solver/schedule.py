"""Several weeks, re-plans and repeating templates: the pipeline behind ``brainfit plan``'s
``--weeks``, ``--previous`` and ``--repeat``, as plain functions.

    inputs = api.load_inputs(["calendar.ics"], week="2026-W49")
    result = plan_weeks(inputs, weeks=4)                       # four weeks, one .ics
    result = plan_weeks(inputs, previous=read_previous(data))  # re-plan, same UIDs

Each week is its own ISO week (its rules, its calendar, its UIDs); the weeks are solved
together exactly by ``multiweek.solve_weeks``. The exported file is checked week by week by
the independent checker, plus the seam rules between weeks; a plan the checker rejects is a
bug and raises ``AssertionError``, as ``api.plan`` does.

``--repeat`` plans one week and repeats it (RRULE FREQ=WEEKLY;COUNT=N). The trade-off: the
same sessions every week, easy to follow and to edit as one series in a calendar app, but
not each week's own optimum. The template is planned around every planned week's busy time
at once (each week's calendar folded onto the first by local wall-clock time) and anchors
snacks only to study blocks that occur in every week, so each occurrence fits its own
week; when the calendar repeats, it is exactly the first week's optimal plan.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

from icalendar import Calendar

from . import api
from .check import (
    CheckReport,
    check_plan,
    check_seams,
    read_plan,
)
from .domain import CalendarWeek, Commitment, Plan, SolverOptions
from .errors import ProfileError
from .ics_out import PRODID, identified, output_stamp, session_event
from .multiweek import WeeksPlan, solve_template, solve_weeks
from .replan import PreviousPlan, assign_uids, cancelled_event, changed, with_previous
from .timegrid import Horizon
from .vtimezone import vtimezone
from .week import Week, prepare_week, with_days_before


@dataclass(frozen=True)
class Changes:
    """What a re-plan did to the previous plan's sessions in the planned weeks."""

    kept: int = 0  # same UID, nothing changed (SEQUENCE unchanged)
    moved: int = 0  # same UID, changed (SEQUENCE + 1)
    new: int = 0  # a new UID
    cancelled: tuple[str, ...] = ()  # UIDs emitted as STATUS:CANCELLED
    previous: int = 0  # BrainFit events read from the previous plan, cancelled ones included
    warnings: tuple[str, ...] = ()  # what is wrong with the previous plan (PreviousPlan.warnings)


@dataclass(frozen=True)
class ScheduleResult:
    """Planned weeks, the one exported file and the checker's verdict on each week.

    ``weeks`` has one ``PlanResult`` per planned week (for ``--repeat``, one: the template);
    their ``ics`` is the whole file. ``checks`` has one report per week in every case.
    """

    weeks: tuple[api.PlanResult, ...]
    checks: tuple[CheckReport, ...]
    ics: bytes
    solved: WeeksPlan
    changes: Changes
    repeat: bool = False

    @property
    def objective(self) -> int:
        """The objective recomputed by the checker over all weeks."""
        return sum(c.objective for c in self.checks)


def _fold_minute(week: Horizon, first: Horizon, minute: int, k: int) -> int:
    """A minute of week ``k`` as the same local wall-clock time in the first week."""
    wall = week.to_datetime(minute).replace(tzinfo=None) - dt.timedelta(weeks=k)
    return first.to_minute(wall.replace(tzinfo=first.tz))


def folded_week(all_inputs: Sequence[api.Inputs]) -> Week:
    """One week holding every planned week's busy time at its local wall-clock time; study
    blocks stay study only where every week has the same block (same time and title)."""
    first = all_inputs[0]
    h0 = first.horizon
    mapped: list[list[Commitment]] = []
    for k, inp in enumerate(all_inputs):
        week = []
        for c in inp.calendar.commitments:
            start = max(0, _fold_minute(inp.horizon, h0, c.start, k))
            end = min(h0.minutes, _fold_minute(inp.horizon, h0, c.end, k))
            began = None if c.began is None else _fold_minute(inp.horizon, h0, c.began, k)
            if start < end:
                week.append(dataclasses.replace(c, start=start, end=end, began=began))
        mapped.append(week)
    study = [{(c.start, c.end, c.summary) for c in week if c.study} for week in mapped]
    common = set.intersection(*study) if study else set()
    commitments = {
        dataclasses.replace(c, study=c.study and (c.start, c.end, c.summary) in common)
        for week in mapped
        for c in week
    }
    calendar = CalendarWeek(
        tuple(sorted(commitments, key=lambda c: (c.start, c.end, c.summary, c.source, c.study))),
        zone_hint=first.calendar.zone_hint,
        latest_stamp=first.calendar.latest_stamp,
        sources=first.calendar.sources,
    )
    return prepare_week(first.profile, first.rules, calendar, h0)


def _calendar(first: Horizon, last: Horizon, name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", first.tz_name)
    cal.add_component(vtimezone(first.tz_name, first.monday, last.end.date()))
    return cal


def plan_weeks(
    inputs: api.Inputs,
    *,
    weeks: int = 1,
    previous: PreviousPlan | None = None,
    now: dt.datetime | None = None,
    repeat: bool = False,
    options: SolverOptions | None = None,
    executor: Executor | None = None,
) -> ScheduleResult:
    """Plan ``weeks`` consecutive weeks (optionally re-planning ``previous`` as of ``now``,
    or as one repeating week), export them as one .ics and check every week. The weeks'
    solves go through ``executor`` (default: this process, see ``multiweek.solve_weeks``)."""
    if options is None:
        settings = inputs.profile.solver
        options = SolverOptions(time_limit_s=settings.time_limit_s, workers=settings.workers)
    all_inputs = api.week_inputs(inputs, weeks)
    horizons = [i.horizon for i in all_inputs]
    if repeat and previous is not None:
        raise ProfileError(
            "--repeat and --previous cannot be combined",
            fix="Re-plan a multi-week plan made with --weeks, or make a new template",
        )
    if previous is not None and now is None:
        raise ValueError("re-planning needs 'now'")
    if previous is not None:
        previous = previous.resolved(inputs.rules, inputs.profile.name)
    if repeat:
        models = [with_days_before(folded_week(all_inputs), inputs.week.before)]
        solved = solve_template(models[0], options)
    else:
        models = [
            with_previous(i.week, previous, now) if previous is not None and now else i.week
            for i in all_inputs
        ]
        # The days before the first week are seam context (the previous plan's sessions
        # there count over the calendars' imported copies); those before every later week
        # are planned in this run and joined by the seam program.
        if previous is not None:
            models[0] = with_days_before(models[0], previous.before(horizons[0]))
        models[1:] = [dataclasses.replace(m, before=()) for m in models[1:]]
        solved = solve_weeks(models, options, executor=executor)

    owner, rules = inputs.profile.name, inputs.rules
    stamp = output_stamp(inputs.horizon, inputs.calendar.latest_stamp)
    if previous is not None and previous.latest_stamp is not None:
        stamp = max(stamp, previous.latest_stamp)
    label = horizons[0].label if weeks == 1 else f"{horizons[0].label} to {horizons[-1].label}"
    cal = _calendar(horizons[0], horizons[-1], f"BrainFit {label}")
    old = {e.uid: e for e in previous.events} if previous is not None else {}
    taken = set(old)
    kept = moved = new = 0
    plans: list[Plan] = []
    for k, plan in enumerate(solved.plans):
        horizon = horizons[k]
        if previous is not None:
            sessions = assign_uids(
                plan.sessions,
                models[k].previous,
                owner=owner,
                week_label=horizon.label,
                taken=taken,
            )
        else:
            tag = f"{horizon.label}/weekly" if repeat else horizon.label
            sessions = tuple(
                dataclasses.replace(s, uid=uid) for uid, s in identified(plan.sessions, owner, tag)
            )
        plans.append(dataclasses.replace(plan, sessions=sessions))
        for s in sessions:
            assert s.uid is not None
            event = session_event(s, rules, horizon, uid=s.uid, stamp=stamp)
            if repeat:
                event.add("rrule", {"freq": "weekly", "count": weeks})
            before = old.get(s.uid)
            if before is None:
                new += previous is not None
            elif changed(event, before.component):
                moved += 1
                event = session_event(
                    s, rules, horizon, uid=s.uid, stamp=stamp, sequence=before.sequence + 1
                )
            else:
                kept += 1
                event = session_event(
                    s, rules, horizon, uid=s.uid, stamp=stamp, sequence=before.sequence
                )
            cal.add_component(event)
    cancelled: list[str] = []
    if previous is not None:
        planned = {s.uid for p in plans for s in p.sessions}
        for e in previous.events:
            inside = any(h.start <= e.start < h.end for h in horizons)
            if inside and not e.cancelled and e.uid not in planned:
                cal.add_component(cancelled_event(e, stamp))
                cancelled.append(e.uid)
            elif not inside or e.cancelled:
                cal.add_component(e.component)  # carried over unchanged
    ics = bytes(cal.to_ical())
    checks = _check(ics, all_inputs, models, previous, now, repeat)
    _same_objectives(solved, checks, repeat)
    results = tuple(
        api.PlanResult(all_inputs[k], plans[k], ics, checks[k]) for k in range(len(plans))
    )
    return ScheduleResult(
        weeks=results,
        checks=checks,
        ics=ics,
        solved=solved,
        changes=Changes(
            kept,
            moved,
            new,
            tuple(cancelled),
            previous=len(previous.events) if previous is not None else 0,
            warnings=previous.warnings if previous is not None else (),
        ),
        repeat=repeat,
    )


def _check(
    ics: bytes,
    all_inputs: Sequence[api.Inputs],
    models: Sequence[Week],
    previous: PreviousPlan | None,
    now: dt.datetime | None,
    repeat: bool,
) -> tuple[CheckReport, ...]:
    events = read_plan(ics)
    busy = api.busy_time(all_inputs[0], len(all_inputs))
    reports = []
    first = all_inputs[0]
    before = None
    if first.rules.looking_back():
        before = api.days_before(ics, first)
    for k, inp in enumerate(all_inputs):
        h = inp.horizon
        replanned = previous is not None and not repeat
        reports.append(
            check_plan(
                [e for e in events if h.start <= e.start < h.end],
                profile=inp.profile,
                rules=inp.rules,
                busy=busy,
                horizon=h,
                previous=models[k].previous if replanned else (),
                now=now if replanned else None,
                before=before if k == 0 else None,
            )
        )
    api.agree_on_days_before(models[0], reports[0])
    horizons = [i.horizon for i in all_inputs]
    inside = [e for e in events if horizons[0].start <= e.start < horizons[-1].end]
    seams = check_seams(inside, all_inputs[0].rules, horizons)
    problems = [v for r in reports for v in r.violations] + seams
    if problems:
        raise AssertionError(
            "internal error: the solver's plan fails the independent check: " + "; ".join(problems)
        )
    return tuple(reports)


def _same_objectives(solved: WeeksPlan, checks: Sequence[CheckReport], repeat: bool) -> None:
    """Each week's solver objective is the checker's score of that week in the file. A
    ``--repeat`` template was scored against the folded week, whose study blocks are only
    those of every week: each week, with its own study blocks, scores at least as much."""
    if repeat:
        (template,) = solved.plans
        low = min(checks, key=lambda c: c.objective)
        if low.objective < template.objective:
            api.same_objective(template.objective, low.objective)
        return
    for plan, report in zip(solved.plans, checks, strict=True):
        api.same_objective(plan.objective, report.objective)
    api.same_objective(solved.objective, sum(c.objective for c in checks))
