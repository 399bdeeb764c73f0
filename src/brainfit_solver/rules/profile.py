"""The person's profile: zone, week, when exercise may happen, how to read their calendars.

Everything has a documented default, so a calendar alone is enough to plan a week. Paths in a
profile are relative to the profile file.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    field_validator,
    model_validator,
)

from ..core.errors import ProfileError
from ..core.inputs import read_toml, validate

# Learning, not ordinary life: "Yoga class", "Eye exam" and "Blood test at lab" are not study.
# "class" and "lab" count only as a timetable writes them ("Lab: Rechnerarchitektur", "Class -
# Organic Chemistry"); "exam" not after a medical or everyday word.
DEFAULT_STUDY_PATTERN = (
    r"(?i)\b(?:stud(?:y|ying|ies)|lectures?|seminars?|tutorials?|tutorium|revision|revise|"
    r"homework|coursework|thesis|colloquium|midterms?|"
    r"(?<!eye )(?<!dental )(?<!medical )(?<!physical )(?<!vision )(?<!hearing )(?<!driving )"
    r"(?<!health )(?<!doctor's )(?<!vet )exams?|"
    r"(?:lab|class)(?=\s*[:–-])|lab (?:session|course)|"
    r"lernen|lernblock|vorlesung|übung|klausur|praktikum)\b"
)
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TimeRange(_Strict):
    """A local wall-clock range on one day, written "06:30-21:30" (end 24:00 allowed)."""

    start: dt.time
    end_minute: int  # minutes after midnight; 1440 for 24:00

    @property
    def start_minute(self) -> int:
        return self.start.hour * 60 + self.start.minute

    def __str__(self) -> str:
        end_h, end_m = divmod(self.end_minute, 60)
        return f"{self.start:%H:%M}-{end_h:02d}:{end_m:02d}"

    @classmethod
    def parse(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        match = _RANGE.match(value)
        if not match:
            raise ValueError(f"{value!r} is not a time range; write it as 06:30-21:30")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
            raise ValueError(f"{value!r} has an impossible clock time")
        end = h2 * 60 + m2
        if end <= h1 * 60 + m1:
            raise ValueError(f"{value!r} ends before it starts; ranges may not cross midnight")
        return cls(start=dt.time(h1, m1), end_minute=end)


Range = Annotated[TimeRange, BeforeValidator(TimeRange.parse)]


class Window(_Strict):
    """When exercise may happen, per weekday; "off" (or false) rules a day out entirely.

    ``dates`` (``[window.dates]``, ``"2026-12-03" = "14:00-21:00"`` or ``"off"``) sets the
    window of single dates, over their weekday's: a rota written date by date."""

    default: Range = Field(default_factory=lambda: TimeRange.parse("06:30-21:30"))
    mon: Range | bool | None = None
    tue: Range | bool | None = None
    wed: Range | bool | None = None
    thu: Range | bool | None = None
    fri: Range | bool | None = None
    sat: Range | bool | None = None
    sun: Range | bool | None = None
    dates: dict[dt.date, Range | bool] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _default_off(cls, data: Any) -> Any:
        """``default = "off"``: only the days named are open (a rota, a part-time plan);
        the other days are off, and the standard window is what suggestions offer them."""
        if isinstance(data, dict) and data.get("default") in ("off", "none", False):
            days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
            data = {day: data.get(day, False) for day in days} | (
                {"dates": data["dates"]} if "dates" in data else {}
            )
        return data

    @field_validator("mon", "tue", "wed", "thu", "fri", "sat", "sun", mode="before")
    @classmethod
    def _off(cls, value: Any) -> Any:
        if value in ("off", "none", False):
            return False
        return value

    @field_validator("dates", mode="before")
    @classmethod
    def _dates_off(cls, value: Any) -> Any:
        """A date is written ISO 8601 ("2026-12-03"); "off" closes it."""
        if not isinstance(value, dict):
            return value
        for key in value:
            try:
                dt.date.fromisoformat(str(key))
            except ValueError:
                raise ValueError(
                    f'{key!r} is not a date; write it as "2026-12-03" = "14:00-21:00"'
                ) from None
        return {key: False if v in ("off", "none", False) else v for key, v in value.items()}

    def for_date(self, date: dt.date) -> TimeRange | None:
        """The window on a date: its own from ``dates``, else its weekday's."""
        value = self.dates.get(date)
        if value is None:
            return self.for_weekday(date.weekday())
        if value is False:
            return None
        return self.default if value is True else value

    def setting(self, date: dt.date) -> str:
        """The field that sets the window on a date, as a profile writes it: the date's own
        ``window.dates`` entry, else its weekday's when given, else ``window.default``."""
        if date in self.dates:
            return f'window.dates."{date.isoformat()}"'
        weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[date.weekday()]
        return "window.default" if getattr(self, weekday) is None else f"window.{weekday}"

    def for_weekday(self, weekday: int) -> TimeRange | None:
        """The window on a weekday (0 = Monday), or None for a day off."""
        value = getattr(self, ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[weekday])
        if value is False:
            return None
        if value is None or value is True:
            return self.default
        assert isinstance(value, TimeRange)
        return value


