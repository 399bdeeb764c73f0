"""A team file (TOML): who trains together, when the team may meet, and what it does together.

    name = "Riverside Brain Club"
    timezone = "Europe/Berlin"
    week = "2026-W49"                 # optional: default the next full week
    weeks = 2                         # optional: plan this many weeks from it (default 1)
    rules = "rules.toml"              # optional: default the bundled protocol

    [coach]
    name = "Mira Jansen"
    email = "mira@example.org"
    calendars = ["coach.ics"]

    [[members]]
    id = "anna"
    name = "Anna Berg"
    calendars = ["anna.ics"]          # files, https:// or webcal:// feeds, caldavs:// calendars
    profile = "anna.toml"             # optional; [members.overrides] sets profile keys inline

    [[shared]]
    id = "team-hiit"
    kind = "hiit"
    place = "Sports hall B"
    days = ["tue", "thu"]
    between = "17:00-20:00"
    attendance = "80%"                # "all", "80%" (of the members planned) or a head count

Validated like a profile: an unknown key, a bad value, a duplicate member id or a shared
session the rule set cannot hold is a ``TeamFileError`` (exit 2) naming the file, the place
and the fix. Paths are relative to the team file. Every member is planned in the team's zone,
whatever their own profile says, so that one shared session is one time for everyone.

Member ids are free text (a name in any script), so the file names derived from them
(``member_stems``) are made safe here: never outside the output directory, never a device
name, never the same for two members whose ids differ only by case or accents.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .. import api
from ..core.errors import ProfileError, TeamFileError
from ..core.inputs import describe_validation_error, read_toml, validate
from ..rules.profile import Profile, Range, Window, load_profile
from ..rules.ruleset import RuleSet

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FIX = "See examples/team/team.toml and the README's 'Group training plans'"
TEAM_FILES = ("team", "team-report")
"""Stems of the team's own outputs in the output directory (``team.ics``, ``team-report.json``),
which no member's files may take."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_NO_CONTROL = re.compile(r"^[^\x00-\x1f\x7f]+$")
Text = Annotated[str, Field(min_length=1, max_length=200, pattern=_NO_CONTROL.pattern)]


class Coach(_Strict):
    """Who leads the shared sessions: their calendars are the times they cannot."""

    name: Text
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$")
    calendars: list[str] = Field(default_factory=list)
    window: Window = Field(default_factory=Window)
    buffer_min: int = Field(default=15, ge=0, le=180)


class Member(_Strict):
    """One member: id (unique in the team), display name, calendars, and their profile."""

    id: Annotated[str, Field(min_length=1, max_length=64, pattern=_NO_CONTROL.pattern)]
    name: Text
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$")
    calendars: list[str] = Field(default_factory=list)
    profile: str | None = None
    overrides: dict[str, Any] = Field(default_factory=dict)


