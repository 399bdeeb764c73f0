"""The pipeline as plain functions: what the CLI does, a script can do without a subprocess.

    inputs = load_inputs(["calendar.ics"], profile="profile.toml")
    result = plan(inputs)                 # solved, exported and independently checked
    write_atomic("week.ics", result.ics)

Settings resolve in one order everywhere: explicit arguments (the CLI's flags), then the
profile, then the calendars (their time zone), then documented defaults.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from .calendars.reading import (
    JudgedEvent,
    LoadedCalendar,
    earlier_sessions,
    judge_events,
    load_calendar_bytes,
    week_from_calendars,
    zone_choice,
)
from .calendars.sources import read_source
from .check.calendars import BusyTime, CalendarBytes, read_busy
from .check.checker import (
    CheckReport,
    DaysBefore,
    PlannedEvent,
    check_plan,
    check_seams,
    declared_dropped,
    read_days_before,
    read_plan,
)
from .core.domain import CalendarWeek, Plan, Session
from .core.errors import CalendarError, ProfileError, TimeZoneError
from .core.timegrid import UTC, Horizon, next_full_week, parse_week, zone, zone_name
from .model.week import Week, prepare_week, with_days_before
from .outputs.ics import (
    Placed,
    identified,
    output_stamp,
    plan_file,
    session_title,
    source_date_epoch,
)
from .outputs.report import (
    BusyOut,
    CheckOut,
    DayOut,
    DaysBeforeOut,
    DroppedOut,
    EarlierSessionOut,
    PlanReport,
    PreferenceOut,
    Report,
    SessionOut,
    TermOut,
    unknown_before_note,
)
from .rules.profile import Profile, load_profile
from .rules.ruleset import BEFORE_DAYS, RuleSet, broken_text, load_rules, sign

MAX_WEEKS = 52
"""The most weeks one plan (or check) covers: a year."""


@dataclass(frozen=True)
class Inputs:
    """Everything a plan is made from, validated and resolved."""

    profile: Profile
    rules: RuleSet
    horizon: Horizon
    calendar: CalendarWeek
    week: Week
    loaded: tuple[LoadedCalendar, ...] = ()  # the parsed calendars, to read other weeks
    # Each calendar's bytes as read, whole (never the planner's filtered text): what the
    # independent checker reads busy time from (``check.calendars``).
    calendars: tuple[CalendarBytes, ...] = ()
    zone_reason: str = ""  # why the plan is in this zone (--tz, profile, calendars, system)

    @property
    def warnings(self) -> tuple[str, ...]:
        """One line per calendar read with faults that cannot change busy time ("uni.ics: 3
        events without a start time were skipped"), in the order the calendars were given."""
        return tuple(w for loaded in self.loaded if (w := loaded.warning) is not None)


@dataclass(frozen=True)
class PlanResult:
    """A solved week, its exported bytes and the independent checker's verdict on them."""

    inputs: Inputs
    plan: Plan
    ics: bytes
    check: CheckReport


def system_zone() -> str:
    """The machine's IANA zone: $TZ, /etc/timezone or the /etc/localtime link, else UTC."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        candidates.append(str(localtime.resolve()).partition("zoneinfo/")[2])
    for name in candidates:
        if name:
            try:
                return zone_name(zone(name))
            except TimeZoneError:
                continue
    return "UTC"


def today(tz_name: str) -> dt.date:
    """Today in the user's zone, or the SOURCE_DATE_EPOCH day, so CI runs are repeatable."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = dt.datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else dt.datetime.now(UTC)
    return moment.astimezone(zone(tz_name)).date()


def _names_a_source(profile: Profile, entry: str) -> bool:
    """Whether a ``[study] calendars`` entry is a calendar to read (a URL, an .ics path or an
    existing file) rather than the display name (X-WR-CALNAME) of a calendar given elsewhere,
    which the calendar reader matches by name."""
    if "://" in entry or entry.lower().endswith(".ics"):
        return True
    return Path(profile.resolve(entry)).is_file()


def _unique(sources: Sequence[str], study_sources: Sequence[str]) -> list[tuple[str, bool]]:
    """Each calendar once, however it was named (a relative path on the command line, an
    absolute one from the profile); a calendar named as a study calendar anywhere is one."""
    seen: dict[str, tuple[str, bool]] = {}
    for source, study in [*((s, False) for s in sources), *((s, True) for s in study_sources)]:
        key = source if "://" in source else str(Path(source).resolve())
        seen[key] = (seen.get(key, (source, False))[0], study or seen.get(key, ("", False))[1])
    return list(seen.values())


def load_inputs(
    calendars: Sequence[str | Path] = (),
    *,
    profile: str | Path | Profile | None = None,
    rules: str | Path | RuleSet | None = None,
    week: str | None = None,
    tz: str | None = None,
    weights: Mapping[str, int] | None = None,
    study_calendars: Sequence[str | Path] = (),
    weeks: int = 1,
) -> Inputs:
    """Read, validate and resolve every input; raise an ``InputError`` naming what is wrong.

    Calendars are files, feed URLs or CalDAV calendars (``calendars.sources``). ``weeks`` is how
    many weeks from the planned one will be read (``shifted``): the loader skips the events that
    cannot touch them, which makes a big calendar fast; other weeks still read correctly."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    if prof.weights:
        ruleset = ruleset.with_weights(prof.weights, origin="profile [weights]")
    if weights:
        ruleset = ruleset.with_weights(weights, origin="--weight")
    unknown = sorted(set(prof.preferences) - set(ruleset.kinds))
    if unknown:
        raise ProfileError(
            f"preferences for unknown session kind(s) {', '.join(unknown)}",
            file=str(prof.base_dir) if prof.base_dir else None,
            where="[preferences]",
            fix=f"Use kinds of the rule set: {', '.join(ruleset.kinds)}",
        )
    sources = [*map(str, calendars), *(prof.resolve(c) for c in prof.calendars)]
    study_sources = [
        *map(str, study_calendars),
        *(prof.resolve(c) for c in prof.study.calendars if _names_a_source(prof, c)),
    ]
    if not sources and not study_sources:
        raise CalendarError(
            "no calendar given",
            fix="Pass one or more .ics files, or list them under 'calendars' in the profile",
        )
    dates = _planned_dates(week or prof.week, weeks)
    raw = tuple(
        CalendarBytes(str(s), read_source(s, dates=dates), study)
        for s, study in _unique(sources, study_sources)
    )
    loaded = [load_calendar_bytes(c.data, c.source, study=c.study, dates=dates) for c in raw]
    _check_study_names(prof, loaded)
    ruleset = _without_excluded(ruleset, prof)
    tz_name, zone_reason = _choose_zone(tz, prof, loaded)
    where = "--tz" if tz else "timezone"
    tzinfo = zone(tz_name, where=where)
    week_text = week or prof.week
    try:
        monday = parse_week(week_text) if week_text else next_full_week(today(tz_name))
    except ValueError as exc:
        raise ProfileError(str(exc), fix="Write the week as 2026-W49 or as a date") from exc
    horizon = Horizon(tzinfo, monday)
    calendar = week_from_calendars(loaded, horizon, study=prof.study, busy=prof.busy)
    week_ = _prepare(prof, ruleset, calendar, horizon, loaded)
    return Inputs(prof, ruleset, horizon, calendar, week_, tuple(loaded), raw, zone_reason)


def _choose_zone(
    tz: str | None, profile: Profile, loaded: Sequence[LoadedCalendar]
) -> tuple[str, str]:
    """The plan's zone and why, by a rule that does not depend on the order of the calendars:
    --tz, else the profile's timezone, else the zone most of the calendars' events use, else
    the system's."""
    if tz is not None:
        if not tz.strip():
            raise ProfileError(
                "--tz is empty", fix="Give an IANA zone such as --tz Europe/Berlin, or leave it out"
            )
        return tz, "given with --tz"
    if profile.timezone:
        return profile.timezone, "the profile's timezone"
    choice = zone_choice(loaded)
    if choice is not None:
        return choice
    return system_zone(), "no calendar names a zone: the system's zone"


def _check_study_names(profile: Profile, loaded: Sequence[LoadedCalendar]) -> None:
    """Every ``[study] calendars`` entry that is a display name must name a calendar given:
    a misspelt name would otherwise silently leave the lectures without snacks."""
    names = {c.display_name.casefold() for c in loaded if c.display_name}
    for entry in profile.study.calendars:
        if not _names_a_source(profile, entry) and entry.casefold() not in names:
            known = ", ".join(sorted(repr(c.display_name) for c in loaded if c.display_name))
            raise ProfileError(
                f"[study] calendars: {entry!r} names no calendar given "
                f"(calendar names: {known or 'none of the calendars has one'})",
                file=str(profile.base_dir) if profile.base_dir else None,
                where="[study] calendars",
                fix="Write the calendar's name as your calendar app shows it (X-WR-CALNAME), "
                "or its file path or URL",
            )


def _without_excluded(rules: RuleSet, profile: Profile) -> RuleSet:
    """The rule set with the profile's ``exclude``d kinds never planned (weekly maximum 0);
    only optional kinds may be left out, since the rules require the others."""
    if not profile.exclude:
        return rules
    kinds = dict(rules.kinds)
    for kind_id in profile.exclude:
        kind = kinds.get(kind_id)
        if kind is None or kind.per_week.min > 0:
            why = "is not a kind of the rule set" if kind is None else "is required by the rules"
            optional = ", ".join(k for k, v in rules.kinds.items() if v.per_week.min == 0)
            raise ProfileError(
                f"exclude: {kind_id} {why}",
                file=str(profile.base_dir) if profile.base_dir else None,
                where="exclude",
                fix=f"Leave out only optional kinds ({optional}), or use a rule file "
                "that does not require it (--rules)",
            )
        kinds[kind_id] = kind.model_copy(
            update={"per_week": kind.per_week.model_copy(update={"max": 0})}
        )
    return rules.model_copy(update={"kinds": kinds})


def _prepare(
    profile: Profile,
    rules: RuleSet,
    calendar: CalendarWeek,
    horizon: Horizon,
    loaded: Sequence[LoadedCalendar],
) -> Week:
    """The week, with the BrainFit sessions imported into the calendars on the days before
    it (seam context for rules that look across days)."""
    week_ = prepare_week(profile, rules, calendar, horizon)
    return with_days_before(week_, earlier_sessions(loaded, horizon, days=BEFORE_DAYS))


def _planned_dates(week_text: str | None, weeks: int) -> tuple[dt.date, dt.date] | None:
    """Every day the plan may cover, known before the calendars (and so the zone) are: the
    given week, or each Monday that "next full week" can be in some zone today (today in
    UTC ± 1 day), and the week before it (its imported BrainFit sessions are seam context);
    None when the week is unreadable, which is reported later as ever."""
    if week_text:
        try:
            mondays = [parse_week(week_text)]
        except ValueError:
            return None
    else:
        utc_today = today("UTC")
        mondays = [next_full_week(utc_today + dt.timedelta(days=d)) for d in (-1, 0, 1)]
    first = min(mondays) - dt.timedelta(days=BEFORE_DAYS)
    return first, max(mondays) + dt.timedelta(weeks=max(weeks, 1), days=-1)


def shifted(inputs: Inputs, weeks: int) -> Inputs:
    """The same inputs for the week ``weeks`` weeks later (calendars are not read again)."""
    prof = inputs.profile
    horizon = Horizon(inputs.horizon.tz, inputs.horizon.monday + dt.timedelta(weeks=weeks))
    calendar = week_from_calendars(inputs.loaded, horizon, study=prof.study, busy=prof.busy)
    week_ = _prepare(prof, inputs.rules, calendar, horizon, inputs.loaded)
    return Inputs(
        prof,
        inputs.rules,
        horizon,
        calendar,
        week_,
        inputs.loaded,
        inputs.calendars,
        inputs.zone_reason,
    )


def with_weights(inputs: Inputs, overrides: Mapping[str, int], *, origin: str) -> Inputs:
    """The same inputs with some soft-rule weights replaced (``plan --compare-weights``);
    unknown names raise ``RuleFileError`` listing the valid ones."""
    rules = inputs.rules.with_weights(overrides, origin=origin)
    week_ = dataclasses.replace(inputs.week, rules=rules)
    return dataclasses.replace(inputs, rules=rules, week=week_)


def judge_calendars(inputs: Inputs) -> tuple[JudgedEvent, ...]:
    """Every event of the planned week as busy, study or ignored, and why (``brainfit
    calendars``): the verdicts the planner acts on, so a surprising plan can be traced to the
    event behind it."""
    prof = inputs.profile
    return judge_events(inputs.loaded, inputs.horizon, study=prof.study, busy=prof.busy)


def export(plan_: Plan, inputs: Inputs) -> bytes:
    """One week's plan as iCalendar bytes, deterministic for identical inputs (the file
    ``pipeline.run`` writes for this week)."""
    horizon = inputs.horizon
    stamp = output_stamp(horizon, inputs.calendar.latest_stamp, source_date_epoch())
    placed = [
        Placed(s, horizon, uid, dropped=plan_.dropped)
        for uid, s in identified(plan_.sessions, inputs.profile.name, horizon.label)
    ]
    return plan_file(
        placed, inputs.rules, first=horizon, last=horizon, stamp=stamp, dropped=plan_.dropped
    )


def busy_time(inputs: Inputs, weeks: int = 1) -> BusyTime:
    """The checker's own reading of the calendars' bytes over ``weeks`` weeks from the
    planned one, widened by the buffer on both sides (a session's buffer reaches that far)."""
    pad = dt.timedelta(minutes=inputs.profile.buffer_min)
    end = dt.datetime.combine(
        inputs.horizon.monday + dt.timedelta(weeks=weeks), dt.time(0), inputs.horizon.tz
    )
    return read_busy(inputs.calendars, inputs.profile, inputs.horizon.start - pad, end + pad)


def check(
    ics: bytes,
    inputs: Inputs,
    *,
    source: str = "plan",
    dropped: Sequence[str] = (),
    busy: BusyTime | None = None,
    previous: tuple[str, bytes] | None = None,
) -> CheckReport:
    """The independent checker's verdict on exported bytes (``dropped``: rules a
    ``--relax soft`` plan breaks on purpose, checked no further; ``busy``: the checker's
    reading of the calendars, if already made; ``previous``: an earlier plan file, by name,
    whose sessions before the week count, see ``days_before``)."""
    return check_plan(
        read_plan(ics, source=source),
        profile=inputs.profile,
        rules=inputs.rules,
        busy=busy_time(inputs) if busy is None else busy,
        horizon=inputs.horizon,
        dropped=dropped,
        before=days_before(ics, inputs, source=source, previous=previous),
    )


def days_before(
    ics: bytes, inputs: Inputs, *, source: str = "plan", previous: tuple[str, bytes] | None = None
) -> DaysBefore | None:
    """What the days before the week held, read by the checker from the files themselves:
    the plan, the previous plan, the calendars' bytes (None when no rule looks across days)."""
    if not inputs.rules.looking_back():
        return None
    sources = [
        (source, ics),
        *([previous] if previous else []),
        *((c.source, c.data) for c in inputs.calendars),
    ]
    return read_days_before(sources, inputs.horizon, inputs.rules)


def agree_on_days_before(week: Week, verdict: CheckReport) -> None:
    """The planner and the checker read the days before the week separately (one from the
    parsed inputs, one from the files): a difference is a bug in one of the two readers."""
    if verdict.before is None:
        return
    horizon = week.horizon
    checked = {
        (e.kind, (e.start.astimezone(horizon.tz).date() - horizon.monday).days)
        for e in verdict.before.events
    }
    if checked != set(week.earlier) or verdict.before.known != week.before_known:
        raise AssertionError(
            "internal error: the planner and the checker read the days before the week "
            f"differently: planner {sorted(week.earlier)} (known: {week.before_known}), "
            f"checker {sorted(checked)} (known: {verdict.before.known})"
        )


def same_objective(solver: int, checker: int) -> None:
    """The solver's objective must be the checker's recomputation of the exported plan; a
    difference is a bug in the model (or the checker), never a plan to write."""
    if solver != checker:
        raise AssertionError(
            f"internal error: the solver's objective {solver} differs from the checker's "
            f"{checker} for the same plan"
        )


def week_inputs(inputs: Inputs, weeks: int) -> list[Inputs]:
    """The inputs of ``weeks`` consecutive weeks starting with ``inputs``' week."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise ProfileError(
            f"--weeks {weeks} is out of range", fix=f"Plan 1 to {MAX_WEEKS} weeks at a time"
        )
    return [inputs, *(shifted(inputs, k) for k in range(1, weeks))]


def check_each_week(
    events: Sequence[PlannedEvent],
    all_inputs: Sequence[Inputs],
    *,
    before: DaysBefore | None,
    dropped: Sequence[Sequence[str]],
    previous: Sequence[Sequence[Session]] = (),
    now: dt.datetime | None = None,
) -> tuple[list[CheckReport], list[str]]:
    """The one check path of a plan file's weeks (``brainfit check``, every plan made,
    every group member's file): each week's events against that week's own inputs, busy time
    read by the checker from the calendars' bytes once for all the weeks, the days before the
    first week (``before``), the rules each week's plan drops on purpose (``dropped``, one
    entry a week) and, for a re-plan, each week's previous sessions as of ``now``; then the
    seam rules between the weeks. Returns each week's report and the seams' violations."""
    busy = busy_time(all_inputs[0], len(all_inputs))
    horizons = [i.horizon for i in all_inputs]
    reports = [
        check_plan(
            [e for e in events if inp.horizon.start <= e.start < inp.horizon.end],
            profile=inp.profile,
            rules=inp.rules,
            busy=busy,
            horizon=inp.horizon,
            previous=previous[k] if previous else (),
            now=now,
            dropped=dropped[k],
            before=before if k == 0 else None,
        )
        for k, inp in enumerate(all_inputs)
    ]
    inside = [e for e in events if horizons[0].start <= e.start < horizons[-1].end]
    return reports, check_seams(inside, all_inputs[0].rules, horizons)


def check_weeks(
    data: bytes,
    inputs: Inputs,
    *,
    source: str = "plan",
    accept_dropped: bool = False,
    previous: tuple[str, bytes] | None = None,
) -> CheckReport:
    """``brainfit check`` on a plan of one or more weeks (a ``--repeat`` template expanded):
    each week from ``inputs``' week to the plan's last one checked against its own calendar,
    plus the seam rules between weeks. Sessions before ``inputs``' week are not checked, but
    they, ``previous`` (a plan file, by name) and the BrainFit sessions in the calendars are
    what the days before it held, for the rules that look across days.

    The rules the file declares dropped (X-BRAINFIT-DROPPED) are checked like any other
    unless ``accept_dropped`` (``--accept-dropped``): a header anyone can write must not
    exempt a plan from a rule on its own say-so."""
    events = read_plan(data, source=source)
    dropped = declared_dropped(data) if accept_dropped else ()
    first = inputs.horizon
    last = max((e.start for e in events), default=first.start).astimezone(first.tz).date()
    weeks = min(max(1, (last - first.monday).days // 7 + 1), MAX_WEEKS)
    before = days_before(data, inputs, source=source, previous=previous)
    all_inputs = week_inputs(inputs, weeks)
    reports, seams = check_each_week(events, all_inputs, before=before, dropped=[dropped] * weeks)
    if weeks == 1:
        return reports[0]
    merged = CheckReport(events=[e for e in events if e.start >= first.start], before=before)
    for inp, report in zip(all_inputs, reports, strict=True):
        merged.violations += [f"{inp.horizon.label}: {v}" for v in report.violations]
        for name, value in report.raw.items():
            merged.raw[name] = merged.raw.get(name, 0) + value
            merged.terms[name] = merged.terms.get(name, 0) + report.terms[name]
    merged.violations += seams
    return merged


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
