"""`brainfit calendars`: each event of the week as busy, study or ignored, and why."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from .common import (
    CALENDAR,
    EXIT_CODES,
    load_inputs,
    reports_errors,
    warn_about_calendars,
    with_inputs,
)


@click.command("calendars", epilog=EXIT_CODES)
@click.argument("calendars", nargs=-1, type=CALENDAR)
@with_inputs
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@reports_errors
def calendars_command(
    calendars: tuple[Path | str, ...],
    profile: Path | None,
    rules: Path | None,
    week: str | None,
    tz: str | None,
    study: tuple[Path | str, ...],
    weights: tuple[str, ...],
    as_json: bool,
) -> None:
    """List each event of the week in CALENDARS as busy, study or ignored, and why (the
    profile's [busy] and [study] settings, TRANSP, STATUS, invitations you declined, ...).

    Takes the same inputs as `plan`; use it when a plan puts a snack before an event that
    is not study, or a workout over one that should block."""
    import json

    from .. import api
    from ..outputs.summary import judged_table

    inputs = load_inputs(calendars, profile, rules, week, tz, study, weights)
    warn_about_calendars(inputs)
    judged = api.judge_calendars(inputs)
    horizon = inputs.horizon
    if as_json:
        rows = [
            {
                "start": horizon.to_datetime(j.span[0]).isoformat() if j.span else None,
                "end": horizon.to_datetime(j.span[1]).isoformat() if j.span else None,
                "summary": j.summary,
                "calendar": j.source,
                "role": j.verdict.role,
                "why": j.verdict.why,
            }
            for j in judged
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    Console(highlight=False).print(judged_table(judged, horizon))
