"""The vocabulary of a BrainFit plan file, shared by the exporter, the re-planner and the checker.

What marks an event as one of the tool's sessions is part of the file format, not of any rule:
the checker must recognise exactly what the exporter writes without importing the exporter, so
both read these names from here.
"""

from __future__ import annotations

import hashlib

CATEGORY = "BrainFit"
KIND_PROPERTY = "X-BRAINFIT-KIND"
UID_DOMAIN = "brainfit-solver"  # every session UID ends in @brainfit-solver
DROPPED_PROPERTY = "X-BRAINFIT-DROPPED"  # rules a --relax soft plan declares it breaks


def session_uid(owner: str, week_label: str, kind: str, ordinal: int) -> str:
    """A session's UID: stable across re-plans because it names the kind and the ordinal within
    the kind, never the time."""
    digest = hashlib.sha256(f"{owner}\x1f{week_label}\x1f{kind}\x1f{ordinal}".encode()).hexdigest()
    return f"{digest[:32]}@{UID_DOMAIN}"
