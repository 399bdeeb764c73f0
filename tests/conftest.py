"""Shared fixtures. Builders live in tests/support.py; real clients in tests/clients/.

Hangs: pytest-timeout (``timeout`` in pyproject.toml) fails a test that runs too long with
SIGALRM, and the suite goes on. A signal handler runs only when Python code runs, so a test
stuck inside C++ (a CP-SAT solve without a time limit) would never see it; for that case
`pytest_timeout_set_timer` below also arms faulthandler, which dumps every thread's stack and
ends the run with exit code 1 once the test is `HARD_STOP_GRACE_SECONDS` past its timeout.
"""

from __future__ import annotations

import faulthandler
import os
from typing import IO, Any

import pytest

from brainfit_solver.check import calendars
from brainfit_solver.rules.ruleset import RuleSet, load_rules

HARD_STOP_GRACE_SECONDS = 60
"""How long after its timeout a test that SIGALRM could not stop ends the whole run."""

_stderr_copy: list[IO[str]] = []
"""The terminal's stderr, duplicated once and kept open for faulthandler: while a test runs,
fd 2 is pytest's capture file, and what is written there is lost when the process ends."""


def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> None:
    """Arm the hard stop beside pytest-timeout's own timer (returning None lets it set that).

    pytest-timeout calls this between the test's phases, while pytest's capture is suspended,
    so fd 2 is still the real stderr here.
    """
    if not _stderr_copy:
        _stderr_copy.append(os.fdopen(os.dup(2), "w"))
    faulthandler.dump_traceback_later(
        settings.timeout + HARD_STOP_GRACE_SECONDS, exit=True, file=_stderr_copy[0]
    )


def pytest_timeout_cancel_timer(item: pytest.Item) -> None:
    faulthandler.cancel_dump_traceback_later()


def pytest_unconfigure(config: pytest.Config) -> None:
    while _stderr_copy:
        _stderr_copy.pop().close()


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never depend on today's date or the machine's zone unless they say so."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture(autouse=True)
def _fresh_checker_readings() -> None:
    """Each test's calendars are read by the checker afresh. It remembers the reading of the
    same bytes (``check.calendars._READ``); under mutmut, which forks each mutant's tests
    from a process that ran the suite on the real code, a remembered reading hid the
    mutant from every test whose calendar had been read before."""
    calendars._READ.clear()


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules()
