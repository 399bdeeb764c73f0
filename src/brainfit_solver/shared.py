"""The coupled part of a team plan: when the shared sessions are, who attends, and each
member's best week around them, with an honest bound.

One CP-SAT model holding every member is too slow for a real team (measured: 146-277 s for
200 members, /work/shared/PERFORMANCE-NOTES.md "Groups"). The structure is the lever: a
shared session has few possible times (its days and hours, on a ``step_min`` grid, where
the coach is free), and once its time is fixed each member's best week is an independent
solve. So:

1. **Relaxation (the bound).** Each member alone picks their best week *and* their own time
   for each shared session (or none), with the attendance term; "attendance: all" forces
   them to attend some time. The sum of these optima bounds every team plan from above,
   since a team plan is one such choice per member with the extra condition that the times
   agree and enough members attend. One independent solve per member; ties between equally
   good times go to the time most members are free at, so that members agree where they can.
2. **A bound for each joint time.** A member not free at a session's time cannot attend it
   there: at that joint time they get at most their best week without that session (one
   more solve for each member who chose to attend it, in the relaxation's task, on the
   model it built with the session ruled out: ``member_relaxed``). Summed over the
   members, this bounds every team plan at that joint time; joints without enough free
   members, or whose shared sessions overlap, are no option.
3. **Joint times, best bound first.** At each, the members whose own choice agrees (the same
   time, or no attendance) keep their relaxed week: it is their optimum there too. The
   others are solved again with the times fixed. When too few attend, the members it costs
   least are made to attend.
4. **The verdict.** The team's objective is the sum of the members' objectives (each
   including their attendance points, the rule set's ``team_attendance`` weight). The search
   stops when the best plan found reaches the bound of every joint time not yet evaluated:
   a complete search, and the plan is **proven optimal**. Otherwise it stops after
   ``JOINT_TRIES`` joint times and reports the bound (the best bound of the joints it did
   not see through, at most the relaxation's) and the gap.

A team whose members share nothing is step 1 alone: independent models. Every solve is a
task for ``parallel.solve_many`` (a module-level function over picklable arguments), so any
``concurrent.futures.Executor`` runs them.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TypeVar

from ortools.sat.python import cp_model

from .core.domain import Plan, SolverOptions
from .core.errors import InfeasibleError
from .model.hard import add_hard_rules
from .model.person import SharedSession, WeekModel, free_stretches
from .model.soft import add_soft_rules
from .model.week import Week
from .solver.parallel import solve_many
from .solver.solve import read_solution, run

K = TypeVar("K")

NO_WEEK = -(10**9)
"""The bound of a member who has no week at all under some shared times (a session all must
attend, or one fixed at a time they cannot make, rules every week out): never chosen."""


TIE_SCALE = 100_000
"""How much one point of a member's objective outweighs the tie-break between their equally
good shared times (which is at most this, all distances in slots summed, less one)."""

JOINT_TRIES = 2
"""Joint times always evaluated (when their bound can still beat the best plan)."""

COMPLETE_SEARCH_SOLVES = 200
"""The solves a small team's search may spend beyond the relaxation: on each member's exact
bound at each possible time (``_at_each_time``, all or none) and then on evaluating joint
times beyond ``JOINT_TRIES``. For a club of ten with a few dozen possible times that is a
complete search, which turns a reported gap into a proof (the example team); a larger team
keeps the cheaper bounds and stops after ``JOINT_TRIES`` joint times."""
"""How many joint times are evaluated at most when the first does not reach the bound."""


@dataclass(frozen=True)
class SharedTimes:
    """A shared session as the model sees it: kind, length in slots, the start slots it may
    take (where the coach is free), and whether every planned member must attend."""

    id: str
    kind: str
    slots: int
    times: tuple[int, ...]
    attend_all: bool = False

    def at(self, slot: int) -> SharedTimes:
        return SharedTimes(self.id, self.kind, self.slots, (slot,), self.attend_all)


@dataclass(frozen=True)
class MemberWeek:
    """One member's best week under some shared times: their plan (own and shared sessions,
    the objective with the attendance points), the shared sessions attended (id -> start
    slot), and, when their own week is impossible, the explanation."""

    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE (these times), IMPOSSIBLE (own week)
    plan: Plan | None = None
    attended: tuple[tuple[str, int], ...] = ()
    explanation: str = ""
    fixes: tuple[str, ...] = ()

    @property
    def objective(self) -> int:
        return self.plan.objective if self.plan is not None else 0

    @property
    def bound(self) -> int:
        return self.plan.bound if self.plan is not None else 0

    def attends(self, shared_id: str) -> int | None:
        return dict(self.attended).get(shared_id)


def member_best(
    week: Week,
    shared: tuple[SharedTimes, ...],
    forced: tuple[str, ...],
    options: SolverOptions,
    explain: bool = False,
    targets: tuple[int, ...] = (),
) -> MemberWeek:
    """A member's best week with each shared session at one of its times or not attended
    (attended when its id is in ``forced``). A task for ``solve_many``. With ``explain``,
    an impossible own week (no shared session in the way) is explained as ``brainfit plan``
    would (``IMPOSSIBLE``).

    ``targets`` (a start slot per shared session) breaks ties only: among the times that
    are equally good for this member, the one nearest its target. The objective is scaled
    by ``TIE_SCALE`` above the tie-break, so the member's best value is unchanged and the
    plan's objective and bound are read back unscaled. Members whose best times tie (most
    do: an evening session at 18:00 or 18:30 is worth the same to them) then choose the
    same time, so more of them agree on one joint time and need no second solve."""
    started = time.perf_counter()
    return _solved(_built(week, shared, forced, targets), options, explain, started)


@dataclass(frozen=True)
class Relaxed:
    """A member's relaxed week (``member_best`` with ``explain`` and ``targets``) and, for
    each shared session they attend in it that not all must attend, their best value
    without that session (``NO_WEEK`` when they have no week then): the bound of what they
    get at a joint time they are not free for it."""

    week: MemberWeek
    without: tuple[tuple[str, int], ...] = ()


def member_relaxed(
    week: Week,
    shared: tuple[SharedTimes, ...],
    forced: tuple[str, ...],
    options: SolverOptions,
    targets: tuple[int, ...] = (),
) -> Relaxed:
    """A task: the member's relaxed week and their bound without each session they attend
    in it (``Relaxed``), from one model. The relaxed week is solved first, on the model
    ``member_best`` builds (so it is the same week); then each session attended is ruled
    out in turn by fixing its presence flags to 0 in that model, with the plain objective
    (no tie-break), and solved for its bound: the same optimum as a model built without
    the session, without building it again (measured on 200 members: 373 such solves,
    each building its model took a quarter of its time)."""
    started = time.perf_counter()
    built = _built(week, shared, forced, targets)
    relaxed = _solved(built, options, True, started)
    if relaxed.plan is None:
        return Relaxed(relaxed)
    model, proto = built.model, built.model.proto
    model.maximize(built.score)
    without = []
    for spec, flags in zip(shared, built.flags, strict=True):
        if spec.attend_all or relaxed.attends(spec.id) is None:
            continue
        for index in flags:
            proto.variables[index].domain[1] = 0
        solver, status = run(model, options, what="a member's week", value_only=True)
        without.append(
            (
                spec.id,
                NO_WEEK if status == cp_model.INFEASIBLE else round(solver.best_objective_bound),
            )
        )
        for index in flags:
            proto.variables[index].domain[1] = 1
    return Relaxed(relaxed, tuple(without))


@dataclass(frozen=True)
class _Built:
    """A member's model around the shared sessions (``member_best``): the model, the week
    in it, the shared sessions' variables, the score without the tie-break, and the
    tie-break's distances (empty without targets)."""

    model: cp_model.CpModel
    wm: WeekModel
    sessions: tuple[SharedSession, ...]
    score: cp_model.LinearExprT
    ties: tuple[cp_model.IntVar, ...]
    flags: tuple[tuple[int, ...], ...]  # each shared session's presence flags (indices)
    shared: tuple[SharedTimes, ...]
    forced: tuple[str, ...]


