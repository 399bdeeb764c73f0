"""The team pipeline behind ``brainfit group``: a team request (members × one week) → each
member's inputs → the coupled solve (``team_model``) → each member's file, checked by the
independent checker as a person's plan is → the team's files and report.

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
from ..core.errors import InfeasibleError, InputError
from ..core.executors import ExecutorChoice, opened
from ..core.timegrid import Horizon, next_full_week, parse_week, zone
from ..model.week import Week, prepare_week
from ..outputs.ics import output_stamp
from ..outputs.team import (
    MemberOut,
    MemberReport,
    Person,
    SessionOut,
    SharedOut,
    SharedPlaced,
    TeamReport,
    coach_file,
    member_file,
    report_bytes,
    terms_of,
)
from ..rules.profile import Profile
from ..solver.parallel import InProcessExecutor, solve_many
from .file import DAYS, Team, member_inputs, member_stems, shared_minutes
from .solve import (
    MemberWeek,
    SharedNeed,
    SharedPlacementError,
    SharedTimes,
    TeamSolution,
    can_attend,
    solve_team,
)

POOL_FROM = 8
"""Members from which the solves go to a pool of worker processes by default; fewer solve
faster in this process than a pool starts (a week solves in about 50 ms)."""


class SharedSessionsError(InfeasibleError):
    """The shared sessions cannot be placed (exit 3): no joint time has the coach, enough
    free members and enough attendance under the members' own rules."""


@dataclass(frozen=True)
class TeamRequest:
    """What to plan: a validated team; ``strict`` makes a left-out member fatal; solves go
    through ``executor`` if given (left open), else through the one ``executor_choice``
    names (``--executor dask --scheduler``: opened for the run, closed after it), else this
    process for small teams and local processes for larger ones."""

    team: Team
    strict: bool = False
    options: SolverOptions = dataclasses.field(default_factory=SolverOptions)
    executor: Executor | None = None
    executor_choice: ExecutorChoice | None = None


@dataclass(frozen=True)
class MemberPlan:
    """A member as planned, or left out (``reason``: a general word for the team; their
    own report has the explanation)."""

    person: Person
    inputs: api.Inputs | None
    own: tuple[Session, ...] = ()
    attended: tuple[str, ...] = ()
    objective: int | None = None
    attendance_points: int | None = None
    plan: Plan | None = None
    reason: str | None = None
    explanation: str | None = None
    fixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeamOutcome:
    """The plan, the files to write (name in the output directory, bytes) and the report."""

    report: TeamReport
    members: tuple[MemberPlan, ...]
    shared: tuple[SharedPlaced, ...]
    files: tuple[tuple[str, bytes], ...]
    solution: TeamSolution
    horizon: Horizon
    inputs_read: tuple[str, ...]  # every local file read: outputs may never replace them

    @property
    def left_out(self) -> tuple[str, ...]:
        return tuple(self.report.left_out)

    def rows(self) -> list[tuple[str, list[Session], set[int]]]:
        """Each member's sessions, own and shared, and the shared ones' starts (overview)."""
        rows = []
        for m in self.members:
            shared = [s for s in self.shared if m.person.id in s.attendees]
            sessions = [*m.own, *(Session(s.kind, s.start, s.end) for s in shared)]
            rows.append((m.person.id, sessions, {s.start for s in shared}))
        return rows


def _horizon(team: Team) -> Horizon:
    tz = zone(team.data.timezone, file=str(team.path), where="timezone")
    week = team.data.week
    try:
        monday = parse_week(week) if week else next_full_week(api.today(team.data.timezone))
    except ValueError as exc:
        from ..core.errors import TeamFileError

        raise TeamFileError(
            str(exc), file=team.path, where="week", fix="Write the week as 2026-W49"
        ) from exc
    return Horizon(tz, monday)


