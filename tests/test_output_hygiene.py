"""The exported bytes themselves (RFC 5545 §3.1, §3.3.11, §3.8.7.2), atomic writes, and inputs
that are never modified."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from brainfit_solver.cli import main
from brainfit_solver.core.errors import OutputError
from brainfit_solver.outputs.ics import write_atomic
from brainfit_solver.pipeline import plan_weeks
from brainfit_solver.rules.profile import Profile
from support import Ev, inputs_for, write_calendar

TRICKY = "Übung; Analysis, Raum 3\nbring Taschenrechner"
EVENTS = [Ev(d, "09:00", "11:00", TRICKY, ("Study",)) for d in range(5)]


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Two weeks for Zoë, with snacks before study blocks whose title needs escaping."""
    folder = tmp_path_factory.mktemp("hygiene")
    profile = Profile(name="Zoë Ångström", timezone="Europe/Berlin")
    return plan_weeks(inputs_for(folder, EVENTS, profile=profile), weeks=2).ics


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def unfolded(data: bytes) -> list[bytes]:
    return data.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").split(b"\r\n")


def test_every_line_ends_in_crlf(raw: bytes) -> None:
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert b"\r" not in raw.replace(b"\r\n", b"")


def test_lines_are_folded_at_75_octets_without_splitting_a_character(raw: bytes) -> None:
    lines = physical_lines(raw)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines), "descriptions are long enough to fold"
    for line in lines:
        line.decode("utf-8")  # a folded multi-octet character would not decode


def test_commas_semicolons_and_newlines_are_escaped_in_text(raw: bytes) -> None:
    descriptions = [line for line in unfolded(raw) if line.startswith(b"DESCRIPTION:")]
    escaped = "Right before: Übung\\; Analysis\\, Raum 3\\nbring Taschenrechner".encode()
    assert any(escaped in line for line in descriptions)
    snack = next(
        e for e in Calendar.from_ical(raw).walk("VEVENT") if "Right before" in str(e["DESCRIPTION"])
    )
    assert f"Right before: {TRICKY}" in str(snack["DESCRIPTION"])


def test_non_ascii_text_is_utf8_in_the_file(raw: bytes) -> None:
    text = raw.decode("utf-8")
    assert "Übung" in text and "—" in text  # the study block, and titles "Zone 2 cardio — …"
    assert "charset" not in text.lower()  # UTF-8 is the default; no CHARSET parameter (§3.1.4)


def test_dtstamp_is_utc(raw: bytes) -> None:
    stamps = [line for line in unfolded(raw) if line.startswith(b"DTSTAMP")]
    assert stamps
    assert all(re.fullmatch(rb"DTSTAMP:\d{8}T\d{6}Z", line) for line in stamps)


def test_one_vtimezone_per_zone_used(raw: bytes) -> None:
    lines = unfolded(raw)
    used = {m[1] for line in lines if (m := re.match(rb"DT(?:START|END);TZID=([^:;]+)[:;]", line))}
    defined = [line.removeprefix(b"TZID:") for line in lines if line.startswith(b"TZID:")]
    assert used == {b"Europe/Berlin"}
    assert sorted(defined) == sorted(used)
    assert raw.count(b"BEGIN:VTIMEZONE") == 1


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plan.ics"
    target.write_bytes(b"old plan")

    def broken(*args: object, **kwargs: object) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", broken)
    with pytest.raises(OutputError, match="No space left"):
        write_atomic(target, b"new plan")
    assert target.read_bytes() == b"old plan"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.ics"]


def test_a_write_replaces_the_file_in_one_rename(tmp_path: Path) -> None:
    target = tmp_path / "plan.ics"
    target.write_bytes(b"old plan")
    before = target.stat().st_ino
    write_atomic(target, b"new plan")
    assert target.read_bytes() == b"new plan"
    assert target.stat().st_ino != before  # a new file renamed over the old, not rewritten
    assert [p.name for p in tmp_path.iterdir()] == ["plan.ics"]


def digest(paths: list[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_no_command_modifies_its_input_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    calendar = write_calendar(tmp_path / "cal.ics", EVENTS)
    study = write_calendar(tmp_path / "study.ics", [Ev(5, "10:00", "12:00", "Revision")])
    profile = tmp_path / "profile.toml"
    profile.write_text('name = "Zoë"\ntimezone = "Europe/Berlin"\n', encoding="utf-8")
    inputs = [calendar, study, profile]
    common = ["cal.ics", "--study", "study.ics", "--profile", "profile.toml", "--week", "2026-W49"]
    runner = CliRunner()
    assert runner.invoke(main, ["plan", *common, "-o", "p.ics"]).exit_code == 0
    previous = tmp_path / "p.ics"
    before = digest([*inputs, previous])
    commands = [
        ["plan", *common, "--weeks", "2", "--merge", "-o", "m.ics", "--json", "m.json"],
        ["plan", *common, "--previous", "p.ics", "--now", "2026-12-01T08:00", "-o", "p2.ics"],
        ["plan", *common, "--weeks", "2", "--repeat", "-o", "r.ics"],
        ["check", "p.ics", *common],
    ]
    for command in commands:
        result = runner.invoke(main, command)
        assert result.exit_code == 0, (command, result.output)
        assert digest([*inputs, previous]) == before, command
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_bad_input_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_calendar(tmp_path / "cal.ics", EVENTS)
    (tmp_path / "broken.ics").write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    result = CliRunner().invoke(
        main, ["plan", "cal.ics", "--previous", "broken.ics", "--weeks", "2", "-o", "out.ics"]
    )
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "out.ics").exists()
