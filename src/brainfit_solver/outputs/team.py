"""A team plan's files: each member's .ics and report, the coach's .ics, the team report, the
summary lines for logs, and the members × days overview on the terminal.

Privacy: a member's files hold their own sessions (titled from the rule set, never from
their calendar) and the shared sessions they attend; the coach's files hold only the shared
sessions and who attends. Nothing read from any calendar (a title, a place, a description)
is written anywhere, and a left-out member's explanation, which may quote their calendar,
goes only into their own report.

A shared session is one group event (RFC 5545 §3.8.4.3 ORGANIZER, §3.8.4.1 ATTENDEE) with
one UID in every file that holds it, derived from the team's name, the week and the
session's id; DTSTAMP is the team's (``outputs.ics.output_stamp``), so the same inputs give the
same bytes whatever the order of the members or their calendars.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from icalendar import Calendar, Event, vCalAddress
from pydantic import BaseModel, ConfigDict, Field
from rich.table import Table

from .. import __version__
from ..core.domain import Plan, Session
from ..core.errors import ReportError
from ..core.inputs import validate
from ..core.planfile import UID_DOMAIN
from ..core.timegrid import Horizon
from ..rules.ruleset import RuleSet, sign
from .ics import (
    PRODID,
    session_event,
    with_rendered,
)
from .vtimezone import vtimezone

TEAM_SCHEMA_VERSION = 2
"""2: several weeks (``weeks = N``, ``--weeks N``): the reports hold one entry per week."""


@dataclass(frozen=True)
class SharedPlaced:
    """A shared session as placed: its id, title, place, time (minutes of the week), the
    coach, and who attends (member ids, sorted)."""

    id: str
    kind: str
    title: str
    place: str
    start: int
    end: int
    coach: bool
    required: int
    attendees: tuple[str, ...]


@dataclass(frozen=True)
class Person:
    """A member or the coach as the files name them (never their calendars)."""

    id: str
    name: str
    email: str | None
    stem: str  # file stem in the output directory (``team.file.member_stems``)


def shared_uid(team: str, week_label: str, shared_id: str) -> str:
    digest = hashlib.sha256(f"{team}\x1f{week_label}\x1f{shared_id}".encode()).hexdigest()
    return f"{digest[:32]}@{UID_DOMAIN}"


def _address(person: Person, role: str) -> vCalAddress:
    """A calendar user address: their e-mail, else a URN naming them within the team."""
    uri = f"mailto:{person.email}" if person.email else f"urn:brainfit:{role}:{person.stem}"
    address = vCalAddress(uri)
    address.params["CN"] = person.name
    return address


def shared_event(
    shared: SharedPlaced,
    rules: RuleSet,
    horizon: Horizon,
    *,
    team: str,
    coach: Person,
    people: Mapping[str, Person],
    stamp: dt.datetime,
) -> Event:
    """The group event of a shared session, the same in every file that holds it."""
    session = Session(shared.kind, shared.start, shared.end)
    event = session_event(
        session, rules, horizon, uid=shared_uid(team, horizon.label, shared.id), stamp=stamp
    )
    event.pop("summary")
    event.add("summary", f"{shared.title} — {session.minutes} min, {team}")
    event.add("location", shared.place)
    organizer = _address(coach, "coach")
    event.add("organizer", organizer)
    for member_id in shared.attendees:
        attendee = _address(people[member_id], "member")
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "ACCEPTED"
        event.add("attendee", attendee)
    if shared.coach:
        chair = _address(coach, "coach")
        chair.params["ROLE"] = "CHAIR"
        chair.params["PARTSTAT"] = "ACCEPTED"
        event.add("attendee", chair)
    return event


def shared_events(
    weeks: Sequence[tuple[Horizon, Sequence[SharedPlaced]]],
    rules: RuleSet,
    *,
    team: str,
    coach: Person,
    people: Mapping[str, Person],
    stamp: dt.datetime,
) -> dict[tuple[str, str], bytes]:
    """Each shared session's group event as icalendar writes it, by (week label, id): the
    same bytes in every file that holds it, so rendered once for the team and not once per
    attendee (a session of 80 attendees, each an ATTENDEE line, took 5 ms to render)."""
    return {
        (horizon.label, s.id): shared_event(
            s, rules, horizon, team=team, coach=coach, people=people, stamp=stamp
        ).to_ical()
        for horizon, shared in weeks
        for s in shared
    }


def coach_file(first: Horizon, last: Horizon, *, team: str, rendered: Sequence[bytes]) -> bytes:
    """The coach's calendar over the weeks ``first`` to ``last``: the shared sessions and
    who attends (``rendered`` by ``shared_events``, the same bytes as in the members'
    files), nothing else."""
    label = first.label if first == last else f"{first.label} to {last.label}"
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{team} {label}")
    cal.add("x-wr-timezone", first.tz_name)
    cal.add_component(vtimezone(first.tz_name, first.monday, last.end.date()))
    return with_rendered(cal, rendered)


# -- reports (JSON, versioned) ----------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TermOut(_Out):
    rule: str
    weight: int
    raw: int
    points: int


class SessionOut(_Out):
    kind: str
    title: str
    start: dt.datetime
    end: dt.datetime
    shared: str | None = Field(description="The shared session's id, or null for the member's own.")


class MemberWeekReport(_Out):
    """One week of a member's report."""

    week: str
    status: Literal["OPTIMAL", "FEASIBLE", "LEFT_OUT"]
    objective: int | None
    terms: list[TermOut]
    sessions: list[SessionOut]
    attended: list[str]
    reason: str | None = Field(description="Why the member was left out, with the explanation.")
    fixes: list[str] = Field(default_factory=list)


