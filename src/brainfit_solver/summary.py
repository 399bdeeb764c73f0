"""The readable summary: the week as a table and the objective broken down by soft rule."""

from __future__ import annotations

import datetime as dt

from rich.console import Group
from rich.table import Table
from rich.text import Text

from .report import Report


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
        note = f"before {s.before_study}" if s.before_study else ""
        table.add_row(day if day != last_day else "", f"{start:%H:%M}–{end:%H:%M}", s.title, note)
        last_day = day
    return table


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
    checked = "checked: every hard rule holds" if report.check.ok else "CHECK FAILED"
    return Text(f"{verdict}; solved in {report.solve_seconds:.2f} s; {checked}.")


def render(report: Report) -> Group:
    return Group(week_table(report), objective_table(report), status_line(report))
