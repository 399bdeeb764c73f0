"""``brainfit group``: a team file as one request to the one pipeline. The members are read
(each a task), the team becomes a ``pipeline.Request`` of members × weeks with a ``Group``
(the shared sessions, their possible times where the coach is free, the coach and the
members as the files name them), ``pipeline.run`` plans, exports and checks every member as
it does one person, and this module writes the coach's file and the team's reports.

Several weeks are planned one after the other by the pipeline: week k+1 of each member sees
that member's week k as the days before it, so each week is planned, and proven optimal or
not, *given the weeks before it*: the verdict is per week, never over the weeks jointly.

    team = load_team("team.toml")
    outcome = run_team(TeamRequest(team))
    files = outcome.files          # (file name in the output directory, bytes), all of them

Partial failure: a member whose calendar cannot be read (``InputError``) or whose own week is
impossible (explained as ``brainfit plan`` explains it) is left out and the rest are planned;
``strict`` makes either fatal (the member's own error, exit 2 or 3). Shared sessions that
cannot be placed raise ``SharedSessionsError`` (exit 3) naming the condition that leaves no
time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Literal

from .. import api
from ..core.domain import CalendarWeek, Plan, Session, SolverOptions
from ..core.errors import InputError, ProfileError, SharedSessionsError, TeamFileError
from ..core.executors import ExecutorChoice, opened
from ..core.timegrid import Horizon, next_full_week, parse_week, zone
from ..model.week import Week, prepare_week
from ..outputs.ics import source_date_epoch
from ..outputs.team import (
    MemberOut,
    MemberReport,
    MemberWeekReport,
    Person,
    SessionOut,
    SharedOut,
    SharedPlaced,
    TeamReport,
    TeamWeekOut,
    coach_file,
    report_bytes,
    terms_of,
)
from ..pipeline import POOL_FROM, Group, GroupWeek, Outcome, PlanRequest, Request, SharedSpec, run
from ..rules.profile import Profile
from ..shared import SharedNeed, SharedTimes, can_attend
from ..solver.parallel import InProcessExecutor, solve_many
from .file import DAYS, Team, member_inputs, member_stems, shared_minutes


@dataclass(frozen=True)
class TeamRequest:
    """What to plan: a validated team; ``weeks`` and ``week`` (``--weeks``, ``--week``)
    override the team file's; ``strict`` makes a left-out member fatal; solves go through
    ``executor`` if given (left open), else through the one ``executor_choice`` names
    (``--executor dask --scheduler``: opened for the run, closed after it), else this process
    for small teams and local processes for larger ones. ``epoch``: the files' fixed
    DTSTAMP (SOURCE_DATE_EPOCH where the request is made, see ``pipeline.Request``)."""

    team: Team
    strict: bool = False
    options: SolverOptions = dataclasses.field(default_factory=SolverOptions)
    executor: Executor | None = None
    executor_choice: ExecutorChoice | None = None
    weeks: int | None = None
    week: str | None = None
    epoch: dt.datetime | None = dataclasses.field(default_factory=source_date_epoch)


@dataclass(frozen=True)
class MemberWeekPlan:
    """One week of a planned member: their own sessions, the shared sessions attended, the
    objective (attendance points included) and the plan as solved."""

    horizon: Horizon
    inputs: api.Inputs
    own: tuple[Session, ...]
    shared: tuple[SharedPlaced, ...]  # the week's shared sessions, attended or not
    attended: tuple[str, ...]
    attendance_points: int
    plan: Plan


@dataclass(frozen=True)
class MemberPlan:
    """A member as planned (``weeks``: the weeks planned, from the first), or left out
    (``reason``: a general word for the team, ``left_in`` the week; their own report has
    the explanation). Left out in a week means left out of the weeks after it too."""

    person: Person
    inputs: api.Inputs | None
    weeks: tuple[MemberWeekPlan, ...] = ()
    reason: str | None = None
    left_in: str | None = None
    explanation: str | None = None
    fixes: tuple[str, ...] = ()
    ics: bytes | None = None  # their file over the weeks planned, written and checked

    @property
    def objective(self) -> int | None:
        return sum(w.plan.objective for w in self.weeks) if self.weeks else None

    @property
    def attendance_points(self) -> int | None:
        return sum(w.attendance_points for w in self.weeks) if self.weeks else None


@dataclass(frozen=True)
class TeamOutcome:
    """The plan, the files to write (name in the output directory, bytes) and the report."""

    report: TeamReport
    members: tuple[MemberPlan, ...]
    weeks: tuple[GroupWeek, ...]
    files: tuple[tuple[str, bytes], ...]
    inputs_read: tuple[str, ...]  # every local file read: outputs may never replace them

    @property
    def left_out(self) -> tuple[str, ...]:
        return tuple(self.report.left_out)

    @property
    def horizon(self) -> Horizon:
        return self.weeks[0].horizon

    def rows(self, k: int = 0) -> list[tuple[str, list[Session], set[int], int | None]]:
        """Week ``k``'s overview rows: each member's sessions, own and shared, the shared
        ones' starts, and their points (None when not planned that week)."""
        rows: list[tuple[str, list[Session], set[int], int | None]] = []
        for m in self.members:
            if k >= len(m.weeks):
                rows.append((m.person.id, [], set(), None))
                continue
            shared = [s for s in self.weeks[k].shared if m.person.id in s.attendees]
            sessions = [*m.weeks[k].own, *(Session(s.kind, s.start, s.end) for s in shared)]
            rows.append(
                (m.person.id, sessions, {s.start for s in shared}, m.weeks[k].plan.objective)
            )
        return rows


