"""`brainfit group`: each team file as one request to the pipeline (``team.run``; several
teams are independent units of work for the executor), the files written into the output
directory (all or none; with several teams each file's name starts with its team's), the
overview printed, and the exit code: 0 everyone planned, 6 some members left out (listed)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from .common import (
    EXIT_CODES,
    err_console,
    executor_choice,
    output_option,
    reports_errors,
    time_limit_option,
    with_executor_options,
)

LEFT_OUT_EXIT = 6


@click.command("group", epilog=EXIT_CODES)
@click.argument(
    "team_files",
    metavar="TEAM.toml...",
    nargs=-1,
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
)
@click.option(
    "--out-dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Existing directory for each member's .ics and report, team.ics (the coach's) and "
    "team-report.json; all are written or none.",
)
@click.option(
    "--weeks",
    type=int,
    help="Plan this many consecutive weeks (default: the team file's weeks, else 1), week by "
    "week: each week's plan is optimal at most given the weeks before it.",
)
@click.option(
    "--week",
    metavar="YYYY-Www",
    help="The first week to plan, e.g. 2026-W49 (default: the team file's week, else the next "
    "full week).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="A member whose calendar cannot be read or whose own week is impossible stops the "
    "run (exit 2 or 3) instead of being left out (exit 6).",
)
@output_option(
    "--json",
    "json_path",
    help="Also write one JSON line per member and one for the team (for CI logs)",
)
@output_option(
    "--html",
    "html_path",
    help="Also write the team page (members × days, the shared sessions and who attends, as "
    "the coach may see them)",
)
@time_limit_option("Stop each member's search after this many seconds (the report gives the gap).")
@click.option("--quiet", is_flag=True, help="Print nothing but errors and the left-out members.")
@with_executor_options
@reports_errors
def group_command(
    team_files: tuple[Path, ...],
    out_dir: Path,
    weeks: int | None,
    week: str | None,
    strict: bool,
    json_path: str | None,
    html_path: str | None,
    time_limit: float | None,
    quiet: bool,
    executor: str,
    scheduler: str | None,
) -> None:
    """Plan a team's week (or weeks) from TEAM.toml: shared sessions at one time for the
    coach and the members who attend, and every member's own sessions around them. Several
    team files plan several teams, each a unit of work (on a Dask cluster with --executor
    dask); their files go into the one directory, each name starting with its team's
    (TEAM--member.ics, TEAM--team-report.json)."""
    from ..core.domain import SolverOptions
    from ..core.errors import ProfileError
    from ..outputs.files import Output, check_outputs, write_outputs
    from ..outputs.team import overview, summary_lines
    from ..outputs.team_page import render_team_html
    from ..team.file import load_team, team_stems
    from ..team.run import TeamRequest, run_teams

    choice = executor_choice(executor, scheduler)
    teams = [load_team(path) for path in team_files]
    several = len(teams) > 1
    if several and html_path:
        raise ProfileError(
            "--html draws one team's page, and several teams were given",
            fix="Draw each team's page from its report: brainfit view DIR/TEAM--team-report.json "
            "-o PAGE.html",
        )
    stems = team_stems(teams) if several else {}
    prefixes = {str(t.path): f"{stems[str(t.path)]}--" if several else "" for t in teams}
    options = SolverOptions(time_limit_s=time_limit)
    requests = [
        TeamRequest(team, strict=strict, options=options, weeks=weeks, week=week) for team in teams
    ]
    outcomes = sorted(
        zip(teams, run_teams(requests, choice), strict=True),
        key=lambda pair: prefixes[str(pair[0].path)],
    )
    targets = []
    read: list[str] = []
    summaries = b""
    for team, outcome in outcomes:
        prefix = prefixes[str(team.path)]
        targets += [
            (Output("--out-dir", str(out_dir / f"{prefix}{name}")), data)
            for name, data in outcome.files
        ]
        read += outcome.inputs_read
        summaries += summary_lines(outcome.report)
    if json_path:
        targets.append((Output("--json", json_path), summaries))
    if html_path:
        targets.append((Output("--html", html_path), render_team_html(outcomes[0][1].report)))
    check_outputs([o for o, _ in targets], read)
    write_outputs(targets, read, sys.stdout.buffer)
    err = "-" in (json_path, html_path)
    if not quiet:
        console = Console(highlight=False, stderr=err)
        for _, outcome in outcomes:
            for k, planned in enumerate(outcome.weeks):
                console.print(
                    overview(
                        outcome.report, outcome.report.weeks[k], outcome.rows(k), planned.horizon
                    )
                )
            if len(outcome.weeks) > 1:
                verdict = "proven optimal" if outcome.report.status == "OPTIMAL" else "best found"
                click.echo(
                    f"{len(outcome.weeks)} weeks, each planned given the weeks before: "
                    f"{verdict} week by week, objective {outcome.report.objective}",
                    err=err,
                )
        click.echo(f"wrote {len(targets)} files to {out_dir}", err=err)
    left = False
    for team, outcome in outcomes:
        for member in outcome.report.members:
            if member.status == "left_out":
                left = True
                where = f"{outcome.report.team}: " if several else ""
                report = (
                    f"{prefixes[str(team.path)]}--{member.report}" if several else member.report
                )
                err_console().print(
                    f"left out: {where}{member.id} ({member.reason}; see {report})", markup=False
                )
    if left:
        sys.exit(LEFT_OUT_EXIT)
