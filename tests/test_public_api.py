"""The public facade: every name of ``brainfit_solver.__all__`` resolves to the object its
module defines, and importing the package alone loads none of the modules behind it (so a
script that only checks a plan starts without OR-Tools, as ``brainfit check`` does)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import brainfit_solver


def test_every_public_name_resolves_to_the_object_its_module_defines() -> None:
    table = brainfit_solver._EXPORTS
    assert set(brainfit_solver.__all__) == {"__version__", *table}
    for name, where in table.items():
        module, _, attribute = where.partition(":")
        defined = getattr(importlib.import_module(f"brainfit_solver.{module}"), attribute or name)
        assert getattr(brainfit_solver, name) is defined, name
    assert set(brainfit_solver.__all__) <= set(dir(brainfit_solver))


def test_a_function_named_like_a_module_stays_the_function_after_the_module_loads() -> None:
    """``brainfit_solver.check.checker`` is the checker's module once loaded; the facade's name for
    the checking function must not be rebound by that import."""
    importlib.import_module("brainfit_solver.check.checker")
    importlib.import_module("brainfit_solver.outputs.publish")
    assert callable(brainfit_solver.check_week)
    assert brainfit_solver.check_week.__module__ == "brainfit_solver.api"
    assert brainfit_solver.publish_plan.__module__ == "brainfit_solver.outputs.publish"


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        brainfit_solver.no_such_name  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("an unknown name resolved")


PROBE = """
import json, sys
import brainfit_solver
before = sorted(m for m in sys.modules if m.startswith("brainfit_solver."))
ortools = "ortools" in sys.modules
from brainfit_solver import check_weeks, load_inputs, CheckFailedError
print(json.dumps([before, ortools, "ortools" in sys.modules]))
"""


def test_importing_the_package_loads_no_module_behind_it_and_no_ortools() -> None:
    run = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    submodules, ortools_on_import, ortools_for_checking = json.loads(run.stdout)
    assert submodules == []
    assert not ortools_on_import
    assert not ortools_for_checking, "loading the checking names imported OR-Tools"
