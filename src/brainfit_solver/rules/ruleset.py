"""Rule sets: the source's protocol as data (TOML), validated before anything is modelled.

A rule set names session kinds (durations, weekly counts, intensity, what to do and why),
hard rules and weighted soft rules. Every kind and rule cites the passage of the source it
comes from, so a user tuning a number can see what it stands for. Each rule kind has one
pydantic class here, one entry in the registry ``KINDS`` below, and its parts in the modules
that run them; the format is documented rule kind by rule kind in ``constraints/README.md``.

The registry of rule kinds
--------------------------
``KINDS`` holds one ``RuleKind`` entry per kind: its schema (the pydantic class, also listed in
``HardRule`` or ``SoftRule`` so files validate), whether it is hard or soft, and its unit in
words (for a hard kind, what one breaking of it is; for a soft kind, what one point-earning
unit is, shown by ``brainfit weights`` and the plan summary, the way an explanation
describes it). The parts that run it live on the side that runs them, because the checker
must never import the model or OR-Tools: each part is a function decorated with its kind,
which files it in that side's ``KindTable`` (``PARTS`` lists them):

- hard kinds: ``model.hard.HARD_RULES`` (compile), ``model.hard.COUNTED_RULES`` (compile,
  counting breaks for ``--relax soft``), ``check.checker.HARD_CHECKS`` (violations),
  ``explain.impossible.DESCRIPTIONS`` (one sentence), ``explain.impossible.TALLIES`` (breaks
  counted from a plan's sessions) and, optionally, ``explain.impossible.RELAXATIONS`` (changes
  to a rule's own numbers that make a week plannable);
- soft kinds: ``model.soft.SOFT_RULES`` (compile, the raw score) and
  ``check.checker.SCORES`` (the raw score recomputed from the exported file).

Every table raises ``UnknownRuleKindError`` for a kind it lacks, a decorator naming a kind
the registry lacks fails at import, and ``tests/test_rule_kinds.py`` asserts that every kind
has every part and tests each kind alone. Adding a kind touches this entry, its parts, its
tests and the two documents that list kinds for users (its row in ``constraints/README.md``,
its sentence and counted form in ``docs/tuning-and-explanations.md``), nothing else. A worked
example, a hard kind "at most ``max`` sessions a week starting at or after ``after``":

    class NotLate(_Rule):                     # here, and in the HardRule union
        kind: Literal["not_late"]
        max: int = Field(ge=0, le=20)
        after: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")  # local time, "20:00"
        priority: int = Field(default=50, ge=0, le=100)

    "not_late": RuleKind(NotLate, hard=True, unit=("late session", "late sessions")),  # in KINDS

    # model/hard.py: enforce it, and count its breaks (--relax soft minimises the count)
    @HARD_RULES.part("not_late")
    def not_late(wm: WeekModel, rule: NotLate) -> None: ...
    @COUNTED_RULES.part("not_late")
    def late_sessions(wm: WeekModel, rule: NotLate) -> cp_model.LinearExprT: ...
    # check/checker.py: violations, from the exported file's local times
    @HARD_CHECKS.part("not_late")
    def not_late(rule: NotLate, seen: Evidence) -> list[str]: ...
    # explain/impossible.py: "id: description; this week's numbers", and breaks in sessions
    @DESCRIPTIONS.part("not_late")
    def describe_not_late(week: Week, rule: NotLate) -> str: ...
    @TALLIES.part("not_late")
    def tally_not_late(week: Week, rule: NotLate, sessions: Sequence[Session]) -> int: ...

and in ``tests/test_rule_kinds.py`` the rule in ``HARD``, a feasible and an infeasible
``MODEL_CASES`` row (put a session exactly on the rule's edge: 20:00 sharp), a kept and a
broken ``CHECKER_CASES`` row; the counted form, tally and description are then tested on the
infeasible row without more code. A compile function works on the ``WeekModel``'s query
methods (``select``, ``of_kind``, ``on_day``, ``slot``; candidate starts are grid slots, see
``model.person``). Done this way on a scratch branch, the kind took 7 files, 149 lines.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..core.errors import RuleFileError
from ..core.inputs import parse_toml, read_bytes, validate

FORMAT_VERSION = 1
_ID = r"^[a-z][a-z0-9_]*$"
Intensity = Literal["low", "moderate", "high"]


BEFORE_DAYS = 7
"""How far back the days before a week are read, by the planner and the checker alike: the
whole week before (a rule kind's ``days_back`` may be at most this)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Count(_Strict):
    """How many sessions of a kind a week must (min) and may (max) hold."""

    min: int = Field(default=0, ge=0, le=50)
    max: int = Field(ge=0, le=50)

    @model_validator(mode="after")
    def _ordered(self) -> Count:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is larger than max ({self.max})")
        return self


class SessionKind(_Strict):
    """A kind of session the week is built from.

    ``anchor = "before_study"`` makes a kind a snack: it leads into the first study start at
    or after its end, ends at most ``lead_max_min`` minutes before it, and each study start
    (blocks starting at the same minute are one) takes at most one snack.
    """

    title: str
    duration_min: tuple[int, int]
    per_week: Count
    per_day_max: int = Field(default=1, ge=1, le=1)
    intensity: Intensity
    buffer: bool = True
    anchor: Literal["free", "before_study"] = "free"
    lead_max_min: int = Field(default=10, ge=0, le=120)
    modalities: list[str] = Field(default_factory=list)
    protocol: str
    why: str
    cites: str = Field(min_length=10)
    priority: int = Field(default=50, ge=0, le=100)

    @field_validator("duration_min", mode="before")
    @classmethod
    def _single(cls, value: object) -> object:
        return (value, value) if isinstance(value, int) else value

    @model_validator(mode="after")
    def _durations(self) -> SessionKind:
        low, high = self.duration_min
        if not 1 <= low <= high <= 600:
            raise ValueError(
                f"duration_min {list(self.duration_min)} must be 1 <= low <= high <= 600"
            )
        if self.anchor == "before_study" and self.buffer:
            raise ValueError("a before_study snack takes no buffer; set buffer = false")
        return self

    @property
    def variable(self) -> bool:
        return self.duration_min[0] != self.duration_min[1]


class Selector(_Strict):
    """Which session kinds a rule applies to: listed kinds, kinds of listed intensities, or both."""

    kinds: list[str] = Field(default_factory=list)
    intensity: list[Intensity] = Field(default_factory=list)

    def matches(self, kind_id: str, kind: SessionKind) -> bool:
        if not self.kinds and not self.intensity:
            return True
        return kind_id in self.kinds or kind.intensity in self.intensity


class _Rule(_Strict):
    days_back: ClassVar[int] = 0
    """How many days before a day the rule kind looks at (0: each day alone). A rule that
    looks back holds across week boundaries too: it needs the sessions of that many days
    before the planned span (``Week.earlier``), and the model, the checker and the summary
    go by this number, never by the rule's name."""

    id: Annotated[str, Field(pattern=_ID)]
    description: str
    cites: str = Field(min_length=10)
    applies_to: Selector = Field(default_factory=Selector)


class MaxPerDay(_Rule):
    """Hard: at most ``max`` matching sessions on any one day."""

    kind: Literal["max_per_day"]
    max: int = Field(ge=0, le=20)
    priority: int = Field(default=50, ge=0, le=100)


class NotOnConsecutiveDays(_Rule):
    """Hard: matching sessions never fall on two consecutive days."""

    days_back: ClassVar[int] = 1
    kind: Literal["not_on_consecutive_days"]
    priority: int = Field(default=50, ge=0, le=100)


class RestAfter(_Rule):
    """Hard: no matching session starts within ``after_overnight_min`` minutes after an
    overnight busy event (one that holds a local midnight: it starts before one and ends
    after it), nor within ``after_long_min`` after a busy event lasting more than
    ``long_block_min``; the longer rest applies when both do. Which events count is defined
    once in ``constraints/README.md`` ("Rest after long or overnight commitments")."""

    kind: Literal["rest_after"]
    after_overnight_min: int = Field(ge=0, le=24 * 60)
    long_block_min: int = Field(ge=1, le=7 * 24 * 60)
    after_long_min: int = Field(ge=0, le=24 * 60)
    priority: int = Field(default=50, ge=0, le=100)


class NearStudy(_Rule):
    """Soft: a session ends at most ``within_min`` before a study block, or starts at most
    ``within_min`` after one ends."""

    kind: Literal["near_study"]
    weight: int = Field(ge=0, le=10_000)
    within_min: int = Field(default=60, ge=0, le=720)


class LongerSessions(_Rule):
    """Soft: ``weight`` points per grid step (``meta.granularity_min`` minutes) a session runs
    beyond its minimum duration."""

    kind: Literal["longer_sessions"]
    weight: int = Field(ge=0, le=10_000)


class SessionBonus(_Rule):
    """Soft: ``weight`` points per matching session planned (for optional extras)."""

    kind: Literal["session_bonus"]
    weight: int = Field(ge=0, le=10_000)


class PreferredTimes(_Rule):
    """Soft: ``weight`` points per session that lies inside one of the profile's preferred
    times for its kind."""

    kind: Literal["preferred_times"]
    weight: int = Field(ge=0, le=10_000)


class DislikedTimes(_Rule):
    """Soft: ``weight`` points lost per session that overlaps one of the profile's disliked
    times for its kind."""

    kind: Literal["disliked_times"]
    weight: int = Field(ge=0, le=10_000)


class ActiveDays(_Rule):
    """Soft: ``weight`` points per day holding at least one matching session (spreads the
    week instead of stacking it)."""

    kind: Literal["active_days"]
    weight: int = Field(ge=0, le=10_000)


class Stability(_Rule):
    """Soft, re-planning only (``brainfit plan --previous``): ``weight`` points per session of
    the previous plan that the new plan keeps, same kind and same start; moving one costs
    them. Without a previous plan it scores nothing."""

    kind: Literal["stability"]
    weight: int = Field(ge=0, le=10_000)


class TeamAttendance(_Rule):
    """Soft, team plans only (``brainfit group``): ``weight`` points per shared team session
    the person attends (the attendance term of the team's objective). A person's own plan
    holds no shared session, so it scores nothing there."""

    kind: Literal["team_attendance"]
    weight: int = Field(ge=0, le=10_000)


HardRule = Annotated[MaxPerDay | NotOnConsecutiveDays | RestAfter, Field(discriminator="kind")]
SoftRule = Annotated[
    NearStudy
    | LongerSessions
    | SessionBonus
    | PreferredTimes
    | DislikedTimes
    | ActiveDays
    | Stability
    | TeamAttendance,
    Field(discriminator="kind"),
]


class UnknownRuleKindError(LookupError):
    """A rule kind the registry, or one of its tables, does not hold: a fault in the code,
    never something to fall back from (files name only kinds their schema validates)."""


@dataclass(frozen=True)
class RuleKind:
    """One rule kind's registry entry: its schema, its family and its unit in words.

    ``unit`` is (one, many): for a hard kind one breaking of it ("pair of consecutive
    days"), for a soft kind one point-earning unit, where ``{within}`` stands for the rule's
    ``within_min`` and ``{grid}`` for ``meta.granularity_min`` (the second text is unused).
    ``penalty``: a soft kind whose points are taken away. ``lists_kinds``: whether the unit
    text is followed by the kinds the rule applies to (``brainfit weights``)."""

    schema: type[_Rule]
    hard: bool
    unit: tuple[str, str]
    penalty: bool = False
    lists_kinds: bool = True


KINDS: dict[str, RuleKind] = {
    "max_per_day": RuleKind(
        MaxPerDay, hard=True, unit=("session over a day's limit", "sessions over a day's limit")
    ),
    "not_on_consecutive_days": RuleKind(
        NotOnConsecutiveDays,
        hard=True,
        unit=("pair of consecutive days", "pairs of consecutive days"),
    ),
    "rest_after": RuleKind(
        RestAfter, hard=True, unit=("session inside a rest period", "sessions inside a rest period")
    ),
    "near_study": RuleKind(
        NearStudy,
        hard=False,
        unit=(
            "workout ending within {within} min before, or starting within {within} min "
            "after, a study block",
            "",
        ),
    ),
    "longer_sessions": RuleKind(
        LongerSessions, hard=False, unit=("{grid} min a session runs beyond its minimum", "")
    ),
    "session_bonus": RuleKind(SessionBonus, hard=False, unit=("session planned", "")),
    "preferred_times": RuleKind(
        PreferredTimes,
        hard=False,
        unit=("session inside one of your preferred times for its kind", ""),
    ),
    "disliked_times": RuleKind(
        DislikedTimes,
        hard=False,
        unit=("session touching one of your disliked times for its kind", ""),
        penalty=True,
    ),
    "active_days": RuleKind(
        ActiveDays, hard=False, unit=("day holding at least one such session", "")
    ),
    "stability": RuleKind(
        Stability,
        hard=False,
        unit=("session of the previous plan kept at the same start", ""),
        lists_kinds=False,
    ),
    "team_attendance": RuleKind(
        TeamAttendance, hard=False, unit=("shared team session attended", "")
    ),
}


def kind_entry(kind: str) -> RuleKind:
    """The registry entry of a rule kind; an unknown kind is an error, never a default."""
    entry = KINDS.get(kind)
    if entry is None:
        raise UnknownRuleKindError(f"rule kind {kind!r} is not in the registry (rules.KINDS)")
    return entry


Part = TypeVar("Part", bound=Callable[..., object])

TABLES: list[KindTable[Any]] = []
"""Every ``KindTable`` created so far (each module that runs rules creates its own)."""


class KindTable(dict[str, Part], Generic[Part]):
    """One part of every rule kind of a family, on the side that runs it (the model, the
    checker, the explanations): kind -> function, filled by ``@TABLE.part(kind)`` on each
    function. A missing kind raises ``UnknownRuleKindError``; ``optional`` tables (a part
    only some kinds have) are looked up with ``get``."""

    def __init__(self, name: str, *, hard: bool, optional: bool = False) -> None:
        super().__init__()
        self.name, self.hard, self.optional = name, hard, optional
        TABLES.append(self)

    def part(self, kind: str) -> Callable[[Part], Part]:
        """File the decorated function as ``kind``'s part in this table."""
        if kind_entry(kind).hard != self.hard:
            raise UnknownRuleKindError(f"{self.name}: {kind!r} is not a {self.family} rule kind")

        def file(function: Part) -> Part:
            self[kind] = function
            return function

        return file

    @property
    def family(self) -> str:
        return "hard" if self.hard else "soft"

    def __missing__(self, kind: str) -> Part:
        raise UnknownRuleKindError(f"{self.name} holds no part for rule kind {kind!r}")


PARTS = {
    "hard": ("HARD_RULES", "COUNTED_RULES", "HARD_CHECKS", "DESCRIPTIONS", "TALLIES"),
    "soft": ("SOFT_RULES", "SCORES"),
}
"""The tables each family's kinds must all have a part in (optional ones are not listed)."""


def sign(rule: SoftRule) -> int:
    """+1 for a soft rule that rewards, -1 for one that penalises: a rule's points are
    ``sign × weight × count`` in the model, the report and the checker alike."""
    return -1 if kind_entry(rule.kind).penalty else 1


class Meta(_Strict):
    name: str
    format: int = FORMAT_VERSION
    description: str = ""
    source: str = "brain-health-exercise-protocol.txt"
    granularity_min: int = Field(default=5, ge=1, le=60)

    @field_validator("format")
    @classmethod
    def _known(cls, value: int) -> int:
        if value != FORMAT_VERSION:
            raise ValueError(
                f"format {value} is not supported; this version reads {FORMAT_VERSION}"
            )
        return value


class RuleSet(_Strict):
    """A whole rule set, cross-checked: ids unique, selectors naming existing kinds."""

    meta: Meta
    kinds: dict[str, SessionKind]
    hard: list[HardRule] = Field(default_factory=list)
    soft: list[SoftRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        if not self.kinds:
            raise ValueError("a rule set needs at least one session kind under [kinds]")
        for kind_id, kind in self.kinds.items():
            if not re.match(_ID, kind_id):
                raise ValueError(f"kind id {kind_id!r} must be lower_snake_case")
            step = self.meta.granularity_min
            if any(d % step for d in kind.duration_min):
                raise ValueError(
                    f"kinds.{kind_id}.duration_min must be multiples of "
                    f"meta.granularity_min ({step})"
                )
        seen: set[str] = set(self.kinds)
        for rule in [*self.hard, *self.soft]:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used twice (kind ids count too)")
            seen.add(rule.id)
            unknown = [k for k in rule.applies_to.kinds if k not in self.kinds]
            if unknown:
                raise ValueError(
                    f"rule {rule.id!r} applies to unknown kind(s) {unknown}; "
                    f"known kinds: {sorted(self.kinds)}"
                )
        return self

    def weights(self) -> dict[str, int]:
        return {rule.id: rule.weight for rule in self.soft}

    def with_weights(self, overrides: Mapping[str, int], *, origin: str) -> RuleSet:
        """A copy with soft-rule weights replaced; unknown names list the valid ones."""
        known = self.weights()
        unknown = sorted(set(overrides) - set(known))
        if unknown:
            raise RuleFileError(
                f"unknown soft rule {', '.join(map(repr, unknown))} in a weight override",
                where=origin,
                fix=f"Valid names: {', '.join(sorted(known))}",
            )
        for name, value in overrides.items():
            if not 0 <= value <= 10_000:
                raise RuleFileError(
                    f"weight {name}={value} is out of range",
                    where=origin,
                    fix="Use a whole number from 0 to 10000",
                )
        soft = [
            rule.model_copy(update={"weight": overrides[rule.id]}) if rule.id in overrides else rule
            for rule in self.soft
        ]
        return self.model_copy(update={"soft": soft})

    def looking_back(self) -> list[HardRule]:
        """The hard rules that look at days before a day, so across the planned span's start."""
        return [rule for rule in self.hard if rule.days_back > 0]

    def select(self, selector: Selector) -> list[str]:
        return [k for k, kind in self.kinds.items() if selector.matches(k, kind)]

    def guarded_kind(self, rule_id: str) -> str | None:
        """The kind whose weekly minimum ``rule_id`` names (``zone2_per_week``), else None."""
        kind_id = rule_id.removesuffix("_per_week")
        return kind_id if rule_id.endswith("_per_week") and kind_id in self.kinds else None

    def priority_of(self, rule_id: str) -> int:
        """How important a hard rule or weekly minimum is (0-100, higher matters more);
        guards that are not rules of the file (re-planning's ``keep_past``) count as 100."""
        kind_id = self.guarded_kind(rule_id)
        if kind_id is not None:
            return self.kinds[kind_id].priority
        return next((r.priority for r in self.hard if r.id == rule_id), 100)

    def rule_text(self, rule_id: str) -> str:
        """A hard rule or weekly minimum in a few words, for a plan that drops it."""
        kind_id = self.guarded_kind(rule_id)
        if kind_id is not None:
            kind = self.kinds[kind_id]
            return f"at least {kind.per_week.min} {kind.title} session(s) a week"
        rule = next((r for r in self.hard if r.id == rule_id), None)
        return rule.description.rstrip(".") if rule is not None else rule_id


def default_rules_path() -> Path:
    """The bundled default rule set (a copy of constraints/brain-health.toml)."""
    return Path(str(resources.files("brainfit_solver") / "data" / "brain-health.toml"))


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Read and validate a rule set; no path gives the bundled brain-health protocol.

    The same bytes at the same path give the same rule set, parsed and validated once per
    process (a rule set is frozen, so it can be shared): a batch of plans, a team's members
    and ``brainfit serve`` read one rule file over and over, and parsing and validating it
    took 2 ms of each plan. A changed file is new bytes, so it is read anew."""
    path = Path(path) if path is not None else default_rules_path()
    data = read_bytes(path, error=RuleFileError, what="rule file")
    key = (str(path), data)
    with _RULES_LOCK:
        known = _RULES.get(key)
        if known is not None:
            _RULES.move_to_end(key)
            return known
    rules = validate(
        RuleSet,
        parse_toml(data, path, error=RuleFileError, what="rule file"),
        path=path,
        error=RuleFileError,
        fix="See constraints/README.md for the format of each rule kind",
    )
    with _RULES_LOCK:
        _RULES[key] = rules
        while len(_RULES) > _RULES_SIZE:
            _RULES.popitem(last=False)
    return rules


# The rule sets read, least recently used first; a lock, as ``brainfit serve`` plans in a
# thread of its own.
_RULES: OrderedDict[tuple[str, bytes], RuleSet] = OrderedDict()
_RULES_LOCK = threading.Lock()
_RULES_SIZE = 8


def broken_text(rules: RuleSet, rule_id: str, count: int) -> str:
    """How a rule is broken, in the unit it is counted in ("1 pair of consecutive days"): a
    fact about the rule kinds, used by explanations and reports alike."""
    if rules.guarded_kind(rule_id) is not None:
        return f"{_sessions(count)} short of the minimum"
    rule = next((r for r in rules.hard if r.id == rule_id), None)
    if rule is not None:
        one, many = kind_entry(rule.kind).unit
        return f"{count} {one if count == 1 else many}"
    if rule_id == "keep_past":
        return "moving what had already started"
    raise ValueError(f"no unit of breaking is known for rule {rule_id!r}")


def _sessions(count: int) -> str:
    return f"{count} session{'' if count == 1 else 's'}"
