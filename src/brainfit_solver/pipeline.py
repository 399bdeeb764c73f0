"""The one pipeline behind ``brainfit plan``: a request (inputs × weeks; one week is the case
``weeks=1``) → model → solve, else explain or relax → export → check, as plain functions.

    inputs = api.load_inputs(["calendar.ics"], week="2026-W49")
    result = plan(inputs)                                      # one week
    outcome = run(PlanRequest(inputs, weeks=4))                # four weeks, one .ics
    outcome = run(PlanRequest(inputs, previous=read_previous(data), now=now))  # re-plan

Each week is its own ISO week (its rules, its calendar, its UIDs); several weeks are solved
together exactly by ``weeks.solve_weeks``, one by ``explain.impossible.plan_week``. Every file is
written by the one exporter (``outputs.ics.plan_file``) and checked week by week by the
independent checker, plus the seam rules between weeks; a plan the checker rejects, or
scores differently from the solver, is a bug and raises ``AssertionError``.

``relax`` (``--relax soft``): a week whose rules cannot all hold is planned breaking the
least important ones as little as possible; the seam rules between weeks stay rules of the
multi-week program (a relaxed week's sessions are fixed and its neighbours plan around them).

``repeat`` (``--repeat``) plans one week and repeats it (RRULE FREQ=WEEKLY;COUNT=N). The
trade-off: the same sessions every week, easy to follow and to edit as one series in a
calendar app, but not each week's own optimum. The template is planned around every planned
week's busy time at once (each week's calendar folded onto the first by local wall-clock
time) and anchors snacks only to study blocks that occur in every week, so each occurrence
fits its own week; when the calendar repeats, it is exactly the first week's optimal plan.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

from . import api
from .calendars.previous import PreviousPlan
from .check.checker import (
    CheckReport,
    check_plan,
    check_seams,
    read_plan,
)
from .core.domain import CalendarWeek, Commitment, Plan, SolverOptions
from .core.errors import InfeasibleError, ProfileError
from .core.executors import ExecutorChoice, opened
from .core.timegrid import Horizon, iso_week_label
from .model.replan import with_previous
from .model.week import Week, prepare_week, with_days_before
from .outputs.ics import Placed, identified, output_stamp, plan_file, session_event
from .outputs.replan import assign_uids, cancelled_event, changed
from .outputs.report import PlanReport, ReplanOut, infeasible_report
from .weeks import WeeksPlan, solve_template, solve_weeks


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
class PlanOutcome:
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
    merged: bytes | None = None  # the calendars and the plan in one file (``--merge``)

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


@dataclass(frozen=True)
class PlanRequest:
    """What to plan: ``weeks`` consecutive weeks from ``inputs``' week (1: one week),
    optionally as one repeating week (``repeat``) or re-planning ``previous`` as of ``now``;
    ``relax`` plans an impossible week breaking its least important rules instead of raising
    ``InfeasibleError``. Independent solves (the weeks of ``weeks`` > 1) go through
    ``executor`` if given (left open), else through the one ``executor_choice`` names
    (``--executor``, ``--scheduler``; opened for the solve and closed after it), else where
    measured fastest (this process). A single week or a ``repeat`` template is one solve,
    made here. ``merge`` also makes the calendars' own events and the plan one file
    (``PlanOutcome.merged``)."""

    inputs: api.Inputs
    weeks: int = 1
    repeat: bool = False
    previous: PreviousPlan | None = None
    now: dt.datetime | None = None
    relax: bool = False
    options: SolverOptions | None = None
    executor: Executor | None = None
    merge: bool = False
    executor_choice: ExecutorChoice | None = None


def solver_options(inputs: api.Inputs, time_limit_s: float | None = None) -> SolverOptions:
    """The solver's settings, in one place: ``time_limit_s`` (``--time-limit``), else the
    profile's ``[solver]`` table."""
    settings = inputs.profile.solver
    return SolverOptions(
        time_limit_s=time_limit_s or settings.time_limit_s, workers=settings.workers
    )