def _coach_week(team: Team, horizon: Horizon) -> tuple[Week, tuple[str, ...]]:
    """The coach's busy time and window (bad coach calendars are bad input: exit 2)."""
    coach = team.data.coach
    profile = Profile(
        name="coach",
        timezone=team.data.timezone,
        window=coach.window,
        buffer_min=coach.buffer_min,
    )
    if not coach.calendars:
        return prepare_week(profile, team.rules, CalendarWeek(()), horizon), ()
    calendars = sorted(team.resolve(c) for c in coach.calendars)
    inputs = api.load_inputs(
        calendars, profile=profile, rules=team.rules, week=horizon.label, tz=team.data.timezone
    )
    return inputs.week, tuple(calendars)


def _times(team: Team, horizon: Horizon, coach: Week) -> list[SharedNeed]:
    """Each shared session's possible start slots: its days and times on its step, where
    the coach is free (when present)."""
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
                f"shared session {spec.id}: no time in {where} is free for the coach",
                fix="Free time in the coach's calendar, or widen the session's days or times",
            )
        needs.append(
            SharedNeed(
                SharedTimes(
                    spec.id, spec.kind, slots, tuple(sorted(set(times))), spec.attendance.all
                ),
                0,
                spec.coach,
            )
        )
    return needs


def run_team(request: TeamRequest) -> TeamOutcome:
    """Plan the team (see the module docstring)."""
    choice = request.executor_choice
    if request.executor is None and choice is not None and choice.kind != "local":
        with opened(choice) as chosen:
            return run_team(dataclasses.replace(request, executor=chosen))
    team = request.team
    data = team.data
    horizon = _horizon(team)
    coach_week, coach_read = _coach_week(team, horizon)
    needs = _times(team, horizon, coach_week)
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
                functools.partial(load_member, team, member.id, horizon.label)
                for _, member in members
            ],
            executor,
        )
        loaded: list[tuple[str, api.Inputs | None, str]] = []
        for (_, member), got in zip(members, found, strict=True):
            if got.inputs is None:
                if request.strict:
                    raise InputError(got.error)
                loaded.append((member.id, None, got.error))
                continue
            read.extend(got.sources)
            loaded.append((member.id, got.inputs, ""))
        ok = [(member_id, inputs) for member_id, inputs, _ in loaded if inputs is not None]

        def required(k: int, planned: int) -> int:
            return data.shared[k].attendance.required(planned)

        def describe(shared_id: str, slot: int) -> str:
            moment = horizon.to_datetime(slot * team.rules.meta.granularity_min)
            return f"{moment:%a %d %b %H:%M}"

        try:
            solution = solve_team(
                [inputs.week for _, inputs in ok],
                needs,
                required,
                request.options,
                executor,
                describe,
                [people[member_id].name for member_id, _ in ok],
            )
        except SharedPlacementError as exc:
            raise SharedSessionsError(
                exc.conflict,
                fix="Widen the shared sessions' days or times, lower their attendance, or free "
                "the coach's calendar",
            ) from exc
        if request.strict and solution.left_out:
            k = solution.left_out[0]
            raise InfeasibleError(
                f"member {ok[k][0]}: {solution.weeks[k].explanation}",
                relaxations=solution.weeks[k].fixes,
                fix="Without --strict the rest of the team is planned and this member is listed",
            )
        return _outcome(team, horizon, needs, solution, ok, loaded, people, coach, read, executor)
    finally:
        if pool is not None:
            pool.shutdown()


@dataclass(frozen=True)
class Loaded:
    """A member's inputs (without the parsed calendars, which only the reader needs, so it
    ships light between processes), or why their calendars cannot be read (``error``)."""

    inputs: api.Inputs | None
    sources: tuple[str, ...] = ()
    error: str = ""


def load_member(team: Team, member_id: str, week_label: str) -> Loaded:
    """A task: read a member's inputs."""
    try:
        inputs = member_inputs(team, member_id, week_label)
    except InputError as exc:
        return Loaded(None, error=exc.render())
    sources = tuple(c.source for c in inputs.loaded)
    return Loaded(dataclasses.replace(inputs, loaded=()), sources)


