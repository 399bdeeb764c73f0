"""examples/ci/ cannot rot: the workflow's ``run:`` steps run as written, in a temporary copy
of the repository's examples, and must plan the team, check every member's plan and leave
the files the upload step names.

Without network the install step cannot fetch the package: it is checked to install
brainfit-solver, and the tool this test runs is the one installed from this checkout
(``pip install -e .``, whose ``brainfit`` is put first on PATH)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from support import REPO

WORKFLOW = REPO / "examples" / "ci" / "workflow.yml"


def run_steps(text: str) -> list[tuple[str, str]]:
    """(name, script) of each step with ``run:``, read as GitHub reads a block scalar."""
    steps: list[tuple[str, str]] = []
    lines = text.splitlines()
    name = ""
    for k, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("- name:"):
            name = stripped.removeprefix("- name:").strip()
        if stripped.startswith("run:"):
            value = stripped.removeprefix("run:").strip()
            if value != "|":
                steps.append((name, value))
                continue
            indent = len(line) - len(line.lstrip()) + 2
            body = []
            for following in lines[k + 1 :]:
                if following.strip() and len(following) - len(following.lstrip()) < indent:
                    break
                body.append(following[indent:])
            steps.append((name, "\n".join(body).strip() + "\n"))
    return steps


def test_the_ci_workflow_plans_the_team_and_checks_every_plan(tmp_path: Path) -> None:
    steps = run_steps(WORKFLOW.read_text(encoding="utf-8"))
    install, *rest = steps
    assert "pip install" in install[1] and "brainfit-solver" in install[1]
    assert rest, "the workflow plans nothing"
    work = tmp_path / "repo"
    shutil.copytree(REPO / "examples", work / "examples")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "SOURCE_DATE_EPOCH": "1795000000",
    }
    for name, script in rest:
        done = subprocess.run(
            ["bash", "-e", "-c", script], cwd=work, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, (name, done.stdout, done.stderr)
        assert done.stdout.count("every hard rule holds") == 9, done.stdout
    report = json.loads((work / "plans" / "team-report.json").read_text(encoding="utf-8"))
    assert report["left_out"] == ["hanna"]
    uploaded = {p.name for p in (work / "plans").iterdir()}
    assert {"team.ics", "team-report.json", "summary.jsonl", "lena.ics"} <= uploaded
    stored = (REPO / "examples/team/expected/team-report.json").read_bytes()
    assert (work / "plans" / "team-report.json").read_bytes() == stored
