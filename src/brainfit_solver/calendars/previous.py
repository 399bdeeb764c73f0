"""Reading a previously exported plan back: its BrainFit events, cancelled ones included.

A previous plan is an input like any calendar (``--previous``, ``brainfit publish``); what makes an
event one of the tool's sessions is the plan file's vocabulary (``core.planfile``). What a re-plan
then does with these events is in ``model.replan`` (what is kept and pinned) and
``outputs.replan`` (which UID and SEQUENCE each new session carries).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass

from icalendar import Calendar, Component, Event
from icalendar.error import InvalidCalendar

from ..core.domain import EarlierEvent
from ..core.errors import CalendarError, ProfileError
from ..core.planfile import CATEGORY, KIND_PROPERTY, UID_DOMAIN, session_uid
from ..core.timegrid import UTC, Horizon, iso_week_label
from ..rules.ruleset import RuleSet

__all__ = ["PreviousEvent", "PreviousPlan", "categories", "parse_now", "read_previous"]


@dataclass(frozen=True)
class PreviousEvent:
    """One BrainFit event of the previous plan, as the file states it."""

    uid: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    sequence: int
    cancelled: bool
    component: Event


@dataclass(frozen=True)
class PreviousPlan:
    """The BrainFit events of a previously exported plan (other events are ignored).

    An event is BrainFit's when it has ``X-BRAINFIT-KIND``, the ``BrainFit`` category or a
    UID of the tool's own (``…@brainfit-solver``): clients that drop X- properties on export
    keep UIDs, and most keep CATEGORIES. An event whose kind no property states has
    ``kind == ""`` until ``resolved`` reads it from its UID or title."""

    events: tuple[PreviousEvent, ...]
    source: str
    latest_stamp: dt.datetime | None

    def resolved(self, rules: RuleSet, owner: str) -> PreviousPlan:
        """The plan with each event of unstated kind given the kind its UID was made from
        (``core.planfile.session_uid`` hashes the owner, the ISO week, the kind and an ordinal),
        else the kind whose title its SUMMARY starts with; "" when neither tells."""
        if all(e.kind for e in self.events):
            return self
        titles: dict[str, list[str]] = {}
        for kind_id, kind in rules.kinds.items():
            titles.setdefault(kind.title, []).append(kind_id)
        events = []
        for e in self.events:
            found = e.kind
            if not found:
                label = iso_week_label(e.start.date() - dt.timedelta(days=e.start.weekday()))
                made = {
                    session_uid(owner, label, kind_id, n): kind_id
                    for kind_id in rules.kinds
                    for n in range(1, _ORDINALS + 1)
                }
                title = str(e.component.get("summary", "")).split(" — ")[0]
                by_title = titles.get(title, [])
                found = made.get(e.uid) or (by_title[0] if len(by_title) == 1 else "")
            events.append(dataclasses.replace(e, kind=found))
        return dataclasses.replace(self, events=tuple(events))

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a re-plan says about this file: a previous plan with no BrainFit session is
        almost always the wrong file (an ordinary calendar), and would keep nothing silently."""
        if not self.events:
            return (
                f"{self.source} holds no BrainFit sessions (no event has the {KIND_PROPERTY} "
                f"property, the {CATEGORY} category or a UID ending in @{UID_DOMAIN}), so "
                "nothing is kept from it: pass the .ics file `brainfit plan` wrote",
            )
        unknown = sum(not e.kind for e in self.events)
        if unknown:
            return (
                f"{self.source}: the kind of {unknown} BrainFit event(s) could not be read "
                f"({KIND_PROPERTY}, CATEGORIES, UID and title tell none of this rule set's "
                "kinds), so they are not kept",
            )
        return ()

    @property
    def uids(self) -> set[str]:
        return {e.uid for e in self.events}

    def active_in(self, horizon: Horizon) -> list[PreviousEvent]:
        """Sessions (not cancelled) starting inside the horizon, in time order."""
        return [
            e for e in self.events if not e.cancelled and horizon.start <= e.start < horizon.end
        ]

    def before(self, horizon: Horizon) -> list[EarlierEvent]:
        """Its events starting before the horizon, cancelled ones too: the sessions of the
        days before the planned span that rules looking across days must see
        (``model.week.with_days_before``)."""
        found = []
        for e in self.events:
            if e.start < horizon.start:
                listed = e.component.get("categories")
                listed = listed if isinstance(listed, list) else [listed] if listed else []
                names = (e.kind.strip(), *(str(c).strip() for cats in listed for c in cats.cats))
                summary = str(e.component.get("summary", ""))
                found.append(EarlierEvent(e.uid, names, summary, e.start, e.cancelled))
        return found

    def span(self) -> tuple[str, int] | None:
        """(first ISO week, number of weeks through the last one), None if it has no session."""
        starts = [e.start for e in self.events if not e.cancelled] or [e.start for e in self.events]
        if not starts:
            return None
        first, last = min(starts).date(), max(starts).date()
        first_monday = first - dt.timedelta(days=first.weekday())
        last_monday = last - dt.timedelta(days=last.weekday())
        return iso_week_label(first_monday), (last_monday - first_monday).days // 7 + 1