def finish_member(
    inputs: api.Inputs,
    plan: Plan,
    attended: tuple[tuple[str, int], ...],
    shared: tuple[SharedPlaced, ...],
    people: dict[str, Person],
    coach: Person,
    team_name: str,
    stamp: dt.datetime,
) -> tuple[tuple[Session, ...], bytes]:
    """A task: a member's own sessions and their .ics, checked by the independent checker
    (a plan it rejects, or scores differently from the solver, is a bug)."""
    horizon, rules = inputs.horizon, inputs.rules
    person = people[inputs.profile.name]
    kinds = {s.id: s.kind for s in shared}
    grid = rules.meta.granularity_min
    theirs = {(kinds[shared_id], slot * grid) for shared_id, slot in attended}
    own = tuple(s for s in plan.sessions if (s.kind, s.start) not in theirs)
    ics = member_file(
        own,
        shared,
        rules,
        horizon,
        team=team_name,
        member=person,
        coach=coach,
        people=people,
        stamp=stamp,
    )
    verdict = api.check(ics, inputs, source=f"{person.stem}.ics")
    if not verdict.ok:
        raise AssertionError(
            f"internal error: {person.id}'s plan fails the independent check: "
            + "; ".join(verdict.violations)
        )
    api.agree_on_days_before(inputs.week, verdict)
    api.same_objective(plan.objective, verdict.objective)
    return own, ics


def _outcome(
    team: Team,
    horizon: Horizon,
    needs: Sequence[SharedNeed],
    solution: TeamSolution,
    ok: Sequence[tuple[str, api.Inputs]],
    loaded: Sequence[tuple[str, api.Inputs | None, str]],
    people: dict[str, Person],
    coach: Person,
    read: Sequence[str],
    executor: Executor,
) -> TeamOutcome:
    """The members' plans and every file, each member's .ics checked by the checker."""
    rules = team.rules
    data = team.data
    grid = rules.meta.granularity_min
    index = {member_id: k for k, (member_id, _) in enumerate(ok)}
    planned_ids = [m for k, (m, _) in enumerate(ok) if k not in solution.left_out]
    shared: list[SharedPlaced] = []
    for need, spec in zip(needs, data.shared, strict=True):
        slot = solution.times.get(spec.id)
        if slot is None:
            continue
        attendees = tuple(
            sorted(m for m in planned_ids if solution.weeks[index[m]].attends(spec.id) == slot)
        )
        title = spec.title or f"Team {rules.kinds[spec.kind].title}"
        shared.append(
            SharedPlaced(
                spec.id,
                spec.kind,
                title,
                spec.place,
                slot * grid,
                (slot + need.times.slots) * grid,
                spec.coach,
                spec.attendance.required(len(planned_ids)),
                attendees,
            )
        )
    latest = [i.calendar.latest_stamp for _, i in ok if i.calendar.latest_stamp is not None]
    stamp = output_stamp(horizon, max(latest, default=None))
    planned: list[tuple[str, api.Inputs, MemberWeek, Plan]] = []
    for member_id, inputs, _ in loaded:
        result = solution.weeks[index[member_id]] if inputs is not None else None
        if inputs is not None and result is not None and result.plan is not None:
            planned.append((member_id, inputs, result, result.plan))
    finished = solve_many(
        [
            functools.partial(
                finish_member,
                inputs,
                plan,
                result.attended,
                tuple(shared),
                people,
                coach,
                data.name,
                stamp,
            )
            for _, inputs, result, plan in planned
        ],
        executor,
    )
    done = {member_id: f for (member_id, *_), f in zip(planned, finished, strict=True)}
    plans: list[MemberPlan] = []
    files: list[tuple[str, bytes]] = []
    weight = {r.id for r in rules.soft if r.kind == "team_attendance"}
    for member_id, inputs, error in loaded:
        person = people[member_id]
        if inputs is None:
            plans.append(
                MemberPlan(person, None, reason="calendar cannot be read", explanation=error)
            )
            continue
        result = solution.weeks[index[member_id]]
        if result.plan is None:
            plans.append(
                MemberPlan(
                    person,
                    inputs,
                    reason="own week impossible",
                    explanation=result.explanation,
                    fixes=result.fixes,
                )
            )
            continue
        plan = result.plan
        own, ics = done[member_id]
        files.append((f"{person.stem}.ics", ics))
        attended = tuple(sorted(s.id for s in shared if member_id in s.attendees))
        points = sum(plan.terms.get(r, 0) for r in weight)
        plans.append(MemberPlan(person, inputs, own, attended, plan.objective, points, plan))
    for p in plans:
        files.append(
            (f"{p.person.stem}.json", report_bytes(_member_report(team, horizon, p, shared)))
        )
    report = TeamReport(
        team=data.name,
        week=horizon.label,
        timezone=horizon.tz_name,
        status="OPTIMAL" if solution.proven else "FEASIBLE",
        objective=solution.objective,
        bound=solution.bound,
        gap=round(solution.gap, 6),
        attendance_points=sum(p.attendance_points or 0 for p in plans),
        solves=solution.solves,
        shared=[
            SharedOut(
                id=s.id,
                kind=s.kind,
                title=s.title,
                place=s.place,
                start=horizon.to_datetime(s.start),
                end=horizon.to_datetime(s.end),
                coach=s.coach,
                required=s.required,
                attendees=list(s.attendees),
            )
            for s in shared
        ],
        members=[
            MemberOut(
                id=p.person.id,
                name=p.person.name,
                status="left_out" if p.reason else "planned",
                reason=p.reason,
                objective=p.objective,
                attendance_points=p.attendance_points,
                attended=list(p.attended),
                ics=None if p.reason else f"{p.person.stem}.ics",
                report=f"{p.person.stem}.json",
            )
            for p in plans
        ],
        left_out=[p.person.id for p in plans if p.reason],
    )
    files.append(
        (
            "team.ics",
            coach_file(
                shared, rules, horizon, team=data.name, coach=coach, people=people, stamp=stamp
            ),
        )
    )
    files.append(("team-report.json", report_bytes(report)))
    return TeamOutcome(
        report,
        tuple(plans),
        tuple(shared),
        tuple(sorted(files)),
        solution,
        horizon,
        tuple(read),
    )


