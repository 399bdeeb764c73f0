"""The README's promises: two quick-start commands, CI running the same test command, and a
Python API example that runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _block_after(heading: str) -> str:
    section = README.split(f"## {heading}", 1)[1]
    match = re.search(r"```\w*\n(.*?)```", section, re.S)
    assert match, f"no code block under {heading}"
    return match.group(1)


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second() -> None:
    commands = [line for line in _block_after("Quick start").splitlines() if line.strip()]
    assert len(commands) == 2
    assert "brainfit plan" in commands[0] and "pytest" in commands[1]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()


def test_python_api_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = _block_after("Python API")
    monkeypatch.chdir(REPO)
    code = code.replace('"week.ics"', repr(str(tmp_path / "week.ics")))
    exec(compile(code, "README.md", "exec"), {"print": lambda *a: None})
    assert (tmp_path / "week.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
