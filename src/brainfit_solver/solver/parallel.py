"""Independent solves run through any ``concurrent.futures.Executor`` the caller passes in.

Every solve builds its own model and solver and keeps no global state (see ``solve``), so
solves of different weeks (or, later, different people) can run anywhere an executor sends
them: this process, local worker processes, or a cluster whose client offers the
``Executor`` interface. The planner decides *what* to solve; the executor alone decides
*where*, so a new way of running work is a new executor, not a new code path.

Tasks are zero-argument callables: ``functools.partial(f, *args)`` of a module-level function
with picklable arguments and result (a ``Week``, ``SolverOptions`` and ``Plan`` are), so a
process pool or a cluster can ship them; ``solve_many`` refuses any other task before
sending one. Results come back in submission order, so which worker ran what never shows.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")


class InProcessExecutor(Executor):
    """Runs each task at once in the calling thread: the executor for work too small to be
    worth shipping (a week solves in about 50 ms; a worker process costs more to start and
    feed, ``benchmarks/bench_multiweek.py``), and the reference the other executors must
    match."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller by ``result()``, as pools do
            future.set_exception(exc)
        return future


def solve_many(tasks: Sequence[Callable[[], T]], executor: Executor | None = None) -> list[T]:
    """Each task's result, in task order, whatever order the executor finishes them in.

    Without an executor: one task runs in this process (a pool would only add its start-up),
    several in a local ``ProcessPoolExecutor`` that is shut down before returning. A given
    executor is used as it is and left open: its owner may run more rounds on it. A task's
    exception is raised here, as from a direct call."""
    if executor is None:
        if len(tasks) < 2:
            return [task() for task in tasks]
        with ProcessPoolExecutor(min(len(tasks), os.cpu_count() or 1)) as pool:
            return solve_many(tasks, pool)
    if not isinstance(executor, InProcessExecutor):
        for task in tasks:
            _check_shippable(task)
    futures = [executor.submit(task) for task in tasks]
    return [future.result() for future in futures]


def _check_shippable(task: Callable[[], object]) -> None:
    """Refuse a task that another process could not import: a worker process unpickles a
    function by its module and name, and Dask would instead ship a closure by value, so a
    task that is not a module-level function (or a ``partial`` of one) would run on some
    executors and fail on others."""
    function = task
    while isinstance(function, partial):
        function = function.func
    module = sys.modules.get(getattr(function, "__module__", None) or "")
    found: object = module
    for part in getattr(function, "__qualname__", "<unnamed>").split("."):
        found = getattr(found, part, None)
    if found is not function:
        raise TypeError(
            f"solve_many sends tasks to other processes: {function!r} must be a module-level "
            "function of an importable module (or a functools.partial of one)"
        )
