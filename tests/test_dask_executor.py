"""`--executor dask --scheduler ADDRESS`: the independent solves go to a real Dask cluster
started here on loopback, and the files written are the local executor's, byte for byte (the
report apart from its measured ``solve_seconds``); a worker killed while it runs a task is
replaced by Dask and the results are still complete and the same. A bad choice or an
unreachable scheduler is one paragraph and exit 2. No process outlives its test."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from multiprocessing import forkserver, resource_tracker
from pathlib import Path
from typing import Any, TypeVar

import psutil
import pytest
from click.testing import CliRunner
from distributed import LocalCluster

from brainfit_solver import api
from brainfit_solver.calendars.synth import synthetic_calendar
from brainfit_solver.cli import main
from brainfit_solver.core.domain import Plan, SolverOptions
from brainfit_solver.core.executors import ExecutorChoice, ExecutorError, opened
from brainfit_solver.core.timegrid import iso_week_label, parse_week
from brainfit_solver.rules.profile import Profile
from brainfit_solver.solver.parallel import InProcessExecutor, solve_many
from brainfit_solver.solver.solve import solve
from support import REPO

T = TypeVar("T")
WEEK, TZ = "2026-W49", "Europe/Berlin"
BRAINFIT = Path(sys.executable).with_name("brainfit")
DASK = Path(sys.executable).with_name("dask")
WAIT_S = 60.0
"""The longest any step here waits for another process (a loaded 2-core machine): a hang
fails the test with a message instead of stalling it."""


def children() -> set[int]:
    """This process's live descendants (a reaped worker may stay a zombie a moment)."""
    return {
        p.pid
        for p in psutil.Process().children(recursive=True)
        if p.status() != psutil.STATUS_ZOMBIE
    }


@contextmanager
def nothing_left_behind() -> Iterator[None]:
    """Every process started inside the block (cluster workers, nannies, command-line
    clusters) has ended when it ends."""
    # multiprocessing's resource tracker and fork server, started on first use, live as long
    # as this process by design: started first, they are not counted as left behind.
    resource_tracker.ensure_running()
    forkserver.ensure_running()
    before = children()
    yield
    deadline = time.monotonic() + WAIT_S
    while (left := children() - before) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"processes left behind: {[psutil.Process(p).cmdline() for p in left]}"


@pytest.fixture
def no_process_left_behind() -> Iterator[None]:
    with nothing_left_behind():
        yield


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """Two single-threaded worker processes (each under a nanny that replaces it if it
    dies) on loopback, as on a 2-core machine; shared by the tests of this module, since
    starting one and its workers' first imports take seconds."""
    with (
        nothing_left_behind(),
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            host="127.0.0.1",
            # The scheduler's HTTP server (health checks) serves even without a dashboard, by
            # default on port 8787; any free port, as another cluster may hold that one.
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        ) as running,
    ):
        yield running


def calendars(folder: Path, weeks: int, seed: int = 5) -> list[Path]:
    """One generated calendar per week; with seed 5 the unrestricted weeks clash at a seam
    (``test_multiweek``), so the seam program sends a second round of solves."""
    monday = parse_week(WEEK)
    paths = []
    for k in range(weeks):
        path = folder / f"week{k}.ics"
        label = iso_week_label(monday + dt.timedelta(weeks=k))
        path.write_bytes(
            synthetic_calendar(seed * 100 + k, busy_events=40, study_blocks=6, week=label)
        )
        paths.append(path)
    return paths


def plan_args(folder: Path, weeks: int, name: str) -> list[str]:
    """`brainfit plan` of ``weeks`` weeks from ``folder``'s calendars into ``name``.ics/.json."""
    profile = folder / "profile.toml"
    profile.write_text(f'timezone = "{TZ}"\n', encoding="utf-8")
    return [
        "plan",
        *map(str, calendars(folder, weeks)),
        "--profile",
        str(profile),
        "--week",
        WEEK,
        "--weeks",
        str(weeks),
        "-o",
        str(folder / f"{name}.ics"),
        "--json",
        str(folder / f"{name}.json"),
        "--quiet",
    ]


def without_solve_time(report: Any) -> Any:
    """The report with every ``solve_seconds`` removed: the one value measured, not derived."""
    if isinstance(report, dict):
        return {k: without_solve_time(v) for k, v in report.items() if k != "solve_seconds"}
    if isinstance(report, list):
        return [without_solve_time(v) for v in report]
    return report


def written(folder: Path, name: str) -> tuple[bytes, Any]:
    ics, report = folder / f"{name}.ics", folder / f"{name}.json"
    return ics.read_bytes(), without_solve_time(json.loads(report.read_bytes()))


