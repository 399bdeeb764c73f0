"""Tooling is part of the code: the tree stays ruff-clean and formatted, and src/ passes mypy
in strict mode, so a lint regression fails CI like any other test."""

from __future__ import annotations

import subprocess
import sys

from support import REPO


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,  # mypy takes about 25 s on a loaded machine
        check=False,
    )


def test_ruff_finds_nothing_and_the_code_is_formatted() -> None:
    lint = _run("ruff", "check", "src", "tests", "benchmarks")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = _run("ruff", "format", "--check", "src", "tests", "benchmarks")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_mypy_strict_passes_on_src() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
