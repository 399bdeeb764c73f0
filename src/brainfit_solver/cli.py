"""The ``brainfit`` command: a thin layer over ``api`` that prints and picks exit codes.

Exit codes: 0 success; 2 bad input (nothing written); 3 the rules cannot all hold this week
(the conflicting rules are named); 4 ``check`` found a broken hard rule; 5 a time limit ran
out before any plan was found; 1 an internal error (please report it).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from .errors import BrainfitError, InfeasibleError, ProfileError
from .outputs import Output, check_outputs, write_outputs

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES = """\b
Exit codes:
  0  plan written (or check passed)
  2  bad input: calendar, profile, rule file, time zone, option or output path
     (nothing written)
  3  the rules cannot all hold this week; the conflicting rules are named
  4  check: the plan breaks a hard rule
  5  the time limit ran out before any plan was found
  1  internal error"""


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _warn_about_calendars(inputs: Any) -> None:
    """One line on stderr per calendar read with faults that cannot change busy time."""
    for warning in inputs.warnings:
        _err().print(f"warning: {warning}", markup=False)


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


def _weights(pairs: Sequence[str], option: str = "--weight") -> dict[str, int]:
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
    from .errors import CalendarError
    from .replan import read_previous

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CalendarError(f"cannot read the previous plan ({exc.strerror})", file=path) from exc
    return read_previous(data, source=str(path))


def _wrote(targets: Sequence[Output]) -> str:
    """ "wrote plan.ics and the report to standard output": what went where."""
    what = {"-o": "the plan", "--json": "the report"}
    return "wrote " + " and ".join(
        f"{what[t.option]} to standard output" if t.to_stdout else t.name for t in targets
    )


def _write_infeasible_report(
    exc: InfeasibleError,
    targets: Sequence[Output],
    read: Sequence[str | Path | None],
    inputs: Any,
    weeks: int,
    repeat: bool,
) -> None:
    """On exit 3, the --json report (status INFEASIBLE, the conflicts and the tested
    relaxations) is written all the same, so a script learns why; the plan (-o) is not."""
    from .report import infeasible_report, report_json
    from .timegrid import iso_week_label

    reports = [t for t in targets if t.option == "--json"]
    if not reports:
        return
    monday = inputs.horizon.monday
    labels = [iso_week_label(monday + dt.timedelta(weeks=k)) for k in range(weeks)]
    data = report_json(infeasible_report(exc, labels, repeat=repeat, warnings=inputs.warnings))
    write_outputs([(reports[0], data)], read, sys.stdout.buffer)


def _plan_options(
    inputs: Any,
    time_limit: float | None,
    weeks: int | None,
    repeat: bool,
    before: Any,
    now: str | None,
    relax: str,
) -> Any:
    """The flags of `plan` as the pipeline's request, or the reason they make no request."""
    from .domain import SolverOptions
    from .pipeline import PlanRequest
    from .replan import parse_now

    if now is not None and before is None:
        raise ProfileError("--now only applies when re-planning", fix="Add --previous PLAN.ics")
    if repeat and (weeks or 1) < 2:
        raise ProfileError("--repeat needs --weeks N with N of 2 or more", fix="Add --weeks 4")
    settings = inputs.profile.solver
    options = SolverOptions(
        time_limit_s=time_limit or settings.time_limit_s, workers=settings.workers
    )
    moment = parse_now(now, inputs.horizon.tz) if before is not None else None
    # One process: two worker processes (``executor=``) were slower at 4, 12 and 26 weeks, their
    # start-up and the shipping of each week outweighing the solves (bench_multiweek.py).
    return PlanRequest(
        inputs,
        weeks=weeks or 1,
        repeat=repeat,
        previous=before,
        now=moment,
        relax=relax == "soft",
        options=options,
    )


def _print_plan(
    outcome: Any, document: Any, targets: Sequence[Output], quiet: bool, replan: bool
) -> None:
    """What `plan` says on the terminal: the week's summary, or one line per week."""
    from .timegrid import iso_week_label

    reports = document.weeks
    err = any(t.to_stdout for t in targets)  # standard output carries an output: talk on stderr
    if quiet:
        for report in reports:
            if report.dropped:
                dropped = ", ".join(d.rule for d in report.dropped)
                what = "this week's plan" if len(reports) == 1 else f"the plan of {report.week}"
                _err().print(f"warning: {what} drops {dropped}", markup=False)
        return
    console = Console(highlight=False, stderr=err)
    weeks = len(outcome.checks)
    monday = outcome.weeks[0].inputs.horizon.monday
    if len(reports) == 1 and not outcome.repeat:
        from .summary import render

        console.print(render(reports[0]))
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
        from .compare import compare as compare_week
        from .summary import comparison_view

        diff = compare_week(document.weeks[0], other.weeks[0], label_a="as given", label_b=label)
        console.print(comparison_view(diff))
        return
    from .compare import compare_reports
    from .summary import comparisons_view

    console.print(
        comparisons_view(compare_reports(document, other, label_a="as given", label_b=label))
    )