def invoke(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output


def test_plan_on_a_dask_cluster_writes_the_local_executors_bytes(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    address = cluster.scheduler_address
    invoke(plan_args(tmp_path, 4, "local"))
    invoke([*plan_args(tmp_path, 4, "dask"), "--executor", "dask", "--scheduler", address])
    local, on_dask = written(tmp_path, "local"), written(tmp_path, "dask")
    assert b"BEGIN:VEVENT" in local[0] and local[1]["status"] == "OPTIMAL"
    assert on_dask[0] == local[0], "the .ics differs"
    assert on_dask[1] == local[1], "the report differs"
    # The week solves really went to the cluster (its scheduler runs in this process).
    assert "solve_variant" in cluster.scheduler.task_prefixes


def test_group_on_a_dask_cluster_writes_the_local_executors_bytes(
    cluster: LocalCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A team (the bundled example: ten members, two shared sessions) planned through the
    cluster gives every member's file and the team's byte for byte as planned locally."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    team = REPO / "examples" / "team" / "team.toml"
    runs = {}
    for name, flags in (("local", []), ("dask", ["--executor", "dask", "--scheduler"])):
        out = tmp_path / name
        out.mkdir()
        args = [*flags, cluster.scheduler_address] if flags else []
        result = CliRunner().invoke(main, ["group", str(team), "--out-dir", str(out), *args])
        assert result.exit_code == 6, result.output  # one member's own week is impossible
        runs[name] = {f.name: f.read_bytes() for f in sorted(out.iterdir())}
    assert len(runs["local"]) == 21 and runs["dask"] == runs["local"]
    # The members' reading went to the cluster (its scheduler runs in this process).
    assert "load_member" in cluster.scheduler.task_prefixes, sorted(cluster.scheduler.task_prefixes)


def test_several_teams_on_a_dask_cluster_are_units_of_work_with_the_local_bytes(
    cluster: LocalCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two teams (the bundled example and a renamed copy) sent to the cluster as two units
    of work give the files the local worker processes give, byte for byte."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    shutil.copytree(REPO / "examples" / "team", tmp_path / "copy")
    copy = tmp_path / "copy" / "team.toml"
    text = copy.read_text(encoding="utf-8")
    renamed = text.replace('name = "Riverside Brain Club"', 'name = "Copy of the club"', 1)
    assert renamed != text
    copy.write_text(renamed, encoding="utf-8")
    teams = [str(REPO / "examples" / "team" / "team.toml"), str(copy)]
    runs = {}
    for kind, flags in (("local", []), ("dask", ["--executor", "dask", "--scheduler"])):
        out = tmp_path / kind
        out.mkdir()
        args = [*flags, cluster.scheduler_address] if flags else []
        result = CliRunner().invoke(main, ["group", *teams, "--out-dir", str(out), *args])
        assert result.exit_code == 6, result.output  # Hanna's own week is impossible in both
        runs[kind] = {f.name: f.read_bytes() for f in sorted(out.iterdir())}
    assert len(runs["local"]) == 42 and runs["dask"] == runs["local"]
    assert "plan_team" in cluster.scheduler.task_prefixes, sorted(cluster.scheduler.task_prefixes)


def test_the_dask_command_line_cluster_plans_the_same_bytes(
    tmp_path: Path, no_process_left_behind: None
) -> None:
    """The form of a real cluster: `dask scheduler` and `dask worker` processes, and
    `brainfit plan` as a user runs it in its own process."""
    scheduler_file = tmp_path / "scheduler.json"
    listen = ["--host", "127.0.0.1", "--no-dashboard", "--dashboard-address", "127.0.0.1:0"]
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> None:
        quiet = subprocess.DEVNULL  # in its own session: its whole group is stopped below
        started.append(
            subprocess.Popen(
                [str(DASK), *args, *listen], stdout=quiet, stderr=quiet, start_new_session=True
            )
        )

    invoke(plan_args(tmp_path, 3, "local"))
    try:
        start("scheduler", "--port", "0", "--scheduler-file", str(scheduler_file))
        start("worker", "--scheduler-file", str(scheduler_file), "--nworkers", "2")
        deadline = time.monotonic() + WAIT_S
        while not scheduler_file.exists():
            assert time.monotonic() < deadline, "the dask scheduler did not start"
            time.sleep(0.05)
        address = json.loads(scheduler_file.read_text(encoding="utf-8"))["address"]
        args = [*plan_args(tmp_path, 3, "dask"), "--executor", "dask", "--scheduler", address]
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
        run = subprocess.run(
            [str(BRAINFIT), *args], capture_output=True, text=True, env=env, timeout=120
        )
        assert run.returncode == 0, run.stderr
    finally:
        for process in reversed(started):
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=WAIT_S)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    assert written(tmp_path, "dask") == written(tmp_path, "local")


def gated(folder: str, task: Callable[[], T]) -> tuple[int, T]:
    """Run ``task`` in a worker once the test opens the gate (the file ``go``), after saying
    which process took it (a file ``started-PID-*``): the test sees both workers holding a
    task and kills one of them while its task is running. Returns the worker's pid too."""
    here = Path(folder)
    (here / f"started-{os.getpid()}-{uuid.uuid4().hex}").touch()
    deadline = time.monotonic() + WAIT_S
    while not (here / "go").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the test never opened the gate")
        time.sleep(0.01)
    return os.getpid(), task()


def starts(folder: Path) -> list[int]:
    """The pid of each task start so far (a task run again counts again)."""
    return [int(p.name.split("-")[1]) for p in folder.glob("started-*")]


def timeless(plan: Plan | None) -> Plan | None:
    """The plan without its wall-clock solve time, the one field that may differ."""
    return None if plan is None else dataclasses.replace(plan, solve_seconds=0.0)


def test_a_worker_killed_mid_run_is_replaced_and_the_results_are_complete_and_the_same(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    inputs = api.load_inputs(calendars(tmp_path, 6), profile=Profile(timezone=TZ), week=WEEK)
    weeks = [api.shifted(inputs, k).week for k in range(6)]
    options = SolverOptions()
    here = InProcessExecutor()
    reference = [timeless(p) for p in solve_many([partial(solve, w, options) for w in weeks], here)]
    gate = tmp_path / "gate"
    gate.mkdir()
    tasks = [partial(gated, str(gate), partial(solve, w, options)) for w in weeks]
    with (
        opened(ExecutorChoice("dask", cluster.scheduler_address)) as executor,
        ThreadPoolExecutor(1) as caller,
    ):
        running = caller.submit(solve_many, tasks, executor)
        deadline = time.monotonic() + WAIT_S
        while len(set(starts(gate))) < 2:  # both workers are inside a task
            assert time.monotonic() < deadline, f"workers never both started: {starts(gate)}"
            assert not running.done(), running.exception()
            time.sleep(0.02)
        victim = starts(gate)[0]
        os.kill(victim, signal.SIGKILL)
        (gate / "go").touch()
        results = running.result(timeout=WAIT_S)
    pids = [pid for pid, _ in results]
    assert victim not in pids, "a result came from the killed worker"
    assert len(starts(gate)) > len(tasks), "no task was run again"
    assert [timeless(plan) for _, plan in results] == reference
    assert len({p.sessions for p in reference if p is not None}) == len(weeks)
    deadline = time.monotonic() + WAIT_S  # the cluster is whole again for the other tests
    while len(cluster.scheduler.workers) < 2 or victim in children():
        assert time.monotonic() < deadline, "the killed worker was not replaced"
        time.sleep(0.05)


def test_local_processes_give_the_in_process_plans_and_are_closed_after(
    tmp_path: Path, no_process_left_behind: None
) -> None:
    inputs = api.load_inputs(calendars(tmp_path, 3), profile=Profile(timezone=TZ), week=WEEK)
    tasks = [partial(solve, api.shifted(inputs, k).week, SolverOptions()) for k in range(3)]
    here = [timeless(p) for p in solve_many(tasks, InProcessExecutor())]
    with opened(ExecutorChoice("local", processes=2)) as pool:
        assert pool is not None
        assert [timeless(p) for p in solve_many(tasks, pool)] == here
    with opened(ExecutorChoice("local")) as default:
        assert default is None  # each planner's own measured default


def test_dask_needs_a_scheduler_address(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [*plan_args(tmp_path, 2, "x"), "--executor", "dask"])
    assert result.exit_code == 2, result.output
    assert "--scheduler" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.ics").exists()


def test_a_scheduler_address_without_dask_is_refused(tmp_path: Path) -> None:
    args = [*plan_args(tmp_path, 2, "x"), "--scheduler", "tcp://127.0.0.1:8786"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "--executor dask" in result.output
    with pytest.raises(ExecutorError):
        ExecutorChoice("local", "tcp://127.0.0.1:8786")


def test_an_unreachable_scheduler_is_one_paragraph_naming_the_address_and_no_traceback(
    tmp_path: Path, no_process_left_behind: None
) -> None:
    """In its own process: the half-connected client must not print a traceback when the
    interpreter exits, after the error was reported."""
    with socket.socket() as closed:  # bound, never listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{closed.getsockname()[1]}"
        env = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"}
        args = [*plan_args(tmp_path, 2, "x"), "--executor", "dask", "--scheduler", address]
        run = subprocess.run(
            [str(BRAINFIT), *args], capture_output=True, text=True, env=env, timeout=120
        )
    assert run.returncode == 2, run.stderr
    assert f"cannot reach the Dask scheduler at {address}" in run.stderr
    assert "dask scheduler" in run.stderr  # the fix
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert not (tmp_path / "x.ics").exists()


def test_without_dask_installed_the_error_says_how_to_install_it(tmp_path: Path) -> None:
    """Dask made unimportable in a fresh process (``sys.modules`` entry None: ``import``
    raises ImportError, as when the package is absent)."""
    probe = (
        "import sys; sys.modules['distributed'] = None\n"
        "from brainfit_solver.cli import main\n"
        "main()\n"
    )
    args = [*plan_args(tmp_path, 2, "x"), "--executor", "dask", "--scheduler", "tcp://h:1"]
    run = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 2, run.stderr
    assert "brainfit-solver[dask]" in run.stderr and "Traceback" not in run.stderr
