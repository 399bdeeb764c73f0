"""Where independent solves run, chosen by name: ``local`` (this machine) or ``dask`` (an
existing Dask cluster, by its scheduler's address).

The planners only ever see a ``concurrent.futures.Executor`` (``parallel.solve_many``); this
module turns the user's choice (``--executor``, ``--scheduler``) into one, as a context
manager that closes whatever it opened, so a command cannot leave a pool or a cluster
connection behind, even when planning fails::

    with opened(ExecutorChoice("dask", "tcp://10.0.0.5:8786")) as executor:
        results = solve_many(tasks, executor)

``local`` without a process count yields ``None``: each planner then runs where it was
measured fastest on this machine (``solve_many``: several tasks in one worker process per
core; the week-by-week seam program: in this process, its 50 ms solves being cheaper than
shipping them). ``local`` with ``processes`` opens that many worker processes.

``dask`` uses ``dask.distributed``'s ``Client(address).get_executor()``: the same interface,
so no planner has a second code path. Dask is an optional extra (``brainfit-solver[dask]``),
imported only here and only when asked for. The cluster's workers must have brainfit-solver
installed: tasks are module-level functions, shipped by reference. A worker that dies while
running a task is replaced and the task run again elsewhere (Dask's own retry, up to
``distributed.scheduler.allowed-failures`` times); results are gathered in submission order,
so which worker ran what never shows in the output.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, Protocol

from .errors import InputError

Kind = Literal["local", "dask"]
KINDS: tuple[Kind, ...] = ("local", "dask")
DASK_EXTRA = "pip install 'brainfit-solver[dask]'"


class ExecutorError(InputError):
    """The executor asked for cannot be used: Dask is not installed, the scheduler's address
    is missing or malformed, or no scheduler answers there (exit 2, nothing written)."""


@dataclass(frozen=True)
class ExecutorChoice:
    """Which executor to open: ``kind`` ``local`` (``processes``: how many worker processes;
    ``None``: each planner's measured default) or ``dask`` (``scheduler``: the address of a
    running Dask scheduler, e.g. ``tcp://127.0.0.1:8786``)."""

    kind: Kind = "local"
    scheduler: str | None = None
    processes: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ExecutorError(
                f"--executor {self.kind!r} is not one of {', '.join(KINDS)}",
                fix="Use --executor local (this machine) or --executor dask --scheduler ADDRESS",
            )
        if self.kind == "dask" and not self.scheduler:
            raise ExecutorError(
                "--executor dask needs the address of a running Dask scheduler",
                fix="Add --scheduler tcp://HOST:8786 (the address `dask scheduler` prints)",
            )
        if self.kind == "local" and self.scheduler:
            raise ExecutorError(
                f"--scheduler {self.scheduler} is only used with --executor dask",
                fix="Add --executor dask, or drop --scheduler to plan on this machine",
            )
        if self.processes is not None and (self.kind != "local" or self.processes < 1):
            raise ValueError("processes is a positive count of local worker processes")


@contextmanager
def opened(choice: ExecutorChoice | None) -> Iterator[Executor | None]:
    """The executor ``choice`` names, open for the ``with`` block and closed after it
    (``None``: the planners' own default, see the module docstring)."""
    if choice is None or choice.kind == "local":
        if choice is None or choice.processes is None:
            yield None
            return
        # Fresh worker processes (forkserver), never forks of this one: a fork of a process
        # that runs threads (a Dask client, a server) can deadlock, and a forked worker's
        # memory would count this process's too.
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(choice.processes, mp_context=context) as pool:
            yield pool
        return
    assert choice.scheduler is not None  # ExecutorChoice requires it for dask
    client = _connect(choice.scheduler)
    try:
        yield client.get_executor()
    finally:
        client.close()


def _connect(address: str) -> _Client:
    """A ``dask.distributed`` client connected to the scheduler at ``address``, or an
    ``ExecutorError`` saying why not and what to do."""
    try:
        from distributed import Client
    except ImportError:
        raise ExecutorError(
            "--executor dask needs Dask's distributed scheduler, which is not installed",
            fix=f"Install it with {DASK_EXTRA}, or plan on this machine with --executor local",
        ) from None
    try:
        client: _Client = Client(address, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as exc:
        raise ExecutorError(
            f"cannot reach the Dask scheduler at {address} ({str(exc).rstrip('.')})",
            fix="Start one there (`dask scheduler`, then `dask worker ADDRESS`) or pass its "
            "address as --scheduler tcp://HOST:PORT; to wait longer for a slow network set "
            "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT (default 30s)",
        ) from None
    return client


class _Client(Protocol):
    """What this module uses of ``distributed.Client`` (Dask is optional: the package's types
    must not depend on it)."""

    def get_executor(self) -> Executor: ...

    def close(self) -> None: ...
