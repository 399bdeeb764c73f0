"""Damaged calendars: `brainfit plan` plans a checked week or refuses in a paragraph, no crash.

Hypothesis takes the valid calendars of tests/calendars/ and damages them the way files get
damaged: lines deleted, doubled or swapped, the file cut short, bytes flipped, and the values
the reader depends on (dates, TZIDs, RRULEs) rewritten. ``brainfit plan`` runs in this
process on each damaged file; it must either write a plan that ``brainfit check`` accepts, or
exit 2 (3 if the damage made the week impossible) with one paragraph naming the file. Exit 1
(an internal error) or a traceback is a bug in the reader, to be fixed there.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brainfit_solver.cli import main
from brainfit_solver.core.timegrid import iso_week_label, parse_week

CALENDARS = sorted((Path(__file__).parent / "calendars").glob("*.ics"))
FIRST_EVENT_START = re.compile(
    rb"BEGIN:V(?:EVENT|FREEBUSY).*?\n(?:DTSTART|FREEBUSY)[^:\r\n]*:(\d{4})(\d{2})(\d{2})", re.S
)
DATE_LINE = re.compile(rb"^(DTSTART|DTEND|RECURRENCE-ID|EXDATE|RDATE|DTSTAMP)([^:\r\n]*):", re.M)
EXAMPLES = 1000  # about 25 s: every example plans a week and checks it

pytestmark = pytest.mark.timeout(900)  # 140 s measured on a 2-core machine loaded 3.5x over


def week_of(data: bytes) -> str:
    """The ISO week of the first event, where the base calendar's events are."""
    match = FIRST_EVENT_START.search(data)
    assert match is not None
    return iso_week_label(
        parse_week(f"{match[1].decode()}-{match[2].decode()}-{match[3].decode()}")
    )


BASES = {path.name: (path.read_bytes(), week_of(path.read_bytes())) for path in CALENDARS}

# --- damage --------------------------------------------------------------------------------

GARBAGE_VALUES = st.sampled_from(
    [
        b"",
        b"X",
        b"2026-11-10T10:00:00",
        b"20261310T100000",
        b"20261131T250000Z",
        b"20261110T100000ZZ",
        b"99999999T999999",
        b"20261110",
        b"20261110T1000",
        b"00000000T000000",
        b"19000101T000000Z",
        b"29991231T235959",
        b"20261110T100000,",
        b"P1W",
        b"\xc3\x28",
    ]
)
GARBAGE_TZIDS = st.sampled_from(
    [
        b"Mars/Olympus",
        b'"W. Europe Standard Time"',
        b"",
        b'"unterminated',
        b"/mozilla.org/20050126_1/Europe/Berlin",
        b"Europe/Berlin;TZID=America/New_York",
        b"UTC",
        b"Etc/GMT+14",
        b"../../etc/passwd",
    ]
)
GARBAGE_RULES = st.lists(
    st.sampled_from(
        [
            b"FREQ=WEEKLY",
            b"FREQ=DAILY",
            b"FREQ=SECONDLY",
            b"FREQ=FORTNIGHTLY",
            b"COUNT=-1",
            b"COUNT=0",
            b"COUNT=99999999999",
            b"INTERVAL=0",
            b"INTERVAL=1000000",
            b"UNTIL=garbage",
            b"UNTIL=20000101T000000Z",
            b"UNTIL=20261231",
            b"BYDAY=XX",
            b"BYDAY=MO,TU",
            b"BYDAY=+53FR",
            b"BYMONTHDAY=31",
            b"BYMONTHDAY=0",
            b"BYSETPOS=-1",
            b"BYHOUR=25",
            b"WKST=SU",
            b"",
        ]
    ),
    min_size=0,
    max_size=4,
)


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes, str]:
    """(base name, damaged bytes, the base's week)."""
    name = draw(st.sampled_from(sorted(BASES)))
    data, week = BASES[name]
    for _ in range(draw(st.integers(1, 3))):
        data = draw(st.sampled_from(DAMAGES))(draw, data)
    return name, data, week


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def delete_line(draw: st.DrawFn, data: bytes) -> bytes:
    lines = _lines(data)
    del lines[draw(st.integers(0, len(lines) - 1))]
    return b"\n".join(lines)


def duplicate_line(draw: st.DrawFn, data: bytes) -> bytes:
    lines = _lines(data)
    index = draw(st.integers(0, len(lines) - 1))
    lines.insert(index, lines[index])
    return b"\n".join(lines)


