"""How two plans of a week differ: sessions moved, resized, added or removed; terms changed.

Works on two ``outputs.report.Report`` objects (a week of the ``--json`` files, or two plans made in
one run by ``brainfit plan --compare-weights``), so it knows nothing of the solver; two
``--json`` documents are compared week by week (``compare_reports``), and only when they cover
the same weeks. Sessions are paired
within a kind: identical ones first, then the rest in time order, choosing which ones pair
(when the counts differ) so that the total shift is least. A paired session that starts at the
same time is *resized* if its length changed, else *unchanged*; one starting elsewhere is
*moved*; an unpaired one is *added* (only in B) or *removed* (only in A).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..core.errors import ReportError
from .report import PlanReport, Report, SessionOut

Change = Literal["unchanged", "moved", "resized", "added", "removed"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SessionChange(_Out):
    change: Change
    kind: str
    a: SessionOut | None = Field(description="The session in plan A (None if added).")
    b: SessionOut | None = Field(description="The session in plan B (None if removed).")
    shift_minutes: int = Field(
        default=0, description="How far the start moved, B minus A (0 unless moved)."
    )


class TermChange(_Out):
    rule: str
    weight_a: int | None
    weight_b: int | None
    raw_a: int
    raw_b: int
    points_a: int
    points_b: int

    @property
    def delta(self) -> int:
        return self.points_b - self.points_a

    @property
    def changed(self) -> bool:
        return (self.weight_a, self.raw_a, self.points_a) != (
            self.weight_b,
            self.raw_b,
            self.points_b,
        )


class Comparison(_Out):
    """Plan B against plan A."""

    label_a: str
    label_b: str
    week_a: str
    week_b: str
    objective_a: int
    objective_b: int
    weights_changed: dict[str, tuple[int | None, int | None]] = Field(
        description="Soft rules whose weight differs: rule -> (weight in A, weight in B)."
    )
    sessions: list[SessionChange] = Field(description="Every session of A and B, in time order.")
    terms: list[TermChange] = Field(description="Every soft rule of A or B.")
    dropped_a: list[str] = Field(default_factory=list)
    dropped_b: list[str] = Field(default_factory=list)

    @property
    def changes(self) -> list[SessionChange]:
        return [s for s in self.sessions if s.change != "unchanged"]

    def count(self, change: Change) -> int:
        return sum(s.change == change for s in self.sessions)

    @property
    def identical(self) -> bool:
        return not self.changes and not any(t.changed for t in self.terms)

    @property
    def verdict(self) -> str:
        """One sentence the terminal and the picture both print: what changed, how much of the
        plan stayed, and the objective before and after."""
        counts = ", ".join(
            f"{self.count(c)} {c}"
            for c in ("moved", "resized", "added", "removed")
            if self.count(c)
        )
        if self.identical:
            return "The two plans are the same."
        return (
            f"{counts or 'no session changed'}; {self.count('unchanged')} unchanged; "
            f"objective {self.objective_a} → {self.objective_b}."
        )


def _start(s: SessionOut) -> dt.datetime:
    return dt.datetime.fromisoformat(s.start)


def _shift(a: SessionOut, b: SessionOut) -> int:
    return round((_start(b) - _start(a)).total_seconds() // 60)


def _pair(
    a: Sequence[SessionOut], b: Sequence[SessionOut]
) -> tuple[list[tuple[SessionOut, SessionOut]], list[SessionOut], list[SessionOut]]:
    """Pairs in time order (as many as the shorter list has) with the least total shift,
    and the sessions left over on each side."""
    if len(a) > len(b):
        swapped, rest_b, rest_a = _pair(b, a)
        return [(x, y) for y, x in swapped], rest_a, rest_b
    # dp[i][j]: least shift pairing a[:i] with i sessions chosen in order from b[:j]
    inf = float("inf")
    dp = [[inf] * (len(b) + 1) for _ in range(len(a) + 1)]
    dp[0] = [0.0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        for j in range(i, len(b) + 1):
            dp[i][j] = min(dp[i][j - 1], dp[i - 1][j - 1] + abs(_shift(a[i - 1], b[j - 1])))
    pairs: list[tuple[SessionOut, SessionOut]] = []
    i, j = len(a), len(b)
    while i > 0:
        if j > i and dp[i][j] == dp[i][j - 1]:
            j -= 1
            continue
        pairs.append((a[i - 1], b[j - 1]))
        i, j = i - 1, j - 1
    pairs.reverse()
    used = {id(y) for _, y in pairs}
    return pairs, [], [y for y in b if id(y) not in used]


def _session_changes(a: Report, b: Report) -> list[SessionChange]:
    out: list[SessionChange] = []
    for kind in dict.fromkeys([s.kind for s in a.sessions] + [s.kind for s in b.sessions]):
        left = [s for s in a.sessions if s.kind == kind]
        right = [s for s in b.sessions if s.kind == kind]
        same = {(s.start, s.end) for s in left} & {(s.start, s.end) for s in right}
        out += [
            SessionChange(change="unchanged", kind=kind, a=s, b=s)
            for s in left
            if (s.start, s.end) in same
        ]
        left = [s for s in left if (s.start, s.end) not in same]
        right = [s for s in right if (s.start, s.end) not in same]
        pairs, removed, added = _pair(left, right)
        for x, y in pairs:
            shift = _shift(x, y)
            change: Change = "moved" if shift else "resized"
            out.append(SessionChange(change=change, kind=kind, a=x, b=y, shift_minutes=shift))
        out += [SessionChange(change="removed", kind=kind, a=s, b=None) for s in removed]
        out += [SessionChange(change="added", kind=kind, a=None, b=s) for s in added]

    def when(c: SessionChange) -> tuple[dt.datetime, str]:
        first = c.a or c.b
        assert first is not None
        return _start(first), c.kind

    return sorted(out, key=when)


def _term_changes(a: Report, b: Report) -> list[TermChange]:
    ta, tb = {t.rule: t for t in a.terms}, {t.rule: t for t in b.terms}
    out = []
    for rule in dict.fromkeys([*ta, *tb]):
        x, y = ta.get(rule), tb.get(rule)
        out.append(
            TermChange(
                rule=rule,
                weight_a=x.weight if x else None,
                weight_b=y.weight if y else None,
                raw_a=x.raw if x else 0,
                raw_b=y.raw if y else 0,
                points_a=x.points if x else 0,
                points_b=y.points if y else 0,
            )
        )
    return out


def compare(a: Report, b: Report, *, label_a: str = "A", label_b: str = "B") -> Comparison:
    """Plan B against plan A: every session paired or marked added/removed, every term."""
    terms = _term_changes(a, b)
    return Comparison(
        label_a=label_a,
        label_b=label_b,
        week_a=a.week,
        week_b=b.week,
        objective_a=a.objective,
        objective_b=b.objective,
        weights_changed={
            t.rule: (t.weight_a, t.weight_b) for t in terms if t.weight_a != t.weight_b
        },
        sessions=_session_changes(a, b),
        terms=terms,
        dropped_a=[d.rule for d in a.dropped],
        dropped_b=[d.rule for d in b.dropped],
    )


class PlansComparison(_Out):
    """Two ``--json`` documents of the same weeks, compared week by week."""

    label_a: str
    label_b: str
    objective_a: int
    objective_b: int
    weeks: list[Comparison] = Field(description="One comparison per week, in order.")


def compare_reports(
    a: PlanReport, b: PlanReport, *, label_a: str = "A", label_b: str = "B"
) -> PlansComparison:
    """Plan B against plan A week by week. Refused (``ReportError``) when either has no plan
    or the two cover different weeks: sessions of different weeks have nothing to pair with."""
    for label, report in ((label_a, a), (label_b, b)):
        if report.objective is None:
            raise ReportError(
                f"the report holds no plan (status {report.status})",
                file=label,
                fix="Compare reports of weeks that could be planned",
            )
    if (a.iso_weeks, a.repeat) != (b.iso_weeks, b.repeat):

        def covers(label: str, report: PlanReport) -> str:
            weeks = report.iso_weeks
            span = weeks[0] if len(weeks) == 1 else f"{weeks[0]} to {weeks[-1]}"
            return f"{label} covers {span}" + (" (repeated)" if report.repeat else "")

        raise ReportError(
            f"{covers(label_a, a)} and {covers(label_b, b)}",
            fix="Compare two reports of the same weeks (plan both with the same --week, "
            "--weeks and --repeat)",
        )
    assert a.objective is not None and b.objective is not None
    return PlansComparison(
        label_a=label_a,
        label_b=label_b,
        objective_a=a.objective,
        objective_b=b.objective,
        weeks=[
            compare(x, y, label_a=label_a, label_b=label_b)
            for x, y in zip(a.weeks, b.weeks, strict=True)
        ],
    )
