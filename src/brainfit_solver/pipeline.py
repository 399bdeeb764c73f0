"""The one pipeline behind ``brainfit plan`` and ``brainfit group``: a request of people ×
weeks → model → solve, else explain or relax → export → check, as plain functions. One
person's one week is the 1 × 1 case.

    inputs = api.load_inputs(["calendar.ics"], week="2026-W49")
    result = plan(inputs)                                          # 1 × 1
    outcome = run_one(PlanRequest(inputs, weeks=4))                # 1 × 4, one .ics
    outcome = run_one(PlanRequest(inputs, previous=read_previous(data), now=now))  # re-plan
    outcome = run(Request((PlanRequest(ann), PlanRequest(ben)), strict=False))  # 2 × 1

People are planned independently (each a task for ``solve_many``, so any executor runs
them), unless the request has a ``Group``: people planned around sessions several of them
attend (``brainfit group``; ``team.run`` turns a team file into such a request). A group is
planned week by week by the coupled solve (``shared.solve_team``): week k+1 of each person
sees their week k (their own sessions and the shared ones they attend) as the days before
it, so the rules that look across days hold across every boundary, and each week is proven
optimal, or not, *given the weeks before it*. Either way each person's weeks are written by
the one exporter (``outputs.ics.plan_file``) and checked by the one check path (``_check``):
each week by the independent checker against that person's own calendars, the days before
the first week, and the seams between weeks; a plan the checker rejects, or scores
differently from the solver, is a bug and raises ``AssertionError``.

A person whose week is impossible raises ``InfeasibleError`` (exit 3) when the request is
``strict`` (``brainfit plan``, ``group --strict``); otherwise they are left out (``LeftOut``,
with the usual explanation) and everyone else is planned.

For one person:

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
import functools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass

from . import api
from .calendars.previous import PreviousPlan
from .check.checker import (
    CheckReport,
    read_plan,
)
from .core.domain import CalendarWeek, Commitment, EarlierEvent, Plan, Session, SolverOptions
from .core.errors import InfeasibleError, ProfileError, SharedSessionsError
from .core.executors import ExecutorChoice, opened
from .core.timegrid import Horizon, iso_week_label
from .model.replan import with_previous
from .model.week import Week, prepare_week, with_days_before
from .outputs.ics import (
    Placed,
    identified,
    output_stamp,
    plan_file,
    session_event,
    source_date_epoch,
)
from .outputs.replan import assign_uids, cancelled_event, changed
from .outputs.report import PlanReport, ReplanOut, infeasible_report
from .outputs.team import Person, SharedPlaced, shared_events, shared_uid
from .rules.ruleset import RuleSet
from .shared import MemberWeek, SharedNeed, SharedPlacementError, TeamSolution, solve_team
from .solver.parallel import InProcessExecutor, solve_many
from .weeks import WeeksPlan, solve_template, solve_weeks

POOL_FROM = 8
"""People from which independent work goes to a pool of worker processes by default; fewer
are planned faster in this process than a pool starts (a week solves in about 50 ms)."""


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
    (``PlanOutcome.merged``). ``each_week``: every week's inputs when already read (a
    group's members are read in worker processes, without the parsed calendars that
    reading other weeks needs); else they are derived from ``inputs``."""

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
    each_week: tuple[api.Inputs, ...] = ()

    def week_inputs(self) -> list[api.Inputs]:
        """The inputs of each planned week, from the first."""
        return list(self.each_week) if self.each_week else api.week_inputs(self.inputs, self.weeks)


@dataclass(frozen=True)
class SharedSpec:
    """A session several people of a group attend together, as the plan needs it: its id,
    kind, title and place, whether the coach is there, and how many of the people planned
    that week must attend (``required(planned)``)."""

    id: str
    kind: str
    title: str
    place: str
    coach: bool
    required: Callable[[int], int]


@dataclass(frozen=True)
class Group:
    """People planned together around shared sessions: the group's name (their files' UIDs
    and the group events' names), its one rule set, the coach (ORGANIZER) and each person as
    the files name them (``people``, by their profile's name), the shared sessions, the
    weeks planned (``horizons``) and for each week each session's possible start slots
    (``needs``: where and when it may be, the coach free)."""

    name: str
    rules: RuleSet
    coach: Person
    people: Mapping[str, Person]
    shared: tuple[SharedSpec, ...]
    horizons: tuple[Horizon, ...]
    needs: tuple[tuple[SharedNeed, ...], ...]

    @property
    def grid(self) -> int:
        """The group's time grid in minutes (one rule set for everyone)."""
        return self.rules.meta.granularity_min