def _built(
    week: Week, shared: tuple[SharedTimes, ...], forced: tuple[str, ...], targets: tuple[int, ...]
) -> _Built:
    """The model ``member_best`` solves (see there)."""
    model = cp_model.CpModel()
    grid = week.grid
    sessions: list[SharedSession] = []
    ties: list[cp_model.IntVar] = []
    flags: list[tuple[int, ...]] = []
    for k, spec in enumerate(shared):
        by_day: dict[int, list[int]] = {}
        for slot in spec.times:
            by_day.setdefault(week.horizon.day_of(slot * grid), []).append(slot)
        present = []
        for day, slots in sorted(by_day.items()):
            key = f"team.{spec.id}@d{day}"
            domain = cp_model.Domain.from_values(slots)
            start = model.new_int_var_from_domain(domain, f"{key}.start")
            flag = model.new_bool_var(f"{key}.present")
            present.append(flag)
            if targets:
                far = model.new_int_var(0, week.horizon.minutes // grid, f"{key}.far")
                model.add(far >= start - targets[k]).only_enforce_if(flag)
                model.add(far >= targets[k] - start).only_enforce_if(flag)
                ties.append(far)
            sessions.append(
                SharedSession(
                    key,
                    spec.kind,
                    day,
                    flag,
                    start,
                    start + spec.slots,
                    spec.slots,
                    (min(slots), max(slots)),
                    (spec.slots, spec.slots),
                )
            )
        if spec.id in forced:
            if present:
                model.add_exactly_one(present)
            else:  # no time this member could take: attending is impossible
                model.add_bool_or([])
        elif present:
            model.add_at_most_one(present)
        flags.append(tuple(flag.index for flag in present))
    wm = WeekModel(model, week, shared=sessions)
    add_hard_rules(wm)
    score = add_soft_rules(wm)
    if ties:
        model.maximize(
            cp_model.LinearExpr.weighted_sum([score, *ties], [TIE_SCALE] + [-1] * len(ties))
        )
    else:
        model.maximize(score)
    return _Built(model, wm, tuple(sessions), score, tuple(ties), tuple(flags), shared, forced)


def _solved(built: _Built, options: SolverOptions, explain: bool, started: float) -> MemberWeek:
    """The member's best week in a built model (``member_best``), timed from ``started``."""
    week, shared, forced, wm = built.wm.week, built.shared, built.forced, built.wm
    solver, status = run(built.model, options, what="a member's week")
    if status == cp_model.INFEASIBLE:
        if explain and (shared and forced):
            alone = member_best(week, (), (), options, explain=True)
            return alone if alone.status == "IMPOSSIBLE" else MemberWeek("INFEASIBLE")
        if explain and not forced:
            return _impossible(week, options)
        return MemberWeek("INFEASIBLE")
    plan = read_solution(solver, status, wm, time.perf_counter() - started)
    if built.ties:  # the objective and bound without the tie-break (see member_best)
        plan = dataclasses.replace(
            plan,
            objective=sum(plan.terms.values()),
            # TIE_SCALE × best - tie <= bound with 0 <= tie < TIE_SCALE: best <= ceil(bound / S)
            bound=math.ceil(round(solver.best_objective_bound) / TIE_SCALE),
        )
    attended = tuple(
        (s.key.removeprefix("team.").rpartition("@")[0], solver.value(s.start))
        for s in built.sessions
        if solver.boolean_value(s.present)
    )
    return MemberWeek(plan.status, plan, tuple(sorted(attended)))


def _impossible(week: Week, options: SolverOptions) -> MemberWeek:
    """The usual explanation of an impossible week (``explain.explain_infeasible``)."""
    from .explain.impossible import explain_infeasible

    error: InfeasibleError = explain_infeasible(week, options)
    return MemberWeek("IMPOSSIBLE", explanation=error.render(), fixes=error.relaxations)


# -- where the shared sessions can be ---------------------------------------------------------


def free_starts(week: Week, day: int, minutes: int, pad: int) -> list[tuple[int, int]]:
    """Start slots on ``day`` where a ``minutes``-long session fits ``week``'s window and
    free time with ``pad`` minutes from busy time, as closed ranges."""
    window = week.windows[day]
    if window is None:
        return []
    return [
        (first, last)
        for first, last, _ in free_stretches(window, week.busy, pad, minutes, week.grid)
    ]


def can_attend(week: Week, spec: SharedTimes, slot: int) -> bool:
    """Whether the member's window and free time (with their buffer) hold the session at
    ``slot``: what "free" means in the head counts; their other rules are the solver's."""
    grid = week.grid
    day = week.horizon.day_of(slot * grid)
    pad = week.buffer if week.rules.kinds[spec.kind].buffer else 0
    return any(lo <= slot <= hi for lo, hi in free_starts(week, day, spec.slots * grid, pad))


def free_times(week: Week, spec: SharedTimes) -> frozenset[int]:
    """The session's possible start slots this member is free for (``can_attend`` of each,
    with each day's free time worked out once)."""
    grid = week.grid
    pad = week.buffer if week.rules.kinds[spec.kind].buffer else 0
    by_day: dict[int, list[tuple[int, int]]] = {}
    found = []
    for slot in spec.times:
        day = week.horizon.day_of(slot * grid)
        if day not in by_day:
            by_day[day] = free_starts(week, day, spec.slots * grid, pad)
        if any(lo <= slot <= hi for lo, hi in by_day[day]):
            found.append(slot)
    return frozenset(found)


# -- the team ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedNeed:
    """A shared session's possible times and whether the coach must be free at them (how
    many members must attend depends on how many are planned: ``solve_team``'s
    ``required``)."""

    times: SharedTimes
    coach: bool


@dataclass(frozen=True)
class TeamSolution:
    """The members' weeks (by member index), the shared sessions' times (id -> start slot,
    absent when no time worked), the objective, the relaxation's bound and the verdict."""

    weeks: tuple[MemberWeek, ...]
    times: dict[str, int]
    objective: int
    bound: int
    proven: bool
    solves: int
    seconds: float
    left_out: tuple[int, ...] = ()
    failures: tuple[str, ...] = field(default=())  # why the shared sessions cannot be placed

    @property
    def gap(self) -> float:
        return (
            0.0
            if self.bound == self.objective
            else (self.bound - self.objective) / max(1, abs(self.bound))
        )


class SharedPlacementError(Exception):
    """The shared sessions cannot be placed: ``conflict`` says which condition (coach,
    attendance, members' rules) leaves no time."""

    def __init__(self, conflict: str) -> None:
        self.conflict = conflict
        super().__init__(conflict)


def solve_team(
    weeks: Sequence[Week],
    needs: Sequence[SharedNeed],
    required: Callable[[int, int], int],
    options: SolverOptions,
    executor: Executor | None = None,
    describe: Callable[[str, int], str] = lambda shared_id, slot: f"{shared_id}@{slot}",
    names: Sequence[str] = (),
) -> TeamSolution:
    """Plan every member (``weeks``, in a fixed order) around the shared sessions.

    ``required(k, planned)`` is how many of ``planned`` members shared session ``k`` needs
    (members whose own week is impossible are left out and do not count). Raises
    ``SharedPlacementError`` when no joint time has the coach, enough free members and
    enough attendance under the members' own rules; ``describe`` words a time and ``names``
    the members for it."""
    started = time.perf_counter()
    specs = tuple(n.times for n in needs)
    forced = tuple(s.id for s in specs if s.attend_all)
    sets = [[free_times(week, spec) for week in weeks] for spec in specs]
    everyone = [
        {t: sum(t in one for one in sets[k]) for t in spec.times} for k, spec in enumerate(specs)
    ]
    targets = tuple(max(free.items(), key=lambda item: (item[1], -item[0]))[0] for free in everyone)
    solved = solve_many(
        [
            functools.partial(member_relaxed, week, specs, forced, options, targets)
            for week in weeks
        ],
        executor,
    )
    relaxed = [r.week for r in solved]
    solves = len(weeks)
    for k, result in enumerate(relaxed):
        if result.status == "INFEASIBLE":  # own week fine, the required session impossible
            names = ", ".join(s.id for s in specs if s.attend_all)
            who = names[k] if k < len(names) else f"member #{k + 1}"
            raise SharedPlacementError(
                f"{who} cannot attend {names} at any time free for the coach "
                "(their calendar or their rules rule each one out), and all members must"
            )
    left_out = tuple(k for k, r in enumerate(relaxed) if r.status == "IMPOSSIBLE")
    planned = [k for k in range(len(weeks)) if k not in left_out]
    bound = sum(relaxed[k].bound for k in planned)
    if not specs or not planned:
        objective = sum(relaxed[k].objective for k in planned)
        proven = all(relaxed[k].status == "OPTIMAL" for k in planned)
        return TeamSolution(
            tuple(relaxed),
            {},
            objective,
            bound,
            proven,
            solves,
            time.perf_counter() - started,
            left_out,
        )
    need_count = [required(k, len(planned)) for k in range(len(specs))]
    free = [{m: sets[k][m] for m in planned} for k in range(len(specs))]
    reach = [
        {t: sum(t in free[k][m] for m in planned) for t in spec.times}
        for k, spec in enumerate(specs)
    ]
    for k, spec in enumerate(specs):
        best = max(reach[k].items(), key=lambda item: (item[1], -item[0]), default=None)
        if best is None or best[1] < need_count[k]:
            who = "the coach and " if needs[k].coach else ""
            at_best = f"; at best {best[1]} are, at {describe(spec.id, best[0])}" if best else ""
            raise SharedPlacementError(
                f"{spec.id}: no time is free for {who}{need_count[k]} of the {len(planned)} "
                f"members planned{at_best}"
            )
    without, used = _without_each(specs, solved, planned)
    solves += used
    at_time, searched = _at_each_time(
        weeks, specs, relaxed, planned, reach, need_count, free, options, executor
    )
    solves += searched
    joints = _joint_bounds(specs, relaxed, planned, reach, need_count, free, without, at_time)
    if not joints:
        raise SharedPlacementError(
            "the shared sessions overlap at every time free for the coach and enough members"
        )
    found: tuple[int, tuple[int, ...], list[MemberWeek]] | None = None
    failures: list[str] = []
    # The best bound of any joint whose plans were not all seen: the joints not evaluated,
    # and those whose evaluation had to make members attend (it may miss better plans).
    open_bound: int | None = None
    for n, (joint_bound, joint) in enumerate(joints):
        if found is not None and found[0] >= joint_bound:
            break  # no joint left can beat the plan: the search is complete
        if n >= JOINT_TRIES and (not at_time or searched > COMPLETE_SEARCH_SOLVES):
            open_bound = max(open_bound or joint_bound, joint_bound)
            break
        evaluated, used, exact = _evaluate(
            weeks, specs, joint, relaxed, planned, need_count, options, executor
        )
        solves += used
        searched += used
        if not exact:
            open_bound = max(open_bound or joint_bound, joint_bound)
        if evaluated is None:
            failures.append(
                "at "
                + ", ".join(describe(s.id, t) for s, t in zip(specs, joint, strict=True))
                + " too few members can attend under their own rules"
            )
            continue
        objective = sum(evaluated[k].objective for k in planned)
        if found is None or objective > found[0]:
            found = (objective, joint, evaluated)
    if found is None:
        raise SharedPlacementError("; ".join(failures))
    objective, chosen, member_weeks = found
    bound = max(objective, min(bound, open_bound if open_bound is not None else objective))
    proven = objective == bound and all(member_weeks[k].status == "OPTIMAL" for k in planned)
    return TeamSolution(
        tuple(member_weeks),
        {s.id: t for s, t in zip(specs, chosen, strict=True)},
        objective,
        bound,
        proven,
        solves,
        time.perf_counter() - started,
        left_out,
        tuple(failures),
    )


def _without_each(
    specs: Sequence[SharedTimes], solved: Sequence[Relaxed], planned: Sequence[int]
) -> tuple[dict[tuple[int, str], int], int]:
    """Each member's best value when they cannot attend one shared session (the others
    still at their own times): the bound on what they get at a time they are not free, and
    how many solves found them (``member_relaxed``). A member who chose not to attend it
    already has it (their relaxed bound); a session all must attend needs none (a time some
    member cannot make is no option)."""
    known: dict[tuple[int, str], int] = {}
    used = 0
    for m in planned:
        found = dict(solved[m].without)
        used += len(found)
        for spec in specs:
            if spec.attend_all:
                continue
            week = solved[m].week
            known[m, spec.id] = found.get(spec.id, week.bound)
    return known, used


def _at_each_time(
    weeks: Sequence[Week],
    specs: Sequence[SharedTimes],
    relaxed: Sequence[MemberWeek],
    planned: Sequence[int],
    reach: Sequence[dict[int, int]],
    need_count: Sequence[int],
    free: Sequence[dict[int, frozenset[int]]],
    options: SolverOptions,
    executor: Executor | None,
) -> tuple[dict[tuple[int, str, int], int], int]:
    """For a small team, each member's best value with one shared session fixed at each of
    its possible times (the others at their own): the exact bound of each member at each
    time, which makes the joint times' bounds tight enough for a complete search. Skipped
    (empty) when it would take more than ``COMPLETE_SEARCH_SOLVES`` solves; a member whose
    own choice was that time already has it (their relaxed bound)."""
    known: dict[tuple[int, str, int], int] = {}
    keys: list[tuple[int, str, int]] = []
    tasks: list[Callable[[], MemberWeek]] = []
    for k, spec in enumerate(specs):
        for t in spec.times:
            if reach[k][t] < need_count[k]:
                continue
            for m in planned:
                if relaxed[m].attends(spec.id) == t:
                    known[m, spec.id, t] = relaxed[m].bound
                elif t in free[k][m]:
                    keys.append((m, spec.id, t))
                    fixed = tuple(s.at(t) if s.id == spec.id else s for s in specs)
                    forced = tuple(s.id for s in specs if s.attend_all)
                    tasks.append(functools.partial(member_best, weeks[m], fixed, forced, options))
    if len(tasks) > COMPLETE_SEARCH_SOLVES:
        return {}, 0
    known.update(_bounds(keys, tasks, executor))
    return known, len(tasks)


def _bounds(
    keys: Sequence[K], tasks: Sequence[Callable[[], MemberWeek]], executor: Executor | None
) -> dict[K, int]:
    """Each solve's bound on the member's best value, by its key (``NO_WEEK`` where none)."""
    return {
        key: result.bound if result.plan is not None else NO_WEEK
        for key, result in zip(keys, solve_many(tasks, executor), strict=True)
    }


def _joint_bounds(
    specs: Sequence[SharedTimes],
    relaxed: Sequence[MemberWeek],
    planned: Sequence[int],
    reach: Sequence[dict[int, int]],
    need_count: Sequence[int],
    free: Sequence[dict[int, frozenset[int]]],
    without: dict[tuple[int, str], int],
    at_time: dict[tuple[int, str, int], int],
) -> list[tuple[int, tuple[int, ...]]]:
    """Every joint time with enough members free and no two shared sessions overlapping,
    with an upper bound on any team plan at it, best first: each member's relaxed bound, or
    where they are not free for a session at its time, their bound without that session.
    Ties go to the joint most members chose themselves (their weeks need no second solve),
    then the earliest."""
    per_session = [
        [t for t in spec.times if reach[k][t] >= need_count[k]] for k, spec in enumerate(specs)
    ]
    choices = {m: tuple(relaxed[m].attends(s.id) for s in specs) for m in planned}
    ranked = []
    for joint in itertools.product(*per_session):
        spans = sorted((t, t + s.slots) for s, t in zip(specs, joint, strict=True))
        if any(a[1] > b[0] for a, b in itertools.pairwise(spans)):
            continue
        total = agree = 0
        for m in planned:
            value = relaxed[m].bound
            for k, spec in enumerate(specs):
                if (m, spec.id, joint[k]) in at_time:
                    value = min(value, at_time[m, spec.id, joint[k]])
                elif joint[k] not in free[k][m] and (m, spec.id) in without:
                    value = min(value, without[m, spec.id])
            total += value
            agree += all(c is None or c == t for c, t in zip(choices[m], joint, strict=True))
        ranked.append((-total, -agree, joint))
    ranked.sort()
    return [(-total, joint) for total, _, joint in ranked]


def _evaluate(
    weeks: Sequence[Week],
    specs: Sequence[SharedTimes],
    joint: tuple[int, ...],
    relaxed: Sequence[MemberWeek],
    planned: Sequence[int],
    need_count: Sequence[int],
    options: SolverOptions,
    executor: Executor | None,
) -> tuple[list[MemberWeek] | None, int, bool]:
    """Each planned member's best week at the joint times (impossible members keep their
    explanation), how many solves it took, and whether the result is the best plan at
    these times (False when members had to be made to attend: the cheapest each alone,
    which need not be the best together); None when too few can attend."""
    fixed = tuple(s.at(t) for s, t in zip(specs, joint, strict=True))
    forced = tuple(s.id for s in specs if s.attend_all)
    result = list(relaxed)
    again = [
        m
        for m in planned
        if any(relaxed[m].attends(s.id) not in (None, t) for s, t in zip(specs, joint, strict=True))
    ]
    redone = solve_many(
        [functools.partial(member_best, weeks[m], fixed, forced, options) for m in again],
        executor,
    )
    solves = len(again)
    for m, week_result in zip(again, redone, strict=True):
        if week_result.plan is None:
            return None, solves, True
        result[m] = week_result
    # Too few attend a session: the members free then who chose not to come and whom it
    # costs least are made to attend (each keeps any session they were made to attend
    # before). When one session alone falls short and no member made to attend it drops
    # another, this is the best plan at these times; otherwise it may not be.
    exact = True
    short_sessions = 0
    must: dict[int, set[str]] = {m: set() for m in planned}
    for k, spec in enumerate(specs):
        attending = [m for m in planned if result[m].attends(spec.id) is not None]
        short = need_count[k] - len(attending)
        if short <= 0:
            continue
        short_sessions += 1
        others = [
            m
            for m in planned
            if result[m].attends(spec.id) is None and can_attend(weeks[m], fixed[k], joint[k])
        ]
        tried = solve_many(
            [
                functools.partial(
                    member_best,
                    weeks[m],
                    fixed,
                    tuple(sorted({*forced, *must[m], spec.id})),
                    options,
                )
                for m in others
            ],
            executor,
        )
        solves += len(others)
        costs = sorted(
            (result[m].objective - r.objective, m, r)
            for m, r in zip(others, tried, strict=True)
            if r.plan is not None
        )
        if len(costs) < short:
            return None, solves, short_sessions == 1
        for _, m, r in costs[:short]:
            before = {shared_id for shared_id, _ in result[m].attended}
            if before - {shared_id for shared_id, _ in r.attended}:
                exact = False
            result[m] = r
            must[m].add(spec.id)
    if short_sessions > 1:
        exact = False
    for k, spec in enumerate(specs):
        if sum(result[m].attends(spec.id) is not None for m in planned) < need_count[k]:
            return None, solves, False
    return result, solves, exact
