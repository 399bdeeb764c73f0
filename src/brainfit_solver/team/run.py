"""The team pipeline behind ``brainfit group``: a team request (members × weeks) → each
member's inputs → the coupled solve (``solve``), week by week → each member's file over all
the weeks, checked by the independent checker as a person's multi-week plan is → the team's
files and report.

Several weeks are planned one after the other: week k+1 of each member sees that member's
sessions of week k (their own and the shared ones they attend) as the days before it
(``model.week.with_days_before``, the seam context of a single-person plan), so the rules
that look across days (no high-intensity days back to back) hold across every boundary. Each
week is then planned, and proven optimal or not, *given the weeks before it*: the verdict is
per week, never over the weeks jointly.

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
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Literal

from .. import api
from ..core.domain import CalendarWeek, EarlierEvent, Plan, Session, SolverOptions
from ..core.errors import InfeasibleError, InputError, ProfileError, TeamFileError
from ..core.executors import ExecutorChoice, opened
from ..core.timegrid import Horizon, next_full_week, parse_week, zone
from ..model.week import Week, prepare_week, with_days_before
from ..outputs.ics import identified, output_stamp
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
    member_file,
    report_bytes,
    shared_events,
    shared_uid,
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
    """What to plan: a validated team; ``weeks`` and ``week`` (``--weeks``, ``--week``)
    override the team file's; ``strict`` makes a left-out member fatal; solves go through
    ``executor`` if given (left open), else through the one ``executor_choice`` names
    (``--executor dask --scheduler``: opened for the run, closed after it), else this process
    for small teams and local processes for larger ones."""

    team: Team
    strict: bool = False
    options: SolverOptions = dataclasses.field(default_factory=SolverOptions)
    executor: Executor | None = None
    executor_choice: ExecutorChoice | None = None
    weeks: int | None = None
    week: str | None = None


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

    @property
    def objective(self) -> int | None:
        return sum(w.plan.objective for w in self.weeks) if self.weeks else None

    @property
    def attendance_points(self) -> int | None:
        return sum(w.attendance_points for w in self.weeks) if self.weeks else None


@dataclass(frozen=True)
class WeekOutcome:
    """One week of the team plan: its shared sessions as placed and the solution."""

    horizon: Horizon
    shared: tuple[SharedPlaced, ...]
    solution: TeamSolution


@dataclass(frozen=True)
class TeamOutcome:
    """The plan, the files to write (name in the output directory, bytes) and the report."""

    report: TeamReport
    members: tuple[MemberPlan, ...]
    weeks: tuple[WeekOutcome, ...]
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
        loaded: list[tuple[str, tuple[api.Inputs, ...] | None, str]] = []
        for (_, member), got in zip(members, found, strict=True):
            if not got.inputs:
                if request.strict:
                    raise InputError(got.error)
                loaded.append((member.id, None, got.error))
                continue
            read.extend(got.sources)
            loaded.append((member.id, got.inputs, ""))
        plans = {
            member_id: MemberPlan(
                people[member_id],
                None if weeks is None else weeks[0],
                reason=None if weeks is not None else "calendar cannot be read",
                left_in=None if weeks is not None else first.label,
                explanation=None if weeks is not None else error,
            )
            for member_id, weeks, error in loaded
        }
        inputs_of = {member_id: weeks for member_id, weeks, _ in loaded if weeks is not None}
        outcomes = []
        before: dict[str, tuple[EarlierEvent, ...]] = {}
        for k, horizon in enumerate(horizons):
            ok = [
                (member_id, inputs_of[member_id][k])
                for member_id, weeks, _ in loaded
                if weeks is not None and plans[member_id].reason is None
            ]
            models = [
                inputs.week
                if k == 0
                else with_days_before(dataclasses.replace(inputs.week, before=()), before[m])
                for m, inputs in ok
            ]
            label = f"{horizon.label}: " if count > 1 else ""
            needs = _times(team, horizon, coach_weeks[k], label)
            solution = _solve_week(team, request, horizon, needs, models, ok, people, executor)
            shared = _placed(team, needs, solution, ok)
            outcomes.append(WeekOutcome(horizon, shared, solution))
            for n, (member_id, inputs) in enumerate(ok):
                result = solution.weeks[n]
                plan = plans[member_id]
                if result.plan is None:
                    plans[member_id] = dataclasses.replace(
                        plan,
                        reason="own week impossible",
                        left_in=horizon.label,
                        explanation=result.explanation,
                        fixes=result.fixes,
                    )
                    continue
                week_plan = _member_week(team, horizon, inputs, result, shared, member_id)
                plans[member_id] = dataclasses.replace(plan, weeks=(*plan.weeks, week_plan))
                before[member_id] = tuple(_as_earlier(data.name, member_id, week_plan, shared))
        return _outcome(team, horizons, outcomes, plans, people, coach, read, executor)
    finally:
        if pool is not None:
            pool.shutdown()


def _solve_week(
    team: Team,
    request: TeamRequest,
    horizon: Horizon,
    needs: Sequence[SharedNeed],
    models: Sequence[Week],
    ok: Sequence[tuple[str, api.Inputs]],
    people: dict[str, Person],
    executor: Executor,
) -> TeamSolution:
    """One week of the team, each member's week ``models`` (the weeks before it already
    in their days before)."""
    data = team.data
    label = f"{horizon.label}: " if _week_count(request) > 1 else ""

    def required(k: int, planned: int) -> int:
        return data.shared[k].attendance.required(planned)

    def describe(shared_id: str, slot: int) -> str:
        moment = horizon.to_datetime(slot * team.rules.meta.granularity_min)
        return f"{moment:%a %d %b %H:%M}"

    try:
        solution = solve_team(
            models,
            needs,
            required,
            request.options,
            executor,
            describe,
            [people[member_id].name for member_id, _ in ok],
        )
    except SharedPlacementError as exc:
        raise SharedSessionsError(
            label + exc.conflict,
            fix="Widen the shared sessions' days or times, lower their attendance, or free "
            "the coach's calendar",
        ) from exc
    if request.strict and solution.left_out:
        k = solution.left_out[0]
        raise InfeasibleError(
            f"{label}member {ok[k][0]}: {solution.weeks[k].explanation}",
            relaxations=solution.weeks[k].fixes,
            fix="Without --strict the rest of the team is planned and this member is listed",
        )
    return solution


def _placed(
    team: Team,
    needs: Sequence[SharedNeed],
    solution: TeamSolution,
    ok: Sequence[tuple[str, api.Inputs]],
) -> tuple[SharedPlaced, ...]:
    """The week's shared sessions as placed, with who attends."""
    rules, grid = team.rules, team.rules.meta.granularity_min
    planned_ids = [m for k, (m, _) in enumerate(ok) if k not in solution.left_out]
    index = {member_id: k for k, (member_id, _) in enumerate(ok)}
    shared: list[SharedPlaced] = []
    for need, spec in zip(needs, team.data.shared, strict=True):
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
    return tuple(shared)