@dataclass(frozen=True)
class Request:
    """What to plan: people × weeks. Each person's part is a ``PlanRequest`` (their inputs,
    weeks and one-person options); ``group`` plans them around shared sessions, else each is
    planned on their own. ``strict``: a person whose week is impossible is fatal (exit 3),
    else left out. Independent people go through ``executor`` if given (left open), else the
    one ``executor_choice`` names (opened for the run), else this process for a few people
    and local processes from ``POOL_FROM``; ``options`` are the group's coupled solve's
    settings (each person's own otherwise). ``epoch``: the files' fixed DTSTAMP
    (SOURCE_DATE_EPOCH where the request is made; tasks never read their own)."""

    people: tuple[PlanRequest, ...]
    group: Group | None = None
    strict: bool = True
    options: SolverOptions | None = None
    executor: Executor | None = None
    executor_choice: ExecutorChoice | None = None
    epoch: dt.datetime | None = dataclasses.field(default_factory=source_date_epoch)


@dataclass(frozen=True)
class LeftOut:
    """Why a person is not planned from ``week`` on: a general ``reason`` for a group's
    overview, the explanation and fixes that only they see."""

    reason: str
    week: str
    explanation: str
    fixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonOutcome:
    """A person's part of the outcome: their weeks as planned and checked (all of them, or
    those before they were left out; None when none), and, in a group, each planned week's
    shared sessions attended and the attendance points they scored."""

    plan: PlanOutcome | None
    left_out: LeftOut | None = None
    attended: tuple[tuple[str, ...], ...] = ()
    attendance_points: tuple[int, ...] = ()


@dataclass(frozen=True)
class GroupWeek:
    """One week of a group: its shared sessions as placed (with who attends) and the
    coupled solve's solution (the verdict, bound and gap)."""

    horizon: Horizon
    shared: tuple[SharedPlaced, ...]
    solution: TeamSolution


@dataclass(frozen=True)
class Outcome:
    """Each person's outcome, in the request's order, and a group's weeks and its shared
    events as written in every file that holds them (``outputs.team.shared_events``), week
    by week."""

    people: tuple[PersonOutcome, ...]
    weeks: tuple[GroupWeek, ...] = ()
    shared_events: tuple[bytes, ...] = ()


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
    """One week solved, exported and independently checked (the 1 × 1 case of ``run``).

    ``relax=True`` (``--relax soft``): when the rules cannot all hold, plan the best week
    breaking the least important ones as little as possible instead of raising
    ``InfeasibleError``; the plan's ``dropped`` names them (``broken``: how often), and the
    check skips exactly those."""
    return run_one(PlanRequest(inputs, options=options, relax=relax)).weeks[0]


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
    """``run_one`` with the request's fields as arguments, for scripts."""
    return run_one(PlanRequest(inputs, weeks, repeat, previous, now, False, options, executor))


def run_one(request: PlanRequest) -> PlanOutcome:
    """One person's weeks (the 1 × N case of ``run``, strict: an impossible week raises)."""
    (person,) = run(Request((request,))).people
    assert person.plan is not None  # strict: an impossible week has raised
    return person.plan


def run(request: Request) -> Outcome:
    """Plan the request's people over their weeks (see the module docstring)."""
    if request.executor is None and request.executor_choice is not None:
        with opened(request.executor_choice) as chosen:
            return run(dataclasses.replace(request, executor=chosen, executor_choice=None))
    executor, pool = request.executor, None
    if executor is None:
        if len(request.people) >= POOL_FROM:
            executor = pool = ProcessPoolExecutor(os.cpu_count() or 1)
        else:
            executor = InProcessExecutor()
    try:
        if request.group is not None:
            return _run_group(request, request.group, executor)
        epoch = request.epoch
        if len(request.people) == 1:  # the person's own solves may use their executor
            return Outcome((_person(request.people[0], request.strict, epoch),))
        tasks = [functools.partial(_person, p, request.strict, epoch) for p in request.people]
        return Outcome(tuple(solve_many(tasks, executor)))
    finally:
        if pool is not None:
            pool.shutdown()