def _horizon(team: Team, week: str | None) -> Horizon:
    """The first week: ``--week`` if given, else the team file's, else the next full week."""
    tz = zone(team.data.timezone, file=str(team.path), where="timezone")
    text = week or team.data.week
    try:
        monday = parse_week(text) if text else next_full_week(api.today(team.data.timezone))
    except ValueError as exc:
        if week:
            raise ProfileError(f"--week: {exc}", fix="Write the week as 2026-W49") from exc
        raise TeamFileError(
            str(exc), file=team.path, where="week", fix="Write the week as 2026-W49"
        ) from exc
    return Horizon(tz, monday)


def _week_count(request: TeamRequest) -> int:
    """How many weeks: ``--weeks`` over the team file's ``weeks`` (which its schema bounds)."""
    weeks = request.weeks if request.weeks is not None else request.team.data.weeks
    if not 1 <= weeks <= api.MAX_WEEKS:
        raise ProfileError(
            f"--weeks {weeks} is out of range", fix=f"Plan 1 to {api.MAX_WEEKS} weeks at a time"
        )
    return weeks


def _coach_weeks(team: Team, horizons: Sequence[Horizon]) -> tuple[list[Week], tuple[str, ...]]:
    """The coach's busy time and window in each week (bad coach calendars are bad input:
    exit 2)."""
    coach = team.data.coach
    profile = Profile(
        name="coach",
        timezone=team.data.timezone,
        window=coach.window,
        buffer_min=coach.buffer_min,
    )
    if not coach.calendars:
        return [prepare_week(profile, team.rules, CalendarWeek(()), h) for h in horizons], ()
    calendars = sorted(team.resolve(c) for c in coach.calendars)
    inputs = api.load_inputs(
        calendars,
        profile=profile,
        rules=team.rules,
        week=horizons[0].label,
        tz=team.data.timezone,
        weeks=len(horizons),
    )
    return [i.week for i in api.week_inputs(inputs, len(horizons))], tuple(calendars)