def _member_week(
    team: Team,
    horizon: Horizon,
    inputs: api.Inputs,
    result: MemberWeek,
    shared: Sequence[SharedPlaced],
    member_id: str,
) -> MemberWeekPlan:
    """A planned member's week: their own sessions are the plan's less the shared ones."""
    assert result.plan is not None
    rules = team.rules
    kinds = {s.id: s.kind for s in shared}
    grid = rules.meta.granularity_min
    theirs = {(kinds[shared_id], slot * grid) for shared_id, slot in result.attended}
    own = tuple(s for s in result.plan.sessions if (s.kind, s.start) not in theirs)
    attended = tuple(sorted(s.id for s in shared if member_id in s.attendees))
    weight = {r.id for r in rules.soft if r.kind == "team_attendance"}
    points = sum(result.plan.terms.get(r, 0) for r in weight)
    return MemberWeekPlan(horizon, inputs, own, tuple(shared), attended, points, result.plan)


def _as_earlier(
    team_name: str, member_id: str, week: MemberWeekPlan, shared: Sequence[SharedPlaced]
) -> Iterable[EarlierEvent]:
    """A member's week as the next week's days before (what their file holds: the same
    UIDs, kinds and starts)."""
    horizon, rules = week.horizon, week.inputs.rules
    for uid, s in identified(week.own, f"{team_name}\x1f{member_id}", horizon.label):
        title = rules.kinds[s.kind].title
        yield EarlierEvent(uid, (s.kind,), title, horizon.to_datetime(s.start), False)
    for p in shared:
        if member_id in p.attendees:
            uid = shared_uid(team_name, horizon.label, p.id)
            yield EarlierEvent(uid, (p.kind,), p.title, horizon.to_datetime(p.start), False)


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