class MemberReport(_Out):
    """One member's report (``<stem>.json``): one entry per planned week."""

    schema_version: int = TEAM_SCHEMA_VERSION
    tool_version: str = __version__
    team: str
    timezone: str
    member: str
    name: str
    weeks: list[MemberWeekReport]


class SharedOut(_Out):
    id: str
    kind: str
    title: str
    place: str
    start: dt.datetime
    end: dt.datetime
    coach: bool
    required: int = Field(description="How many members must attend.")
    attendees: list[str] = Field(description="Member ids, sorted.")


class MemberOut(_Out):
    id: str
    name: str
    status: Literal["planned", "left_out"]
    reason: str | None = Field(
        description="Why left out, in general words (the explanation is in the member's own "
        "report only)."
    )
    objective: int | None = Field(description="Sum over the weeks the member was planned.")
    attendance_points: int | None
    attended: dict[str, list[str]] = Field(
        description="Week -> the shared sessions the member attends that week."
    )
    ics: str | None = Field(description="The member's .ics file in the output directory.")
    report: str


class TeamWeekOut(_Out):
    """One week of the team plan, solved given the weeks before it."""

    week: str
    status: Literal["OPTIMAL", "FEASIBLE"] = Field(
        description="OPTIMAL: proven optimal for this week, given the weeks before it."
    )
    objective: int = Field(description="Sum of the planned members' objectives this week.")
    bound: int = Field(
        description="Upper bound for this week given the weeks before: each member's best "
        "week with their own shared times."
    )
    gap: float
    solves: int
    shared: list[SharedOut]


class TeamReport(_Out):
    """The team report (``team-report.json``, ``brainfit schema --team``)."""

    schema_version: int = TEAM_SCHEMA_VERSION
    tool_version: str = __version__
    team: str
    week: str = Field(description="The first week planned.")
    timezone: str
    status: Literal["OPTIMAL", "FEASIBLE"] = Field(
        description="OPTIMAL: every week proven optimal given the weeks before it (weeks are "
        "planned one after the other; this is not optimality over the weeks jointly)."
    )
    objective: int = Field(description="Sum of the weeks' objectives.")
    bound: int = Field(
        description="Sum of the weeks' bounds (each given the weeks before it, as planned)."
    )
    gap: float
    attendance_points: int
    solves: int
    weeks: list[TeamWeekOut]
    members: list[MemberOut]
    left_out: list[str]


def team_schema_json() -> str:
    return json.dumps(TeamReport.model_json_schema(), indent=2, ensure_ascii=False) + "\n"


