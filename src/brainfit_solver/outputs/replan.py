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

from icalendar import Component, Event

from ..calendars.previous import PreviousEvent, categories
from ..core.domain import Session
from ..core.planfile import session_uid
from ..core.timegrid import UTC

__all__ = ["assign_uids", "cancelled_event", "changed"]


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

    def end() -> tuple[object, ...]:
        """The end a person sees, whether the file gives it as DTEND or as DURATION (RFC 5545
        §3.6.1): a client that rewrote one as the other changed nothing."""
        if "dtend" in event or "duration" not in event or "dtstart" not in event:
            return moment("dtend")
        value = event.decoded("dtstart") + event.decoded("duration")
        zone = str(event["dtstart"].params.get("TZID", "")) or str(getattr(value, "tzinfo", ""))
        return (value.astimezone(UTC) if isinstance(value, dt.datetime) else value, zone)

    def text(name: str) -> str:
        return str(event.get(name, ""))

    return (
        moment("dtstart"),
        end(),
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
    return "categories" in old and categories(new) != categories(old)


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
