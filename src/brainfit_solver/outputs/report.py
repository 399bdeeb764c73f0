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

from .. import __version__
from ..core.errors import InfeasibleError, ReportError
from ..core.inputs import validate

REPORT_SCHEMA_VERSION = 4


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
    intensity: str = Field(description="The kind's intensity in the rule set: low, moderate, high.")
    buffer_min: int = Field(
        description="The gap this session keeps from busy time: the profile's buffer_min, "
        "0 for kinds without a buffer (snacks)."
    )


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


class DayOut(_Out):
    date: str = Field(description="Local date, ISO 8601.")
    start: str | None = Field(
        description="When exercise may start that day (ISO 8601 local time with UTC offset); "
        "null when the day is off."
    )
    end: str | None = Field(description="When exercise must end that day; null when off.")
    set_by: str = Field(
        description="The profile field that sets the day's window: window.default, "
        'window.<weekday> or window.dates."<date>".'
    )


class BusyOut(_Out):
    start: str = Field(description="ISO 8601 local time with UTC offset, clipped to the week.")
    end: str
    title: str | None = Field(
        description="The event's title as the calendar has it; null when it has none (a "
        "free/busy period, an event without SUMMARY)."
    )
    study: bool = Field(description="Whether the block is study, which snacks lead into.")
    calendar: str = Field(
        description="The calendar it comes from: its name (X-WR-CALNAME), else the last "
        "part of its file name or URL path."
    )


class PreferenceOut(_Out):
    kind: str = Field(description="Session kind the preference is for.")
    preferred: list[str] = Field(description='Preferred local times, e.g. "07:00-09:30".')
    disliked: list[str] = Field(description="Disliked local times.")


class Report(_Out):
    """One planned week, as each entry of ``PlanReport.weeks`` holds it."""

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
    days: list[DayOut] = Field(
        default_factory=list, description="Each day of the week and its exercise window."
    )
    busy: list[BusyOut] = Field(
        default_factory=list,
        description="The busy time the plan was made around, study blocks included, in time "
        "order (for --repeat, the first week's).",
    )
    preferences: list[PreferenceOut] = Field(
        default_factory=list,
        description="The profile's preferred and disliked times per session kind (the kinds "
        "of the rule set that have any), for explaining where sessions sit.",
    )


class ReplanOut(_Out):
    previous: str = Field(description="The previous plan's file (--previous).")
    previous_sessions: int = Field(
        description="BrainFit events read from it (by X-BRAINFIT-KIND, the BrainFit category "
        "or a UID ending in @brainfit-solver), cancelled ones included."
    )
    kept: int = Field(description="Sessions kept unchanged (same UID and SEQUENCE).")
    moved: int = Field(description="Sessions kept with their UID but changed (SEQUENCE + 1).")
    new: int = Field(description="Sessions with a new UID.")
    cancelled: list[str] = Field(description="UIDs written again as STATUS:CANCELLED.")
    warnings: list[str] = Field(
        description="What is wrong with the previous plan, as printed on stderr (e.g. it "
        "holds no BrainFit session: an ordinary calendar passed as --previous)."
    )


class ConflictOut(_Out):
    rules: list[str] = Field(description="A minimal set of rules that cannot hold together.")
    text: str = Field(description="The conflict in words, as the error message says it.")


class RelaxationOut(_Out):
    text: str = Field(description="The change, as a 'would work' line says it.")
    setting: str = Field(
        description="The profile or rule-file setting to change (window.sun, buffer_min, "
        "kinds.hiit.per_week.min, ...; the rule's id for dropping a hard rule)."
    )
    cost: str = Field(description="What the best plan with the change gives up, as printed.")


class InfeasibleOut(_Out):
    week: str | None = Field(description="The ISO week that cannot be planned, when one is.")
    message: str = Field(description="The error paragraph printed on stderr.")
    conflicts: list[ConflictOut]
    relaxations: list[RelaxationOut] = Field(
        description="Single changes each checked, by solving, to make the week plannable."
    )


