"""Team plans over several weeks (``weeks = N``, ``--weeks``, ``--week``): planned week by
week, each member's week k being the days before week k+1, so no member has high-intensity
days back to back across a week boundary, shared sessions included; one file per member
over all weeks, checked with the seams; the same bytes whatever the order of the members."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from brainfit_solver import api
from brainfit_solver.check.checker import read_plan
from brainfit_solver.team.file import load_team, member_inputs
from support import Ev
from test_team import group, team_dir

# The coach is busy all of Monday of the first week, so week 1's session lands on Sunday;
# in week 2 Monday is free for everyone, and the earliest time wins a tie.
SUNDAY_OR_MONDAY = """
[[shared]]
id = "team-hiit"
kind = "hiit"
place = "Hall 7"
days = ["mon", "sun"]
between = "10:00-12:00"
attendance = "all"
"""
COACH = [Ev(0, "00:00", "23:55", "Coach busy")]
MEMBERS: dict[str, list[Ev]] = {"a": [Ev(2, "08:00", "17:00", "Work")], "b": [], "c": []}
HIGH = {"hiit", "vo2max"}


def two_weeks(tmp_path: Path, members: dict[str, list[Ev]]) -> Path:
    folder = team_dir(tmp_path, members, shared=SUNDAY_OR_MONDAY, coach=COACH)
    team = folder / "team.toml"
    team.write_text(
        team.read_text(encoding="utf-8").replace(
            'week = "2026-W49"', 'week = "2026-W49"\nweeks = 2'
        ),
        encoding="utf-8",
    )
    return folder


def test_a_sunday_hiit_in_week_one_keeps_high_intensity_off_monday_of_week_two(
    tmp_path: Path,
) -> None:
    folder = two_weeks(tmp_path, MEMBERS)
    code, output = group(folder, tmp_path / "out")
    assert code == 0, output
    report = json.loads((tmp_path / "out/team-report.json").read_bytes())
    first, second = report["weeks"]
    assert (first["week"], second["week"]) == ("2026-W49", "2026-W50")
    (hiit1,) = first["shared"]
    (hiit2,) = second["shared"]
    assert dt.datetime.fromisoformat(hiit1["start"]).date() == dt.date(2026, 12, 6)  # Sunday
    assert hiit1["attendees"] == hiit2["attendees"] == ["a", "b", "c"]
    # Monday 7 December would be the earliest time (as planning week 2 alone shows below),
    # but every member did HIIT on Sunday 6 December: no high intensity on the Monday.
    assert dt.datetime.fromisoformat(hiit2["start"]).date() == dt.date(2026, 12, 13)
    monday = dt.date(2026, 12, 7)
    for member_id in MEMBERS:
        events = read_plan((tmp_path / f"out/{member_id}.ics").read_bytes())
        assert {e.start.date() for e in events if e.kind in HIGH} >= {dt.date(2026, 12, 6)}
        assert not [e for e in events if e.kind in HIGH and e.start.date() == monday]
        own = json.loads((tmp_path / f"out/{member_id}.json").read_bytes())
        assert [w["week"] for w in own["weeks"]] == ["2026-W49", "2026-W50"]
        assert [w["attended"] for w in own["weeks"]] == [["team-hiit"], ["team-hiit"]]
    # Each week's honest verdict, and the run's: proven only if every week is.
    assert all(w["status"] == "OPTIMAL" and w["gap"] == 0 for w in report["weeks"])
    assert report["status"] == "OPTIMAL"
    assert report["objective"] == first["objective"] + second["objective"]
    coach = read_plan((tmp_path / "out/team.ics").read_bytes())
    assert len(coach) == 2
    # Week 2 alone (--week, --weeks 1 over the file's): nothing before it, Monday it is.
    code, output = group(folder, tmp_path / "alone", "--week", "2026-W50", "--weeks", "1")
    assert code == 0, output
    alone = json.loads((tmp_path / "alone/team-report.json").read_bytes())
    (only,) = alone["weeks"][0]["shared"]
    assert dt.datetime.fromisoformat(only["start"]).date() == monday


def test_every_member_file_over_two_weeks_passes_the_checker_with_its_score(
    tmp_path: Path,
) -> None:
    folder = two_weeks(tmp_path, MEMBERS)
    code, output = group(folder, tmp_path / "out")
    assert code == 0, output
    team = load_team(folder / "team.toml")
    for member_id in MEMBERS:
        data = (tmp_path / f"out/{member_id}.ics").read_bytes()
        inputs = member_inputs(team, member_id, weeks=2)
        verdict = api.check_weeks(data, inputs, source=f"{member_id}.ics")
        assert verdict.ok, (member_id, verdict.violations)
        own = json.loads((tmp_path / f"out/{member_id}.json").read_bytes())
        assert verdict.objective == sum(w["objective"] for w in own["weeks"])
        starts = {e.start.date() for e in read_plan(data)}
        assert min(starts) >= dt.date(2026, 11, 30) and max(starts) <= dt.date(2026, 12, 13)
        assert max(starts) >= dt.date(2026, 12, 7)  # both weeks in the one file


def test_two_weeks_give_the_same_bytes_whatever_the_order_of_the_members(
    tmp_path: Path,
) -> None:
    folder = two_weeks(tmp_path, MEMBERS)
    text = (folder / "team.toml").read_text(encoding="utf-8")
    head, *members = text.split("[[members]]")
    reordered = head + "".join(f"[[members]]{m.rstrip()}\n" for m in reversed(members))
    (folder / "reversed.toml").write_text(reordered, encoding="utf-8")
    assert group(folder, tmp_path / "out1")[0] == 0
    assert group(folder, tmp_path / "out2", team="reversed.toml")[0] == 0
    one = {f.name: f.read_bytes() for f in sorted((tmp_path / "out1").iterdir())}
    two = {f.name: f.read_bytes() for f in sorted((tmp_path / "out2").iterdir())}
    assert sorted(one) == sorted(two) and len(one) == 2 * 3 + 2
    assert [name for name in one if one[name] != two[name]] == []


@pytest.mark.parametrize("weeks", ["0", "-1", str(api.MAX_WEEKS + 1)])
def test_weeks_out_of_range_is_exit_2(tmp_path: Path, weeks: str) -> None:
    folder = two_weeks(tmp_path, {"a": []})
    code, output = group(folder, tmp_path / "out", "--weeks", weeks)
    assert code == 2, output
    assert f"--weeks {weeks} is out of range" in output and f"1 to {api.MAX_WEEKS}" in output
    assert not any((tmp_path / "out").iterdir())


def test_weeks_out_of_range_in_the_team_file_is_exit_2_naming_it(tmp_path: Path) -> None:
    folder = two_weeks(tmp_path, {"a": []})
    team = folder / "team.toml"
    team.write_text(
        team.read_text(encoding="utf-8").replace("weeks = 2", f"weeks = {api.MAX_WEEKS + 1}"),
        encoding="utf-8",
    )
    code, output = group(folder, tmp_path / "out")
    assert code == 2, output
    assert "team.toml" in output and "weeks" in output


def test_the_team_page_has_one_section_per_week_with_that_weeks_shared_sessions(
    tmp_path: Path,
) -> None:
    folder = two_weeks(tmp_path, MEMBERS)
    page = tmp_path / "TEAM.html"
    code, output = group(folder, tmp_path / "out", "--html", str(page))
    assert code == 0, output
    html = page.read_text(encoding="utf-8")
    report = json.loads((tmp_path / "out/team-report.json").read_bytes())
    for week in report["weeks"]:
        start = html.index(f'<section class="week" id="week-{week["week"]}">')
        section = html[start : html.index("</section>", start)]
        for shared in week["shared"]:
            assert f'data-start="{shared["start"]}"' in section
    assert html.count('<section class="week"') == 2