def read_previous(data: bytes, *, source: str = "previous plan") -> PreviousPlan:
    """The previous plan's BrainFit events, cancelled ones included."""
    try:
        cal = Calendar.from_ical(data)
    except ValueError as exc:
        raise CalendarError(
            f"the previous plan is not a readable iCalendar file ({exc})", file=source
        ) from exc
    events = []
    stamps = []
    for component in cal.walk("VEVENT"):
        kind = _stated_kind(component)
        if kind is None or not isinstance(component, Event):
            continue
        if "RRULE" in component:
            raise CalendarError(
                "the previous plan is a repeating template (--repeat); re-planning one is not "
                "supported",
                file=source,
                fix="Plan the weeks with --weeks instead of --repeat, then re-plan that file",
            )
        start = component.decoded("dtstart")
        try:  # DTEND, or DTSTART plus DURATION (RFC 5545 §3.6.1: either may give the end)
            end = component.end
        except InvalidCalendar as exc:
            raise CalendarError(
                f"event {component.get('uid')} has both DTEND and DURATION (RFC 5545 allows "
                "one) or neither",
                file=source,
                fix="Keep the one that gives the session's end",
            ) from exc
        if not isinstance(start, dt.datetime) or start.tzinfo is None:
            raise CalendarError(f"event {component.get('uid')} has no zoned start", file=source)
        if not isinstance(end, dt.datetime):
            raise CalendarError(f"event {component.get('uid')} has no zoned end", file=source)
        stamp = component.get("dtstamp")
        if stamp is not None and isinstance(stamp.dt, dt.datetime):
            stamps.append(stamp.dt.astimezone(UTC))
        events.append(
            PreviousEvent(
                uid=str(component.get("uid")),
                kind=str(kind),
                start=start,
                end=end,
                sequence=int(component.get("sequence", 0)),
                cancelled=str(component.get("status", "")).upper() == "CANCELLED",
                component=component,
            )
        )
    events.sort(key=lambda e: (e.start, e.kind, e.uid))
    return PreviousPlan(tuple(events), source, max(stamps, default=None))


_ORDINALS = 64  # session ordinals tried per kind when reading a kind back from a UID


def categories(event: Component) -> list[str]:
    """The names in an event's CATEGORIES, however many properties and lists hold them."""
    listed = event.get("categories")
    listed = listed if isinstance(listed, list) else [listed] if listed is not None else []
    return [str(c).strip() for item in listed for c in getattr(item, "cats", ())]


def _stated_kind(event: Component) -> str | None:
    """The kind an event states (``X-BRAINFIT-KIND``, else the category next to
    ``BrainFit``), "" for one of the tool's UIDs stating none, None for an event not BrainFit's."""
    kind = event.get(KIND_PROPERTY)
    if kind is not None:
        return str(kind)
    names = categories(event)
    if CATEGORY in names:
        return next((c for c in names if c != CATEGORY), "")
    return "" if str(event.get("uid", "")).endswith(f"@{UID_DOMAIN}") else None


def parse_now(text: str | None, tz: dt.tzinfo) -> dt.datetime:
    """ "Now" for re-planning: ``text`` (ISO 8601; a time without offset is in ``tz``), else
    SOURCE_DATE_EPOCH, else the clock."""
    if text:
        try:
            moment = dt.datetime.fromisoformat(text.strip())
        except ValueError as exc:
            raise ProfileError(
                f"--now {text!r} is not an ISO 8601 date and time",
                fix="Write it as 2026-12-02T12:00 (in the plan's zone) or with an offset",
            ) from exc
        return moment if moment.tzinfo else moment.replace(tzinfo=tz)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), UTC)
    return dt.datetime.now(UTC)