def _person(request: PlanRequest, strict: bool, epoch: dt.datetime | None) -> PersonOutcome:
    """A task: one person's weeks planned on their own; an impossible week raises when
    ``strict``, else leaves them out with the explanation."""
    try:
        return PersonOutcome(_plan_person(request, epoch))
    except InfeasibleError as exc:
        if strict:
            raise
        week = exc.week or request.inputs.horizon.label
        return PersonOutcome(
            None, LeftOut("own week impossible", week, exc.render(), exc.relaxations)
        )


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


def _plan_person(request: PlanRequest, epoch: dt.datetime | None) -> PlanOutcome:
    """One person's weeks (optionally re-planning ``previous`` as of ``now``, or as one
    repeating week), solved, exported as one .ics and checked week by week."""
    inputs, weeks, previous, now = request.inputs, request.weeks, request.previous, request.now
    repeat = request.repeat
    options = request.options or solver_options(inputs)
    all_inputs = request.week_inputs()
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
    outcome = _finish(request, all_inputs, models, solved, previous, epoch)
    if request.merge:
        return dataclasses.replace(outcome, merged=_merged(inputs, weeks, outcome.ics))
    return outcome


@dataclass(frozen=True)
class Membership:
    """What a group member's file holds beyond their own sessions: the group's name (the
    namespace of their UIDs), the group's one DTSTAMP, each week's shared sessions (those
    they attend are group events, ORGANIZER the coach, written once for the whole group:
    ``outputs.team.shared_events``) and the file's name in messages."""

    group: str
    stamp: dt.datetime
    shared: tuple[tuple[SharedPlaced, ...], ...]
    rendered: Mapping[tuple[str, str], bytes]  # the shared events, by (week label, id)
    source: str


def _finish(
    request: PlanRequest,
    all_inputs: Sequence[api.Inputs],
    models: Sequence[Week],
    solved: WeeksPlan,
    previous: PreviousPlan | None,
    epoch: dt.datetime | None,
    member: Membership | None = None,
) -> PlanOutcome:
    """A person's solved weeks exported as one file by the one exporter and checked by the
    one check path, with what a re-plan did to ``previous``; a group ``member``'s file also
    holds the shared sessions they attend. A task for ``solve_many``."""
    inputs, weeks, now, repeat = request.inputs, request.weeks, request.now, request.repeat
    horizons = [i.horizon for i in all_inputs]
    owner, rules = inputs.profile.name, inputs.rules
    if member is not None:
        owner, stamp = f"{member.group}\x1f{owner}", member.stamp
    else:
        stamp = output_stamp(inputs.horizon, inputs.calendar.latest_stamp, epoch)
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
    rendered = []
    if member is not None:
        rendered = [
            member.rendered[horizon.label, s.id]
            for horizon, shared in zip(horizons, member.shared, strict=False)
            for s in shared
            if inputs.profile.name in s.attendees
        ]
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
        rendered=rendered,
    )
    source = member.source if member is not None else "plan"
    checks = _check(ics, all_inputs, models, previous, now, repeat, plans, source)
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
    )