def swap_lines(draw: st.DrawFn, data: bytes) -> bytes:
    lines = _lines(data)
    a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    lines[a], lines[b] = lines[b], lines[a]
    return b"\n".join(lines)


def truncate(draw: st.DrawFn, data: bytes) -> bytes:
    return data[: draw(st.integers(0, len(data)))]


def flip_byte(draw: st.DrawFn, data: bytes) -> bytes:
    if not data:
        return data
    index = draw(st.integers(0, len(data) - 1))
    return data[:index] + bytes([data[index] ^ draw(st.integers(1, 255))]) + data[index + 1 :]


def corrupt_date(draw: st.DrawFn, data: bytes) -> bytes:
    found = list(DATE_LINE.finditer(data))
    if not found:
        return data
    match = draw(st.sampled_from(found))
    end = data.find(b"\n", match.end())
    end = len(data) if end < 0 else end
    tail = b"\r" if data[end - 1 : end] == b"\r" else b""
    return data[: match.end()] + draw(GARBAGE_VALUES) + tail + data[end:]


def corrupt_tzid(draw: st.DrawFn, data: bytes) -> bytes:
    found = list(re.finditer(rb"TZID=(\"[^\"]*\"|[^;:\r\n]*)", data))
    if not found:
        return data
    match = draw(st.sampled_from(found))
    return data[: match.start(1)] + draw(GARBAGE_TZIDS) + data[match.end(1) :]


def corrupt_rrule(draw: st.DrawFn, data: bytes) -> bytes:
    rule = b";".join(draw(GARBAGE_RULES))
    found = list(re.finditer(rb"^RRULE:([^\r\n]*)", data, re.M))
    if found:
        match = draw(st.sampled_from(found))
        return data[: match.start(1)] + rule + data[match.end(1) :]
    at = data.find(b"\nDTSTART")  # give an event a rule of its own
    return data if at < 0 else data[: at + 1] + b"RRULE:" + rule + b"\r\n" + data[at + 1 :]


def insert_line(draw: st.DrawFn, data: bytes) -> bytes:
    lines = _lines(data)
    line = draw(
        st.sampled_from(
            [
                b"BEGIN:VEVENT",
                b"END:VEVENT",
                b"BEGIN:VALARM",
                b"DTSTART:20261110T100000Z",
                b"DURATION:-PT1H",
                b"DURATION:P99999999W",
                b"RECURRENCE-ID:20261110T100000Z",
                b"RECURRENCE-ID;RANGE=THISANDFUTURE:20261110T100000Z",
                b"UID:",
                b"STATUS:CANCELLED",
                b"TRANSP:OPAQUE",
                b"X-WR-TIMEZONE:Europe/Atlantis",
                b"X-WR-TIMEZONE:Pacific Standard Time",
                b" folded continuation",
                b"no colon here",
                b"\xff\xfe",
            ]
        )
    )
    lines.insert(draw(st.integers(0, len(lines))), line + b"\r")
    return b"\n".join(lines)


DAMAGES = [
    delete_line,
    duplicate_line,
    swap_lines,
    truncate,
    flip_byte,
    corrupt_date,
    corrupt_tzid,
    corrupt_rrule,
    insert_line,
]

# --- the property --------------------------------------------------------------------------


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(damaged())
def test_plan_on_a_damaged_calendar_plans_a_checked_week_or_refuses_cleanly(
    case: tuple[str, bytes, str],
) -> None:
    name, data, week = case
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        out = Path(folder) / "week.ics"
        runner = CliRunner()
        result = runner.invoke(main, ["plan", str(path), "--week", week, "-o", str(out), "--quiet"])
        output = result.output
        assert "Traceback" not in output and result.exit_code in (0, 2, 3), (
            f"exit {result.exit_code} on damaged {name}: {output}{result.exception!r}"
        )
        if result.exit_code == 0:
            check = runner.invoke(main, ["check", str(out), str(path)])
            assert check.exit_code == 0, f"{name}: {check.output}"
            return
        assert not out.exists()
        # A file read past faults that cannot change busy time is warned about once, before
        # the week turns out impossible (exit 3); a refused file (exit 2) gets no warning.
        if result.exit_code == 3:
            output = re.sub(rf"\Awarning: {re.escape(str(path))}: [^\n]*\n", "", output)
        assert output.startswith("error: "), output
        if result.exit_code == 2:  # bad input: one paragraph naming the file
            assert str(path) in output and output.strip().count("\n") == 0, output