def _member_report(
    team: Team,
    horizon: Horizon,
    member: MemberPlan,
    shared: Sequence[SharedPlaced],
) -> MemberReport:
    """A member's own report: their sessions and score, or why they were left out (with
    the explanation, which only they see)."""
    rules = team.rules
    sessions = [
        SessionOut(
            kind=s.kind,
            title=rules.kinds[s.kind].title,
            start=horizon.to_datetime(s.start),
            end=horizon.to_datetime(s.end),
            shared=None,
        )
        for s in member.own
    ] + [
        SessionOut(
            kind=s.kind,
            title=s.title,
            start=horizon.to_datetime(s.start),
            end=horizon.to_datetime(s.end),
            shared=s.id,
        )
        for s in shared
        if member.person.id in s.attendees
    ]
    sessions.sort(key=lambda s: (s.start, s.kind))
    status: Literal["OPTIMAL", "FEASIBLE", "LEFT_OUT"] = "LEFT_OUT"
    terms = []
    if member.plan is not None:
        status = "OPTIMAL" if member.plan.status == "OPTIMAL" else "FEASIBLE"
        terms = terms_of(member.plan, rules)
    reason = None
    if member.reason:
        reason = f"{member.reason}: {member.explanation}"
    return MemberReport(
        team=team.data.name,
        week=horizon.label,
        timezone=horizon.tz_name,
        member=member.person.id,
        name=member.person.name,
        status=status,
        objective=member.objective,
        terms=terms,
        sessions=sessions,
        attended=list(member.attended),
        reason=reason,
        fixes=list(member.fixes),
    )


__all__ = ["SharedSessionsError", "TeamOutcome", "TeamRequest", "run_team"]
