"""The README's promises: two quick-start commands, CI running the same test command, and a
Python API example that runs as written."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

import brainfit_solver
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
    for name in ("week.ics", "week.json"):
        code = code.replace(f'"{name}"', repr(str(tmp_path / name)))
    exec(compile(code, "README.md", "exec"), {"print": lambda *a: None})
    assert (tmp_path / "week.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert json.loads((tmp_path / "week.json").read_bytes())["weeks"][0]["week"] == "2026-W49"


DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_python_examples_import_only_from_the_package(document: Path) -> None:
    """Examples show the public API (``brainfit_solver.__all__``), never a module behind it."""
    text = document.read_text(encoding="utf-8")
    for block in re.findall(r"```python\n(.*?)```", text, re.S):
        for node in ast.walk(ast.parse(block)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("brainfit"):
                assert node.module == "brainfit_solver", (document.name, node.module)
                names = {alias.name for alias in node.names}
                assert names <= set(brainfit_solver.__all__), (document.name, names)
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("brainfit_solver.") for a in node.names)
