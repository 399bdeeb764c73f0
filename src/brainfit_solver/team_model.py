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
   agree and enough members attend. One independent solve per member.
2. **A time for each shared session.** The joint times that most members chose
   themselves, among those where enough members are free and the coach is.
3. **Each member's best week at those times.** A member whose own choice agrees (the same
   time, or no attendance) keeps their relaxed week: it is their optimum at these times
   too. The others are solved again with the times fixed. When too few attend, the members
   it costs least are made to attend.
4. **The verdict.** The team's objective is the sum of the members' objectives (each
   including their attendance points, the rule set's ``team_attendance`` weight). It is
   **proven optimal** when it reaches the relaxation's bound; otherwise the bound and the
   gap are reported. A few joint times are tried, best first, until one reaches the bound.

A team whose members share nothing is step 1 alone: independent models. Every solve is a
task for ``parallel.solve_many`` (a module-level function over picklable arguments), so any
``concurrent.futures.Executor`` runs them.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .domain import Plan, SolverOptions
from .errors import InfeasibleError
from .hard import add_hard_rules
from .model import SharedSession, WeekModel, free_stretches
from .parallel import solve_many
from .soft import add_soft_rules
from .solve import read_solution, run
from .week import Week

JOINT_TRIES = 3
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
) -> MemberWeek:
    """A member's best week with each shared session at one of its times or not attended
    (attended when its id is in ``forced``). A task for ``solve_many``. With ``explain``,
    an impossible own week (no shared session in the way) is explained as ``brainfit plan``
    would (``IMPOSSIBLE``)."""
    started = time.perf_counter()
    model = cp_model.CpModel()
    grid = week.grid
    sessions: list[SharedSession] = []
    for spec in shared:
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
            model.add_exactly_one(present) if present else model.add_bool_or([])
        elif present:
            model.add_at_most_one(present)
    wm = WeekModel(model, week, shared=sessions)
    add_hard_rules(wm)
    model.maximize(add_soft_rules(wm))
    solver, status = run(model, options, what="a member's week")
    if status == cp_model.INFEASIBLE:
        if explain and (shared and forced):
            alone = member_best(week, (), (), options, explain=True)
            return alone if alone.status == "IMPOSSIBLE" else MemberWeek("INFEASIBLE")
        if explain and not forced:
            return _impossible(week, options)
        return MemberWeek("INFEASIBLE")
    plan = read_solution(solver, status, wm, time.perf_counter() - started)
    attended = tuple(
        (s.key.removeprefix("team.").rpartition("@")[0], solver.value(s.start))
        for s in sessions
        if solver.boolean_value(s.present)
    )
    return MemberWeek(plan.status, plan, tuple(sorted(attended)))


def _impossible(week: Week, options: SolverOptions) -> MemberWeek:
    """The usual explanation of an impossible week (``explain.explain_infeasible``)."""
    from .explain import explain_infeasible

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


# -- the team ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedNeed:
    """A shared session's possible times and how many of the planned members must attend."""

    times: SharedTimes
    required: int
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
    relaxed = solve_many(
        [functools.partial(member_best, week, specs, forced, options, True) for week in weeks],
        executor,
    )
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
    reach = [
        {t: sum(can_attend(weeks[m], spec, t) for m in planned) for t in spec.times}
        for spec in specs
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
    joints = _joint_times(specs, relaxed, planned, reach, need_count)
    if not joints:
        raise SharedPlacementError(
            "the shared sessions overlap at every time free for the coach and enough members"
        )
    best_solution: TeamSolution | None = None
    failures: list[str] = []
    for joint in joints[:JOINT_TRIES]:
        evaluated, used = _evaluate(
            weeks, specs, joint, relaxed, planned, need_count, options, executor
        )
        solves += used
        if evaluated is None:
            failures.append(
                "at "
                + ", ".join(describe(s.id, t) for s, t in zip(specs, joint, strict=True))
                + " too few members can attend under their own rules"
            )
            continue
        objective = sum(evaluated[k].objective for k in planned)
        if best_solution is None or objective > best_solution.objective:
            proven = objective == bound and all(evaluated[k].status == "OPTIMAL" for k in planned)
            best_solution = TeamSolution(
                tuple(evaluated),
                {s.id: t for s, t in zip(specs, joint, strict=True)},
                objective,
                bound,
                proven,
                solves,
                0.0,
                left_out,
            )
        if best_solution.proven:
            break
    if best_solution is None:
        raise SharedPlacementError("; ".join(failures))
    return TeamSolution(
        best_solution.weeks,
        best_solution.times,
        best_solution.objective,
        bound,
        best_solution.proven,
        solves,
        time.perf_counter() - started,
        left_out,
        tuple(failures),
    )


def _joint_times(
    specs: Sequence[SharedTimes],
    relaxed: Sequence[MemberWeek],
    planned: Sequence[int],
    reach: Sequence[dict[int, int]],
    need_count: Sequence[int],
) -> list[tuple[int, ...]]:
    """Joint times to try, best first: those most members chose themselves (so the fewest
    must be solved again), then the most members free, then the earliest; only times with
    enough members free, and shared sessions that do not overlap."""
    choices = [tuple(relaxed[m].attends(s.id) for s in specs) for m in planned]
    per_session = []
    for k, spec in enumerate(specs):
        votes = Counter(c[k] for c in choices if c[k] is not None)
        ok = [t for t in spec.times if reach[k][t] >= need_count[k]]
        ok.sort(key=lambda t: (-votes[t], -reach[k][t], t))
        per_session.append(ok[: 2 * JOINT_TRIES])
    ranked = []
    for joint in itertools.product(*per_session):
        spans = sorted((t, t + s.slots) for s, t in zip(specs, joint, strict=True))
        if any(a[1] > b[0] for a, b in itertools.pairwise(spans)):
            continue
        agree = sum(
            all(c is None or c == t for c, t in zip(choice, joint, strict=True))
            for choice in choices
        )
        free = sum(reach[k][t] for k, t in enumerate(joint))
        ranked.append((-agree, -free, joint))
    return [joint for *_, joint in sorted(ranked)]


def _evaluate(
    weeks: Sequence[Week],
    specs: Sequence[SharedTimes],
    joint: tuple[int, ...],
    relaxed: Sequence[MemberWeek],
    planned: Sequence[int],
    need_count: Sequence[int],
    options: SolverOptions,
    executor: Executor | None,
) -> tuple[list[MemberWeek] | None, int]:
    """Each planned member's best week at the joint times (impossible members keep their
    explanation), and how many solves it took; None when too few can attend."""
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
            return None, solves
        result[m] = week_result
    for k, spec in enumerate(specs):
        attending = [m for m in planned if result[m].attends(spec.id) is not None]
        short = need_count[k] - len(attending)
        if short <= 0:
            continue
        # The members free then who chose not to come: the cheapest are made to attend.
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
                    tuple(sorted({*forced, spec.id})),
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
            return None, solves
        for _, m, r in costs[:short]:
            result[m] = r
    for k, spec in enumerate(specs):
        if sum(result[m].attends(spec.id) is not None for m in planned) < need_count[k]:
            return None, solves
    return result, solves
