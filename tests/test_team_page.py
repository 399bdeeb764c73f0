"""The team page (``brainfit group --html``, ``brainfit view team-report.json``): parsed with
real parsers and read back as the coach would read it: one row per member, each shared
session on its day in every member's row (highlighted where they attend, the same way for
all), the left-out member with the reason, the honest verdict, no member's calendar title
anywhere, nothing fetched, the same bytes for the same report. The example team is planned
once for the module."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from brainfit_solver.cli import main
from brainfit_solver.outputs.team import TeamReport
from brainfit_solver.outputs.team_page import render_team_html
from support import Ev
from test_picture import classed, parse
from test_team import EXAMPLE, HIIT, SECRETS, group, team_dir


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, TeamReport]:
    """The example team planned once with --html: (output directory, page, team report)."""
    root = tmp_path_factory.mktemp("team-page")
    shutil.copytree(EXAMPLE, root / "team", ignore=shutil.ignore_patterns("expected"))
    out = root / "out"
    code, output = group(root / "team", out, "--html", str(root / "TEAM.html"))
    assert code == 6, output  # hanna's own week is impossible: she is left out
    report = TeamReport.model_validate_json((out / "team-report.json").read_bytes())
    return out, (root / "TEAM.html").read_bytes(), report


def member_rows(page: ET.Element) -> dict[str, ET.Element]:
    return {r.get("data-member", ""): r for r in page.iter("tr") if r.get("data-member")}


def test_the_team_page_is_well_formed_and_fetches_nothing(
    planned: tuple[Path, bytes, TeamReport],
) -> None:
    _, html, _ = planned
    page = parse(html)
    assert page.tag == "html"
    text = html.decode()
    assert not re.search(r"https?://|<script|<link|<img|<iframe|url\(|@import|src=", text)


def test_one_row_per_member_in_the_reports_order(
    planned: tuple[Path, bytes, TeamReport],
) -> None:
    _, html, report = planned
    page = parse(html)
    found = [r.get("data-member") for r in page.iter("tr") if r.get("data-member")]
    assert found == [m.id for m in report.members] and len(found) == 10
    for row in member_rows(page).values():
        if "planned" in (row.get("class") or "").split():
            days = [td.get("data-date") for td in row.findall("td")]
            assert days == [f"2026-{d}" for d in ("11-30", *(f"12-0{k}" for k in range(1, 7)))]


def test_shared_sessions_are_highlighted_on_their_day_for_each_attendee(
    planned: tuple[Path, bytes, TeamReport],
) -> None:
    _, html, report = planned
    page = parse(html)
    by_member = member_rows(page)
    (week,) = report.weeks  # the example plans one week
    assert len(week.shared) == 2
    for shared in week.shared:
        day = shared.start.astimezone(ZoneInfo(report.timezone)).date().isoformat()
        styles = set()
        for member in report.members:
            if member.status != "planned":
                continue
            where = [
                (td.get("data-date"), block)
                for td in by_member[member.id].findall("td")
                for block in td.findall("div")
                if block.get("data-shared") == shared.id
            ]
            assert [d for d, _ in where] == [day], (member.id, shared.id)
            block = where[0][1]
            attends = member.id in shared.attendees
            assert ("attending" in (block.get("class") or "").split()) == attends
            assert "".join(block.itertext()).endswith("not attending") != attends
            assert block.get("data-kind") == shared.kind
            if attends:
                styles.add(block.get("style"))
                hover = block.get("title") or ""
                names = {m.id: m.name for m in report.members}
                assert all(names[a] in hover for a in shared.attendees)
                start = shared.start.astimezone(ZoneInfo(report.timezone))
                assert f"{start:%H:%M}" in "".join(block.itertext())
        assert len(styles) == 1, styles  # the same highlight in every attendee's row


def test_the_left_out_member_is_shown_with_the_reason(
    planned: tuple[Path, bytes, TeamReport],
) -> None:
    _, html, report = planned
    row = member_rows(parse(html))["hanna"]
    assert "left-out" in (row.get("class") or "").split()
    (cell,) = row.findall("td")
    reason = next(m.reason for m in report.members if m.id == "hanna")
    assert reason and reason in "".join(cell.itertext()) and cell.get("colspan") == "7"
    assert not classed(row, "shared")


def test_the_verdict_says_proven_optimal_only_when_it_is(
    planned: tuple[Path, bytes, TeamReport],
) -> None:
    _, html, report = planned
    status = " ".join(classed(parse(html), "status")[0].itertext())
    assert report.status == "OPTIMAL" and status.startswith("proven optimal: objective 4844")
    feasible = report.model_copy(update={"status": "FEASIBLE", "bound": 5000, "gap": 0.0312})
    text = render_team_html(feasible).decode()
    assert "proven optimal" not in text
    assert "objective 4844, bound 5000, gap 3.1%" in text


def test_view_of_the_team_report_gives_the_page_group_wrote_byte_for_byte(
    planned: tuple[Path, bytes, TeamReport], tmp_path: Path
) -> None:
    out, html, _ = planned
    result = CliRunner().invoke(
        main, ["view", str(out / "team-report.json"), "-o", str(tmp_path / "view.html")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "view.html").read_bytes() == html
    stored = TeamReport.model_validate_json((EXAMPLE / "expected/team-report.json").read_bytes())
    assert render_team_html(stored) == html


def test_no_members_calendar_titles_places_or_notes_on_the_team_page(tmp_path: Path) -> None:
    members = {
        f"p{k}": [Ev(d, f"{8 + k}:00", f"{9 + k}:30", f"{SECRETS[k]} #{d}") for d in range(5)]
        for k in range(3)
    }
    folder = team_dir(tmp_path, members, shared=HIIT.format(attendance=2))
    for k in range(3):
        path = folder / f"m{k}.ics"
        path.write_bytes(
            path.read_bytes().replace(
                b"SUMMARY:",
                f"LOCATION:Secret place {k}\r\nDESCRIPTION:Secret note {k}\r\nSUMMARY:".encode(),
            )
        )
    code, output = group(folder, tmp_path / "out", "--html", str(tmp_path / "TEAM.html"))
    assert code == 0, output
    text = (tmp_path / "TEAM.html").read_text(encoding="utf-8")
    for k, secret in enumerate(SECRETS):
        for word in (secret.split()[-1], f"Secret place {k}", f"Secret note {k}"):
            assert word not in text, word
    page = parse(text.encode())
    assert len(classed(page, "attending")) >= 2  # the page is not empty: it shows the HIIT


def test_a_team_page_that_cannot_be_written_leaves_every_output_unwritten(
    tmp_path: Path,
) -> None:
    folder = team_dir(tmp_path, {"a": [], "b": []})
    code, output = group(folder, tmp_path / "out", "--html", str(tmp_path / "no/such/TEAM.html"))
    assert code == 2 and "--html" in output, output
    assert not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize(
    ("change", "args", "words"),
    [
        ({}, ["--svg", "x.svg"], "HTML page only"),
        ({"schema_version": 99}, [], "team schema_version 99"),
        ({"status": "GREAT"}, [], "at 'status'"),
    ],
)
def test_view_of_a_bad_team_report_is_one_paragraph_and_exit_2(
    tmp_path: Path, change: dict[str, object], args: list[str], words: str
) -> None:
    data = json.loads((EXAMPLE / "expected/team-report.json").read_bytes())
    (tmp_path / "team-report.json").write_text(json.dumps(data | change), encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["view", str(tmp_path / "team-report.json"), "-o", str(tmp_path / "T.html"), *args],
    )
    assert result.exit_code == 2 and words in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output and not (tmp_path / "T.html").exists()
