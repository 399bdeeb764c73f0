"""The machine-readable report (``--json``): a versioned pydantic schema CI scripts rely on.

``REPORT_SCHEMA_VERSION`` changes whenever a field is removed or changes meaning; adding a
field does not. ``solve_seconds`` is the one field that varies between identical runs.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from . import __version__
from .api import PlanResult
from .errors import ReportError
from .explain import broken_text
from .ics_out import identified, session_title
from .inputs import validate
from .rules import sign

REPORT_SCHEMA_VERSION = 1


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TermOut(_Out):
    rule: str = Field(description="Soft rule id from the rule file.")
    kind: str = Field(description="The rule's kind (near_study, session_bonus, ...).")
    weight: int
    raw: int = Field(description="Unweighted count of what the rule rewards or penalises.")
    points: int = Field(description="Signed contribution to the objective: ±weight × raw.")
    description: str


class SessionOut(_Out):
    uid: str
    kind: str
    title: str
    start: str = Field(description="ISO 8601 local time with UTC offset.")
    end: str
    minutes: int
    modality: str | None
    before_study: str | None = Field(description="The study block a snack leads into.")


class CheckOut(_Out):
    ok: bool
    violations: list[str]
    objective: int = Field(description="The objective recomputed from the exported file.")


class DroppedOut(_Out):
    rule: str = Field(description="Hard rule id, or <kind>_per_week for a weekly minimum.")
    priority: int = Field(description="The rule's priority in the rule file (0-100).")
    description: str
    broken: int = Field(
        default=1,
        description="How many times the plan breaks it: pairs of consecutive days, sessions "
        "over a day's limit, or sessions short of the weekly minimum.",
    )
    broken_text: str = Field(default="", description="The same in words.")


class Report(_Out):
    """One planned week as `brainfit plan --json` writes it. ``schema_version`` changes when a
    field is removed or changes meaning; new fields may appear without it changing."""

    schema_version: int = Field(
        default=REPORT_SCHEMA_VERSION, description="Version of this report's layout."
    )
    tool_version: str = Field(default=__version__, description="brainfit-solver's version.")
    week: str = Field(description="ISO week planned, e.g. 2026-W49.")
    timezone: str = Field(description="IANA time zone of the plan.")
    timezone_reason: str = Field(
        default="",
        description="Why the plan is in this zone: --tz, the profile, the zone most of the "
        "calendars' events use, or the system's.",
    )
    status: str = Field(description="OPTIMAL (proven) or FEASIBLE (time limit reached).")
    objective: int
    bound: int = Field(description="Best proven upper bound on the objective.")
    gap: float = Field(description="Relative gap between objective and bound (0 when optimal).")
    solve_seconds: float
    terms: list[TermOut]
    sessions: list[SessionOut]
    check: CheckOut
    dropped: list[DroppedOut] = Field(
        default_factory=list,
        description="Rules this plan breaks because they could not all hold (--relax soft); "
        "empty when every rule holds.",
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="One line per calendar read with faults that cannot change busy time, "
        "e.g. 'uni.ics: 3 events without a start time were skipped' (the warning printed on "
        "stderr; docs/calendar-sources.md).",
    )


class WeeksReport(_Out):
    """The report of a ``--weeks N`` plan: the whole horizon's verdict, then one report per
    week in the one-week format."""

    schema_version: int = REPORT_SCHEMA_VERSION
    tool_version: str = __version__
    status: str = Field(description="OPTIMAL (proven for the whole horizon) or FEASIBLE.")
    objective: int = Field(description="Sum of the weekly objectives.")
    repeat: bool = Field(description="True when the plan is one week repeated (--repeat).")
    weeks: list[Report]


def build_report(result: PlanResult) -> Report:
    """The report of a checked plan. Each term's count is the checker's, from the exported
    file: the solver's own count is only exact where the rule's weight makes it matter (at
    weight 0 it claims nothing, though the sessions may still do what the rule counts)."""
    inputs, plan = result.inputs, result.plan
    horizon, rules = inputs.horizon, inputs.rules
    raw = result.check.raw
    terms = [
        TermOut(
            rule=rule.id,
            kind=rule.kind,
            weight=rule.weight,
            raw=raw.get(rule.id, 0),
            points=sign(rule) * rule.weight * raw.get(rule.id, 0),
            description=rule.description,
        )
        for rule in rules.soft
    ]
    sessions = [
        SessionOut(
            uid=uid,
            kind=s.kind,
            title=session_title(rules, s),
            start=horizon.to_datetime(s.start).isoformat(),
            end=horizon.to_datetime(s.end).isoformat(),
            minutes=s.minutes,
            modality=s.modality,
            before_study=s.anchor,
        )
        for uid, s in identified(plan.sessions, inputs.profile.name, horizon.label)
    ]
    return Report(
        week=horizon.label,
        timezone=horizon.tz_name,
        timezone_reason=inputs.zone_reason,
        status=plan.status,
        objective=plan.objective,
        bound=plan.bound,
        gap=round(plan.gap, 6),
        solve_seconds=round(plan.solve_seconds, 4),
        terms=terms,
        sessions=sessions,
        check=CheckOut(
            ok=result.check.ok,
            violations=result.check.violations,
            objective=result.check.objective,
        ),
        dropped=[
            DroppedOut(
                rule=r,
                priority=rules.priority_of(r),
                description=rules.rule_text(r),
                broken=plan.broken.get(r, 1),
                broken_text=broken_text(rules, r, plan.broken.get(r, 1)),
            )
            for r in plan.dropped
        ],
        warnings=list(inputs.warnings),
    )


def report_json(report: Report | WeeksReport) -> bytes:
    return (
        json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    ).encode()


def read_report(path: str | Path) -> Report:
    """A report written by ``--json``, read back and validated (``brainfit compare``)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(
            f"cannot read the report ({exc.strerror})", file=path, fix="Check the path"
        ) from exc
    report = validate(
        Report,
        data,
        path=path,
        error=ReportError,
        fix="Pass reports written by `brainfit plan --json` (see docs/report.schema.json)",
        json=True,
    )
    if report.schema_version != REPORT_SCHEMA_VERSION:
        raise ReportError(
            f"schema_version {report.schema_version} is not the {REPORT_SCHEMA_VERSION} "
            "this version reads",
            file=path,
            fix="Plan the week again with this version of brainfit",
        )
    return report


def report_schema() -> dict[str, object]:
    """The JSON Schema of the report, generated from the pydantic model."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **Report.model_json_schema()}


def report_schema_json() -> str:
    """The schema as shipped in ``docs/report.schema.json`` (``brainfit schema`` prints it)."""
    return json.dumps(report_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
