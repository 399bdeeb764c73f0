"""The team page: one self-contained HTML file (inline CSS, nothing fetched) drawn from the
team report alone (``team.TeamReport``), so ``brainfit group --html`` and ``brainfit view
team-report.json`` show the same thing.

It is the coach's page, and the team report is the coach's file, so it follows the same
privacy rule (issue 11): the coach sees the shared sessions and who attends, nothing else.
The grid is members × days (Monday to Sunday): a member's cell holds the shared sessions of
that day, in their kind's colour when the member attends and as a dashed outline marked "not
attending" when they do not; their own sessions, and anything read from their calendars,
stay in their own files and are not on this page (the team report does not carry them). A
member left out is one row giving the reason in general words. The heading gives the team's
status, objective, bound and gap, and says "proven optimal" only when CP-SAT proved it.

Colours and the page's base style are the week picture's (``picture.CSS``,
``picture.kind_colour``), so a kind looks the same on both. The same report gives the same
bytes.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from zoneinfo import ZoneInfo

from .picture import CSS, kind_colour, page
from .team import MemberOut, SharedOut, TeamReport, TeamWeekOut

TEAM_CSS = """
table.team-grid{border-collapse:collapse;font-size:12px;margin:8px 0;table-layout:fixed}
table.team-grid th,table.team-grid td{border:1px solid #ddd;padding:4px;vertical-align:top}
table.team-grid thead th{background:#fafafa;width:120px}
table.team-grid th.member{text-align:left;width:170px;font-weight:600}
table.team-grid th.member small{display:block;font-weight:400;color:#757575}
table.team-grid tr.coach th,table.team-grid tr.coach td{background:#fff8e1}
div.shared{border-radius:3px;padding:2px 4px;margin:2px 0;border:2px solid transparent}
div.shared.attending{color:#ffffff;outline:2px solid #ff6f00;outline-offset:1px}
div.shared.absent{background:#ffffff;color:#616161;border-style:dashed}
div.shared span.who{display:block;font-size:10px}
td.left-out{background:#f4f4f4;color:#8d6e00}
ul.legend{list-style:none;padding:0;font-size:12px}
ul.legend li{display:inline-block;margin-right:16px}
ul.legend span.swatch{display:inline-block;width:14px;height:12px;margin-right:4px}
table.objective td.who{max-width:420px}
""".strip()


def attr(text: str) -> str:
    return escape(text, quote=True)


DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def status_text(report: TeamReport) -> str:
    """The team's verdict: "proven optimal" only when CP-SAT proved it (status OPTIMAL);
    otherwise the best plan found with its bound and gap."""
    planned = sum(m.status == "planned" for m in report.members)
    people = f"{planned} of {len(report.members)} members planned"
    if report.status == "OPTIMAL":
        given = " (each week given the weeks before)" if len(report.weeks) > 1 else ""
        verdict = (
            f"proven optimal{given}: objective {report.objective} (bound {report.bound}, gap 0.0%)"
        )
    else:
        verdict = (
            f"best found, optimality not proven: objective {report.objective}, "
            f"bound {report.bound}, gap {report.gap:.1%}"
        )
    return f"{verdict}; {people}; attendance points {report.attendance_points}."


def _monday(week: TeamWeekOut) -> dt.date:
    year, _, number = week.week.partition("-W")
    return dt.date.fromisocalendar(int(year), int(number), 1)


def _day_of(report: TeamReport, week: TeamWeekOut, shared: SharedOut) -> int:
    """The week day (0 = Monday) on which a shared session starts, in the team's zone."""
    local = shared.start.astimezone(ZoneInfo(report.timezone))
    return (local.date() - _monday(week)).days


def _when(report: TeamReport, shared: SharedOut) -> str:
    tz = ZoneInfo(report.timezone)
    start, end = shared.start.astimezone(tz), shared.end.astimezone(tz)
    return f"{start:%H:%M}–{end:%H:%M}"


def _minutes(shared: SharedOut) -> int:
    return int((shared.end - shared.start).total_seconds() // 60)


def _who(report: TeamReport, shared: SharedOut) -> str:
    names = {m.id: m.name for m in report.members}
    people = ", ".join(names.get(a, a) for a in shared.attendees) or "nobody"
    coach = "; coach present" if shared.coach else ""
    return f"{len(shared.attendees)} attend ({shared.required} needed): {people}{coach}"


def _entry(report: TeamReport, shared: SharedOut, *, attending: bool | None) -> str:
    """One shared session in a cell: ``attending`` True/False for a member's row, None for
    the coach's row (which shows the head count)."""
    colour = kind_colour(shared.kind)
    when = _when(report, shared)
    hover = (
        f"{shared.title} ({shared.kind}), {when}, {_minutes(shared)} min at {shared.place}; "
        f"{_who(report, shared)}"
    )
    if attending is False:
        cls, style, line = "shared absent", f"border-color:{colour}", "not attending"
    else:
        cls, style = "shared attending", f"background:{colour}"
        count = f"{len(shared.attendees)} attend" + (" + coach" if shared.coach else "")
        line = "attending" if attending else count
    return (
        f'<div class="{cls}" data-shared="{attr(shared.id)}" data-kind="{attr(shared.kind)}" '
        f'data-start="{attr(shared.start.isoformat())}" style="{style}" title="{attr(hover)}">'
        f"<b>{when}</b> {attr(shared.title)} · {_minutes(shared)} min"
        f'<span class="who">{attr(line)}</span></div>'
    )


def _cells(report: TeamReport, week: TeamWeekOut, member: MemberOut | None) -> list[str]:
    by_day: list[list[SharedOut]] = [[] for _ in range(7)]
    for shared in sorted(week.shared, key=lambda s: (s.start, s.id)):
        day = _day_of(report, week, shared)
        if 0 <= day < 7:
            by_day[day].append(shared)
    monday = _monday(week)
    cells = []
    for day, sessions in enumerate(by_day):
        date = (monday + dt.timedelta(days=day)).isoformat()
        entries = "".join(
            _entry(report, s, attending=None if member is None else member.id in s.attendees)
            for s in sessions
        )
        cells.append(f'<td data-date="{date}">{entries}</td>')
    return cells


def _member_row(report: TeamReport, week: TeamWeekOut, member: MemberOut) -> str:
    head = f'<th class="member" scope="row">{attr(member.name)}<small>{attr(member.id)}'
    if member.status == "left_out":
        reason = member.reason or "not planned"
        return (
            f'<tr class="member left-out" data-member="{attr(member.id)}">'
            f"{head} · left out</small></th>"
            f'<td class="left-out" colspan="7">left out: {attr(reason)} (the explanation is in '
            f"{attr(member.report)})</td></tr>"
        )
    shown = f" · objective {member.objective}" if member.objective is not None else ""
    attended = len(member.attended.get(week.week, []))
    attends = f" · attends {attended} of {len(week.shared)}"
    return (
        f'<tr class="member planned" data-member="{attr(member.id)}">'
        f"{head}{shown}{attends}</small></th>{''.join(_cells(report, week, member))}</tr>"
    )


def _grid(report: TeamReport, week: TeamWeekOut) -> str:
    monday = _monday(week)
    heads = "".join(
        f'<th scope="col" data-date="{(monday + dt.timedelta(days=k)).isoformat()}">'
        f"{DAY_NAMES[k]} {monday + dt.timedelta(days=k):%d %b}</th>"
        for k in range(7)
    )
    coach = (
        '<tr class="coach"><th class="member" scope="row">Shared sessions<small>coach · '
        f"{len(week.shared)} planned</small></th>{''.join(_cells(report, week, None))}</tr>"
    )
    rows = "".join(_member_row(report, week, m) for m in report.members)
    return (
        f'<table class="team-grid"><thead><tr><th class="member">Member</th>{heads}</tr>'
        f"</thead><tbody>{coach}{rows}</tbody></table>"
    )


def _shared_table(report: TeamReport, week: TeamWeekOut) -> str:
    if not week.shared:
        return "<p>No shared session planned.</p>"
    tz = ZoneInfo(report.timezone)
    rows = "".join(
        f'<tr data-shared="{attr(s.id)}"><td>{attr(s.title)}</td><td>{attr(s.kind)}</td>'
        f"<td>{s.start.astimezone(tz):%a %d %b} {_when(report, s)}</td>"
        f'<td class="num">{_minutes(s)}</td><td>{attr(s.place)}</td>'
        f'<td class="who">{attr(_who(report, s))}</td></tr>'
        for s in sorted(week.shared, key=lambda s: (s.start, s.id))
    )
    return (
        '<table class="objective shared-sessions"><thead><tr><th>Shared session</th>'
        "<th>Kind</th><th>When</th><th>Min</th><th>Place</th><th>Who attends</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
    )


def _legend(report: TeamReport) -> str:
    kinds = sorted({s.kind for week in report.weeks for s in week.shared})
    entries = [
        (f"kind-{k}", f"background:{kind_colour(k)}", f"{k} (shared, attending)") for k in kinds
    ]
    entries += [
        ("absent", "border:2px dashed #9e9e9e;background:#ffffff", "shared, not attending"),
        ("left-out", "background:#f4f4f4", "member left out"),
    ]
    items = "".join(
        f'<li data-key="{attr(key)}"><span class="swatch" style="{style}"></span>{attr(text)}</li>'
        for key, style, text in entries
    )
    return f'<ul class="legend">{items}</ul>'


def week_status(week: TeamWeekOut) -> str:
    """One week's verdict, given the weeks before it (weeks are planned one after another)."""
    if week.status == "OPTIMAL":
        return f"{week.week}: proven optimal given the weeks before, objective {week.objective}."
    return (
        f"{week.week}: best found, optimality not proven: objective {week.objective}, "
        f"bound {week.bound}, gap {week.gap:.1%}."
    )


def _week_section(report: TeamReport, week: TeamWeekOut, several: bool) -> list[str]:
    heading = f"<h2>Week {attr(week.week)}</h2>" if several else ""
    verdict = f'<p class="status week-status">{attr(week_status(week))}</p>' if several else ""
    return [
        f'<section class="week" id="week-{attr(week.week)}">',
        heading,
        verdict,
        _grid(report, week),
        "<h3>Shared sessions</h3>" if several else "<h2>Shared sessions</h2>",
        _shared_table(report, week),
        "</section>",
    ]


def render_team_html(report: TeamReport) -> bytes:
    """The team report as one self-contained HTML page (see the module's docstring): one
    section per planned week."""
    title = f"{report.team} {report.week}"
    left = (
        f'<p class="note">Left out: {attr(", ".join(report.left_out))}.</p>'
        if report.left_out
        else ""
    )
    several = len(report.weeks) > 1
    weeks = [line for week in report.weeks for line in _week_section(report, week, several)]
    span = f"{report.weeks[0].week} to {report.weeks[-1].week}" if several else report.week
    section = [
        f'<section class="team" id="team-{attr(report.week)}">',
        f"<h1>{attr(report.team)}: team {'weeks' if several else 'week'} {attr(span)}</h1>",
        f'<p class="status">{attr(status_text(report))}</p>',
        f'<p class="zone">Times are in {attr(report.timezone)}. This page shows the '
        "shared sessions and who attends; each member's own sessions are in their own "
        "files only.</p>",
        left,
        *weeks,
        _legend(report),
        "</section>",
    ]
    return page(f"BrainFit team {title}", f"{CSS}\n{TEAM_CSS}", "\n".join(section))
