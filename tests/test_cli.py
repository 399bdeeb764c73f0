"""The command line: files written or not, messages and documented exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from brainfit_solver.cli import main
from support import Ev, write_calendar


@pytest.fixture
def calendar(tmp_path: Path) -> Path:
    return write_calendar(
        tmp_path / "cal.ics",
        [Ev(0, "09:00", "12:00", "Lecture"), Ev(2, "14:00", "16:00", "Revision", ("Study",))],
    )


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def test_a_calendar_alone_is_enough(calendar: Path, tmp_path: Path) -> None:
    out = tmp_path / "week.ics"
    code, output = run("plan", calendar, "-o", out)
    assert code == 0, output
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert "proven optimal" in output and "Objective by soft rule" in output
    assert "2026-W48" in output  # SOURCE_DATE_EPOCH (conftest) is 2026-11-18: next full week


def test_json_report_has_status_terms_and_sessions(calendar: Path, tmp_path: Path) -> None:
    import json

    code, output = run(
        "plan",
        calendar,
        "--week",
        "2026-W49",
        "-o",
        tmp_path / "w.ics",
        "--json",
        tmp_path / "r.json",
        "--quiet",
    )
    assert code == 0 and output == ""
    document = json.loads((tmp_path / "r.json").read_text())
    (report,) = document["weeks"]
    assert document["status"] == "OPTIMAL" and document["objective"] == report["objective"]
    assert report["status"] == "OPTIMAL" and report["gap"] == 0
    assert sum(t["points"] for t in report["terms"]) == report["objective"]
    assert report["check"] == {"ok": True, "violations": [], "objective": report["objective"]}
    assert {s["kind"] for s in report["sessions"]} >= {"zone2", "hiit", "resistance", "vo2max"}


def test_check_accepts_the_plan_and_rejects_a_tampered_one(calendar: Path, tmp_path: Path) -> None:
    out = tmp_path / "week.ics"
    assert run("plan", calendar, "--week", "2026-W49", "-o", out, "--quiet")[0] == 0
    code, output = run("check", out, calendar)
    assert code == 0 and "every hard rule holds" in output
    lines = out.read_bytes().decode().split("\r\n")
    idx = next(i for i, line in enumerate(lines) if line.startswith("DTSTART;TZID"))
    lines[idx] = lines[idx][:-6] + "233000"  # 23:30: outside the daily window
    bad = tmp_path / "bad.ics"
    bad.write_text("\r\n".join(lines))
    code, output = run("check", bad, calendar)
    assert code == 4
    assert "outside the daily window" in output or "lasts" in output


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--tz", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
        (["--week", "2026-W99"], "not an ISO week or date"),
        (["--weight", "nonsense=3"], "Valid names: "),
        (["--weight", "near_study"], "NAME=VALUE"),
    ],
)
def test_bad_options_exit_2_and_write_nothing(
    calendar: Path, tmp_path: Path, args: list[str], needle: str
) -> None:
    out = tmp_path / "week.ics"
    code, output = run("plan", calendar, "-o", out, *args)
    assert code == 2, output
    assert needle in output and "Traceback" not in output
    assert not out.exists()


def test_bad_profile_names_file_and_place(calendar: Path, tmp_path: Path) -> None:
    profile = tmp_path / "me.toml"
    profile.write_text('buffer_min = "lots"\n')
    code, output = run("plan", calendar, "--profile", profile, "-o", tmp_path / "o.ics")
    assert code == 2
    assert str(profile) in output and "buffer_min" in output


def test_bad_rule_file_names_file_and_place(calendar: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("[meta]\nname = 'x'\n[kinds.z]\ntitle = 'Z'\n")
    code, output = run("plan", calendar, "--rules", rules, "-o", tmp_path / "o.ics")
    assert code == 2
    assert str(rules) in output and "kinds.z" in output


def test_malformed_calendar_exits_2_without_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ics"
    broken.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART:2026")
    code, output = run("plan", broken, "-o", tmp_path / "o.ics")
    assert code == 2 and str(broken) in output and "Traceback" not in output
    assert not (tmp_path / "o.ics").exists()


def test_impossible_week_exits_3_and_names_the_rule(tmp_path: Path) -> None:
    full = write_calendar(
        tmp_path / "full.ics", [Ev(d, "06:00", "22:00", "Work") for d in range(7)]
    )
    code, output = run("plan", full, "--week", "2026-W49", "-o", tmp_path / "o.ics")
    assert code == 3
    assert "_per_week" in output and "cannot all hold" in output
    assert "INFEASIBLE" not in output
    assert not (tmp_path / "o.ics").exists()


def test_help_documents_exit_codes() -> None:
    code, output = run("plan", "--help")
    assert code == 0
    for line in ("0  plan written", "2  bad input", "3  the rules cannot all hold"):
        assert line in output


def test_empty_tz_is_refused_not_ignored(calendar: Path, tmp_path: Path) -> None:
    code, output = run("plan", calendar, "--tz", "", "-o", tmp_path / "week.ics")
    assert code == 2
    assert "--tz is empty" in output
    assert not (tmp_path / "week.ics").exists()
