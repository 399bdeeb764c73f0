"""A plan as an iCalendar file that real calendar clients import (RFC 5545).

Identity is what makes re-importing safe: each session's UID is derived from the profile's
name, the ISO week and the session's kind and ordinal within its kind (not its time), so a
re-planned week updates the same events instead of adding copies. DTSTAMP comes from
SOURCE_DATE_EPOCH when set, else from the newest stamp in the input calendars, else from the
week itself: identical inputs give byte-identical files. Serialisation (line folding at 75
octets, CRLF, escaping) is left to the icalendar library.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from icalendar import Alarm, Calendar, Component, Event

from .. import __version__
from ..core.domain import Session
from ..core.planfile import CATEGORY, DROPPED_PROPERTY, KIND_PROPERTY, session_uid
from ..core.timegrid import UTC, Horizon
from ..rules.ruleset import RuleSet
from .files import write_files
from .vtimezone import vtimezone

PRODID = f"-//brainfit-solver//brainfit {__version__}//EN"
_END = b"END:VCALENDAR\r\n"


def source_date_epoch() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a moment, when set. Read where a request is made and carried
    with it to every task (``pipeline.Request.epoch``): a worker process or a Dask worker
    has an environment of its own, so a task never reads it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return dt.datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else None


def output_stamp(
    horizon: Horizon, latest_input: dt.datetime | None, epoch: dt.datetime | None
) -> dt.datetime:
    """The DTSTAMP for every event: reproducible (``epoch``, ``source_date_epoch``, when
    set), and newer when the inputs are newer."""
    if epoch is not None:
        return epoch
    if latest_input is not None:
        return latest_input.astimezone(UTC).replace(microsecond=0)
    return (horizon.start - dt.timedelta(days=7)).astimezone(UTC)


def identified(
    sessions: tuple[Session, ...], owner: str, week_label: str
) -> list[tuple[str, Session]]:
    """Sessions in time order, each with its stable UID (kind and ordinal within the kind),
    or the UID a re-plan assigned it (``Session.uid``, see ``outputs.replan``)."""
    ordinals: Counter[str] = Counter()
    out = []
    for session in sorted(sessions, key=lambda s: (s.start, s.kind)):
        ordinals[session.kind] += 1
        uid = session.uid or session_uid(owner, week_label, session.kind, ordinals[session.kind])
        out.append((uid, session))
    return out


def session_title(rules: RuleSet, session: Session) -> str:
    """What a person reads in their calendar: "Zone 2 cardio — 60 min rowing"."""
    kind = rules.kinds[session.kind]
    title = f"{kind.title} — {session.minutes} min"
    return f"{title} {session.modality}" if session.modality else title


def session_description(rules: RuleSet, session: Session) -> str:
    kind = rules.kinds[session.kind]
    intensity = {"low": "low", "moderate": "moderate", "high": "high (all-out efforts)"}
    lines = [
        f"What to do: {kind.protocol}",
        f"How long: {session.minutes} min. Intensity: {intensity[kind.intensity]}.",
        f"Why it helps the brain: {kind.why}",
        f'Source: "{kind.cites}"',
    ]
    if session.anchor:
        lines.insert(2, f"Right before: {session.anchor}")
    return "\n".join(lines)


def dropped_note(rules: RuleSet, dropped: tuple[str, ...]) -> str:
    """The line a ``--relax soft`` plan adds to every event: which rules it breaks."""
    listed = "; ".join(f"{rule_id} ({rules.rule_text(rule_id)})" for rule_id in dropped)
    return f"This week's plan drops: {listed}."


@dataclass(frozen=True)
class Placed:
    """A session as the file writes it: its week, its UID and SEQUENCE, and the rules its
    week's plan drops (``--relax soft``), which its description names."""

    session: Session
    horizon: Horizon
    uid: str
    sequence: int = 0
    dropped: tuple[str, ...] = ()


def plan_file(
    placed: Sequence[Placed],
    rules: RuleSet,
    *,
    first: Horizon,
    last: Horizon,
    stamp: dt.datetime,
    dropped: Sequence[str] = (),
    repeat: int = 0,
    extra: Sequence[Component] = (),
    rendered: Sequence[bytes] = (),
) -> bytes:
    """The one exporter: the weeks ``first`` to ``last`` as one file (one week is the case
    ``first == last``), the sessions in the order given, then ``extra`` (a re-plan's
    cancelled and carried-over events), then ``rendered`` (events already written, such as
    a group's shared events, the same bytes in every member's file). ``dropped`` is every
    rule a relaxed week breaks (X-BRAINFIT-DROPPED); ``repeat`` > 0 makes each session a
    weekly series of that many."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    label = first.label if first.monday == last.monday else f"{first.label} to {last.label}"
    cal.add("x-wr-calname", f"BrainFit {label}")
    cal.add("x-wr-timezone", first.tz_name)
    if dropped:
        cal.add(DROPPED_PROPERTY, ",".join(dropped))
    cal.add_component(vtimezone(first.tz_name, first.monday, last.end.date()))
    for p in placed:
        event = session_event(
            p.session, rules, p.horizon, uid=p.uid, stamp=stamp, sequence=p.sequence
        )
        if p.dropped:
            text = f"{event.pop('description')}\n{dropped_note(rules, p.dropped)}"
            event.add("description", text)
        if repeat:
            event.add("rrule", {"freq": "weekly", "count": repeat})
        cal.add_component(event)
    for component in extra:
        cal.add_component(component)
    return with_rendered(cal, rendered)


def with_rendered(cal: Calendar, rendered: Sequence[bytes]) -> bytes:
    """``cal`` as icalendar writes it, followed by events already written (``rendered``).

    icalendar writes a calendar as its own lines, its components' in order, then its END
    line: components rendered once for many files (a group's shared events, in every
    attendee's file and the coach's) go just before that line, the bytes of the same file
    given them as components."""
    written = bytes(cal.to_ical())
    if not rendered:
        return written
    if not written.endswith(_END):
        raise AssertionError("internal error: a calendar icalendar wrote ends otherwise")
    return b"".join([written.removesuffix(_END), *rendered, _END])


def session_event(
    session: Session,
    rules: RuleSet,
    horizon: Horizon,
    *,
    uid: str,
    stamp: dt.datetime,
    sequence: int = 0,
) -> Event:
    title = session_title(rules, session)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", unambiguous(horizon.to_datetime(session.start)))
    event.add("dtend", unambiguous(horizon.to_datetime(session.end)))
    event.add("summary", title)
    event.add("description", session_description(rules, session))
    event.add("categories", [CATEGORY, session.kind])
    event.add(KIND_PROPERTY, session.kind)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", title)
    lead = 0 if not rules.kinds[session.kind].buffer else 10
    alarm.add("trigger", dt.timedelta(minutes=-lead))
    event.add_component(alarm)
    return event


def unambiguous(moment: dt.datetime) -> dt.datetime:
    """A local time, or UTC when the wall-clock time occurs twice (the hour repeated when
    clocks go back): clients disagree on which of the two a TZID time means, but not on UTC."""
    other = moment.replace(fold=1 - moment.fold)
    return moment.astimezone(UTC) if other.utcoffset() != moment.utcoffset() else moment


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write a whole file or nothing: a temporary file beside it, then a rename; refused
    (``OutputError``) where ``outputs.files`` refuses to write (see there)."""
    write_files([(path, data)])