def _times(team: Team, horizon: Horizon, coach: Week, label: str = "") -> list[SharedNeed]:
    """Each shared session's possible start slots: its days and times on its step, where
    the coach is free (when present). ``label`` names the week in errors."""
    needs = []
    grid = team.rules.meta.granularity_min
    for spec in team.data.shared:
        minutes = shared_minutes(spec, team.rules)
        slots = minutes // grid
        probe = SharedTimes(spec.id, spec.kind, slots, ())
        times = []
        for day in range(7):
            if DAYS[horizon.date(day).weekday()] not in spec.days:
                continue
            first = spec.between.start_minute
            while first + minutes <= spec.between.end_minute:
                clock = dt.time(*divmod(first, 60))
                start = horizon.wall_minute(day, clock)
                first += spec.step_min
                if start % grid:
                    continue
                if spec.coach and not can_attend(coach, probe, start // grid):
                    continue
                times.append(start // grid)
        if not times:
            where = f"{', '.join(spec.days)} {spec.between}"
            raise SharedSessionsError(
                f"{label}shared session {spec.id}: no time in {where} is free for the coach",
                fix="Free time in the coach's calendar, or widen the session's days or times",
            )
        needs.append(
            SharedNeed(
                SharedTimes(
                    spec.id, spec.kind, slots, tuple(sorted(set(times))), spec.attendance.all
                ),
                spec.coach,
            )
        )
    return needs


def run_team(request: TeamRequest) -> TeamOutcome:
    """Plan the team (see the module docstring): the team file as one pipeline request of
    members × weeks around the shared sessions."""
    choice = request.executor_choice
    if request.executor is None and choice is not None and choice.kind != "local":
        with opened(choice) as chosen:
            return run_team(dataclasses.replace(request, executor=chosen))
    team = request.team
    data = team.data
    count = _week_count(request)
    first = _horizon(team, request.week)
    horizons = [Horizon(first.tz, first.monday + dt.timedelta(weeks=k)) for k in range(count)]
    coach_weeks, coach_read = _coach_weeks(team, horizons)
    members = sorted(enumerate(data.members), key=lambda item: item[1].id)
    stems = member_stems(m.id for _, m in members)
    people = {m.id: Person(m.id, m.name, m.email, stems[m.id]) for _, m in members}
    coach = Person("coach", data.coach.name, data.coach.email, "team")
    read: list[str] = [str(team.path), *coach_read]
    if data.rules is not None:
        read.append(team.resolve(data.rules))
    for _, member in members:
        if member.profile is not None:
            read.append(team.resolve(member.profile))
        read.extend(team.resolve(c) for c in member.calendars)
    needs = tuple(
        tuple(_times(team, h, coach_weeks[k], f"{h.label}: " if count > 1 else ""))
        for k, h in enumerate(horizons)
    )
    executor = request.executor
    pool = None
    if executor is None:
        if len(members) >= POOL_FROM:
            executor = pool = ProcessPoolExecutor(os.cpu_count() or 1)
        else:
            executor = InProcessExecutor()
    try:
        # Reading a member's calendars is as much work as a solve: it is a task too.
        found = solve_many(
            [
                functools.partial(load_member, team, member.id, first.label, count)
                for _, member in members
            ],
            executor,
        )
        loaded: list[tuple[str, tuple[api.Inputs, ...]]] = []
        plans: dict[str, MemberPlan] = {}
        for (_, member), got in zip(members, found, strict=True):
            if not got.inputs:
                if request.strict:
                    raise InputError(got.error)
                plans[member.id] = MemberPlan(
                    people[member.id],
                    None,
                    reason="calendar cannot be read",
                    left_in=first.label,
                    explanation=got.error,
                )
                continue
            read.extend(got.sources)
            loaded.append((member.id, got.inputs))
        group = Group(
            data.name,
            team.rules,
            coach,
            people,
            tuple(
                SharedSpec(
                    spec.id,
                    spec.kind,
                    spec.title or f"Team {team.rules.kinds[spec.kind].title}",
                    spec.place,
                    spec.coach,
                    spec.attendance.required,
                )
                for spec in data.shared
            ),
            tuple(horizons),
            needs,
        )
        outcome = run(
            Request(
                tuple(
                    PlanRequest(weeks[0], count, options=request.options, each_week=weeks)
                    for _, weeks in loaded
                ),
                group,
                strict=request.strict,
                options=request.options,
                executor=executor,
                epoch=request.epoch,
            )
        )
    finally:
        if pool is not None:
            pool.shutdown()
    for (member_id, weeks), person in zip(loaded, outcome.people, strict=True):
        planned = person.plan.weeks if person.plan is not None else ()
        plans[member_id] = MemberPlan(
            people[member_id],
            weeks[0],
            tuple(
                MemberWeekPlan(
                    result.inputs.horizon,
                    result.inputs,
                    result.plan.sessions,
                    outcome.weeks[k].shared,
                    person.attended[k],
                    person.attendance_points[k],
                    result.plan,
                )
                for k, result in enumerate(planned)
            ),
            reason=person.left_out.reason if person.left_out else None,
            left_in=person.left_out.week if person.left_out else None,
            explanation=person.left_out.explanation if person.left_out else None,
            fixes=person.left_out.fixes if person.left_out else (),
            ics=person.plan.ics if person.plan is not None else None,
        )
    return _outcome(team, horizons, outcome, plans, read)


def plan_team(request: TeamRequest) -> TeamOutcome:
    """A task: one of several teams planned where it runs, its members' work in that process
    (the team is the unit of work sent to the executor)."""
    here = dataclasses.replace(request, executor=InProcessExecutor(), executor_choice=None)
    return run_team(here)


def run_teams(
    requests: Sequence[TeamRequest], choice: ExecutorChoice | None = None
) -> list[TeamOutcome]:
    """Several teams (a wellness programme's), each an independent unit of work: sent to
    the executor ``choice`` names (a Dask cluster with ``--executor dask``), else to local
    worker processes; one team is planned as ``run_team`` plans it, its members' solves
    being the units. The outcomes come back in the order of ``requests``."""
    if len(requests) == 1:
        return [run_team(dataclasses.replace(requests[0], executor_choice=choice))]
    if choice is None or choice.kind == "local":
        processes = choice.processes if choice is not None else None
        choice = ExecutorChoice("local", processes=processes or os.cpu_count() or 1)
    # "Next week" is this machine's: the week is fixed here, before any team leaves it.
    fixed = [dataclasses.replace(r, week=_horizon(r.team, r.week).label) for r in requests]
    with opened(choice) as executor:
        return solve_many([functools.partial(plan_team, r) for r in fixed], executor)


@dataclass(frozen=True)
class Loaded:
    """A member's inputs for each week (without the parsed calendars, which only the reader
    needs, so they ship light between processes), or why their calendars cannot be read
    (``error``)."""

    inputs: tuple[api.Inputs, ...] = ()
    sources: tuple[str, ...] = ()
    error: str = ""


def load_member(team: Team, member_id: str, week_label: str, weeks: int = 1) -> Loaded:
    """A task: read a member's inputs for ``weeks`` weeks from ``week_label``."""
    try:
        inputs = member_inputs(team, member_id, week_label, weeks)
        every = api.week_inputs(inputs, weeks)
    except InputError as exc:
        return Loaded(error=exc.render())
    sources = tuple(c.source for c in inputs.loaded)
    return Loaded(tuple(dataclasses.replace(i, loaded=()) for i in every), sources)


def _outcome(
    team: Team,
    horizons: Sequence[Horizon],
    outcome: Outcome,
    plans: dict[str, MemberPlan],
    read: Sequence[str],
) -> TeamOutcome:
    """Every file (each member's .ics as the pipeline wrote and checked it) and the
    reports."""
    data, weeks = team.data, outcome.weeks
    ordered = [plans[member_id] for member_id in sorted(plans)]
    files: list[tuple[str, bytes]] = [
        (f"{p.person.stem}.ics", p.ics) for p in ordered if p.ics is not None
    ]
    for p in ordered:
        files.append((f"{p.person.stem}.json", report_bytes(_member_report(team, horizons, p))))
    week_outs = [
        TeamWeekOut(
            week=w.horizon.label,
            status="OPTIMAL" if w.solution.proven else "FEASIBLE",
            objective=w.solution.objective,
            bound=w.solution.bound,
            gap=round(w.solution.gap, 6),
            solves=w.solution.solves,
            shared=[
                SharedOut(
                    id=s.id,
                    kind=s.kind,
                    title=s.title,
                    place=s.place,
                    start=w.horizon.to_datetime(s.start),
                    end=w.horizon.to_datetime(s.end),
                    coach=s.coach,
                    required=s.required,
                    attendees=list(s.attendees),
                )
                for s in w.shared
            ],
        )
        for w in weeks
    ]
    objective = sum(w.objective for w in week_outs)
    bound = sum(w.bound for w in week_outs)
    gap = 0.0 if bound == objective else (bound - objective) / max(1, abs(bound))
    several = len(horizons) > 1
    report = TeamReport(
        team=data.name,
        week=horizons[0].label,
        timezone=horizons[0].tz_name,
        status="OPTIMAL" if all(w.status == "OPTIMAL" for w in week_outs) else "FEASIBLE",
        objective=objective,
        bound=bound,
        gap=round(gap, 6),
        attendance_points=sum(p.attendance_points or 0 for p in ordered),
        solves=sum(w.solves for w in week_outs),
        weeks=week_outs,
        members=[
            MemberOut(
                id=p.person.id,
                name=p.person.name,
                status="left_out" if p.reason else "planned",
                reason=f"{p.reason} ({p.left_in})" if p.reason and several else p.reason,
                objective=p.objective,
                attendance_points=p.attendance_points,
                attended={w.horizon.label: list(w.attended) for w in p.weeks},
                ics=f"{p.person.stem}.ics" if p.weeks else None,
                report=f"{p.person.stem}.json",
            )
            for p in ordered
        ],
        left_out=[p.person.id for p in ordered if p.reason],
    )
    files.append(
        (
            "team.ics",
            coach_file(
                weeks[0].horizon, weeks[-1].horizon, team=data.name, rendered=outcome.shared_events
            ),
        )
    )
    files.append(("team-report.json", report_bytes(report)))
    return TeamOutcome(report, tuple(ordered), tuple(weeks), tuple(sorted(files)), tuple(read))


def _member_report(team: Team, horizons: Sequence[Horizon], member: MemberPlan) -> MemberReport:
    """A member's own report, one entry a week: their sessions and score, or why they were
    left out (with the explanation, which only they see)."""
    rules = team.rules
    entries = []
    for k, horizon in enumerate(horizons):
        if k < len(member.weeks):
            week = member.weeks[k]
            sessions = [
                SessionOut(
                    kind=s.kind,
                    title=rules.kinds[s.kind].title,
                    start=horizon.to_datetime(s.start),
                    end=horizon.to_datetime(s.end),
                    shared=None,
                )
                for s in week.own
            ] + [
                SessionOut(
                    kind=s.kind,
                    title=s.title,
                    start=horizon.to_datetime(s.start),
                    end=horizon.to_datetime(s.end),
                    shared=s.id,
                )
                for s in week.shared
                if member.person.id in s.attendees
            ]
            sessions.sort(key=lambda s: (s.start, s.kind))
            status: Literal["OPTIMAL", "FEASIBLE"] = (
                "OPTIMAL" if week.plan.status == "OPTIMAL" else "FEASIBLE"
            )
            entries.append(
                MemberWeekReport(
                    week=horizon.label,
                    status=status,
                    objective=week.plan.objective,
                    terms=terms_of(week.plan, rules),
                    sessions=sessions,
                    attended=list(week.attended),
                    reason=None,
                )
            )
        else:  # left out: the week it happened gives why and the fixes, later weeks point to it
            first = horizon.label == member.left_in
            entries.append(
                MemberWeekReport(
                    week=horizon.label,
                    status="LEFT_OUT",
                    objective=None,
                    terms=[],
                    sessions=[],
                    attended=[],
                    reason=(
                        f"{member.reason}: {member.explanation}"
                        if first
                        else f"left out since {member.left_in}"
                    ),
                    fixes=list(member.fixes) if first else [],
                )
            )
    return MemberReport(
        team=team.data.name,
        timezone=horizons[0].tz_name,
        member=member.person.id,
        name=member.person.name,
        weeks=entries,
    )


__all__ = ["TeamOutcome", "TeamRequest", "run_team", "run_teams"]