@click.group(epilog=EXIT_CODES)
@click.version_option(package_name="brainfit-solver")
def main() -> None:
    """Plan a proven-optimal week of brain-health exercise around your calendar."""


@main.command(epilog=EXIT_CODES)
@click.argument("calendars", nargs=-1, type=CALENDAR)
@with_inputs
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(allow_dash=True),
    help="Where to write the plan (.ics); - for standard output. Never an input file; "
    "the directory must exist.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(allow_dash=True),
    help="Also write a machine-readable report (JSON); - for standard output.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    help="Stop searching after this many seconds (report OPTIMAL vs FEASIBLE).",
)
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
    time_limit: float | None,
    relax: str,
    compare_weights: str | None,
    quiet: bool,
    weeks: int | None = None,
    repeat: bool = False,
    previous: Path | None = None,
    now: str | None = None,
    merge: bool = False,
) -> None:
    """Plan the week around CALENDARS (.ics files, https:// or webcal:// feeds, caldavs://
    calendars) and write it as an .ics file."""
    from . import api
    from .pipeline import run
    from .report import report_json, schedule_report

    # Outputs are checked before anything is read or solved, and again once the profile's
    # own calendars are known, and once more when written (see ``outputs``).
    targets = [Output("-o", output), *([Output("--json", json_path)] if json_path else [])]
    from .rules import default_rules_path

    read: list[str | Path | None] = [*calendars, *study, profile, previous]
    read.append(rules or default_rules_path())  # the bundled rules are an input too
    check_outputs(targets, read)
    before = _read_previous(previous)
    if before is not None and (span := before.span()) is not None:
        week, weeks = week or span[0], weeks or span[1]
    inputs = api.load_inputs(
        calendars,
        profile=profile,
        rules=rules,
        week=week,
        tz=tz,
        weights=_weights(weights),
        study_calendars=study,
        weeks=weeks or 1,
    )
    read += [c.source for c in inputs.loaded]
    check_outputs(targets, read)
    _warn_about_calendars(inputs)
    alternative = None
    if compare_weights:
        pairs = [p for p in compare_weights.split(",") if p.strip()]
        changed = _weights(pairs, "--compare-weights")
        alternative = api.with_weights(inputs, changed, origin="--compare-weights")
    request = _plan_options(inputs, time_limit, weeks, repeat, before, now, relax)
    try:
        outcome = run(request)
    except InfeasibleError as exc:
        _write_infeasible_report(exc, targets, read, inputs, request.weeks, repeat)
        raise
    for warning in outcome.changes.warnings:
        _err().print(f"warning: {warning}.", markup=False)
    ics = outcome.ics
    if merge:
        from .merge import merge_calendars
        from .sources import read_source

        last = inputs.horizon.monday + dt.timedelta(weeks=request.weeks, days=-1)
        dates = (inputs.horizon.monday, last)
        sources = [(c.source, read_source(c.source, dates=dates)) for c in inputs.loaded]
        ics = merge_calendars(sources, ics)
    document = schedule_report(outcome, previous=before.source if before else None)
    contents = [ics, report_json(document)]
    write_outputs(list(zip(targets, contents, strict=False)), read, sys.stdout.buffer)
    _print_plan(outcome, document, targets, quiet, before is not None)
    if alternative is not None and compare_weights and not quiet:
        import dataclasses

        other = run(dataclasses.replace(request, inputs=alternative))
        previous_source = before.source if before else None
        _print_comparison(
            document,
            schedule_report(other, previous=previous_source),
            compare_weights,
            any(t.to_stdout for t in targets),
        )


@main.command(epilog=EXIT_CODES)
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
) -> None:
    """Verify PLAN.ics against CALENDARS, the profile and the rules, independently of the solver.

    Use the same inputs as for `plan`; the week defaults to the plan's own week. Sessions on
    the days before it (in PLAN.ics, --previous or imported into CALENDARS) are checked
    against its first days."""
    from . import api
    from .check import declared_dropped, read_plan
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
        weeks=_weeks_spanned(week, [e.start.date() for e in events]),
    )
    _warn_about_calendars(inputs)
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
        from .report import unknown_before_note

        unchecked = [rule.id for rule in inputs.rules.looking_back()]
        click.echo(f"Note: {unknown_before_note(unchecked, inputs.horizon.monday)}.")


