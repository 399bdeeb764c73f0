"""brainfit-solver: a proven-optimal week of brain-health exercise around a real calendar.

The public API is what ``__all__`` names; scripts import from here, never from the modules
behind it, which may move::

    from brainfit_solver import load_inputs, plan, plan_report, report_json, write_files

    inputs = load_inputs(["calendar.ics"], profile="profile.toml")
    result = plan(inputs)              # solved, exported and independently checked
    write_files([("week.ics", result.ics), ("week.json", report_json(plan_report(result)))])

The names load lazily (PEP 562): ``import brainfit_solver`` loads none of the modules, and a
name loads only its own module, so a script that checks a plan, like ``brainfit check``,
never loads OR-Tools. The type checker sees the real imports below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# Each name of ``__all__`` and the module of this package that defines it: "module", or
# "module:name" where the public name differs. ``check`` names a sub-package, and importing
# it binds its name in this package over a function of the same name: the checking function
# is public as ``check_week`` (and ``publish`` as ``publish_plan``, beside it).
_EXPORTS: dict[str, str] = {
    # read the inputs, plan, check
    "load_inputs": "api",
    "with_weights": "api",
    "plan": "pipeline",
    "check_week": "api:check",
    "check_weeks": "api",
    "Inputs": "api",
    "PlanResult": "api",
    "SolverOptions": "core.domain",
    "CheckReport": "check.checker",
    # several weeks, re-plans, templates
    "plan_weeks": "pipeline",
    "run_plan": "pipeline:run_one",
    "PlanRequest": "pipeline",
    "PlanOutcome": "pipeline",
    # people × weeks: the one pipeline (one person's week is its 1 × 1 case)
    "run": "pipeline",
    "Request": "pipeline",
    "Outcome": "pipeline",
    "PersonOutcome": "pipeline",
    "LeftOut": "pipeline",
    "read_previous": "calendars.previous",
    "parse_now": "calendars.previous",
    # where independent solves run (--executor, --scheduler)
    "ExecutorChoice": "core.executors",
    "ExecutorError": "core.executors",
    # team plans (brainfit group)
    "load_team": "team.file",
    "TeamRequest": "team.run",
    "TeamOutcome": "team.run",
    "run_team": "team.run",
    "run_teams": "team.run",
    "TeamReport": "outputs.team",
    # the week as a picture
    "render_html": "outputs.picture",
    "render_svg": "outputs.picture",
    "render_team_html": "outputs.team_page",
    # files and calendars out
    "write_files": "outputs.files",
    "merge_calendars": "outputs.merge",
    "publish_plan": "outputs.publish:publish",
    "find_credentials": "calendars.credentials",
    # the JSON report
    "PlanReport": "outputs.report",
    "Report": "outputs.report",
    "REPORT_SCHEMA_VERSION": "outputs.report",
    "plan_report": "api",
    "schedule_report": "pipeline",
    "build_report": "api",
    "report_json": "outputs.report",
    "read_report": "outputs.report",
    "report_schema": "outputs.report",
    "compare_reports": "outputs.compare",
    # errors
    "BrainfitError": "core.errors",
    "InputError": "core.errors",
    "CalendarError": "core.errors",
    "ProfileError": "core.errors",
    "RuleFileError": "core.errors",
    "ReportError": "core.errors",
    "OutputError": "core.errors",
    "TimeZoneError": "core.errors",
    "InfeasibleError": "core.errors",
    "SharedSessionsError": "core.errors",
    "CheckFailedError": "core.errors",
    "NoPlanFoundError": "core.errors",
}

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "BrainfitError",
    "CalendarError",
    "CheckFailedError",
    "CheckReport",
    "ExecutorChoice",
    "ExecutorError",
    "InfeasibleError",
    "InputError",
    "Inputs",
    "LeftOut",
    "NoPlanFoundError",
    "Outcome",
    "OutputError",
    "PersonOutcome",
    "PlanOutcome",
    "PlanReport",
    "PlanRequest",
    "PlanResult",
    "ProfileError",
    "Report",
    "ReportError",
    "Request",
    "RuleFileError",
    "SharedSessionsError",
    "SolverOptions",
    "TeamOutcome",
    "TeamReport",
    "TeamRequest",
    "TimeZoneError",
    "__version__",
    "build_report",
    "check_week",
    "check_weeks",
    "compare_reports",
    "find_credentials",
    "load_inputs",
    "load_team",
    "merge_calendars",
    "parse_now",
    "plan",
    "plan_report",
    "plan_weeks",
    "publish_plan",
    "read_previous",
    "read_report",
    "render_html",
    "render_svg",
    "render_team_html",
    "report_json",
    "report_schema",
    "run",
    "run_plan",
    "run_team",
    "run_teams",
    "schedule_report",
    "with_weights",
    "write_files",
]

if TYPE_CHECKING:
    from .api import (
        Inputs,
        PlanResult,
        build_report,
        check_weeks,
        load_inputs,
        plan_report,
        with_weights,
    )
    from .api import check as check_week
    from .calendars.credentials import find_credentials
    from .calendars.previous import parse_now, read_previous
    from .check.checker import CheckReport
    from .core.domain import SolverOptions
    from .core.errors import (
        BrainfitError,
        CalendarError,
        CheckFailedError,
        InfeasibleError,
        InputError,
        NoPlanFoundError,
        OutputError,
        ProfileError,
        ReportError,
        RuleFileError,
        SharedSessionsError,
        TimeZoneError,
    )
    from .core.executors import ExecutorChoice, ExecutorError
    from .outputs.compare import compare_reports
    from .outputs.files import write_files
    from .outputs.merge import merge_calendars
    from .outputs.picture import render_html, render_svg
    from .outputs.publish import publish as publish_plan
    from .outputs.report import (
        REPORT_SCHEMA_VERSION,
        PlanReport,
        Report,
        read_report,
        report_json,
        report_schema,
    )
    from .outputs.team import TeamReport
    from .outputs.team_page import render_team_html
    from .pipeline import (
        LeftOut,
        Outcome,
        PersonOutcome,
        PlanOutcome,
        PlanRequest,
        Request,
        plan,
        plan_weeks,
        run,
        schedule_report,
    )
    from .pipeline import run_one as run_plan
    from .team.file import load_team
    from .team.run import TeamOutcome, TeamRequest, run_team, run_teams


def __getattr__(name: str) -> object:
    """A public name, loaded from its module on first use and kept (PEP 562)."""
    where = _EXPORTS.get(name)
    if where is None:
        raise AttributeError(f"module 'brainfit_solver' has no attribute {name!r}")
    module, _, attribute = where.partition(":")
    value = getattr(importlib.import_module(f".{module}", __name__), attribute or name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
