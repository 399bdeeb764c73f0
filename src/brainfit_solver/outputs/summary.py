"""The readable summary: the week as a table and the objective broken down by soft rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..calendars.reading import JudgedEvent
from ..core.timegrid import Horizon
from ..rules.ruleset import kind_entry
from .compare import Comparison, PlansComparison
from .report import Report, SessionOut
from .tuning import WeightOut


def week_table(report: Report) -> Table:
    table = Table(title=f"BrainFit week {report.week} ({report.timezone})", title_justify="left")
    table.add_column("Day")
    table.add_column("Time")
    table.add_column("Session")
    table.add_column("Note", overflow="fold")
    last_day = ""
    for s in report.sessions:
        start, end = dt.datetime.fromisoformat(s.start), dt.datetime.fromisoformat(s.end)
        day = f"{start:%a %d %b}"
        notes = [f"before {s.before_study}"] if s.before_study else []
        shift = (end.utcoffset() or dt.timedelta()) - (start.utcoffset() or dt.timedelta())
        if shift:
            way = "forward" if shift > dt.timedelta() else "back"
            notes.append(f"clocks go {way} {_hours(abs(shift))} during it")
        note = "; ".join(notes)
        table.add_row(day if day != last_day else "", f"{start:%H:%M}–{end:%H:%M}", s.title, note)
        last_day = day
    return table


def _hours(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    return "an hour" if minutes == 60 else f"{minutes} min"


def objective_table(report: Report) -> Table:
    table = Table(title="Objective by soft rule", title_justify="left")
    table.add_column("Rule")
    table.add_column("Weight", justify="right")
    table.add_column("Count", justify="right")
    table.add_column("Points", justify="right")
    for term in report.terms:
        table.add_row(term.rule, str(term.weight), str(term.raw), f"{term.points:+d}")
    table.add_row(Text("total", style="bold"), "", "", Text(f"{report.objective:+d}", style="bold"))
    return table


def status_line(report: Report) -> Text:
    if report.status == "OPTIMAL":
        verdict = f"proven optimal (objective {report.objective})"
    else:
        verdict = (
            f"best found within the time limit: objective {report.objective}, "
            f"bound {report.bound}, gap {report.gap:.1%}"
        )
    holds = "every hard rule not dropped holds" if report.dropped else "every hard rule holds"
    checked = f"checked: {holds}" if report.check.ok else "CHECK FAILED"
    return Text(f"{verdict}; solved in {report.solve_seconds:.2f} s; {checked}.")


def dropped_line(report: Report) -> Text:
    """What a ``--relax soft`` plan breaks, said as plainly as the event descriptions say it."""
    listed = "; ".join(
        f"{d.rule} ({d.description}, priority {d.priority}"
        + (f"; broken by {d.broken_text})" if d.broken_text else ")")
        for d in report.dropped
    )
    return Text(f"This week's plan drops: {listed}.", style="bold yellow")


def zone_line(report: Report) -> Text:
    """Which zone the times are in and why, so a traveller's plan is never silently shifted."""
    why = f": {report.timezone_reason}" if report.timezone_reason else ""
    return Text(f"Times are in {report.timezone}{why}.", style="dim")


def render(report: Report) -> Group:
    parts: list[RenderableType] = [week_table(report), objective_table(report)]
    parts += [zone_line(report), status_line(report)]
    if report.dropped:
        parts.append(dropped_line(report))
    if report.days_before is not None and report.days_before.note:
        parts.append(Text(f"Note: {report.days_before.note}.", style="yellow"))
    return Group(*parts)


def weights_table(rows: Sequence[WeightOut], *, title: str) -> Table:
    """``brainfit weights``: each soft rule, its weight, what it rewards, and its source."""
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("Rule (--weight NAME)")
    table.add_column("Weight", justify="right")
    table.add_column("What it rewards", overflow="fold")
    table.add_column("Source", overflow="fold")
    for row in rows:
        sign = "−" if row.penalty else "+"
        weight = f"{sign}{row.weight}"
        if row.weight != row.default:
            weight += f"\n(file: {row.default})"
        kinds = ", ".join(row.applies_to)
        per = f"{row.per} ({kinds})" if kinds and kind_entry(row.kind).lists_kinds else row.per
        rewards = Text(row.description)
        rewards.append(f"\n{'−' if row.penalty else '+'}weight per {per}", style="dim")
        table.add_row(row.rule, weight, rewards, f'"{row.cites}"')
    return table