class PlanReport(_Out):
    """What `brainfit plan --json` writes for every plan: one week, several (--weeks), a
    repeating template (--repeat), a re-plan (--previous), a merged file (--merge), or an
    impossible week (exit 3, with ``infeasible`` and no weeks). ``schema_version`` changes
    when a field is removed or changes meaning; new fields may appear without it changing."""

    schema_version: int = Field(
        default=REPORT_SCHEMA_VERSION, description="Version of this report's layout."
    )
    tool_version: str = Field(default=__version__, description="brainfit-solver's version.")
    status: str = Field(
        description="OPTIMAL (proven for every week together), FEASIBLE (a time limit was "
        "reached) or INFEASIBLE (the rules cannot all hold: see infeasible)."
    )
    objective: int | None = Field(description="Sum of the weekly objectives; null if INFEASIBLE.")
    bound: int | None = Field(description="Best proven upper bound on the objective.")
    gap: float | None = Field(description="Relative gap between objective and bound.")
    iso_weeks: list[str] = Field(description="The ISO weeks the plan covers, in order.")
    repeat: bool = Field(description="True when the plan is one week repeated (--repeat).")
    warnings: list[str] = Field(
        default_factory=list,
        description="One line per calendar read with faults that cannot change busy time, "
        "e.g. 'uni.ics: 3 events without a start time were skipped' (the warning printed on "
        "stderr; docs/calendar-sources.md).",
    )
    weeks: list[Report] = Field(
        description="One report per planned week (one for --repeat: the template); empty if "
        "INFEASIBLE."
    )
    replan: ReplanOut | None = Field(
        default=None, description="What re-planning (--previous) did; null otherwise."
    )
    infeasible: InfeasibleOut | None = Field(
        default=None, description="Why the week cannot be planned; null when it can."
    )


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


def infeasible_report(
    exc: InfeasibleError, iso_weeks: Sequence[str], *, repeat: bool, warnings: Sequence[str] = ()
) -> PlanReport:
    """The document written on exit 3: no week, and why, as the error message says it."""
    return PlanReport(
        status="INFEASIBLE",
        objective=None,
        bound=None,
        gap=None,
        iso_weeks=list(iso_weeks),
        repeat=repeat,
        warnings=list(warnings),
        weeks=[],
        infeasible=InfeasibleOut(
            week=exc.week,
            message=exc.render(),
            conflicts=[ConflictOut(rules=list(c.rules), text=c.text) for c in exc.explained],
            relaxations=[
                RelaxationOut(text=f.text, setting=f.setting, cost=f.cost) for f in exc.fixes
            ],
        ),
    )


def report_json(report: PlanReport) -> bytes:
    return (
        json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    ).encode()


def read_report(path: str | Path) -> PlanReport:
    """A report written by ``--json``, read back and validated (``brainfit compare``). The
    version is looked at first: a report of another version fails on its version, not on
    the fields that changed with it."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(
            f"cannot read the report ({exc.strerror})", file=path, fix="Check the path"
        ) from exc
    try:
        version = json.loads(data).get("schema_version", REPORT_SCHEMA_VERSION)
    except (ValueError, AttributeError):
        version = REPORT_SCHEMA_VERSION  # not a JSON object: validate says what is wrong
    if version != REPORT_SCHEMA_VERSION:
        raise ReportError(
            f"schema_version {version} is not the {REPORT_SCHEMA_VERSION} this version reads",
            file=path,
            fix="Plan the week again with this version of brainfit",
        )
    return validate(
        PlanReport,
        data,
        path=path,
        error=ReportError,
        fix="Pass reports written by `brainfit plan --json` (see docs/report.schema.json)",
        json=True,
    )


def report_schema() -> dict[str, object]:
    """The JSON Schema of the report, generated from the pydantic model."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **PlanReport.model_json_schema(),
    }


def report_schema_json() -> str:
    """The schema as shipped in ``docs/report.schema.json`` (``brainfit schema`` prints it)."""
    return json.dumps(report_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