class Attendance(_Strict):
    """Who must attend: everyone planned, a share of them (``fraction``), or a head count."""

    all: bool = False
    fraction: float = 0.0
    at_least: int = 0

    def required(self, planned: int) -> int:
        """How many of ``planned`` members must attend."""
        if self.all:
            return planned
        if self.at_least:
            return self.at_least
        return -(-round(self.fraction * planned * 1000) // 1000)  # ceil, exact for 80 % of 10

    def __str__(self) -> str:
        if self.all:
            return "all members"
        if self.at_least:
            return f"{self.at_least} members"
        return f"{self.fraction * 100:g} % of members"

    @classmethod
    def parse(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError('write attendance as "all", a share such as "80%", or a head count')
        if isinstance(value, int):
            if value < 1:
                raise ValueError("a head count must be at least 1")
            return cls(at_least=value)
        if isinstance(value, str):
            text = value.strip().lower()
            if text == "all":
                return cls(all=True)
            match = re.fullmatch(r"(\d{1,3}(?:\.\d+)?)\s*%", text)
            if match and 0 < float(match.group(1)) <= 100:
                return cls(fraction=float(match.group(1)) / 100)
        raise ValueError(
            f'{value!r} is not an attendance; write "all", a share such as "80%", or a head '
            "count such as 6"
        )


class SharedSpec(_Strict):
    """A session the team does together, once in the week, at one of its possible times."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
    kind: str
    title: Text | None = None
    minutes: int | None = Field(default=None, ge=1, le=600)
    place: Text
    days: list[Day] = Field(default_factory=lambda: list(DAYS), min_length=1)
    between: Range = Field(description="Local times the session may run within.")
    step_min: int = Field(default=30, ge=5, le=240)
    attendance: Annotated[Attendance, Field(default_factory=lambda: Attendance(all=True))]
    coach: bool = True

    @field_validator("attendance", mode="before")
    @classmethod
    def _attendance(cls, value: Any) -> Any:
        return Attendance.parse(value)


class TeamFile(_Strict):
    name: Text
    timezone: str
    week: str | None = None
    weeks: int = Field(default=1, ge=1, le=api.MAX_WEEKS)
    rules: str | None = None
    coach: Coach
    members: list[Member] = Field(min_length=1, max_length=5000)
    shared: list[SharedSpec] = Field(default_factory=list, max_length=10)


class Team:
    """A validated team file with its paths resolved and each member's profile read."""

    def __init__(self, data: TeamFile, path: Path, rules: RuleSet) -> None:
        self.data, self.path, self.rules = data, path, rules
        self.base = path.parent.resolve()

    def resolve(self, entry: str) -> str:
        """A path from the team file, relative to it (URLs unchanged)."""
        return entry if "://" in entry else str((self.base / entry).resolve())


def member_profile(team: Team, member: Member, index: int) -> Profile:
    """The member's profile: their profile file (if any) with the inline overrides over it,
    in the team's zone and week, named by their id (session UIDs derive from it)."""
    where = f"members[{index}] ({member.id})"
    base: dict[str, Any] = {}
    profile_dir = team.base
    if member.profile is not None:
        loaded = load_profile(team.resolve(member.profile))
        base = loaded.model_dump(exclude_unset=True, exclude={"base_dir"})
        profile_dir = loaded.base_dir or team.base
    merged = {**base, **member.overrides, "name": member.id, "timezone": team.data.timezone}
    merged.pop("week", None)
    try:
        profile = Profile.model_validate(merged)
    except ValidationError as exc:
        place, problem = describe_validation_error(exc, Profile)
        raise TeamFileError(
            f"{problem} (in the member's profile or overrides)",
            file=team.path,
            where=f"{where}, at '{place}'",
            fix="Use the keys of a profile file (see examples/student/profile.toml)",
        ) from exc
    return profile.model_copy(update={"base_dir": profile_dir})


def load_team(path: str | Path, rules: RuleSet | None = None) -> Team:
    """Read and validate a team file (``TeamFileError`` naming file, place and fix)."""
    from ..rules.ruleset import load_rules

    path = Path(path)
    data = read_toml(path, error=TeamFileError, what="team file")
    team_file = validate(TeamFile, data, path=path, error=TeamFileError, fix=FIX)
    seen: dict[str, int] = {}
    for index, member in enumerate(team_file.members):
        if member.id in seen:
            raise TeamFileError(
                f"member id {member.id!r} is used twice (members[{seen[member.id]}] and "
                f"members[{index}])",
                file=path,
                where=f"members[{index}].id",
                fix="Give every member an id of their own",
            )
        seen[member.id] = index
    shared_ids = [s.id for s in team_file.shared]
    if len(set(shared_ids)) != len(shared_ids):
        raise TeamFileError(
            "two shared sessions have the same id", file=path, where="[[shared]]", fix=FIX
        )
    if rules is None:
        rules_path = None
        if team_file.rules is not None:
            rules_path = Path(team_file.rules)
            rules_path = rules_path if rules_path.is_absolute() else path.parent / rules_path
        rules = load_rules(rules_path)
    team = Team(team_file, path, rules)
    for index, spec in enumerate(team_file.shared):
        _check_shared(team, spec, index)
    for index, member in enumerate(team_file.members):
        try:
            member_profile(team, member, index)
        except ProfileError as exc:  # their profile file itself is wrong
            raise TeamFileError(
                exc.message,
                file=exc.file or path,
                where=f"members[{index}] ({member.id}) profile"
                + (f", {exc.where}" if exc.where else ""),
                fix=exc.fix,
            ) from exc
    return team


def _check_shared(team: Team, spec: SharedSpec, index: int) -> None:
    """A shared session must be a free-standing kind of the rule set, of a length its kind
    allows, on the grid, and fit between its times."""
    rules, where = team.rules, f"shared[{index}] ({spec.id})"
    kind = rules.kinds.get(spec.kind)
    free = [k for k, v in rules.kinds.items() if v.anchor == "free"]
    if kind is None or kind.anchor != "free":
        raise TeamFileError(
            f"kind {spec.kind!r} is not a free-standing session kind of the rule set "
            f"{rules.meta.name!r}",
            file=team.path,
            where=f"{where}.kind",
            fix=f"Use one of: {', '.join(free)}",
        )
    minutes = shared_minutes(spec, rules)
    low, high = kind.duration_min
    grid = rules.meta.granularity_min
    if not low <= minutes <= high or minutes % grid:
        raise TeamFileError(
            f"{minutes} minutes is not a length a {kind.title} session may have",
            file=team.path,
            where=f"{where}.minutes",
            fix=f"Use {low} to {high} minutes, a multiple of {grid}",
        )
    if spec.step_min % grid:
        raise TeamFileError(
            f"step_min {spec.step_min} is not a multiple of the rule set's grid ({grid} min)",
            file=team.path,
            where=f"{where}.step_min",
            fix=f"Use a multiple of {grid}",
        )
    if spec.between.end_minute - spec.between.start_minute < minutes:
        raise TeamFileError(
            f"between {spec.between} is shorter than the session ({minutes} min)",
            file=team.path,
            where=f"{where}.between",
            fix="Widen the times or shorten the session",
        )
    if not rules.kinds[spec.kind].per_week.max:
        raise TeamFileError(
            f"the rule set allows no {kind.title} session a week",
            file=team.path,
            where=f"{where}.kind",
            fix="Choose a kind the rule set plans",
        )
    if "team_attendance" not in {r.kind for r in rules.soft}:
        raise TeamFileError(
            "the rule set has no team_attendance soft rule, the weight of attending a shared "
            "session",
            file=team.path,
            where="rules",
            fix="Add a [[soft]] rule of kind team_attendance (see constraints/brain-health.toml)",
        )


def shared_minutes(spec: SharedSpec, rules: RuleSet) -> int:
    """The shared session's length: as given, else its kind's shortest."""
    return spec.minutes if spec.minutes is not None else rules.kinds[spec.kind].duration_min[0]


def member_inputs(
    team: Team, member_id: str, week: str | None = None, weeks: int = 1
) -> api.Inputs:
    """A member's inputs as ``brainfit group`` reads them (their calendars in a fixed order,
    their profile, the team's rules, zone and week; ``weeks`` from it are read): what
    ``brainfit check --team`` checks their plan against."""
    for index, member in enumerate(team.data.members):
        if member.id == member_id:
            return api.load_inputs(
                sorted(team.resolve(c) for c in member.calendars),
                profile=member_profile(team, member, index),
                rules=team.rules,
                week=week or team.data.week,
                tz=team.data.timezone,
                weeks=weeks,
            )
    known = ", ".join(sorted(m.id for m in team.data.members))
    raise TeamFileError(
        f"no member has the id {member_id!r}", file=team.path, fix=f"Use one of: {known}"
    )


# -- safe file names from member ids ----------------------------------------------------------

_DEVICES = {"con", "prn", "aux", "nul"} | {f"{d}{n}" for d in ("com", "lpt") for n in range(10)}


def _slug(member_id: str) -> str:
    """Lower-case ASCII letters, digits, '-' and '_' from the id: accents dropped, anything
    else a '-', at most 40 characters."""
    ascii_text = unicodedata.normalize("NFKD", member_id).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_]+", "-", ascii_text.lower()).strip("-_")
    return slug[:40].strip("-_")


def team_stems(teams: Sequence[Team]) -> dict[str, str]:
    """Each team file's prefix for its files when several teams share one output directory
    (``TEAM--member.ics``): its team's name made safe as a member id's stem is (a slug
    never holds "--", so the prefix and the name stay apart), keyed by the file's path. Two
    files naming the same team are bad input: their files could not be told apart."""
    seen: dict[str, Path] = {}
    for team in teams:
        name = team.data.name
        if name in seen:
            raise TeamFileError(
                f"the team {name!r} is also the team of {seen[name]}",
                file=team.path,
                where="name",
                fix="Give each team its own name",
            )
        seen[name] = team.path
    stems = member_stems(seen)
    return {str(path): stems[name] for name, path in seen.items()}


def member_stems(ids: Iterable[str]) -> dict[str, str]:
    """Each member id's file stem (``<stem>.ics``, ``<stem>.json``), safe in any directory
    on any system: only [a-z0-9_-], never empty, a device name (CON, NUL, COM1...) or a team
    file's stem. Ids whose slugs collide (they differ only by case, accents or punctuation)
    each get a short hash of the exact id, so none overwrites another; the result depends on
    the set of ids, not their order."""
    slugs = {member_id: _slug(member_id) for member_id in sorted(set(ids))}
    counts = Counter(slugs.values())
    for length in (8, 16, 64):  # a plain slug that happens to equal a hashed one: longer hashes
        stems = {}
        for member_id, slug in slugs.items():
            if slug and counts[slug] == 1 and slug not in _DEVICES and slug not in TEAM_FILES:
                stems[member_id] = slug
            else:
                digest = hashlib.sha256(member_id.encode()).hexdigest()[:length]
                stems[member_id] = f"{slug or 'member'}-{digest}"
        if len(set(stems.values())) == len(stems):
            break
    return stems
