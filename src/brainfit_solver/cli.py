"""The ``brainfit`` command: a thin layer over ``api`` that prints and picks exit codes.

Exit codes: 0 success; 2 bad input (nothing written); 3 the rules cannot all hold this week
(the conflicting rules are named); 4 ``check`` found a broken hard rule; 5 a time limit ran
out before any plan was found; 1 an internal error (please report it).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from .errors import BrainfitError, InfeasibleError, ProfileError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES = """\b
Exit codes:
  0  plan written (or check passed)
  2  bad input: calendar, profile, rule file, time zone or option (nothing written)
  3  the rules cannot all hold this week; the conflicting rules are named
  4  check: the plan breaks a hard rule
  5  the time limit ran out before any plan was found
  1  internal error"""


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def reports_errors(func: F) -> F:
    """Turn the tool's exceptions into one paragraph on stderr and the documented exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InfeasibleError as exc:
            console = _err()
            console.print(f"error: {exc.render()}", markup=False)
            for reason in exc.relaxations:
                console.print(f"  - would work: {reason}", markup=False)
            sys.exit(exc.exit_code)
        except BrainfitError as exc:
            _err().print(f"error: {exc.render()}", markup=False)
            sys.exit(exc.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:
            _err().print(
                f"internal error: {type(exc).__name__}: {exc}. This is a bug in brainfit-solver; "
                "please report it with the inputs that caused it.",
                markup=False,
            )
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _weights(pairs: Sequence[str]) -> dict[str, int]:
    weights: dict[str, int] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        try:
            weights[name.strip()] = int(value)
        except ValueError:
            sep = ""
        if not sep:
            raise ProfileError(
                f"--weight {pair!r} is not NAME=VALUE with a whole number",
                fix="Write it as --weight near_study=40; `brainfit weights` lists the names",
            )
    return weights


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
        type=click.Path(dir_okay=False, path_type=Path),
        help="A calendar whose events are all study blocks (repeatable).",
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


@click.group(epilog=EXIT_CODES)
@click.version_option(package_name="brainfit-solver")
def main() -> None:
    """Plan a proven-optimal week of brain-health exercise around your calendar."""


@main.command(epilog=EXIT_CODES)
@click.argument("calendars", nargs=-1, type=click.Path(path_type=Path))
@with_inputs
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the plan (.ics).",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a machine-readable report (JSON).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    help="Stop searching after this many seconds (report OPTIMAL vs FEASIBLE).",
)
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
@reports_errors
def plan(
    calendars: tuple[Path, ...],
    profile: Path | None,
    rules: Path | None,
    week: str | None,
    tz: str | None,
    study: tuple[Path, ...],
    weights: tuple[str, ...],
    output: Path,
    json_path: Path | None,
    time_limit: float | None,
    quiet: bool,
) -> None:
    """Plan the week around CALENDARS (.ics files) and write it as an .ics file."""
    from . import api
    from .ics_out import write_atomic
    from .report import build_report, report_json
    from .solve import SolverOptions

    inputs = api.load_inputs(
        calendars,
        profile=profile,
        rules=rules,
        week=week,
        tz=tz,
        weights=_weights(weights),
        study_calendars=study,
    )
    settings = inputs.profile.solver
    options = SolverOptions(
        time_limit_s=time_limit or settings.time_limit_s, workers=settings.workers
    )
    result = api.plan(inputs, options)
    report = build_report(result)
    write_atomic(output, result.ics)
    if json_path is not None:
        write_atomic(json_path, report_json(report))
    if not quiet:
        from .summary import render

        Console(highlight=False).print(render(report))
        click.echo(f"wrote {output}" + (f" and {json_path}" if json_path else ""))


@main.command(epilog=EXIT_CODES)
@click.argument("plan_file", metavar="PLAN.ics", type=click.Path(path_type=Path))
@click.argument("calendars", nargs=-1, type=click.Path(path_type=Path))
@with_inputs
@reports_errors
def check(
    plan_file: Path,
    calendars: tuple[Path, ...],
    profile: Path | None,
    rules: Path | None,
    week: str | None,
    tz: str | None,
    study: tuple[Path, ...],
    weights: tuple[str, ...],
) -> None:
    """Verify PLAN.ics against CALENDARS, the profile and the rules, independently of the solver.

    Use the same inputs as for `plan`; the week defaults to the plan's own week."""
    from . import api
    from .check import read_plan
    from .errors import CalendarError, CheckFailedError

    try:
        data = plan_file.read_bytes()
    except OSError as exc:
        raise CalendarError(f"cannot read the plan ({exc.strerror})", file=plan_file) from exc
    events = read_plan(data, source=str(plan_file))
    if week is None and events:
        week = events[0].start.date().isoformat()
    if tz is None and events:
        tz = str(getattr(events[0].start.tzinfo, "key", "")) or None
    inputs = api.load_inputs(
        calendars,
        profile=profile,
        rules=rules,
        week=week,
        tz=tz,
        weights=_weights(weights),
        study_calendars=study,
    )
    report = api.check(data, inputs, source=str(plan_file))
    if not report.ok:
        raise CheckFailedError(
            f"{len(report.violations)} hard-rule violation(s): " + "; ".join(report.violations),
            violations=report.violations,
            file=str(plan_file),
        )
    click.echo(
        f"{plan_file}: {len(report.events)} sessions, every hard rule holds; "
        f"objective {report.objective}"
    )
