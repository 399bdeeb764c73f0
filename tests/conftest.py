"""Shared fixtures. Builders live in tests/support.py; real clients in tests/clients/."""

from __future__ import annotations

import pytest

from brainfit_solver.rules import RuleSet, load_rules


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never depend on today's date or the machine's zone unless they say so."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules()