def _run_group(request: Request, group: Group, executor: Executor) -> Outcome:
    """The people of a group, week by week around the shared sessions (see the module
    docstring), then each planned person's weeks exported and checked as one person's are
    (each a task for ``executor``)."""
    people = request.people
    every = [p.week_inputs() for p in people]
    count = len(group.horizons)
    for p, weeks in zip(people, every, strict=True):
        if p.repeat or p.previous is not None or p.merge or p.relax:
            raise ProfileError(
                f"{p.inputs.profile.name}: a group is planned week by week around its shared "
                "sessions; --repeat, --previous, --merge and --relax soft are for one person",
                fix="Plan this person alone with brainfit plan for those",
            )
        if [i.horizon for i in weeks] != list(group.horizons):
            raise ProfileError(
                f"{p.inputs.profile.name}: everyone in a group plans the same weeks",
                fix="Give every person the group's zone, first week and number of weeks",
            )
    ids = [p.inputs.profile.name for p in people]
    left: dict[int, LeftOut] = {}
    done: dict[int, list[tuple[Week, MemberWeek]]] = {n: [] for n in range(len(people))}
    before: dict[int, tuple[EarlierEvent, ...]] = {}
    outcomes: list[GroupWeek] = []
    for k, horizon in enumerate(group.horizons):
        ok = [n for n in range(len(people)) if n not in left]
        models = [
            every[n][k].week
            if k == 0
            else with_days_before(dataclasses.replace(every[n][k].week, before=()), before[n])
            for n in ok
        ]
        label = f"{horizon.label}: " if count > 1 else ""
        solution = _solve_shared(request, group, k, horizon, models, [ids[n] for n in ok], executor)
        if request.strict and solution.left_out:
            n = solution.left_out[0]
            raise InfeasibleError(
                f"{label}member {ids[ok[n]]}: {solution.weeks[n].explanation}",
                relaxations=solution.weeks[n].fixes,
                fix="Without --strict the rest of the team is planned and this member is listed",
            )
        shared = _placed(group, k, horizon, solution, [ids[n] for n in ok])
        outcomes.append(GroupWeek(horizon, shared, solution))
        for i, n in enumerate(ok):
            result = solution.weeks[i]
            if result.plan is None:
                left[n] = LeftOut(
                    "own week impossible", horizon.label, result.explanation, result.fixes
                )
                continue
            done[n].append((models[i], result))
            before[n] = tuple(_as_earlier(group, ids[n], horizon, result, shared))
    latest = [
        stamp
        for n, solved_weeks in done.items()
        for k in range(len(solved_weeks))
        if (stamp := every[n][k].calendar.latest_stamp) is not None
    ]
    stamp = output_stamp(group.horizons[0], max(latest, default=None), request.epoch)
    planned = [n for n in range(len(people)) if done[n]]
    rendered = shared_events(
        [(w.horizon, w.shared) for w in outcomes],
        group.rules,
        team=group.name,
        coach=group.coach,
        people=group.people,
        stamp=stamp,
    )
    tasks = []
    for n in planned:
        person_weeks = done[n]
        solved = _member_plan(person_weeks, outcomes, group.grid)
        member = Membership(
            group.name,
            stamp,
            tuple(w.shared for w in outcomes[: len(person_weeks)]),
            {
                (w.horizon.label, s.id): rendered[w.horizon.label, s.id]
                for w in outcomes[: len(person_weeks)]
                for s in w.shared
                if ids[n] in s.attendees
            },
            f"{group.people[ids[n]].stem}.ics",
        )
        tasks.append(
            functools.partial(
                _finish,
                people[n],
                every[n][: len(person_weeks)],
                [m for m, _ in person_weeks],
                solved,
                None,
                request.epoch,
                member,
            )
        )
    finished = dict(zip(planned, solve_many(tasks, executor), strict=True))
    results = []
    for n in range(len(people)):
        attended = tuple(
            tuple(sorted(s.id for s in w.shared if ids[n] in s.attendees))
            for w in outcomes[: len(done[n])]
        )
        points = tuple(_attendance_points(r, people[n].inputs) for _, r in done[n])
        results.append(PersonOutcome(finished.get(n), left.get(n), attended, points))
    return Outcome(tuple(results), tuple(outcomes), tuple(rendered.values()))


def _solve_shared(
    request: Request,
    group: Group,
    k: int,
    horizon: Horizon,
    models: Sequence[Week],
    ids: Sequence[str],
    executor: Executor,
) -> TeamSolution:
    """Week ``k`` of the group: the people's week ``models`` (the weeks before already in
    their days before) around the shared sessions."""
    label = f"{horizon.label}: " if len(group.needs) > 1 else ""
    grid = group.grid

    def required(j: int, planned: int) -> int:
        return group.shared[j].required(planned)

    def describe(shared_id: str, slot: int) -> str:
        moment = horizon.to_datetime(slot * grid)
        return f"{moment:%a %d %b %H:%M}"

    try:
        return solve_team(
            models,
            group.needs[k],
            required,
            request.options or SolverOptions(),
            executor,
            describe,
            [group.people[i].name for i in ids],
        )
    except SharedPlacementError as exc:
        raise SharedSessionsError(
            label + exc.conflict,
            fix="Widen the shared sessions' days or times, lower their attendance, or free "
            "the coach's calendar",
        ) from exc


