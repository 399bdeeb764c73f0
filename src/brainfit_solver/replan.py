"""Re-planning against a previous plan: what to keep, which UID each session keeps, SEQUENCE.

Calendar clients match events by UID and apply the copy with the higher SEQUENCE
(RFC 5545 §3.8.4.7, §3.8.7.4; RFC 5546 §2.1.4), so a re-plan that reuses each session's UID
and raises SEQUENCE when the event changed is applied as an update, never as a duplicate:

- **Kept or moved.** The solver is rewarded (the ``stability`` soft rule) for every previous
  session it keeps with the same kind and start. After solving, a session that kept its
  start keeps its UID; the other sessions of a kind take the remaining previous UIDs of that
  kind in time order; only sessions beyond the previous count get new UIDs.
- **SEQUENCE.** previous + 1 when anything a person sees changed (times, zone, title, text,
  status), the previous value when nothing did, 0 for a new UID.
- **Cancelled.** A previous session the new plan no longer has is emitted again with
  STATUS:CANCELLED and SEQUENCE + 1, so clients remove it.
- **The past.** Sessions that had started by "now" are kept exactly (a hard rule,
  ``keep_past``) and nothing new is planned before now. A past session that no longer fits
  the calendar (an event was added over it afterwards) is not forced; it is cancelled.
- **Outside the re-planned weeks.** Previous events outside the planned weeks are carried
  over unchanged, so the new file is the whole current state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from icalendar import Calendar, Component, Event
from ortools.sat.python import cp_model

from .domain import EarlierEvent, Session
from .errors import CalendarError, ProfileError
from .ics_out import CATEGORY, KIND_PROPERTY, UID_DOMAIN, session_uid
from .model import WeekModel
from .rules import RuleSet
from .timegrid import UTC, Horizon, iso_week_label
from .week import Week

__all__ = [
    "PreviousEvent",
    "PreviousPlan",
    "assign_uids",
    "cancelled_event",
    "changed",
    "parse_now",
    "read_previous",
    "with_previous",
]


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
        (``ics_out.session_uid`` hashes the owner, the ISO week, the kind and an ordinal),
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
        (``week.with_days_before``)."""
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
        start, end = component.decoded("dtstart"), component.decoded("dtend")
        if not isinstance(start, dt.datetime) or start.tzinfo is None:
            raise CalendarError(f"event {component.get('uid')} has no zoned start", file=source)
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


def _categories(event: Component) -> list[str]:
    listed = event.get("categories")
    listed = listed if isinstance(listed, list) else [listed] if listed is not None else []
    return [str(c).strip() for item in listed for c in getattr(item, "cats", ())]


def _stated_kind(event: Component) -> str | None:
    """The kind an event states (``X-BRAINFIT-KIND``, else the category next to
    ``BrainFit``), "" for one of the tool's UIDs stating none, None for an event not BrainFit's."""
    kind = event.get(KIND_PROPERTY)
    if kind is not None:
        return str(kind)
    categories = _categories(event)
    if CATEGORY in categories:
        return next((c for c in categories if c != CATEGORY), "")
    return "" if str(event.get("uid", "")).endswith(f"@{UID_DOMAIN}") else None


def parse_now(text: str | None, tz: dt.tzinfo) -> dt.datetime:
    """ "Now" for re-planning: ``text`` (ISO 8601; a time without offset is in ``tz``), else
    SOURCE_DATE_EPOCH, else the clock."""
    import os

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


def _fits(week: Week, session: Session) -> bool:
    return bool(WeekModel(cp_model.CpModel(), week).hosts(session, same_end=True))


def with_previous(week: Week, previous: PreviousPlan, now: dt.datetime) -> Week:
    """The week with the previous plan's sessions in it, the started ones pinned, and no new
    session before ``now``."""
    horizon = week.horizon
    sessions = tuple(
        Session(
            kind=e.kind,
            start=horizon.to_minute(e.start),
            end=horizon.to_minute(e.end),
            modality=week.modality(e.kind),
            uid=e.uid,
        )
        for e in previous.active_in(horizon)
        if e.kind in week.rules.kinds
    )
    cutoff = horizon.to_minute(now)
    started = [s for s in sessions if s.start < cutoff]
    base = dataclasses.replace(week, previous=sessions)
    pinned = tuple(s for s in started if _fits(base, s))
    return dataclasses.replace(base, pinned=pinned, not_before=max(0, cutoff))


def assign_uids(
    sessions: Iterable[Session],
    previous: Sequence[Session],
    *,
    owner: str,
    week_label: str,
    taken: set[str],
) -> tuple[Session, ...]:
    """Each new session with the UID it keeps (see the module docstring); ``taken`` holds
    every UID already in use and is updated."""
    ordered = sorted(sessions, key=lambda s: (s.start, s.kind))
    uid_of: dict[int, str] = {}
    left = {id(p): p for p in previous}
    for i, s in enumerate(ordered):
        same = next((p for p in left.values() if p.kind == s.kind and p.start == s.start), None)
        if same is not None and same.uid is not None:
            uid_of[i] = same.uid
            del left[id(same)]
    for kind in sorted({s.kind for s in ordered}):
        free = sorted((p for p in left.values() if p.kind == kind), key=lambda p: p.start)
        moved = [i for i, s in enumerate(ordered) if s.kind == kind and i not in uid_of]
        for i, p in zip(moved, free, strict=False):
            assert p.uid is not None
            uid_of[i] = p.uid
    taken.update(uid_of.values())
    out = []
    for i, s in enumerate(ordered):
        if i not in uid_of:
            n = 1
            while session_uid(owner, week_label, s.kind, n) in taken:
                n += 1
            uid_of[i] = session_uid(owner, week_label, s.kind, n)
            taken.add(uid_of[i])
        out.append(dataclasses.replace(s, uid=uid_of[i]))
    return tuple(out)


def _fingerprint(event: Component) -> tuple[object, ...]:
    """What a person sees of an event: times and their zone, texts, status, kind."""

    def moment(name: str) -> tuple[object, ...]:
        prop = event.get(name)
        if prop is None:
            return ()
        value = prop.dt
        zone = str(prop.params.get("TZID", "")) or str(getattr(value, "tzinfo", ""))
        instant = value.astimezone(UTC) if isinstance(value, dt.datetime) else value
        return (instant, zone)

    def text(name: str) -> str:
        return str(event.get(name, ""))

    return (
        moment("dtstart"),
        moment("dtend"),
        text("summary"),
        text("description"),
        text("location"),
        text("status").upper(),
        text("transp").upper(),
        str(event.get("rrule", "")),
    )


def changed(new: Component, old: Component) -> bool:
    """Whether anything a person sees differs between two versions of one event. The kind
    (``X-BRAINFIT-KIND``) is not seen, and its change shows in the title; CATEGORIES count
    only when the old copy has them: a client that dropped them on export drops them again."""
    if _fingerprint(new) != _fingerprint(old):
        return True
    return "categories" in old and _categories(new) != _categories(old)


def cancelled_event(old: PreviousEvent, stamp: dt.datetime) -> Event:
    """The previous event again, STATUS:CANCELLED with SEQUENCE + 1 (RFC 5546 §3.2.5)."""
    event = Event()
    for name, value in old.component.property_items(recursive=False):
        if name in ("BEGIN", "END", "DTSTAMP", "SEQUENCE", "STATUS"):
            continue
        event.add(name, value, encode=False)
    event.add("dtstamp", stamp)
    event.add("sequence", old.sequence + 1)
    event.add("status", "CANCELLED")
    return event
