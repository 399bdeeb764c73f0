"""`brainfit plan`: the flags as one request to the pipeline (``pipeline.run``), the files
written, and what is printed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from ..core.errors import InfeasibleError, ProfileError
from ..outputs.files import Output, check_outputs, write_outputs
from .common import (
    CALENDAR,
    EXIT_CODES,
    F,
    err_console,
    executor_choice,
    load_inputs,
    output_option,
    parse_weights,
    reports_errors,
    time_limit_option,
    warn_about_calendars,
    with_executor_options,
    with_inputs,
)

schedule_options = [
    click.option(
        "--weeks",
        type=click.IntRange(1, 52),
        help="Plan this many consecutive weeks into one file (rules hold per ISO week; "
        "high-intensity days stay apart across week boundaries too).",
    ),
    click.option(
        "--repeat",
        is_flag=True,
        help="With --weeks N: one week repeated N times (RRULE), planned to fit every week.",
    ),
    click.option(
        "--previous",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="PLAN.ics",
        help="Re-plan: keep this plan's sessions where they still fit, keep past ones, reuse "
        "UIDs with a higher SEQUENCE, cancel the rest. Week and --weeks default to its own.",
    ),
    click.option(
        "--now",
        metavar="DATETIME",
        help="With --previous: the moment before which sessions are past and kept "
        "(ISO 8601, e.g. 2026-12-02T12:00); default SOURCE_DATE_EPOCH, else the clock.",
    ),
    click.option(
        "--merge",
        is_flag=True,
        help="Write the calendars' own events and the plan into one file (-o); each event "
        "keeps its time (a calendar's X-WR-TIMEZONE is written out as TZID on its events), "
        "the rest of the calendars' text is copied unchanged.",
    ),
]


def with_schedule_options(func: F) -> F:
    for option in reversed(schedule_options):
        func = option(func)
    return func


def _read_previous(path: Path | None) -> Any:
    """The previous plan given with --previous, or None."""
    if path is None:
        return None
    from ..calendars.previous import read_previous
    from ..core.errors import CalendarError

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CalendarError(f"cannot read the previous plan ({exc.strerror})", file=path) from exc
    return read_previous(data, source=str(path))


def _wrote(targets: Sequence[Output]) -> str:
    """ "wrote plan.ics and the report to standard output": what went where."""
    what = {
        "-o": "the plan",
        "--json": "the report",
        "--html": "the picture",
        "--svg": "the picture",
    }
    return "wrote " + " and ".join(
        f"{what[t.option]} to standard output" if t.to_stdout else t.name for t in targets
    )


def _contents(targets: Sequence[Output], ics: bytes, document: Any) -> list[tuple[Output, bytes]]:
    """Each output's bytes: the plan, the report, and the picture drawn from the report."""
    from ..outputs.report import report_json

    def data(option: str) -> bytes:
        if option == "--json":
            return report_json(document)
        if option in ("--html", "--svg"):
            from ..outputs.picture import render_html, render_svg

            return render_html(document) if option == "--html" else render_svg(document)
        return ics

    return [(t, data(t.option)) for t in targets]


def _plan_options(
    inputs: Any,
    time_limit: float | None,
    weeks: int | None,
    repeat: bool,
    before: Any,
    now: str | None,
    relax: str,
    merge: bool,
    where: Any,
) -> Any:
    """The flags of `plan` as the pipeline's request, or the reason they make no request."""
    from ..calendars.previous import parse_now
    from ..pipeline import PlanRequest, solver_options

    if now is not None and before is None:
        raise ProfileError("--now only applies when re-planning", fix="Add --previous PLAN.ics")
    if repeat and (weeks or 1) < 2:
        raise ProfileError("--repeat needs --weeks N with N of 2 or more", fix="Add --weeks 4")
    moment = parse_now(now, inputs.horizon.tz) if before is not None else None
    # ``--executor local`` is one process: two worker processes were slower at 4, 12 and 26
    # weeks, their start-up and the shipping of each week outweighing the solves
    # (bench_multiweek.py).
    return PlanRequest(
        inputs,
        weeks=weeks or 1,
        repeat=repeat,
        previous=before,
        now=moment,
        relax=relax == "soft",
        options=solver_options(inputs, time_limit),
        merge=merge,
        executor_choice=where,
    )


def _print_plan(
    outcome: Any, document: Any, targets: Sequence[Output], quiet: bool, replan: bool
) -> None:
    """What `plan` says on the terminal: the week's summary, or one line per week."""
    from ..core.timegrid import iso_week_label

    reports = document.weeks
    err = any(t.to_stdout for t in targets)  # standard output carries an output: talk on stderr
    if quiet:
        for report in reports:
            if report.dropped:
                dropped = ", ".join(d.rule for d in report.dropped)
                what = "this week's plan" if len(reports) == 1 else f"the plan of {report.week}"
                err_console().print(f"warning: {what} drops {dropped}", markup=False)
        return
    console = Console(highlight=False, stderr=err)
    weeks = len(outcome.checks)
    monday = outcome.weeks[0].inputs.horizon.monday
    if len(reports) == 1 and not outcome.repeat:
        from ..outputs.summary import render

        # Not on a terminal, the lines under the tables are never wrapped: scripts grep them.
        console.print(render(reports[0]), soft_wrap=not console.is_terminal)
    else:
        verdict = "proven optimal" if outcome.solved.status == "OPTIMAL" else "best found"
        what = f"one week repeated {weeks} times" if outcome.repeat else f"{weeks} weeks"
        click.echo(f"{what}: {verdict}, objective {outcome.objective}", err=err)
        for k, week_check in enumerate(outcome.checks):
            label = iso_week_label(monday + dt.timedelta(weeks=k))
            click.echo(
                f"  {label}: {len(week_check.events)} sessions, objective {week_check.objective}",
                err=err,
            )
        for report in reports:
            if report.dropped:
                dropped = ", ".join(d.rule for d in report.dropped)
                click.echo(f"  {report.week} drops {dropped}", err=err)
        if (before := reports[0].days_before) is not None and before.note:
            click.echo(f"Note: {before.note}.", err=err)
    if replan:
        c = outcome.changes
        click.echo(
            f"re-planned: {c.kept} kept, {c.moved} moved, {c.new} new, "
            f"{len(c.cancelled)} cancelled",
            err=err,
        )
    click.echo(_wrote(targets), err=err)