def _placed(
    group: Group, k: int, horizon: Horizon, solution: TeamSolution, ids: Sequence[str]
) -> tuple[SharedPlaced, ...]:
    """Week ``k``'s shared sessions as placed, with who attends (people in the solution's
    order, ``ids``)."""
    grid = group.grid
    planned = [i for n, i in enumerate(ids) if n not in solution.left_out]
    index = {i: n for n, i in enumerate(ids)}
    shared: list[SharedPlaced] = []
    for need, spec in zip(group.needs[k], group.shared, strict=True):
        slot = solution.times.get(spec.id)
        if slot is None:
            continue
        attendees = tuple(
            sorted(i for i in planned if solution.weeks[index[i]].attends(spec.id) == slot)
        )
        shared.append(
            SharedPlaced(
                spec.id,
                spec.kind,
                spec.title,
                spec.place,
                slot * grid,
                (slot + need.times.slots) * grid,
                spec.coach,
                spec.required(len(planned)),
                attendees,
            )
        )
    return tuple(shared)


def _own(result: MemberWeek, shared: Sequence[SharedPlaced], grid: int) -> tuple[Session, ...]:
    """A person's own sessions: their week's plan less the shared sessions they attend."""
    assert result.plan is not None
    kinds = {s.id: s.kind for s in shared}
    theirs = {(kinds[shared_id], slot * grid) for shared_id, slot in result.attended}
    return tuple(s for s in result.plan.sessions if (s.kind, s.start) not in theirs)


def _member_plan(
    weeks: Sequence[tuple[Week, MemberWeek]], outcomes: Sequence[GroupWeek], grid: int
) -> WeeksPlan:
    """A person's planned weeks of a group as one person's weeks are solved: each week's
    plan holds their own sessions (the shared ones are the group's events) and scores all."""
    plans = []
    for (_, result), week in zip(weeks, outcomes, strict=False):
        assert result.plan is not None
        plans.append(dataclasses.replace(result.plan, sessions=_own(result, week.shared, grid)))
    return WeeksPlan(
        plans=tuple(plans),
        status="OPTIMAL" if all(p.status == "OPTIMAL" for p in plans) else "FEASIBLE",
        objective=sum(p.objective for p in plans),
        bound=sum(p.bound for p in plans),
        solves=len(plans),
        solve_seconds=sum(p.solve_seconds for p in plans),
    )


def _attendance_points(result: MemberWeek, inputs: api.Inputs) -> int:
    """The points a member's week scores by the rule set's ``team_attendance`` rules."""
    plan = result.plan
    assert plan is not None  # only planned weeks are scored
    rules = {r.id for r in inputs.rules.soft if r.kind == "team_attendance"}
    return sum(plan.terms.get(r, 0) for r in rules)


def _as_earlier(
    group: Group, person: str, horizon: Horizon, result: MemberWeek, shared: Sequence[SharedPlaced]
) -> Iterable[EarlierEvent]:
    """A person's week as the next week's days before (what their file holds: the same
    UIDs, kinds and starts)."""
    own = _own(result, shared, group.grid)
    for uid, s in identified(own, f"{group.name}\x1f{person}", horizon.label):
        title = group.rules.kinds[s.kind].title
        yield EarlierEvent(uid, (s.kind,), title, horizon.to_datetime(s.start), False)
    for p in shared:
        if person in p.attendees:
            uid = shared_uid(group.name, horizon.label, p.id)
            yield EarlierEvent(uid, (p.kind,), p.title, horizon.to_datetime(p.start), False)


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
    source: str = "plan",
) -> tuple[CheckReport, ...]:
    """The one check path: each week of the file against its own calendar (skipping the
    rules its relaxed plan drops), the days before the first, and the seams between weeks."""
    replanned = previous is not None and not repeat
    before = api.days_before(ics, all_inputs[0], source=source)
    reports, seams = api.check_each_week(
        read_plan(ics, source=source),
        all_inputs,
        before=before,
        dropped=[plans[min(k, len(plans) - 1)].dropped for k in range(len(all_inputs))],
        previous=[m.previous for m in models] if replanned else (),
        now=now if replanned else None,
    )
    api.agree_on_days_before(models[0], reports[0])
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
