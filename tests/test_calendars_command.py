"""`brainfit calendars`: each event of the week as busy, study or ignored, and why: the same
verdicts the planner acts on."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from brainfit_solver import api
from brainfit_solver.cli import main
from support import CALENDARS, EXAMPLES_DIR, Ev, write_calendar


def verdicts(*args: str | Path) -> dict[str, tuple[str, str]]:
    result = CliRunner().invoke(main, ["calendars", *map(str, args), "--json"])
    assert result.exit_code == 0, result.output
    return {row["summary"]: (row["role"], row["why"]) for row in json.loads(result.output)}


def test_each_event_is_listed_as_busy_study_or_ignored_with_the_reason() -> None:
    found = verdicts(CALENDARS / "transparent_cancelled_tentative.ics", "--week", "2026-W46")
    assert found["Mittagessen mit Paul"] == (
        "ignored",
        "marked free (TRANSP:TRANSPARENT or Outlook FREE)",
    )
    assert found["Konzert in der Philharmonie"] == ("ignored", "cancelled (STATUS:CANCELLED)")
    assert found["Vielleicht: Kino"] == ("busy", "tentative, and [busy] tentative = true")
    assert found["Arzttermin"] == ("busy", "a timed event not marked free")
    assert found["Lernblock Statistik"][0] == "study"


def test_ordinary_life_is_not_study(tmp_path: Path) -> None:
    events = [
        Ev(0, "09:00", "10:00", "Yoga class"),
        Ev(1, "09:00", "10:00", "Eye exam"),
        Ev(2, "09:00", "10:00", "Blood test at lab"),
        Ev(3, "09:00", "10:00", "Lecture: Statistics"),
    ]
    found = verdicts(write_calendar(tmp_path / "life.ics", events), "--week", "2026-W49")
    assert found["Yoga class"][0] == found["Eye exam"][0] == found["Blood test at lab"][0] == "busy"
    assert found["Lecture: Statistics"] == (
        "study",
        "the title matches the study pattern ('Lecture')",
    )


def test_the_listing_agrees_with_what_the_planner_reads() -> None:
    inputs = api.load_inputs(profile=EXAMPLES_DIR / "student" / "profile.toml")
    listed = {
        (j.span[0], j.span[1], j.summary, j.verdict.role == "study")
        for j in api.judge_calendars(inputs)
        if j.span is not None and j.verdict.role != "ignored"
    }
    read = {(c.start, c.end, c.summary, c.study) for c in inputs.calendar.commitments}
    assert listed == read


def test_the_table_names_every_event_of_the_week() -> None:
    result = CliRunner().invoke(
        main,
        ["calendars", "--profile", str(EXAMPLES_DIR / "student" / "profile.toml")],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "Abgabe Übungsblatt 7 Analysis" in result.output
    assert "all day and not marked busy ([busy] all_day = false)" in result.output
