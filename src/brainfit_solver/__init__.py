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
# "module:name" where the public name differs. ``check`` and ``publish`` also name modules,
# and importing a module binds its name in this package over a function of the same name:
# those two functions are public as ``check_week`` and ``publish_plan``.
_EXPORTS: dict[str, str] = {
    # read the inputs, plan, check
    "load_inputs": "api",
    "with_weights": "api",
    "plan": "pipeline",
    "check_week": "api:check",
    "check_weeks": "api",
    "Inputs": "api",
    "PlanResult": "api",
    "SolverOptions": "domain",
    "CheckReport": "check",
    # several weeks, re-plans, templates
    "plan_weeks": "pipeline",
    "run_plan": "pipeline:run",
    "PlanRequest": "pipeline",
    "PlanOutcome": "pipeline",
    "read_previous": "replan",
    "parse_now": "replan",
    # where independent solves run (--executor, --scheduler)
    "ExecutorChoice": "executors",
    "ExecutorError": "executors",
    # files and calendars out
    "write_files": "outputs",
    "merge_calendars": "merge",
    "publish_plan": "publish:publish",
    "find_credentials": "credentials",
    # the JSON report
    "PlanReport": "report",
    "Report": "report",
    "REPORT_SCHEMA_VERSION": "report",
    "plan_report": "report",
    "schedule_report": "report",
    "build_report": "report",
    "report_json": "report",
    "read_report": "report",
    "report_schema": "report",
    "compare_reports": "compare",
    # errors
    "BrainfitError": "errors",
    "InputError": "errors",
    "CalendarError": "errors",
    "ProfileError": "errors",
    "RuleFileError": "errors",
    "ReportError": "errors",
    "OutputError": "errors",
    "TimeZoneError": "errors",
    "InfeasibleError": "errors",
    "CheckFailedError": "errors",
    "NoPlanFoundError": "errors",
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
    "NoPlanFoundError",
    "OutputError",
    "PlanOutcome",
    "PlanReport",
    "PlanRequest",
    "PlanResult",
    "ProfileError",
    "Report",
    "ReportError",
    "RuleFileError",
    "SolverOptions",
    "TimeZoneError",
    "__version__",
    "build_report",
    "check_week",
    "check_weeks",
    "compare_reports",
    "find_credentials",
    "load_inputs",
    "merge_calendars",
    "parse_now",
    "plan",
    "plan_report",
    "plan_weeks",
    "publish_plan",
    "read_previous",
    "read_report",
    "report_json",
    "report_schema",
    "run_plan",
    "schedule_report",
    "with_weights",
    "write_files",
]

if TYPE_CHECKING:
    from .api import (
        Inputs,
        PlanResult,
        check_weeks,
        load_inputs,
        with_weights,
    )
    from .api import check as check_week
    from .check import CheckReport
    from .compare import compare_reports
    from .credentials import find_credentials
    from .domain import SolverOptions
    from .errors import (
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
        TimeZoneError,
    )
    from .executors import ExecutorChoice, ExecutorError
    from .merge import merge_calendars
    from .outputs import write_files
    from .pipeline import PlanOutcome, PlanRequest, plan, plan_weeks
    from .pipeline import run as run_plan
    from .publish import publish as publish_plan
    from .replan import parse_now, read_previous
    from .report import (
        REPORT_SCHEMA_VERSION,
        PlanReport,
        Report,
        build_report,
        plan_report,
        read_report,
        report_json,
        report_schema,
        schedule_report,
    )


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
