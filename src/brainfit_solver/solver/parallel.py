"""Independent solves run through any ``concurrent.futures.Executor`` the caller passes in.

Every solve builds its own model and solver and keeps no global state (see ``solve``), so
solves of different weeks (or, later, different people) can run anywhere an executor sends
them: this process, local worker processes, or a cluster whose client offers the
``Executor`` interface. The planner decides *what* to solve; the executor alone decides
*where*, so a new way of running work is a new executor, not a new code path.

Tasks are zero-argument callables, normally ``functools.partial(f, *args)`` of a module-level
function with picklable arguments (a ``Week`` and ``SolverOptions`` are), so a process pool
can ship them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
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
    futures = [executor.submit(task) for task in tasks]
    return [future.result() for future in futures]
