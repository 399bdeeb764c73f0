"""The week picture (``plan --html/--svg``, ``brainfit view``): parsed with real parsers and
read back as a person would read it: one block per session on its day at its time, the busy
and study blocks, a DST day's 23 or 25 hours, nothing fetched from anywhere, same bytes for
the same plan. The terminal summary's width and NO_COLOR behaviour are pinned here too."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner

from brainfit_solver import api, pipeline
from brainfit_solver.api import plan_report
from brainfit_solver.cli import main
from brainfit_solver.outputs.picture import render_html, render_svg
from brainfit_solver.outputs.report import PlanReport, read_report
from brainfit_solver.pipeline import schedule_report
from brainfit_solver.rules.profile import Profile
from support import CALENDARS, EXAMPLES_DIR, Ev, write_calendar

SVG = "{http://www.w3.org/2000/svg}"
STUDENT = EXAMPLES_DIR / "student"


def parse(html: bytes) -> ET.Element:
    """The page as XML (so every tag is closed and balanced), after an HTML5 parser in strict
    mode found no error in it either."""
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)
    return ET.fromstring(html.split(b"\n", 1)[1])  # past <!DOCTYPE html>


def week_svgs(page: ET.Element) -> list[ET.Element]:
    return [e for e in page.iter(f"{SVG}svg") if e.get("class") == "week"]


def classed(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def placed(svg: ET.Element) -> dict[str, tuple[str, float, float, float]]:
    """Each session block: uid -> (date of its day column, top, height, x of its rect)."""
    out: dict[str, tuple[str, float, float, float]] = {}
    for day in classed(svg, "day"):
        for block in classed(day, "session"):
            rect = block.find(f"{SVG}rect")
            assert rect is not None
            uid = block.get("data-uid", "")
            assert uid not in out, f"session {uid} drawn twice"
            out[uid] = (
                day.get("data-date", ""),
                float(rect.get("y", "nan")),
                float(rect.get("height", "nan")),
                float(rect.get("x", "nan")),
            )
    return out


def y_of(day: ET.Element, moment: dt.datetime) -> float:
    """Where a moment lies in a day column, read from the column's own hour lines (each
    labelled with its local time): the line at or before it, plus the minutes past it."""
    lines = sorted(
        (dt.datetime.fromisoformat(line.get("data-time", "")), float(line.get("y1", "nan")))
        for line in classed(day, "hour")
    )
    scale = (lines[1][1] - lines[0][1]) / 60
    at, y = max((t, y) for t, y in lines if t <= moment)
    return y + (moment - at).total_seconds() / 60 * scale


@pytest.fixture(scope="module")
def student() -> PlanReport:
    return read_report(STUDENT / "expected-report.json")


def test_the_page_is_well_formed_and_fetches_nothing(student: PlanReport) -> None:
    html = render_html(student)
    page = parse(html)
    assert page.tag == "html"
    text = html.decode()
    for tag in ("<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "url("):
        assert tag not in text, tag
    # The one URL is the SVG namespace, a name that is never fetched.
    assert set(re.findall(r"\b\w+://[^\"' <>)]+", text)) == {"http://www.w3.org/2000/svg"}
    assert not [e for e in page.iter() if e.get("src") or e.get("href")]


def test_the_standalone_svg_is_well_formed_xml_and_fetches_nothing(student: PlanReport) -> None:
    data = render_svg(student)
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    assert set(re.findall(rb"\b\w+://[^\"' <>)]+", data)) == {b"http://www.w3.org/2000/svg"}
    assert len(placed(week_svgs(root)[0])) == len(student.weeks[0].sessions)


def test_one_block_per_session_on_its_day_at_its_time(student: PlanReport) -> None:
    week = student.weeks[0]
    svg = week_svgs(parse(render_html(student)))[0]
    days = {d.get("data-date"): d for d in classed(svg, "day")}
    blocks = placed(svg)
    assert sorted(blocks) == sorted(s.uid for s in week.sessions)
    for s in week.sessions:
        start, end = dt.datetime.fromisoformat(s.start), dt.datetime.fromisoformat(s.end)
        date, top, height, x = blocks[s.uid]
        assert date == start.date().isoformat()
        column = days[date]
        left = float(column.get("data-x", "nan"))
        assert left <= x < left + float(column.get("data-width", "nan"))
        assert top == pytest.approx(y_of(column, start), abs=0.06)
        assert top + height == pytest.approx(y_of(column, end), abs=0.06)


def test_busy_and_study_blocks_are_drawn_with_their_titles(student: PlanReport) -> None:
    week = student.weeks[0]
    svg = week_svgs(parse(render_html(student)))[0]
    drawn = sorted(
        (b.get("data-start"), b.get("data-title"), "study" in (b.get("class") or ""))
        for b in classed(svg, "busy") + classed(svg, "study")
    )
    assert drawn == sorted((b.start, b.title, b.study) for b in week.busy)
    assert any(study for _, _, study in drawn) and not all(study for _, _, study in drawn)


def test_a_free_busy_source_shows_busy_without_titles(tmp_path: Path) -> None:
    inputs = api.load_inputs(
        [CALENDARS / "freebusy.ics"], profile=Profile(timezone="Europe/Berlin"), week="2026-W46"
    )
    report = plan_report(pipeline.plan(inputs))
    svg = week_svgs(parse(render_html(report)))[0]
    blocks = classed(svg, "busy")
    assert blocks and {b.get("data-title") for b in blocks} == {"busy"}
    assert all(b.title is None for b in report.weeks[0].busy)


def test_why_each_session_sits_where_it_does_is_on_hover_and_in_the_footnote(
    student: PlanReport,
) -> None:
    page = parse(render_html(student))
    svg = week_svgs(page)[0]
    first = classed(svg, "session")[0]
    hover = first.findtext(f"{SVG}title") or ""
    # Monday's zone 2 session: 07:00-07:55, the lecture starts 08:15.
    assert "ends 20 min before the Analysis I (Vorlesung) study block" in hover
    assert "inside your 06:30–21:30 window (window.default)" in hover
    assert "inside your preferred 07:00–09:30 for Zone 2 cardio" in hover
    notes = [li for li in page.iter("li") if li.get("data-uid")]
    assert len(notes) == len(student.weeks[0].sessions)
    snack = "".join(notes[1].itertext())
    assert "leads straight into the Analysis I (Vorlesung) study block" in snack
    sprint = "".join(notes[2].itertext())  # 09:45-09:55, the next lecture starts 10:00
    assert "leads into the Programmierung (Vorlesung) study block 5 min later" in sprint
    buffered = "".join(notes[4].itertext())  # Monday's impact session after the Lernblock
    assert "starts 15 min after the Lernblock Analysis study block, your 15-min buffer" in buffered


def test_the_objective_is_broken_down_by_rule(student: PlanReport) -> None:
    page = parse(render_html(student))
    rows = {r.get("data-rule"): [c.text for c in r] for r in page.iter("tr") if r.get("data-rule")}
    week = student.weeks[0]
    assert list(rows) == [t.rule for t in week.terms]
    for t in week.terms:
        assert rows[t.rule][1:4] == [str(t.weight), str(t.raw), f"{t.points:+d}"]
    total = next(r for r in page.iter("tr") if r.get("class") == "total")
    assert f"{week.objective:+d}" in "".join(total.itertext())


@pytest.mark.parametrize(
    ("calendar", "week", "day", "hours", "twice", "missing"),
    [
        ("dst_berlin_october.ics", "2026-W43", "2026-10-25", 25, "02:00", None),
        ("dst_berlin_march.ics", "2026-W13", "2026-03-29", 23, None, "02:00"),
    ],
)
def test_a_dst_day_shows_its_23_or_25_hours(
    calendar: str, week: str, day: str, hours: int, twice: str | None, missing: str | None
) -> None:
    profile = Profile(timezone="Europe/Berlin", window={"default": "00:00-24:00"})
    inputs = api.load_inputs([CALENDARS / calendar], profile=profile, week=week)
    report = plan_report(pipeline.plan(inputs))
    svg = week_svgs(parse(render_html(report)))[0]
    columns = {d.get("data-date"): d for d in classed(svg, "day")}
    column = columns[day]
    assert column.get("data-minutes") == str(hours * 60)
    labels = [dt.datetime.fromisoformat(h.get("data-time", "")) for h in classed(column, "hour")]
    clock = [f"{t:%H:%M}" for t in labels]
    assert clock.count("00:00") == 2  # midnight to midnight: every hour of the day is drawn
    assert len(clock) == hours + 1
    if twice:
        assert clock.count(twice) == 2
    if missing:
        assert missing not in clock
    # Every block still sits at its real time on the DST day.
    blocks = placed(svg)
    for s in report.weeks[0].sessions:
        start = dt.datetime.fromisoformat(s.start)
        if start.date().isoformat() == day:
            assert blocks[s.uid][1] == pytest.approx(y_of(column, start), abs=0.06)
    for b in report.weeks[0].busy:
        start = dt.datetime.fromisoformat(b.start)
        if start.date().isoformat() == day:
            drawn = [g for g in classed(column, "busy") if g.get("data-start") == b.start]
            rect = drawn[0].find(f"{SVG}rect")
            assert rect is not None
            assert float(rect.get("y", "nan")) == pytest.approx(y_of(column, start), abs=0.06)
    header = "".join(column.itertext())
    assert f"{hours} h" in header


def test_several_weeks_give_one_section_each(tmp_path: Path) -> None:
    inputs = api.load_inputs(
        [STUDENT / "calendar.ics"], profile=STUDENT / "profile.toml", week="2026-W49", weeks=2
    )
    report = schedule_report(pipeline.run_one(pipeline.PlanRequest(inputs, weeks=2)))
    page = parse(render_html(report))
    sections = [s for s in page.iter("section") if s.get("class") == "week"]
    assert [s.get("id") for s in sections] == ["week-2026-W49", "week-2026-W50"]
    for section, week in zip(sections, report.weeks, strict=True):
        (svg,) = week_svgs(section)
        assert sorted(placed(svg)) == sorted(s.uid for s in week.sessions)
    svg_root = ET.fromstring(render_svg(report))
    assert [s.get("data-week") for s in week_svgs(svg_root)] == ["2026-W49", "2026-W50"]


def _plan(tmp_path: Path, *extra: str) -> list[str]:
    return ["plan", "--profile", str(STUDENT / "profile.toml"), "--quiet", *extra]


def test_plan_writes_the_picture_beside_the_plan_with_the_same_bytes_every_run(
    tmp_path: Path,
) -> None:
    runs = []
    for k in range(2):
        out, html, svg, js = (tmp_path / f"{k}.{e}" for e in ("ics", "html", "svg", "json"))
        args = ["-o", str(out), "--json", str(js), "--html", str(html), "--svg", str(svg)]
        result = CliRunner().invoke(main, _plan(tmp_path, *args))
        assert result.exit_code == 0, result.output
        runs.append((html.read_bytes(), svg.read_bytes(), js))
    assert runs[0][:2] == runs[1][:2]
    # `brainfit view` draws the saved report as `plan --html` drew it.
    viewed = tmp_path / "viewed.html"
    result = CliRunner().invoke(main, ["view", str(runs[0][2]), "-o", str(viewed)])
    assert result.exit_code == 0, result.output
    assert viewed.read_bytes() == runs[0][0]


def test_a_picture_that_cannot_be_written_leaves_every_output_unwritten(tmp_path: Path) -> None:
    out, js = tmp_path / "week.ics", tmp_path / "week.json"
    args = ["-o", str(out), "--json", str(js), "--html", str(tmp_path / "no" / "w.html")]
    result = CliRunner().invoke(main, _plan(tmp_path, *args))
    assert result.exit_code == 2
    assert "--html" in result.stderr and "does not exist" in result.stderr
    assert not out.exists() and not js.exists()
    calendar = STUDENT / "calendar.ics"
    result = CliRunner().invoke(main, _plan(tmp_path, "-o", str(out), "--svg", str(calendar)))
    assert result.exit_code == 2 and "--svg" in result.stderr and not out.exists()


def test_view_of_a_bad_report_is_one_paragraph_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema_version": 4, "weeks": "no"}), encoding="utf-8")
    out = tmp_path / "w.html"
    result = CliRunner().invoke(main, ["view", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {bad}, at ") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()
    missing = CliRunner().invoke(main, ["view", str(tmp_path / "none.json"), "-o", str(out)])
    assert missing.exit_code == 2 and "cannot read the report" in missing.stderr


def test_an_impossible_week_draws_its_explanation(tmp_path: Path) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text(
        'timezone = "Europe/Berlin"\nweek = "2026-W49"\n[window]\ndefault = "07:00-07:30"\n',
        encoding="utf-8",
    )
    cal = write_calendar(tmp_path / "cal.ics", [Ev(0, "09:00", "12:00", "Lecture")])
    out, html = tmp_path / "w.ics", tmp_path / "w.html"
    args = ["plan", str(cal), "--profile", str(profile), "-o", str(out), "--html", str(html)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 3, result.output
    assert not out.exists()
    page = parse(html.read_bytes())
    section = next(s for s in page.iter("section") if s.get("class") == "infeasible")
    text = "".join(section.itertext())
    assert "cannot" in text
    assert [li for li in section.iter("li") if li.get("data-setting")]


# -- the terminal summary ------------------------------------------------------------------


def test_status_line_is_not_wrapped_when_output_is_not_a_terminal(tmp_path: Path) -> None:
    args = ["plan", "--profile", str(STUDENT / "profile.toml"), "-o", str(tmp_path / "w.ics")]
    result = CliRunner().invoke(main, args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    status = [line for line in result.stdout.splitlines() if line.startswith("proven optimal")]
    assert len(status) == 1
    assert re.fullmatch(
        r"proven optimal \(objective \d+\); solved in [\d.]+ s; checked: every hard rule holds\.",
        status[0],
    )
    note = [line for line in result.stdout.splitlines() if line.startswith("Note: ")]
    assert note and note[0].endswith("or import it into your calendar.")


def test_the_summary_is_readable_at_80_columns_with_no_color(tmp_path: Path) -> None:
    args = ["plan", "--profile", str(STUDENT / "profile.toml"), "-o", str(tmp_path / "w.ics")]
    env = {"COLUMNS": "80", "NO_COLOR": "1", "FORCE_COLOR": "1"}  # a terminal, without colour
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    assert not re.search(r"\x1b\[[0-9;]*3[0-9]", result.stdout), "a colour despite NO_COLOR"
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    table = [line for line in plain.splitlines() if line[:1] in "│┃┏┡└┌├"]
    assert table and max(len(line) for line in table) <= 80
    for title in ("Zone 2 cardio", "HIIT", "near_study", "total"):
        assert title in plain
    assert "| 07:00–07:55 |" in plain.replace("│", "|")
