"""The machine-readable report (``--json``): a versioned pydantic schema CI scripts rely on.

``REPORT_SCHEMA_VERSION`` changes whenever a field is removed or changes meaning; adding a
field does not. ``solve_seconds`` is the one field that varies between identical runs.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field

from . import __version__
from .api import PlanResult
from .ics_out import identified, session_title
from .soft import PENALTIES

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


class Report(_Out):
    schema_version: int = REPORT_SCHEMA_VERSION
    tool_version: str = __version__
    week: str
    timezone: str
    status: str = Field(description="OPTIMAL (proven) or FEASIBLE (time limit reached).")
    objective: int
    bound: int = Field(description="Best proven upper bound on the objective.")
    gap: float = Field(description="Relative gap between objective and bound (0 when optimal).")
    solve_seconds: float
    terms: list[TermOut]
    sessions: list[SessionOut]
    check: CheckOut


def build_report(result: PlanResult) -> Report:
    inputs, plan = result.inputs, result.plan
    horizon, rules = inputs.horizon, inputs.rules
    terms = [
        TermOut(
            rule=rule.id,
            kind=rule.kind,
            weight=rule.weight,
            raw=plan.raw.get(rule.id, 0),
            points=(-1 if rule.kind in PENALTIES else 1) * rule.weight * plan.raw.get(rule.id, 0),
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
    )


def report_json(report: Report) -> bytes:
    return (
        json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    ).encode()


def report_schema() -> dict[str, object]:
    """The JSON Schema of the report, generated from the pydantic model."""
    return Report.model_json_schema()
