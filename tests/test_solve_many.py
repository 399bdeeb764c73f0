"""Parallel solves go through the executor passed in, and where they run never changes what
they find: the same plans, in task order, as solved one after another in this process."""

from __future__ import annotations

import dataclasses
import datetime as dt
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pytest

from brainfit_solver import api
from brainfit_solver.calendars.synth import synthetic_calendar
from brainfit_solver.core.domain import Plan, SolverOptions
from brainfit_solver.core.errors import InfeasibleError
from brainfit_solver.core.timegrid import iso_week_label, parse_week
from brainfit_solver.model.week import Week
from brainfit_solver.rules.profile import Profile
from brainfit_solver.solver.parallel import InProcessExecutor, solve_many
from brainfit_solver.solver.solve import solve

WEEK, TZ = "2026-W49", "Europe/Berlin"


def weeks(tmp_path: Path, count: int) -> list[Week]:
    """``count`` different generated weeks (each its own calendar)."""
    monday = parse_week(WEEK)
    paths = []
    for k in range(count):
        path = tmp_path / f"week{k}.ics"
        label = iso_week_label(monday + dt.timedelta(weeks=k))
        path.write_bytes(synthetic_calendar(30 + k, busy_events=40, study_blocks=6, week=label))
        paths.append(path)
    first = api.load_inputs(paths, profile=Profile(timezone=TZ), week=WEEK)
    return [api.shifted(first, k).week for k in range(count)]


def timeless(plan: Plan | None) -> Plan | None:
    """The plan without its wall-clock solve time, the one field that may differ."""
    return None if plan is None else dataclasses.replace(plan, solve_seconds=0.0)


@pytest.mark.parametrize(
    "executor",
    [partial(ThreadPoolExecutor, 2), partial(ProcessPoolExecutor, 2)],
    ids=["threads", "processes"],
)
def test_a_pool_gives_the_in_process_plans_in_task_order(
    tmp_path: Path, executor: partial[Executor]
) -> None:
    models = weeks(tmp_path, 3)
    tasks = [partial(solve, week, SolverOptions()) for week in models]
    here = [timeless(solve(week, SolverOptions())) for week in models]
    with executor() as pool:
        pooled = [timeless(plan) for plan in solve_many(tasks, pool)]
    assert pooled == here
    assert len({p.sessions for p in here if p is not None}) == 3  # the order is really tested


def test_without_an_executor_one_task_runs_here_and_several_in_local_processes(
    tmp_path: Path,
) -> None:
    models = weeks(tmp_path, 2)
    here = [timeless(solve(week, SolverOptions())) for week in models]
    tasks = [partial(solve, week, SolverOptions()) for week in models]
    assert [timeless(p) for p in solve_many(tasks)] == here
    assert [timeless(p) for p in solve_many(tasks[:1])] == here[:1]
    assert solve_many([]) == []


def test_a_task_that_fails_raises_its_own_error() -> None:
    def conflict() -> None:
        raise InfeasibleError("the week cannot hold its rules", conflict=("z_per_week",))

    with pytest.raises(InfeasibleError) as err:
        solve_many([conflict], InProcessExecutor())
    assert err.value.conflict == ("z_per_week",)


def test_a_task_that_is_not_a_module_level_function_is_refused_before_anything_runs() -> None:
    """A closure or lambda runs in threads and on Dask (which pickles it by value) but not in
    worker processes: refused for every executor but this process, so a planner's tasks run
    on all of them alike."""
    ran: list[int] = []

    def local_task() -> int:
        ran.append(1)
        return 1

    for task in (local_task, partial(local_task), lambda: 1):
        with ThreadPoolExecutor(1) as pool, pytest.raises(TypeError, match="module-level"):
            solve_many([task, task], pool)
    assert ran == []
    assert solve_many([local_task], InProcessExecutor()) == [1]  # here, anything goes
