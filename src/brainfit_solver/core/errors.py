"""One exception tree for everything a user can get wrong, or the rules can make impossible.

Errors carry structured fields (the file, the place in it, the fix) and build their own
one-paragraph message; only the CLI turns them into text on stderr and an exit code::

    BrainfitError                 exit 1  (never raised bare)
    ├── InputError                exit 2  bad input: nothing was written
    │   ├── CalendarError         a calendar file, feed or CalDAV source
    │   ├── ProfileError          the profile TOML or a command-line override
    │   ├── RuleFileError         a rule-set TOML
    │   ├── ReportError           a JSON report read back (`brainfit compare`)
    │   ├── TeamFileError         a team file (`brainfit group`)
    │   ├── OutputError           an output path (-o, --json) that must not or cannot be written
    │   └── TimeZoneError         an unknown or unusable time zone
    ├── InfeasibleError           exit 3  the rules cannot all hold this week
    ├── CheckFailedError          exit 4  `brainfit check` found violations
    └── NoPlanFoundError          exit 5  the time limit ran out before any plan was found
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class BrainfitError(Exception):
    """Base of every error the tool reports to a user."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        where: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.where = where
        self.fix = fix
        super().__init__(self.render())

    def render(self) -> str:
        """The one paragraph a user reads: place, problem, then what to do about it."""
        place = ""
        if self.file and self.where:
            place = f"{self.file}, {self.where}: "
        elif self.file:
            place = f"{self.file}: "
        elif self.where:
            place = f"{self.where}: "
        text = f"{place}{self.message.rstrip('.')}."
        if self.fix:
            text += f" {self.fix.rstrip('.')}."
        return text


class InputError(BrainfitError):
    """Something the user handed in is unreadable or invalid."""

    exit_code = 2


class CalendarError(InputError):
    """A calendar (file, feed URL or CalDAV collection) cannot be read or makes no sense."""


class ProfileError(InputError):
    """The profile, or a command-line option overriding it, is invalid."""


class RuleFileError(InputError):
    """A rule-set file is not valid TOML or does not follow the rule-set format."""


class ReportError(InputError):
    """A JSON report given back to the tool (``brainfit compare``) is unreadable or is not a
    report of this schema version."""


class TeamFileError(InputError):
    """A team file (``brainfit group``) is not valid TOML or does not follow the team format."""


class OutputError(InputError):
    """An output path is an input or another output, not a regular file, or not writable;
    or writing one of the outputs failed, and none was written (``outputs.files``)."""


class TimeZoneError(InputError):
    """A time zone name is neither an IANA name nor a known Windows name."""


@dataclass(frozen=True)
class Conflict:
    """A minimal set of rules that cannot hold together, and the sentence that says so."""

    rules: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Fix:
    """A change checked, by solving, to make an impossible week plannable: the sentence, the
    setting it edits, and what the best plan with it gives up (see
    ``explain.impossible.Relaxation``)."""

    text: str
    setting: str
    cost: str = ""
    # The changed inputs themselves (``explain.Relaxation.week``: its profile and rules carry
    # the change), for a program that applies the fix in one step (the web app).
    changed: Any = field(default=None, compare=False, repr=False)


class InfeasibleError(BrainfitError):
    """The hard rules cannot all hold in the planned week.

    ``conflict`` names a minimal set of rules that cannot hold together (drop any one of them
    and the rest can), ``reasons`` says it in words and ``relaxations`` lists changes that were
    each checked, by solving, to make the week plannable. A week can hold several separate
    conflicts: ``conflicts`` lists them all (each minimal; they may share rules), ``conflict`` is
    the first. ``explained`` and ``fixes`` hold the same with their sentences, the setting
    each fix edits and its cost (for the JSON report); ``week`` is the ISO week concerned.
    """

    exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        conflict: Sequence[str] = (),
        reasons: Sequence[str] = (),
        relaxations: Sequence[str] = (),
        fix: str | None = None,
        conflicts: Sequence[Sequence[str]] = (),
        week: str | None = None,
        explained: Sequence[Conflict] = (),
        fixes: Sequence[Fix] = (),
    ) -> None:
        self.conflict = tuple(conflict)
        self.conflicts = tuple(tuple(c) for c in conflicts)
        if not self.conflicts and self.conflict:
            self.conflicts = (self.conflict,)
        self.reasons = tuple(reasons)
        self.relaxations = tuple(relaxations)
        self.week = week
        self.explained = tuple(explained) or tuple(Conflict(c, message) for c in self.conflicts)
        self.fixes = tuple(fixes) or tuple(Fix(text, "") for text in self.relaxations)
        super().__init__(message, fix=fix)


class SharedSessionsError(InfeasibleError):
    """A group's shared sessions cannot be placed (exit 3): no joint time has the coach,
    enough free members and enough attendance under the members' own rules."""


class CheckFailedError(BrainfitError):
    """An exported plan breaks at least one hard rule (found by the independent checker)."""

    exit_code = 4

    def __init__(self, message: str, *, violations: Sequence[str] = (), file: str | None = None):
        self.violations = tuple(violations)
        super().__init__(message, file=file)


class NoPlanFoundError(BrainfitError):
    """The solver's time limit ran out before it found any plan."""

    exit_code = 5
