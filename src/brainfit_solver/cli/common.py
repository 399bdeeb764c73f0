"""What every command shares: the exit codes, errors as one paragraph and an exit code, the
input options (calendars, profile, rules, week, zone, study calendars, weights)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from ..core.errors import BrainfitError, InfeasibleError, ProfileError
from ..core.executors import ExecutorChoice, Kind

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES = """\b
Exit codes:
  0  plan written (or check passed)
  2  bad input: calendar, profile, rule file, time zone, option or output path
     (nothing written)
  3  the rules cannot all hold this week; the conflicting rules are named
     (group: the shared sessions cannot be placed; the condition is named)
  4  check: the plan breaks a hard rule
  5  the time limit ran out before any plan was found
  6  group: the team was planned, but some members were left out (listed)
  1  internal error"""


def err_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def warn_about_calendars(inputs: Any) -> None:
    """One line on stderr per calendar read with faults that cannot change busy time."""
    for warning in inputs.warnings:
        err_console().print(f"warning: {warning}", markup=False)


def reports_errors(func: F) -> F:
    """Turn the tool's exceptions into one paragraph on stderr and the documented exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InfeasibleError as exc:
            console = err_console()
            console.print(f"error: {exc.render()}", markup=False)
            for reason in exc.relaxations:
                console.print(f"  - would work: {reason}", markup=False)
            sys.exit(exc.exit_code)
        except BrainfitError as exc:
            err_console().print(f"error: {exc.render()}", markup=False)
            sys.exit(exc.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:
            err_console().print(
                f"internal error: {type(exc).__name__}: {exc}. This is a bug in brainfit-solver; "
                "please report it with the inputs that caused it.",
                markup=False,
            )
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def parse_weights(pairs: Sequence[str], option: str = "--weight") -> dict[str, int]:
    weights: dict[str, int] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        try:
            weights[name.strip()] = int(value)
        except ValueError:
            sep = ""
        if not sep:
            raise ProfileError(
                f"{option} {pair!r} is not NAME=VALUE with a whole number",
                fix=f"Write it as {option} near_study=40; `brainfit weights` lists the names",
            )
    return weights


class CalendarSource(click.ParamType):  # type: ignore[type-arg]  # generic only in click 8.2+
    """A calendar file, or an ICS feed/CalDAV URL kept as text (a Path would fold its //)."""

    name = "calendar"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value)
        return text if "://" in text else Path(text)


CALENDAR = CalendarSource()

input_options = [
    click.option(
        "--profile",
        "profile",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Profile TOML (time zone, week, window, buffer, preferences).",
    ),
    click.option(
        "--rules",
        "rules",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Rule-set TOML; default: the bundled brain-health protocol.",
    ),
    click.option("--week", help="ISO week (2026-W49) or a date in it; default: next full week."),
    click.option("--tz", help="IANA time zone; default: profile, then calendar, then system."),
    click.option(
        "--study",
        "study",
        multiple=True,
        type=CALENDAR,
        help="A calendar (file, feed or CalDAV URL) whose events are all study blocks "
        "(repeatable).",
    ),
    click.option(
        "--weight",
        "weights",
        multiple=True,
        metavar="NAME=VALUE",
        help="Override a soft rule's weight (repeatable).",
    ),
]


def with_inputs(func: F) -> F:
    for option in reversed(input_options):
        func = option(func)
    return func


executor_options = [
    click.option(
        "--executor",
        "executor",
        type=click.Choice(["local", "dask"]),
        default="local",
        show_default=True,
        help="Where independent solves run: local (this machine) or dask (a running Dask "
        "cluster, --scheduler; needs brainfit-solver[dask]). The plans are the same.",
    ),
    click.option(
        "--scheduler",
        metavar="ADDRESS",
        help="With --executor dask: the Dask scheduler's address, e.g. tcp://10.0.0.5:8786.",
    ),
]


def with_executor_options(func: F) -> F:
    """``--executor`` and ``--scheduler``, for every command with independent solves; the
    command passes ``executor_choice(executor, scheduler)`` on in its pipeline request."""
    for option in reversed(executor_options):
        func = option(func)
    return func


def output_option(*names: str, help: str, required: bool = False) -> Callable[[F], F]:
    """An option naming a file the command writes (``-`` for standard output): every output
    is checked against the inputs and written with the others, all or none
    (``outputs.files``)."""
    return click.option(
        *names,
        required=required,
        type=click.Path(allow_dash=True),
        help=f"{help}; - for standard output.",
    )


def time_limit_option(help: str) -> Callable[[F], F]:
    """``--time-limit``: a bound on the search; what it stops short of is reported as the
    gap, never as optimal."""
    return click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), help=help)


def executor_choice(executor: str, scheduler: str | None) -> ExecutorChoice:
    """The flags of ``with_executor_options`` as the pipeline's choice (bad combinations are
    an ``ExecutorError``: exit 2)."""
    kind: Kind = "dask" if executor == "dask" else "local"
    return ExecutorChoice(kind, scheduler)


def load_inputs(
    calendars: Sequence[Path | str],
    profile: Path | None,
    rules: Path | None,
    week: str | None,
    tz: str | None,
    study: Sequence[Path | str],
    weights: Sequence[str],
    *,
    weeks: int = 1,
) -> Any:
    """The inputs from the flags every reading command shares (``with_inputs``), read the
    same way for ``plan``, ``check`` and ``calendars`` (each prints the warnings about the
    calendars, ``warn_about_calendars``, when its own checks allow)."""
    from .. import api

    return api.load_inputs(
        calendars,
        profile=profile,
        rules=rules,
        week=week,
        tz=tz,
        weights=parse_weights(weights),
        study_calendars=study,
        weeks=weeks,
    )