def _when(s: SessionOut | None) -> str:
    if s is None:
        return "—"
    start, end = dt.datetime.fromisoformat(s.start), dt.datetime.fromisoformat(s.end)
    return f"{start:%a %H:%M}–{end:%H:%M} ({s.minutes} min)"


_MARK = {
    "unchanged": "=",
    "moved": "moved",
    "resized": "resized",
    "added": "added",
    "removed": "removed",
}


def comparison_view(cmp: Comparison) -> Group:
    """Two plans side by side: every session of each, then the objective term by term."""
    legend = Text(f"A: {cmp.label_a}   B: {cmp.label_b}", style="bold")
    if cmp.weights_changed:
        changed = ", ".join(f"{r} {a}→{b}" for r, (a, b) in cmp.weights_changed.items())
        legend.append(f"   (weights changed: {changed})", style="")
    sessions = Table(title="Sessions, side by side", title_justify="left")
    sessions.add_column("Change")
    sessions.add_column("Session")
    sessions.add_column("A")
    sessions.add_column("B")
    for c in cmp.sessions:
        style = "dim" if c.change == "unchanged" else None
        either = c.b or c.a
        title = either.title.split(" — ")[0] if either else c.kind
        sessions.add_row(_MARK[c.change], title, _when(c.a), _when(c.b), style=style)
    terms = Table(title="Objective by soft rule", title_justify="left")
    terms.add_column("Rule", no_wrap=True)
    terms.add_column("Weight A→B", justify="right")
    terms.add_column("Count A→B", justify="right")
    terms.add_column("Points A", justify="right")
    terms.add_column("Points B", justify="right")
    terms.add_column("Δ", justify="right")

    def pair(a: int | None, b: int | None) -> str:
        shown = ["—" if v is None else str(v) for v in (a, b)]
        return shown[0] if a == b else f"{shown[0]}→{shown[1]}"

    for t in cmp.terms:
        terms.add_row(
            t.rule,
            pair(t.weight_a, t.weight_b),
            pair(t.raw_a, t.raw_b),
            f"{t.points_a:+d}",
            f"{t.points_b:+d}",
            f"{t.delta:+d}" if t.delta else "",
            style=None if t.changed else "dim",
        )
    delta = cmp.objective_b - cmp.objective_a
    terms.add_row(
        Text("total", style="bold"),
        "",
        "",
        f"{cmp.objective_a:+d}",
        f"{cmp.objective_b:+d}",
        f"{delta:+d}" if delta else "",
    )
    verdict = cmp.verdict
    notes = [Text(verdict)]
    for label, dropped in ((cmp.label_a, cmp.dropped_a), (cmp.label_b, cmp.dropped_b)):
        if dropped:
            notes.append(Text(f"{label} drops: {', '.join(dropped)}."))
    return Group(legend, sessions, terms, *notes)


def comparisons_view(cmp: PlansComparison) -> Group:
    """``brainfit compare``: each week's comparison under its week, then the total when the
    reports hold more than one week."""
    if len(cmp.weeks) == 1:
        return comparison_view(cmp.weeks[0])
    parts: list[RenderableType] = []
    for week in cmp.weeks:
        parts += [Text(f"Week {week.week_a}", style="bold underline"), comparison_view(week)]
    delta = cmp.objective_b - cmp.objective_a
    change = f" ({delta:+d})" if delta else ""
    parts.append(Text(f"All weeks: objective {cmp.objective_a} → {cmp.objective_b}{change}."))
    return Group(*parts)


def judged_table(judged: Sequence[JudgedEvent], horizon: Horizon) -> Table:
    """``brainfit calendars``: each event of the week, what the planner makes of it, and why."""
    table = Table(title=f"Events of {horizon.label} ({horizon.tz_name})", title_justify="left")
    for column in ("Day", "Time", "Event", "Is", "Why"):
        table.add_column(column)
    style = {"busy": "", "study": "bold", "ignored": "dim"}
    last_day = ""
    for j in judged:
        day = when = ""
        if j.span is not None:
            start, end = (horizon.to_datetime(m).astimezone(horizon.tz) for m in j.span)
            day, when = f"{start:%a %d %b}", f"{start:%H:%M}–{end:%H:%M}"
            when = "all day" if j.all_day else when
        cells = (day if day != last_day else "", when, j.summary, j.verdict.role, j.verdict.why)
        table.add_row(*(Text(cell) for cell in cells), style=style[j.verdict.role])
        last_day = day
    return table
