"""One versioned `--json` document for every plan: one week, several, a re-plan, a merge, and
an impossible week (issue 9, "Scripting")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from brainfit_solver.cli import main
from brainfit_solver.outputs.report import REPORT_SCHEMA_VERSION, PlanReport
from support import REPO, Ev, write_calendar

WEEK = ["--week", "2026-W49", "--tz", "Europe/Berlin"]
LECTURES = [Ev(d, "09:00", "12:00", "Lecture") for d in range(5)]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_calendar(tmp_path / "cal.ics", LECTURES)
    return tmp_path


def plan(*args: str) -> Result:
    return CliRunner().invoke(main, ["plan", "cal.ics", *args])


def valid(path: Path) -> PlanReport:
    """The report read back by the model and validated against the shipped schema."""
    data = json.loads(path.read_text(encoding="utf-8"))
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((REPO / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    report = PlanReport.model_validate(data)
    assert report.schema_version == REPORT_SCHEMA_VERSION
    return report


def test_one_week_and_several_weeks_write_the_same_versioned_document(folder: Path) -> None:
    one = plan(*WEEK, "-o", "one.ics", "--json", "one.json")
    two = plan(*WEEK, "--weeks", "2", "-o", "two.ics", "--json", "two.json")
    assert one.exit_code == 0 and two.exit_code == 0, one.output + two.output
    single, double = valid(folder / "one.json"), valid(folder / "two.json")
    assert single.iso_weeks == ["2026-W49"] and [w.week for w in single.weeks] == ["2026-W49"]
    assert double.iso_weeks == ["2026-W49", "2026-W50"]
    assert [w.week for w in double.weeks] == double.iso_weeks
    assert single.status == "OPTIMAL" and single.objective == single.weeks[0].objective
    assert single.bound == single.objective and single.gap == 0
    assert double.objective == sum(w.objective for w in double.weeks)
    assert single.replan is None and single.infeasible is None and not single.repeat


def test_one_week_through_merge_writes_the_one_week_document(folder: Path) -> None:
    alone = plan(*WEEK, "-o", "a.ics", "--json", "a.json")
    merged = plan(*WEEK, "--merge", "-o", "m.ics", "--json", "m.json")
    assert alone.exit_code == 0 and merged.exit_code == 0, alone.output + merged.output
    a, m = valid(folder / "a.json"), valid(folder / "m.json")
    assert [w.sessions for w in a.weeks] == [w.sessions for w in m.weeks]


def test_re_plan_report_holds_kept_moved_new_and_cancelled(folder: Path) -> None:
    assert plan(*WEEK, "-o", "p.ics").exit_code == 0
    again = plan(
        "--previous", "p.ics", "--now", "2026-11-20T12:00", "-o", "p2.ics", "--json", "r.json"
    )
    assert again.exit_code == 0, again.output
    report = valid(folder / "r.json")
    assert report.replan is not None
    sessions = len(report.weeks[0].sessions)
    assert (report.replan.kept, report.replan.moved, report.replan.new) == (sessions, 0, 0)
    assert report.replan.cancelled == [] and report.replan.warnings == []
    assert report.replan.previous_sessions == sessions


def test_compare_accepts_two_multi_week_reports_week_by_week(folder: Path) -> None:
    for name, weight in (("a", "30"), ("b", "0")):
        args = ["--weeks", "2", "-o", f"{name}.ics", "--json", f"{name}.json"]
        done = plan(*WEEK, *args, "--weight", f"near_study={weight}", "--quiet")
        assert done.exit_code == 0, done.output
    out = CliRunner().invoke(main, ["compare", "a.json", "b.json"])
    assert out.exit_code == 0, out.output
    assert "2026-W49" in out.stdout and "2026-W50" in out.stdout
    as_json = CliRunner().invoke(main, ["compare", "a.json", "b.json", "--json"])
    weeks = json.loads(as_json.stdout)["weeks"]
    assert [w["week_a"] for w in weeks] == ["2026-W49", "2026-W50"]
    assert all(w["weights_changed"] == {"near_study": [30, 0]} for w in weeks)


def test_compare_refuses_reports_of_different_weeks(folder: Path) -> None:
    assert plan(*WEEK, "-o", "a.ics", "--json", "a.json").exit_code == 0
    assert (
        plan(
            "--week", "2026-W50", "--tz", "Europe/Berlin", "-o", "b.ics", "--json", "b.json"
        ).exit_code
        == 0
    )
    out = CliRunner().invoke(main, ["compare", "a.json", "b.json"])
    assert out.exit_code == 2
    assert "a.json covers 2026-W49 and b.json covers 2026-W50" in out.stderr


FREEBUSY = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//brainfit tests//EN\r
X-WR-CALNAME:Work (free/busy)\r
BEGIN:VFREEBUSY\r
UID:fb@tests\r
DTSTAMP:20261101T120000Z\r
FREEBUSY;FBTYPE=BUSY:20261202T130000Z/20261202T150000Z\r
END:VFREEBUSY\r
BEGIN:VEVENT\r
UID:untitled@tests\r
DTSTAMP:20261101T120000Z\r
DTSTART:20261203T080000Z\r
DTEND:20261203T090000Z\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_the_report_holds_each_days_window_and_the_busy_blocks_as_planned_from(
    folder: Path,
) -> None:
    """What a picture of the week needs, from the report alone: a lecture with its title, a
    free/busy block and an event without SUMMARY with none (the calendar has none), and a
    day off with no window."""
    write_calendar(folder / "uni.ics", [Ev(0, "10:00", "12:00", "Lecture Analysis")])
    (folder / "work.ics").write_bytes(FREEBUSY)
    (folder / "profile.toml").write_text(
        '[window]\ndefault = "07:00-21:00"\nsat = "09:00-18:00"\n'
        '[window.dates]\n"2026-12-06" = "off"\n',
        encoding="utf-8",
    )
    outputs = ["-o", "w.ics", "--json", "w.json"]
    run = CliRunner().invoke(
        main, ["plan", "uni.ics", "work.ics", "--profile", "profile.toml", *WEEK, *outputs]
    )
    assert run.exit_code == 0, run.output
    week = json.loads((folder / "w.json").read_text(encoding="utf-8"))["weeks"][0]
    valid(folder / "w.json")
    day = "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"
    usual = [
        {"date": d, "start": f"{d}T07:00:00+01:00", "end": f"{d}T21:00:00+01:00"}
        | {"set_by": "window.default"}
        for d in day
    ]
    assert week["days"] == [
        *usual,
        {
            "date": "2026-12-05",
            "start": "2026-12-05T09:00:00+01:00",
            "end": "2026-12-05T18:00:00+01:00",
            "set_by": "window.sat",
        },
        {"date": "2026-12-06", "start": None, "end": None, "set_by": 'window.dates."2026-12-06"'},
    ]
    assert week["busy"] == [
        {
            "start": "2026-11-30T10:00:00+01:00",
            "end": "2026-11-30T12:00:00+01:00",
            "title": "Lecture Analysis",
            "study": True,
            "calendar": "uni.ics",
        },
        {
            "start": "2026-12-02T14:00:00+01:00",
            "end": "2026-12-02T16:00:00+01:00",
            "title": None,
            "study": False,
            "calendar": "Work (free/busy)",
        },
        {
            "start": "2026-12-03T09:00:00+01:00",
            "end": "2026-12-03T10:00:00+01:00",
            "title": None,
            "study": False,
            "calendar": "Work (free/busy)",
        },
    ]
