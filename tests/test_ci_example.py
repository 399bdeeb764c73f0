"""examples/ci/ cannot rot: the workflow's ``run:`` steps run as written, in a temporary copy
of the repository, and must install the tool, plan the team, check every member's plan and
leave the files the upload step names.

The install step runs offline: in a new virtual environment that sees this test run's
installed packages (a ``.pth`` file), with pip told to use no index and the build backend
already installed (``PIP_NO_INDEX``, ``PIP_NO_BUILD_ISOLATION``). The ``python`` and
``brainfit`` the later steps run are that environment's, installed from the copy."""

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


NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.egg-info", ".mypy_cache", ".pytest_cache", ".ruff_cache"
)


def offline_environment(folder: Path) -> Path:
    """A new virtual environment whose ``python`` also sees this test run's packages, so
    pip installs the checkout offline; returns its ``bin`` folder."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    (site,) = folder.glob("lib/python*/site-packages")
    here = [p for p in sys.path if p.endswith("site-packages")]
    (site / "outer.pth").write_text("\n".join(here) + "\n", encoding="utf-8")
    return folder / "bin"


def test_the_ci_workflow_plans_the_team_and_checks_every_plan(tmp_path: Path) -> None:
    steps = run_steps(WORKFLOW.read_text(encoding="utf-8"))
    assert steps[0][0] == "Install brainfit-solver", steps
    assert len(steps) > 1, "the workflow plans nothing"
    work = tmp_path / "repo"
    shutil.copytree(REPO, work, ignore=NOT_COPIED)
    shutil.rmtree(work / "src" / "brainfit_solver.egg-info", ignore_errors=True)
    bin_folder = offline_environment(tmp_path / "venv")
    env = {
        **os.environ,
        "PATH": f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}",
        "SOURCE_DATE_EPOCH": "1795000000",
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # pip's spelling of "build with what is installed"
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    for name, script in steps:
        done = subprocess.run(
            ["bash", "-e", "-c", script], cwd=work, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, (name, done.stdout, done.stderr)
        if name.startswith("Plan"):
            assert done.stdout.count("every hard rule holds") == 9, done.stdout
    installed = subprocess.run(
        [
            str(bin_folder / "python"),
            "-c",
            "import brainfit_solver; print(brainfit_solver.__file__)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(tmp_path / "venv") in installed  # the later steps ran the tool just installed
    assert (bin_folder / "brainfit").exists()
    report = json.loads((work / "plans" / "team-report.json").read_text(encoding="utf-8"))
    assert report["left_out"] == ["hanna"]
    uploaded = {p.name for p in (work / "plans").iterdir()}
    assert {"team.ics", "team-report.json", "summary.jsonl", "lena.ics"} <= uploaded
    stored = (REPO / "examples/team/expected/team-report.json").read_bytes()
    assert (work / "plans" / "team-report.json").read_bytes() == stored
