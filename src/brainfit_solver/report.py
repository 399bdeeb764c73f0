"""The machine-readable report (``--json``): a versioned pydantic schema CI scripts rely on.

``REPORT_SCHEMA_VERSION`` changes whenever a field is removed or changes meaning; adding a
field does not. ``solve_seconds`` is the one field that varies between identical runs.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from . import __version__
from .api import PlanResult
from .errors import ReportError
from .ics_out import identified, session_title
from .inputs import validate
from .rules import broken_text, sign

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


class EarlierSessionOut(_Out):
    kind: str
    date: str = Field(description="Local date of the session, ISO 8601.")


class DaysBeforeOut(_Out):
    known: bool = Field(
        description="Whether a plan for the week before is known: the previous plan "
        "(--previous), or BrainFit sessions imported into a calendar. When false, rules that "
        "look across days were neither planned nor checked across the week's start."
    )
    sessions: list[EarlierSessionOut] = Field(
        description="The earlier plan's sessions in the week before, as the checker read them."
    )
    unchecked: list[str] = Field(
        description="Hard rules not checked across the week's start (empty when known)."
    )
    note: str | None = Field(description="What the summary says about it; null when known.")


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
    days_before: DaysBeforeOut | None = Field(
        default=None,
        description="The days before the week, for rules that look across days "
        "(not_on_consecutive_days); null when no rule does, or when the week before is "
        "planned in the same file (--weeks).",
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


def unknown_before_note(unchecked: Sequence[str], monday: dt.date) -> str | None:
    """What `plan` and `check` say when rules looking across days could not be kept or
    checked at the week's start, since no earlier plan is known (None when none is left)."""
    if not unchecked:
        return None
    return (
        f"no plan for the days before {monday:%a %d %b} is known: {', '.join(unchecked)} "
        f"{'was' if len(unchecked) == 1 else 'were'} not checked across the week boundary; "
        "pass --previous with the earlier plan, or import it into your calendar"
    )


def days_before_out(result: PlanResult) -> DaysBeforeOut | None:
    """The checker's reading of the days before the week, with the note the summary shows
    when nothing is known of them."""
    before = result.check.before
    if before is None:
        return None
    horizon, rules = result.inputs.horizon, result.inputs.rules
    unchecked = [] if before.known else [rule.id for rule in rules.looking_back()]
    note = unknown_before_note(unchecked, horizon.monday)
    sessions = [
        EarlierSessionOut(kind=e.kind, date=e.start.astimezone(horizon.tz).date().isoformat())
        for e in before.events
    ]
    return DaysBeforeOut(known=before.known, sessions=sessions, unchecked=unchecked, note=note)


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
        days_before=days_before_out(result),
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
