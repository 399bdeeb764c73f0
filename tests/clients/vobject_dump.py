"""Print how vobject (the parser inside Radicale) reads every VEVENT of an .ics file.

Usage: python vobject_dump.py FILE.ics
Output: a JSON array of {uid, summary, start, end}, start and end as UTC ISO 8601 strings,
the same shape icaljs_dump.mjs prints.

It runs as its own process because vobject keeps one registry of TZIDs for the whole process
and the first VTIMEZONE it sees for a TZID wins: in a shared process, a file read after another
with the same TZID would be read with the other file's definition.
"""

import datetime as dt
import json
import sys
from pathlib import Path

import vobject


def utc_iso(value: object, what: str) -> str:
    """The instant as UTC text; floating times and dates have no single instant to compare."""
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise SystemExit(f"vobject_dump: {what} is {value!r}, not a time with a zone")
    return value.astimezone(dt.UTC).isoformat()


def instant(event: vobject.base.Component) -> dict[str, str]:
    uid = event.uid.value
    if not hasattr(event, "dtend"):
        raise SystemExit(f"vobject_dump: VEVENT {uid} has no DTEND")
    return {
        "uid": uid,
        "summary": event.summary.value if hasattr(event, "summary") else "",
        "start": utc_iso(event.dtstart.value, f"DTSTART of {uid}"),
        "end": utc_iso(event.dtend.value, f"DTEND of {uid}"),
    }


def main(ics_path: str) -> None:
    calendar = vobject.readOne(Path(ics_path).read_text(encoding="utf-8"))
    sys.stdout.write(json.dumps([instant(event) for event in calendar.vevent_list]))


if __name__ == "__main__":
    main(sys.argv[1])
