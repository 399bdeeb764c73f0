"""The package's shape, pinned: the sub-packages form layers that import only downwards (no
circle, even through an import inside a function), the checker and the calendar readers never
reach the model or OR-Tools, only the solving layers import OR-Tools, and the commands that do
not solve start without loading OR-Tools. docs/architecture.md draws the same layers."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO

PACKAGE = REPO / "src" / "brainfit_solver"
# Each layer and the layers it may import, bottom up. A module's layer is its sub-package
# (``model.person`` is in ``model``), or its own name for the top-level modules.
_LIBRARY = {"core", "rules", "calendars", "model", "solver", "explain", "check", "outputs"}
LAYERS: dict[str, set[str]] = {
    "core": set(),
    "rules": {"core"},
    "calendars": {"core", "rules"},
    "model": {"core", "rules", "calendars"},
    "solver": {"core", "rules", "model"},
    "explain": {"core", "rules", "model", "solver"},
    "check": {"core", "rules"},
    "outputs": {"core", "rules", "calendars", "check"},
    "weeks": {"core", "rules", "model", "solver", "explain"},
    "shared": {"core", "rules", "model", "solver", "explain"},
    "api": {"core", "rules", "calendars", "model", "check", "outputs"},
    "pipeline": _LIBRARY | {"weeks", "shared", "api"},
    "team": _LIBRARY | {"weeks", "shared", "api", "pipeline"},
    "web": _LIBRARY - {"solver", "explain"} | {"weeks", "api", "pipeline"},
    "cli": _LIBRARY - {"solver", "explain"}
    | {"weeks", "api", "pipeline", "team", "web", "__init__"},
    "__init__": set(),  # the facade names its modules in strings, loaded lazily
}
SOLVING = {
    "model",
    "solver",
    "explain",
    "weeks",
    "shared",
    "team",
}  # the only layers that import OR-Tools


def module_name(path: Path) -> str:
    """A module's name is its dotted path under the package: ``cli.plan``; a sub-package's
    ``__init__`` is the sub-package, ``cli`` (the package's own stays ``__init__``)."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def imports_of(path: Path) -> set[str]:
    """The package modules and outside top-level packages ``path`` imports, anywhere in it
    (an import inside a function is an edge too: it only hides a circle, it does not break
    one), apart from imports that exist for the type checker alone. A relative import is
    resolved from the module's own sub-package (``from ..errors`` in ``cli/plan.py`` is
    ``errors``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only |= {id(inner) for inner in ast.walk(node)}
    here = list(path.relative_to(PACKAGE).parent.parts)  # the module's sub-package
    modules = {module_name(p) for p in PACKAGE.rglob("*.py")}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
            if node.module:
                found.add(deepest(modules, [*base, *node.module.split(".")]))
            else:
                found.update(deepest(modules, [*base, alias.name]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found


def deepest(modules: set[str], parts: list[str]) -> str:
    """The longest prefix of ``parts`` that names a module of the package (``from ..rules
    import X`` names ``rules``; ``from . import common`` in ``cli`` names ``cli.common``)."""
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if name in modules:
            return name
    return ".".join(parts)


GRAPH = {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}
assert "cli.plan" in GRAPH and "core.errors" in GRAPH["cli.plan"], "sub-packages are in the graph"


def layer(module: str) -> str:
    return module.split(".")[0]


def reach(start: str) -> set[str]:
    """Every module and outside package reachable from ``start`` through imports."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for name in GRAPH.get(todo.pop(), set()):
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


def test_the_package_has_no_import_circle() -> None:
    circles = sorted(module for module in GRAPH if module in reach(module))
    assert circles == [], f"modules on an import circle: {circles}"


def test_every_module_is_in_a_known_layer() -> None:
    assert sorted({layer(m) for m in GRAPH} - set(LAYERS)) == []


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_each_module_imports_only_its_own_layer_and_the_layers_below(module: str) -> None:
    allowed = LAYERS[layer(module)] | {layer(module)}
    upward = sorted(m for m in GRAPH[module] if m in GRAPH and layer(m) not in allowed)
    assert upward == [], f"{module} imports upwards: {upward}"


def test_only_the_solving_layers_import_ortools() -> None:
    importers = sorted(m for m, imported in GRAPH.items() if "ortools" in imported)
    assert importers and all(layer(m) in SOLVING for m in importers), importers


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if layer(m) in {"check", "calendars"}))
def test_the_checker_and_the_calendar_readers_never_reach_the_model_or_ortools(
    module: str,
) -> None:
    reached = {layer(m) for m in reach(module)}
    assert not reached & (SOLVING | {"ortools"}), sorted(reached & (SOLVING | {"ortools"}))


def test_the_checker_does_not_read_calendars_with_the_planners_reader() -> None:
    """The checker re-reads the calendars on its own (``check.calendars``): a defect in the
    planner's reader cannot hide itself by fooling the check too."""
    reached = {m for c in GRAPH if layer(c) == "check" for m in reach(c)}
    assert not {layer(m) for m in reached} & {"calendars", "outputs"}


STUDENT = REPO / "examples" / "student"
COMMANDS = {
    "check": [
        "check",
        str(STUDENT / "expected-week.ics"),
        "--profile",
        str(STUDENT / "profile.toml"),
    ],
    "weights": ["weights"],
    "schema": ["schema"],
    "calendars": ["calendars", "--profile", str(STUDENT / "profile.toml")],
    "view": ["view", str(STUDENT / "expected-report.json"), "-o", "-"],
    "compare": [
        "compare",
        str(STUDENT / "expected-report.json"),
        str(STUDENT / "expected-report.json"),
    ],
}
PROBE = """
import json, sys
from click.testing import CliRunner
from brainfit_solver.cli import main
result = CliRunner().invoke(main, sys.argv[1:])
print(json.dumps([result.exit_code, "ortools" in sys.modules]))
"""


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_commands_that_do_not_solve_do_not_import_ortools(command: str) -> None:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *COMMANDS[command]],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    exit_code, loaded = json.loads(run.stdout.strip().splitlines()[-1])
    assert exit_code == 0, run.stdout
    assert not loaded, f"brainfit {command} imported OR-Tools"


def test_plan_does_import_ortools_so_the_probe_can_see_it() -> None:
    """The probe is not blind: a command that solves shows OR-Tools loaded."""
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            "plan",
            "--profile",
            str(STUDENT / "profile.toml"),
            "-o",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(run.stdout.strip().splitlines()[-1])[1] is True


def test_the_plan_command_plans_only_through_the_pipeline() -> None:
    """One pipeline for one week and many: `brainfit plan` neither solves, exports nor
    checks on its own, so no flag can take a second path around ``pipeline.run``."""
    around = {m for m in GRAPH["cli.plan"] if layer(m) in {"model", "solver", "explain", "weeks"}}
    around |= GRAPH["cli.plan"] & {"outputs.ics", "check.checker"}
    assert "pipeline" in GRAPH["cli.plan"] and not around, sorted(around)