def is_team_report(data: bytes) -> bool:
    """Whether report bytes are a team report (``brainfit view`` draws either kind): a JSON
    object with the team report's own keys, which a person's report never has."""
    try:
        obj = json.loads(data)
    except ValueError:
        return False
    return isinstance(obj, dict) and {"team", "members", "left_out"} <= obj.keys()


def read_team_report(path: Path, data: bytes) -> TeamReport:
    """A team report read back and validated; another schema version fails on its version,
    not on the fields that changed with it."""
    version = json.loads(data).get("schema_version")
    if version != TEAM_SCHEMA_VERSION:
        raise ReportError(
            f"team schema_version {version} is not the {TEAM_SCHEMA_VERSION} this version reads",
            file=path,
            fix="Plan the team again with this version of brainfit",
        )
    return validate(
        TeamReport,
        data,
        path=path,
        error=ReportError,
        fix="Pass a team-report.json written by `brainfit group` (see `brainfit schema --team`)",
        json=True,
    )


def terms_of(plan: Plan, rules: RuleSet) -> list[TermOut]:
    weights = {r.id: sign(r) * r.weight for r in rules.soft}
    return [
        TermOut(rule=name, weight=weights[name], raw=plan.raw[name], points=plan.terms[name])
        for name in sorted(plan.terms)
    ]


def report_bytes(report: BaseModel) -> bytes:
    return (
        json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    ).encode()


def summary_lines(report: TeamReport) -> bytes:
    """One JSON object a line: each member, then the team (``--json``, for CI logs); each
    member's line names the team too, so lines of several teams stay apart."""
    lines: list[dict[str, object]] = [
        {
            "team": report.team,
            "member": m.id,
            "status": m.status,
            "objective": m.objective,
            "attended": m.attended,
            **({"reason": m.reason} if m.reason else {}),
        }
        for m in report.members
    ]
    lines.append(
        {
            "team": report.team,
            "week": report.week,
            "status": report.status,
            "objective": report.objective,
            "bound": report.bound,
            "gap": report.gap,
            "left_out": report.left_out,
            "weeks": [
                {
                    "week": w.week,
                    "status": w.status,
                    "objective": w.objective,
                    "bound": w.bound,
                    "gap": w.gap,
                }
                for w in report.weeks
            ],
        }
    )
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


# -- terminal ---------------------------------------------------------------------------------

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def overview(
    report: TeamReport,
    week: TeamWeekOut,
    rows: Sequence[tuple[str, Sequence[Session], set[int], int | None]],
    horizon: Horizon,
) -> Table:
    """One week, members × days: each day's sessions by kind, shared ones marked with *
    (``rows``: each member's sessions, the shared ones' starts and their points that week,
    None when they are not planned that week)."""
    verdict = (
        "proven optimal"
        if week.status == "OPTIMAL"
        else f"best found, bound {week.bound}, gap {week.gap:.1%}"
    )
    if len(report.weeks) > 1:
        verdict += " given the weeks before"
    table = Table(
        title=f"{report.team}, {week.week}: {verdict}, objective {week.objective}",
        caption="* shared session; ×n: n sessions of the kind that day",
    )
    table.add_column("member")
    for day in range(7):
        table.add_column(f"{DAY_NAMES[day]} {horizon.date(day):%d}")
    table.add_column("points", justify="right")
    left = {m.id: m for m in report.members if m.status == "left_out"}
    for member_id, sessions, shared_starts, points in rows:
        if points is None:
            table.add_row(f"{member_id} (left out: {left[member_id].reason})", *["–"] * 7, "")
            continue
        cells: list[Counter[str]] = [Counter() for _ in range(7)]
        for s in sorted(sessions, key=lambda s: s.start):
            mark = "*" if s.start in shared_starts else ""
            cells[horizon.day_of(s.start)][f"{_short(s.kind)}{mark}"] += 1
        table.add_row(
            member_id,
            *(" ".join(k if n == 1 else f"{k}×{n}" for k, n in c.items()) for c in cells),
            str(points),
        )
    return table


def _short(kind: str) -> str:
    """A kind in a few letters for the overview: "zone2" -> "zon", "hiit" -> "hii"."""
    return kind[:3]