def _weeks_spanned(week: str | None, starts: Sequence[dt.date]) -> int:
    """How many weeks from ``week`` a plan's sessions reach, as ``plan --weeks`` made it;
    1 when unknown (a bad --week is reported by load_inputs)."""
    from .timegrid import parse_week

    try:
        monday = parse_week(week) if week else None
    except ValueError:
        return 1
    if monday is None or not starts:
        return 1
    return max(1, min((max(starts) - monday).days // 7 + 1, 53))


@main.command("calendars", epilog=EXIT_CODES)
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

    from . import api
    from .summary import judged_table

    inputs = api.load_inputs(
        calendars,
        profile=profile,
        rules=rules,
        week=week,
        tz=tz,
        weights=_weights(weights),
        study_calendars=study,
    )
    _warn_about_calendars(inputs)
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


@main.command("weights")
@click.argument("rules_file", metavar="[RULES]", required=False, type=click.Path(path_type=Path))
@click.option(
    "--profile",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Show the weights as this profile's [weights] table sets them.",
)
@click.option(
    "--weight",
    "weights",
    multiple=True,
    metavar="NAME=VALUE",
    help="Show the weights with this override (repeatable), as `plan --weight` would.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@reports_errors
def weights_command(
    rules_file: Path | None, profile: Path | None, weights: tuple[str, ...], as_json: bool
) -> None:
    """List the soft rules of RULES (default: the bundled protocol): each weight, what it
    gives points for, and the passage of the source it comes from.

    Change a weight in the rule file, in a profile's [weights] table, or for one run with
    `brainfit plan --weight NAME=VALUE`."""
    import json

    from .profile import load_profile
    from .rules import load_rules
    from .summary import weights_table
    from .tuning import weight_rows

    base = load_rules(rules_file)
    ruleset = base
    if profile is not None and (prof := load_profile(profile)).weights:
        ruleset = ruleset.with_weights(prof.weights, origin=f"{profile} [weights]")
    if weights:
        ruleset = ruleset.with_weights(_weights(weights), origin="--weight")
    rows = weight_rows(ruleset, base)
    if as_json:
        data = [r.model_dump(mode="json") for r in rows]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    title = f"Soft rules of {ruleset.meta.name} (points = weight × count)"
    Console(highlight=False).print(weights_table(rows, title=title))


@main.command("compare", epilog=EXIT_CODES)
@click.argument("report_a", metavar="A.json", type=click.Path(path_type=Path))
@click.argument("report_b", metavar="B.json", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@reports_errors
def compare_command(report_a: Path, report_b: Path, as_json: bool) -> None:
    """Show how plan B differs from plan A (two `plan --json` reports of the same weeks, e.g.
    made with different --weight settings), week by week: sessions moved, resized, added or
    removed, and each soft rule's weight, count and points side by side."""
    from .compare import compare_reports
    from .report import read_report
    from .summary import comparisons_view

    diff = compare_reports(
        read_report(report_a),
        read_report(report_b),
        label_a=report_a.name,
        label_b=report_b.name,
    )
    if as_json:
        click.echo(diff.model_dump_json(indent=2))
        return
    Console(highlight=False).print(comparisons_view(diff))


@main.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the `plan --json` report (shipped as docs/report.schema.json)."""
    from .report import report_schema_json

    click.echo(report_schema_json(), nl=False)


@main.command("publish", epilog=EXIT_CODES)
@click.argument("plan_file", metavar="PLAN.ics", type=click.Path(path_type=Path))
@click.option(
    "--caldav",
    "url",
    required=True,
    metavar="URL",
    help="The CalDAV calendar collection to write to (caldavs://, caldav://, https:// or "
    "http://; one calendar, not a principal: checked before anything is written). "
    "Credentials come from BRAINFIT_CALDAV_USER/BRAINFIT_CALDAV_PASSWORD or ~/.netrc, "
    "never from the URL.",
)
@click.option(
    "--previous",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PLAN.ics",
    help="The plan published before: its sessions missing from PLAN.ics are deleted too.",
)
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
@reports_errors
def publish_command(plan_file: Path, url: str, previous: Path | None, quiet: bool) -> None:
    """Write PLAN.ics's sessions to a CalDAV calendar: same UID updates, cancelled ones
    are deleted, the calendar's other events are never touched; safe to repeat."""
    from .credentials import check_url, find_credentials
    from .errors import CalendarError
    from .publish import publish

    def read(path: Path, what: str) -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            raise CalendarError(f"cannot read the {what} ({exc.strerror})", file=path) from exc

    url = check_url(url)
    report = publish(
        read(plan_file, "plan"),
        url,
        previous=read(previous, "previous plan") if previous is not None else None,
        credentials=find_credentials(url),
        source=str(plan_file),
    )
    if not quiet:
        click.echo(f"published {plan_file} to {url}: {report.summary()}")