def plan(
    inputs: api.Inputs, options: SolverOptions | None = None, *, relax: bool = False
) -> api.PlanResult:
    """One week solved, exported and independently checked (the 1-week case of ``run``).

    ``relax=True`` (``--relax soft``): when the rules cannot all hold, plan the best week
    breaking the least important ones as little as possible instead of raising
    ``InfeasibleError``; the plan's ``dropped`` names them (``broken``: how often), and the
    check skips exactly those."""
    return run(PlanRequest(inputs, options=options, relax=relax)).weeks[0]


def plan_weeks(
    inputs: api.Inputs,
    *,
    weeks: int = 1,
    previous: PreviousPlan | None = None,
    now: dt.datetime | None = None,
    repeat: bool = False,
    options: SolverOptions | None = None,
    executor: Executor | None = None,
) -> PlanOutcome:
    """``run`` with the request's fields as arguments, for scripts."""
    return run(PlanRequest(inputs, weeks, repeat, previous, now, False, options, executor))


def _solve(request: PlanRequest, models: Sequence[Week], options: SolverOptions) -> WeeksPlan:
    """Solve the weeks: one week under ``explain.impossible.plan_week``'s policy for impossible
    weeks (explain, or relax), several by the seam program (which relaxes the same way)."""
    if request.repeat:
        return solve_template(models[0], options)
    if len(models) > 1:
        if request.executor is not None:
            return solve_weeks(models, options, executor=request.executor, relax=request.relax)
        with opened(request.executor_choice) as executor:
            return solve_weeks(models, options, executor=executor, relax=request.relax)
    # Imported here: commands that only read, check or list start without OR-Tools.
    from .explain.impossible import plan_week

    solved = plan_week(models[0], options, relax=request.relax)
    return WeeksPlan(
        plans=(solved,),
        status=solved.status,
        objective=solved.objective,
        bound=solved.bound,
        solves=1,
        solve_seconds=solved.solve_seconds,
    )


def run(request: PlanRequest) -> PlanOutcome:
    """Plan the request's weeks (optionally re-planning ``previous`` as of ``now``, or as one
    repeating week), export them as one .ics and check every week."""
    inputs, weeks, previous, now = request.inputs, request.weeks, request.previous, request.now
    repeat = request.repeat
    options = request.options or solver_options(inputs)
    all_inputs = api.week_inputs(inputs, weeks)
    horizons = [i.horizon for i in all_inputs]
    if repeat and previous is not None:
        raise ProfileError(
            "--repeat and --previous cannot be combined",
            fix="Re-plan a multi-week plan made with --weeks, or make a new template",
        )
    if repeat and request.relax:
        raise ProfileError(
            "--relax soft plans each impossible week breaking its own least important rules, "
            "but a --repeat template is one week for every week: it must keep every rule, "
            "also from its Sunday to its own Monday",
            fix=f"Plan the weeks one by one with --weeks {weeks} --relax soft without --repeat",
        )
    if previous is not None and now is None:
        raise ValueError("re-planning needs 'now'")
    if previous is not None:
        previous = previous.resolved(inputs.rules, inputs.profile.name)
    if repeat:
        models = [with_days_before(folded_week(all_inputs), inputs.week.before)]
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
    solved = _solve(request, models, options)

    owner, rules = inputs.profile.name, inputs.rules
    stamp = output_stamp(inputs.horizon, inputs.calendar.latest_stamp)
    if previous is not None and previous.latest_stamp is not None:
        stamp = max(stamp, previous.latest_stamp)
    old = {e.uid: e for e in previous.events} if previous is not None else {}
    taken = set(old)
    kept = moved = new = 0
    plans: list[Plan] = []
    placed: list[Placed] = []
    for k, plan_ in enumerate(solved.plans):
        horizon = horizons[k]
        if previous is not None:
            sessions = assign_uids(
                plan_.sessions,
                models[k].previous,
                owner=owner,
                week_label=horizon.label,
                taken=taken,
            )
        else:
            tag = f"{horizon.label}/weekly" if repeat else horizon.label
            sessions = tuple(
                dataclasses.replace(s, uid=uid) for uid, s in identified(plan_.sessions, owner, tag)
            )
        plans.append(dataclasses.replace(plan_, sessions=sessions))
        for s in sessions:
            assert s.uid is not None
            sequence = 0
            before = old.get(s.uid)
            if before is None:
                new += previous is not None
            elif changed(
                session_event(s, rules, horizon, uid=s.uid, stamp=stamp), before.component
            ):
                moved += 1
                sequence = before.sequence + 1
            else:
                kept += 1
                sequence = before.sequence
            placed.append(Placed(s, horizon, s.uid, sequence, plan_.dropped))
    cancelled: list[str] = []
    extra = []
    if previous is not None:
        planned = {s.uid for p in plans for s in p.sessions}
        for e in previous.events:
            inside = any(h.start <= e.start < h.end for h in horizons)
            if inside and not e.cancelled and e.uid not in planned:
                extra.append(cancelled_event(e, stamp))
                cancelled.append(e.uid)
            elif not inside or e.cancelled:
                extra.append(e.component)  # carried over unchanged
    dropped = tuple(dict.fromkeys(r for p in plans for r in p.dropped))
    ics = plan_file(
        placed,
        rules,
        first=horizons[0],
        last=horizons[-1],
        stamp=stamp,
        dropped=dropped,
        repeat=weeks if repeat else 0,
        extra=extra,
    )
    checks = _check(ics, all_inputs, models, previous, now, repeat, plans)
    _same_objectives(solved, checks, repeat)
    results = tuple(
        api.PlanResult(all_inputs[k], plans[k], ics, checks[k]) for k in range(len(plans))
    )
    return PlanOutcome(
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
        merged=_merged(inputs, weeks, ics) if request.merge else None,
    )


