"""`brainfit check`: a plan file against the calendars, the profile and the rules, by the
independent checker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import click

from .common import (
    CALENDAR,
    EXIT_CODES,
    load_inputs,
    reports_errors,
    warn_about_calendars,
    with_inputs,
)


@click.command(epilog=EXIT_CODES)
@click.argument("plan_file", metavar="PLAN.ics", type=click.Path(path_type=Path))
@click.argument("calendars", nargs=-1, type=CALENDAR)
@with_inputs
@click.option(
    "--accept-dropped",
    is_flag=True,
    help="Do not check the rules the plan declares dropped (X-BRAINFIT-DROPPED, written by "
    "--relax soft); without it they are checked like any other.",
)
@click.option(
    "--previous",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PLAN.ics",
    help="The plan of the weeks before: its sessions on the days before PLAN.ics's first "
    "week count for rules that look across days (high-intensity days apart).",
)
@click.option(
    "--team",
    "team_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="TEAM.toml",
    help="With --member: check a member's plan from `brainfit group` against that member's "
    "calendars and profile as the team file gives them (no other inputs needed).",
)
@click.option("--member", "member_id", metavar="ID", help="The member of --team whose plan it is.")
@reports_errors
def check(
    plan_file: Path,
    calendars: tuple[Path | str, ...],
    profile: Path | None,
    rules: Path | None,
    week: str | None,
    tz: str | None,
    study: tuple[Path | str, ...],
    weights: tuple[str, ...],
    accept_dropped: bool = False,
    previous: Path | None = None,
    team_file: Path | None = None,
    member_id: str | None = None,
) -> None:
    """Verify PLAN.ics against CALENDARS, the profile and the rules, independently of the solver.

    Use the same inputs as for `plan`; the week defaults to the plan's own week. Sessions on
    the days before it (in PLAN.ics, --previous or imported into CALENDARS) are checked
    against its first days."""
    from .. import api
    from ..check.checker import declared_dropped, read_plan
    from ..core.errors import CalendarError, CheckFailedError
    from ..core.timegrid import zone

    try:
        data = plan_file.read_bytes()
    except OSError as exc:
        raise CalendarError(f"cannot read the plan ({exc.strerror})", file=plan_file) from exc
    events = read_plan(data, source=str(plan_file))
    if tz is None:
        # The zone the sessions are written in; one in the hour the clock repeats is written
        # in UTC, which is no zone of the plan's (none named: the profile's, the calendars').
        tz = next((e.zone for e in events if e.zone not in ("", "UTC")), None)
    local = zone(tz, where="--tz") if tz else dt.UTC
    dates = [e.start.astimezone(local).date() for e in events]
    if week is None and dates:
        week = dates[0].isoformat()
    spanned = _weeks_spanned(week, dates)
    if (team_file is None) != (member_id is None):
        from ..core.errors import ProfileError

        raise ProfileError("--team and --member go together", fix="Give both, or neither")
    if team_file is not None and member_id is not None:
        from ..team.file import load_team, member_inputs

        inputs = member_inputs(load_team(team_file), member_id, week, spanned)
    else:
        inputs = load_inputs(calendars, profile, rules, week, tz, study, weights, weeks=spanned)
    warn_about_calendars(inputs)
    earlier = None
    if previous is not None:
        try:
            earlier = (str(previous), previous.read_bytes())
        except OSError as exc:
            raise CalendarError(
                f"cannot read the previous plan ({exc.strerror})", file=previous
            ) from exc
    report = api.check_weeks(
        data, inputs, source=str(plan_file), accept_dropped=accept_dropped, previous=earlier
    )
    dropped = ", ".join(declared_dropped(data))
    if not report.ok:
        note = ""
        if dropped and not accept_dropped:
            note = (
                f" The plan declares dropped ({dropped}); those rules were checked all the same: "
                "pass --accept-dropped to accept a plan that breaks them."
            )
        raise CheckFailedError(
            f"{len(report.violations)} hard-rule violation(s): "
            + "; ".join(report.violations)
            + note,
            violations=report.violations,
            file=str(plan_file),
        )
    holds = "every hard rule holds"
    if dropped and accept_dropped:
        holds += f" but these, not checked, as the plan declares them dropped: {dropped}"
    elif dropped:
        holds += f" (the plan declares dropped ({dropped}), checked all the same)"
    click.echo(f"{plan_file}: {len(report.events)} sessions, {holds}; objective {report.objective}")
    if report.before is not None and not report.before.known:
        from ..outputs.report import unknown_before_note

        unchecked = [rule.id for rule in inputs.rules.looking_back()]
        click.echo(f"Note: {unknown_before_note(unchecked, inputs.horizon.monday)}.")


def _weeks_spanned(week: str | None, starts: Sequence[dt.date]) -> int:
    """How many weeks from ``week`` a plan's sessions reach, as ``plan --weeks`` made it;
    1 when unknown (a bad --week is reported by load_inputs)."""
    from ..core.timegrid import parse_week

    try:
        monday = parse_week(week) if week else None
    except ValueError:
        return 1
    if monday is None or not starts:
        return 1
    return max(1, min((max(starts) - monday).days // 7 + 1, 53))