def finish_member(
    inputs: api.Inputs,
    weeks: tuple[tuple[Horizon, tuple[Session, ...], tuple[SharedPlaced, ...]], ...],
    objective: int,
    person: Person,
    rendered: dict[tuple[str, str], bytes],
    team_name: str,
    stamp: dt.datetime,
) -> bytes:
    """A task: a member's .ics over their weeks (``rendered``: the shared sessions they
    attend, ``outputs.team.shared_events``), checked by the independent checker as a
    person's multi-week plan is, seams included (a plan it rejects, or scores differently
    from the solver, is a bug)."""
    ics = member_file(
        weeks, inputs.rules, team=team_name, member=person, stamp=stamp, rendered=rendered
    )
    verdict = api.check_weeks(ics, inputs, source=f"{person.stem}.ics")
    if not verdict.ok:
        raise AssertionError(
            f"internal error: {person.id}'s plan fails the independent check: "
            + "; ".join(verdict.violations)
        )
    api.agree_on_days_before(inputs.week, verdict)
    api.same_objective(objective, verdict.objective)
    return ics


def _outcome(
    team: Team,
    horizons: Sequence[Horizon],
    weeks: Sequence[WeekOutcome],
    plans: dict[str, MemberPlan],
    people: dict[str, Person],
    coach: Person,
    read: Sequence[str],
    executor: Executor,
) -> TeamOutcome:
    """Every file, each member's .ics checked by the checker, and the reports."""
    rules = team.rules
    data = team.data
    ordered = [plans[member_id] for member_id in sorted(plans)]
    latest = [
        w.inputs.calendar.latest_stamp
        for p in ordered
        for w in p.weeks
        if w.inputs.calendar.latest_stamp is not None
    ]
    stamp = output_stamp(horizons[0], max(latest, default=None))
    planned = [p for p in ordered if p.weeks and p.inputs is not None]
    rendered = shared_events(
        [(w.horizon, w.shared) for w in weeks],
        rules,
        team=data.name,
        coach=coach,
        people=people,
        stamp=stamp,
    )
    finished = solve_many(
        [
            functools.partial(
                finish_member,
                p.inputs,
                tuple((w.horizon, w.own, w.shared) for w in p.weeks),
                p.objective,
                p.person,
                {
                    (w.horizon.label, s.id): rendered[w.horizon.label, s.id]
                    for w in p.weeks
                    for s in w.shared
                    if p.person.id in s.attendees
                },
                data.name,
                stamp,
            )
            for p in planned
            if p.inputs is not None and p.objective is not None
        ],
        executor,
    )
    files: list[tuple[str, bytes]] = [
        (f"{p.person.stem}.ics", ics) for p, ics in zip(planned, finished, strict=True)
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
                [(w.horizon, w.shared) for w in weeks],
                rules,
                team=data.name,
                coach=coach,
                people=people,
                stamp=stamp,
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


__all__ = ["SharedSessionsError", "TeamOutcome", "TeamRequest", "run_team"]