def _merged(inputs: api.Inputs, weeks: int, ics: bytes) -> bytes:
    """The calendars' own events over the planned weeks and the checked plan, in one file
    (see ``outputs.merge``); the calendars are read again, whole, for the weeks planned."""
    from .calendars.sources import read_source
    from .outputs.merge import merge_calendars

    last = inputs.horizon.monday + dt.timedelta(weeks=weeks, days=-1)
    dates = (inputs.horizon.monday, last)
    sources = [(c.source, read_source(c.source, dates=dates)) for c in inputs.loaded]
    return merge_calendars(sources, ics)


def _check(
    ics: bytes,
    all_inputs: Sequence[api.Inputs],
    models: Sequence[Week],
    previous: PreviousPlan | None,
    now: dt.datetime | None,
    repeat: bool,
    plans: Sequence[Plan],
) -> tuple[CheckReport, ...]:
    """The one check path: each week of the file against its own calendar (skipping the
    rules its relaxed plan drops), the days before the first, and the seams between weeks."""
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
                dropped=plans[min(k, len(plans) - 1)].dropped,
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


def infeasible_document(exc: InfeasibleError, request: PlanRequest) -> PlanReport:
    """The report of a request that cannot be planned (exit 3): status INFEASIBLE, the
    conflicts and the tested relaxations, for every week asked for, so a script learns why."""
    monday = request.inputs.horizon.monday
    labels = [iso_week_label(monday + dt.timedelta(weeks=k)) for k in range(request.weeks)]
    return infeasible_report(exc, labels, repeat=request.repeat, warnings=request.inputs.warnings)


def schedule_report(result: PlanOutcome, *, previous: str | None = None) -> PlanReport:
    """The document of a plan made by ``pipeline.run`` (one week or several, --repeat,
    --previous, --merge): one report per week, the whole horizon's verdict (a template's for
    --repeat: what was optimised is the one week repeated) and, when re-planning
    ``previous``, what became of its sessions."""
    solved, first = result.solved, result.weeks[0].inputs.horizon.monday
    objective = solved.objective if result.repeat else result.objective
    gap = (
        0.0
        if solved.bound == objective
        else abs(solved.bound - objective) / max(1, abs(solved.bound))
    )
    replan = None
    if previous is not None:
        c = result.changes
        replan = ReplanOut(
            previous=previous,
            previous_sessions=c.previous,
            kept=c.kept,
            moved=c.moved,
            new=c.new,
            cancelled=list(c.cancelled),
            warnings=list(c.warnings),
        )
    return PlanReport(
        status=solved.status,
        objective=objective,
        bound=solved.bound,
        gap=round(gap, 6),
        iso_weeks=[
            iso_week_label(first + dt.timedelta(weeks=k)) for k in range(len(result.checks))
        ],
        repeat=result.repeat,
        warnings=list(result.weeks[0].inputs.warnings),
        weeks=[api.build_report(r) for r in result.weeks],
        replan=replan,
    )