def _print_comparison(document: Any, other: Any, label: str, err: bool) -> None:
    """How the plan with other weights differs: one week as one table, several week by week."""
    console = Console(highlight=False, stderr=err)
    if len(document.weeks) == 1 and len(other.weeks) == 1:
        from ..outputs.compare import compare as compare_week
        from ..outputs.summary import comparison_view

        diff = compare_week(document.weeks[0], other.weeks[0], label_a="as given", label_b=label)
        console.print(comparison_view(diff))
        return
    from ..outputs.compare import compare_reports
    from ..outputs.summary import comparisons_view

    console.print(
        comparisons_view(compare_reports(document, other, label_a="as given", label_b=label))
    )


@click.command(epilog=EXIT_CODES)
@click.argument("calendars", nargs=-1, type=CALENDAR)
@with_inputs
@output_option(
    "-o",
    "--output",
    required=True,
    help="Where to write the plan (.ics). Never an input file; the directory must exist",
)
@output_option("--json", "json_path", help="Also write a machine-readable report (JSON)")
@output_option(
    "--html",
    "html_path",
    help="Also draw the week as one self-contained HTML file (the grid, why each session sits "
    "where it does, the objective by rule)",
)
@output_option("--svg", "svg_path", help="Also draw the week as a standalone SVG picture")
@time_limit_option("Stop searching after this many seconds (report OPTIMAL vs FEASIBLE).")
@click.option(
    "--relax",
    type=click.Choice(["none", "soft"]),
    default="none",
    show_default=True,
    help="soft: if the rules cannot all hold, plan the best week breaking the least important "
    "ones (rule-file priorities) as little as possible and say how often, instead of exit 3.",
)
@click.option(
    "--compare-weights",
    metavar="NAME=VALUE[,NAME=VALUE]",
    help="Also plan with these weights changed and print how the week differs (the files "
    "written are the plan as given).",
)
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
@with_schedule_options
@with_executor_options
@reports_errors
def plan(
    calendars: tuple[Path | str, ...],
    profile: Path | None,
    rules: Path | None,
    week: str | None,
    tz: str | None,
    study: tuple[Path | str, ...],
    weights: tuple[str, ...],
    output: str,
    json_path: str | None,
    html_path: str | None,
    svg_path: str | None,
    time_limit: float | None,
    relax: str,
    compare_weights: str | None,
    quiet: bool,
    weeks: int | None = None,
    repeat: bool = False,
    previous: Path | None = None,
    now: str | None = None,
    merge: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
) -> None:
    """Plan the week around CALENDARS (.ics files, https:// or webcal:// feeds, caldavs://
    calendars) and write it as an .ics file."""
    from .. import api
    from ..pipeline import infeasible_document, run_one, schedule_report

    where = executor_choice(executor, scheduler)  # a bad combination stops before any work
    # Outputs are checked before anything is read or solved, and again once the profile's
    # own calendars are known, and once more when written (see ``outputs.files``).
    named = {"--json": json_path, "--html": html_path, "--svg": svg_path}
    targets = [Output("-o", output), *(Output(o, p) for o, p in named.items() if p)]
    from ..rules.ruleset import default_rules_path

    read: list[str | Path | None] = [*calendars, *study, profile, previous]
    read.append(rules or default_rules_path())  # the bundled rules are an input too
    check_outputs(targets, read)
    before = _read_previous(previous)
    if before is not None and (span := before.span()) is not None:
        week, weeks = week or span[0], weeks or span[1]
    inputs = load_inputs(calendars, profile, rules, week, tz, study, weights, weeks=weeks or 1)
    read += [c.source for c in inputs.loaded]
    check_outputs(targets, read)
    warn_about_calendars(inputs)
    alternative = None
    if compare_weights:
        pairs = [p for p in compare_weights.split(",") if p.strip()]
        changed = parse_weights(pairs, "--compare-weights")
        alternative = api.with_weights(inputs, changed, origin="--compare-weights")
    request = _plan_options(inputs, time_limit, weeks, repeat, before, now, relax, merge, where)
    try:
        outcome = run_one(request)
    except InfeasibleError as exc:
        # On exit 3 the --json report and the pictures (--html, --svg: the same explanation)
        # are written all the same, so a script or a reader learns why; the plan (-o) is not.
        reports = [t for t in targets if t.option != "-o"]
        if reports:
            document = infeasible_document(exc, request)
            write_outputs(_contents(reports, b"", document), read, sys.stdout.buffer)
        raise
    for warning in outcome.changes.warnings:
        err_console().print(f"warning: {warning}.", markup=False)
    document = schedule_report(outcome, previous=before.source if before else None)
    ics = outcome.ics if outcome.merged is None else outcome.merged
    write_outputs(_contents(targets, ics, document), read, sys.stdout.buffer)
    _print_plan(outcome, document, targets, quiet, before is not None)
    if alternative is not None and compare_weights and not quiet:
        other = run_one(dataclasses.replace(request, inputs=alternative, merge=False))
        previous_source = before.source if before else None
        _print_comparison(
            document,
            schedule_report(other, previous=previous_source),
            compare_weights,
            any(t.to_stdout for t in targets),
        )