class StudyRecognition(_Strict):
    """How study commitments are told apart from other busy time (any one test suffices)."""

    categories: list[str] = Field(default_factory=lambda: ["Study"])
    summary_pattern: str | None = DEFAULT_STUDY_PATTERN
    calendars: list[str] = Field(default_factory=list)

    @field_validator("summary_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"summary_pattern is not a valid regex: {exc}") from exc
        return value


class BusyPolicy(_Strict):
    """Which events block time. Defaults follow RFC 5545 and what calendar clients show."""

    tentative: bool = True
    all_day: bool = False
    declined_addresses: list[str] = Field(default_factory=list)


class KindPreference(_Strict):
    """A person's taste for one session kind: times they like or dislike, and a modality."""

    preferred: list[Range] = Field(default_factory=list)
    disliked: list[Range] = Field(default_factory=list)
    modality: str | None = None


class SolverSettings(_Strict):
    time_limit_s: float | None = Field(default=None, gt=0)
    workers: int = Field(default=1, ge=1, le=64)


class Profile(_Strict):
    """A person's planning profile (TOML). Every field is optional."""

    name: str = Field(default="me", min_length=1, max_length=200)
    timezone: str | None = None
    week: str | None = None
    window: Window = Field(default_factory=Window)
    buffer_min: int = Field(default=15, ge=0, le=180)
    calendars: list[str] = Field(default_factory=list)
    study: StudyRecognition = Field(default_factory=StudyRecognition)
    busy: BusyPolicy = Field(default_factory=BusyPolicy)
    preferences: dict[str, KindPreference] = Field(default_factory=dict)
    weights: dict[str, StrictInt] = Field(default_factory=dict)
    exclude: list[str] = Field(
        default_factory=list,
        description="Optional session kinds (weekly minimum 0) this person never wants planned.",
    )
    solver: SolverSettings = Field(default_factory=SolverSettings)
    base_dir: Path | None = Field(default=None, exclude=True)

    def resolve(self, path: str) -> str:
        """A calendar path from the profile, relative to the profile file (URLs unchanged)."""
        if "://" in path or self.base_dir is None:
            return path
        return str((self.base_dir / path).resolve())


def load_profile(path: str | Path | None) -> Profile:
    """Read and validate a profile; no path gives the documented defaults."""
    if path is None:
        return Profile()
    path = Path(path)
    data = read_toml(path, error=ProfileError, what="profile")
    profile = validate(
        Profile,
        data,
        path=path,
        error=ProfileError,
        fix="See examples/student/profile.toml and the README's profile section",
    )
    return profile.model_copy(update={"base_dir": path.parent.resolve()})
