"""A machine without Node.js skips the ical.js tests, but CI must fail them: a skip in CI would
hide the strongest interop check (Thunderbird's own parser) behind a green run.

Each test runs the fixtures' own logic (`consumers.icaljs_or_skip`) with a PATH that holds no
node and no npm, and an empty cache, so nothing is installed and nothing is found.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .consumers import icaljs_or_skip


def outcome(cache: Path) -> BaseException | None:
    """How `icaljs_or_skip` ends the test: its skip or failure, caught here so that a skip
    cannot pass for this test's own result."""
    try:
        icaljs_or_skip(cache)
    except (pytest.skip.Exception, pytest.fail.Exception) as ended:
        return ended
    return None


@pytest.fixture
def no_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty PATH directory and an empty ical.js cache; returns the cache."""
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return tmp_path / "node-cache"


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "yes"])
def test_under_ci_missing_node_fails_the_icaljs_tests_instead_of_skipping(
    no_node: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CI", value)
    ended = outcome(no_node)
    assert isinstance(ended, pytest.fail.Exception), f"not a failure: {ended!r}"
    assert "required under CI=true" in str(ended)
    assert "node and npm must be on PATH" in str(ended)


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_outside_ci_missing_node_skips_the_icaljs_tests_with_the_reason(
    no_node: Path, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    ended = outcome(no_node)
    assert isinstance(ended, pytest.skip.Exception), f"not a skip: {ended!r}"
    assert "ical.js unavailable: node and npm must be on PATH" in str(ended)
