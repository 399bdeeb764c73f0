"""`brainfit plan` over calendars written by others: a checked plan or a clean error, never a crash.

The corpus is the iCalendar test files that the installed ``icalendar`` and
``recurring-ical-events`` distributions ship: exports of Google, Outlook/Exchange, Thunderbird,
SabreDAV/Nextcloud, Apple, Evolution, DAVx5, Zimbra-like servers and many hand-made edge cases,
valid and broken. Each file is planned for the week of its first DTSTART (so its events are
really read, not just parsed), through the command line in this process, and then:

- exit 0: the plan written must pass ``brainfit check`` against the same file, and a file
  read past faults that cannot change busy time gets one warning line naming it;
- exit 2 (bad input) or 3 (the rules cannot hold): one paragraph naming the file;
- anything else (exit 1, a traceback) fails the test: that is a bug in the reader.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
from click.testing import CliRunner

from brainfit_solver.calendars.reading import load_calendar, week_from_calendars
from brainfit_solver.cli import main
from brainfit_solver.core.errors import InputError
from brainfit_solver.core.timegrid import Horizon, iso_week_label, zone
from brainfit_solver.rules.profile import BusyPolicy, StudyRecognition

ROOTS = {
    "icalendar": Path(icalendar.__file__).parent / "tests",
    "recurring_ical_events": Path(recurring_ical_events.__file__).parent / "test",
}
CORPUS = sorted(path for root in ROOTS.values() for path in root.rglob("*.ics"))
FIRST_START = re.compile(rb"^DTSTART[^:\r\n]*:(\d{4})(\d{2})(\d{2})", re.MULTILINE)
FALLBACK_WEEK = "2026-W46"


def name_of(path: Path) -> str:
    for package, root in ROOTS.items():
        if path.is_relative_to(root):
            return f"{package}/{path.relative_to(root)}"
    return str(path)


def week_of(path: Path) -> str:
    """The ISO week of the file's first DTSTART, so its events land in the planned week."""
    match = FIRST_START.search(path.read_bytes())
    if match is None:
        return FALLBACK_WEEK
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return FALLBACK_WEEK
    return iso_week_label(day - dt.timedelta(days=day.weekday()))


def test_the_corpus_is_installed() -> None:
    """Fails loudly, rather than passing on nothing, if a release stops shipping its tests."""
    for package, root in ROOTS.items():
        assert len(list(root.rglob("*.ics"))) >= 50, f"{package} ships no test calendars"


@pytest.mark.parametrize("path", CORPUS, ids=name_of)
def test_plan_gives_a_checked_plan_or_a_clean_error(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "week.ics"
    runner = CliRunner()
    result = runner.invoke(main, ["plan", str(path), "--week", week_of(path), "-o", str(out)])
    output = result.output
    assert "Traceback" not in output and result.exit_code in (0, 2, 3), (
        f"exit {result.exit_code}: {output}{result.exception!r}"
    )
    if result.exit_code == 0:
        warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
        assert len(warnings) <= 1, warnings
        assert all(line.startswith(f"warning: {path}: ") for line in warnings), warnings
        check = runner.invoke(main, ["check", str(out), str(path)])
        assert check.exit_code == 0, check.output
        return
    assert not out.exists()
    message = output.strip()
    if result.exit_code == 3:  # the week is impossible after reading past a warned fault
        message = re.sub(rf"\Awarning: {re.escape(str(path))}: [^\n]*\n", "", message)
    assert message.startswith("error: ") and str(path) in message
    assert message.count("\n") == 0 or result.exit_code == 3  # 3 lists what would work


@pytest.mark.parametrize("path", CORPUS, ids=name_of)
def test_the_prefilter_changes_nothing_on_the_corpus(path: Path) -> None:
    label = week_of(path)
    year, week = int(label[:4]), int(label[6:])
    first = dt.date.fromisocalendar(year, week, 1)
    outcomes = []
    for dates in (None, (first, first + dt.timedelta(days=6))):
        try:
            loaded = load_calendar(path, dates=dates)
            horizon = Horizon(zone("UTC"), first)
            week_read = week_from_calendars(
                [loaded], horizon, study=StudyRecognition(), busy=BusyPolicy()
            )
            outcomes.append((week_read, loaded.zone_hint, loaded.latest_stamp))
        except InputError as exc:
            outcomes.append((type(exc).__name__, exc.render()))
    assert outcomes[0] == outcomes[1]
