"""The machine-readable report (``--json``): a versioned pydantic schema CI scripts rely on.

``REPORT_SCHEMA_VERSION`` changes whenever a field is removed or changes meaning; adding a
field does not. ``solve_seconds`` is the one field that varies between identical runs.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from . import __version__
from .api import Inputs, PlanResult
from .calendar_in import LoadedCalendar
from .errors import InfeasibleError, ReportError
from .ics_out import identified, session_title
from .inputs import validate
from .rules import broken_text, sign
from .timegrid import iso_week_label

if TYPE_CHECKING:  # the multi-week planner imports OR-Tools; `schema` must not
    from .pipeline import PlanOutcome

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


def days_out(inputs: Inputs) -> list[DayOut]:
    """Each day's window as the planner used it, and the profile field that set it."""
    horizon, window = inputs.horizon, inputs.profile.window
    days = []
    for day, span in enumerate(inputs.week.windows):
        date = horizon.date(day)
        days.append(
            DayOut(
                date=date.isoformat(),
                start=None if span is None else horizon.to_datetime(span.start).isoformat(),
                end=None if span is None else horizon.to_datetime(span.end).isoformat(),
                set_by=window.setting(date),
            )
        )
    return days


def calendar_name(calendar: LoadedCalendar) -> str:
    """What a calendar is called in a report: its name in the user's app, else the last part
    of its path (of a URL's path: never its host, query or credentials)."""
    if calendar.display_name:
        return calendar.display_name
    source = calendar.source
    path = urlsplit(source).path if "://" in source else source
    return PurePosixPath(path).name or urlsplit(source).hostname or source


def busy_out(inputs: Inputs) -> list[BusyOut]:
    """The busy blocks the week was planned around (the planner's reading of the calendars),
    with titles only where the calendar had them."""
    horizon = inputs.horizon
    names = {c.source: calendar_name(c) for c in inputs.loaded}
    return [
        BusyOut(
            start=horizon.to_datetime(c.start).isoformat(),
            end=horizon.to_datetime(c.end).isoformat(),
            title=c.summary if c.titled else None,
            study=c.study,
            calendar=names.get(c.source, c.source),
        )
        for c in inputs.week.commitments
        if c.end > c.start
    ]


def preferences_out(inputs: Inputs) -> list[PreferenceOut]:
    """The profile's times per kind, for kinds the rule set plans, in the rule set's order."""
    prefs = inputs.profile.preferences
    return [
        PreferenceOut(
            kind=kind,
            preferred=[str(r) for r in prefs[kind].preferred],
            disliked=[str(r) for r in prefs[kind].disliked],
        )
        for kind in inputs.rules.kinds
        if kind in prefs and (prefs[kind].preferred or prefs[kind].disliked)
    ]


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
            intensity=rules.kinds[s.kind].intensity,
            buffer_min=inputs.profile.buffer_min if rules.kinds[s.kind].buffer else 0,
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
        days=days_out(inputs),
        busy=busy_out(inputs),
        preferences=preferences_out(inputs),
    )


def plan_report(result: PlanResult) -> PlanReport:
    """The document of a one-week plan (``brainfit plan`` without --weeks, --previous or
    --merge): the week's report, and its verdict as the whole plan's."""
    week = build_report(result)
    return PlanReport(
        status=week.status,
        objective=week.objective,
        bound=week.bound,
        gap=week.gap,
        iso_weeks=[week.week],
        repeat=False,
        warnings=list(result.inputs.warnings),
        weeks=[week],
    )


def schedule_report(result: PlanOutcome, *, previous: str | None = None) -> PlanReport:
    """The document of a plan made by ``pipeline.run`` (one week or several, --repeat,
    --previous, --merge): one report per week, the whole horizon's verdict (a template's for
    --repeat: what was optimised is the one week repeated) and, when re-planning
    ``previous``, what became of its sessions."""
    solved, first = result.solved, result.weeks[0].inputs.horizon.monday
    objective = solved.objective if result.repeat else result.objective
    gap = (
        0.0
        if solved.bound == objective
        else abs(solved.bound - objective) / max(1, abs(solved.bound))
    )
    replan = None
    if previous is not None:
        c = result.changes
        replan = ReplanOut(
            previous=previous,
            previous_sessions=c.previous,
            kept=c.kept,
            moved=c.moved,
            new=c.new,
            cancelled=list(c.cancelled),
            warnings=list(c.warnings),
        )
    return PlanReport(
        status=solved.status,
        objective=objective,
        bound=solved.bound,
        gap=round(gap, 6),
        iso_weeks=[
            iso_week_label(first + dt.timedelta(weeks=k)) for k in range(len(result.checks))
        ],
        repeat=result.repeat,
        warnings=list(result.weeks[0].inputs.warnings),
        weeks=[build_report(r) for r in result.weeks],
        replan=replan,
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
