"""Team plans (``brainfit group``): the team file, safe file names, partial failure and exit
codes, privacy, determinism, the honest bound, and the bundled example."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from multiprocessing import forkserver
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from brainfit_solver import api
from brainfit_solver.check.checker import read_plan
from brainfit_solver.cli import main
from brainfit_solver.outputs.team import TeamReport
from brainfit_solver.rules.profile import Profile
from brainfit_solver.team.file import load_team, member_stems
from brainfit_solver.team.run import TeamRequest, run_team
from support import REPO, Ev, write_calendar

EXAMPLE = REPO / "examples" / "team"
EPOCH = "1795000000"

HIIT = """
[[shared]]
id = "team-hiit"
kind = "hiit"
place = "Hall 7"
days = ["tue", "thu"]
between = "17:00-20:00"
attendance = {attendance}
"""


def team_dir(
    tmp_path: Path,
    members: dict[str, list[Ev]],
    *,
    shared: str = "",
    extra: str = "",
    coach: list[Ev] | None = None,
) -> Path:
    """A team of ``members`` (id -> events) in ``tmp_path``, the coach busy with ``coach``."""
    folder = tmp_path / "team"
    folder.mkdir()
    write_calendar(folder / "coach.ics", coach or [Ev(0, "09:00", "10:00", "Coach admin")])
    lines = [
        'name = "Test Team"',
        'timezone = "Europe/Berlin"',
        'week = "2026-W49"',
        "",
        "[coach]",
        'name = "Coach Carla"',
        'email = "carla@example.org"',
        'calendars = ["coach.ics"]',
        shared,
    ]
    for k, (member_id, events) in enumerate(members.items()):
        write_calendar(folder / f"m{k}.ics", events)
        lines += [
            "[[members]]",
            f"id = {json.dumps(member_id)}",
            f'name = "Member {k}"',
            f'calendars = ["m{k}.ics"]',
            extra,
        ]
    (folder / "team.toml").write_text("\n".join(lines), encoding="utf-8")
    return folder


def group(folder: Path, out: Path, *extra: str, team: str = "team.toml") -> tuple[int, str]:
    out.mkdir(exist_ok=True)
    result = CliRunner().invoke(
        main,
        ["group", str(folder / team), "--out-dir", str(out), *extra],
        env={"SOURCE_DATE_EPOCH": EPOCH, "COLUMNS": "200"},
    )
    return result.exit_code, result.output


# -- the team file ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (('id = "a"', 'id = "b"'), "members[1].id: member id 'b' is used twice"),
        (('attendance = "80%"', 'attendance = "most"'), "at 'shared.0.attendance'"),
        (('kind = "hiit"', 'kind = "snack"'), "shared[0] (team-hiit).kind"),
        (('timezone = "Europe/Berlin"', 'timezone = "Europe/Berlin"\ncolour = 3'), "unknown key"),
    ],
)
def test_a_bad_team_file_is_exit_2_naming_file_and_place(
    tmp_path: Path, change: tuple[str, str], words: str
) -> None:
    folder = team_dir(tmp_path, {"a": [], "b": []}, shared=HIIT.format(attendance='"80%"'))
    path = folder / "team.toml"
    path.write_text(path.read_text().replace(*change, 1), encoding="utf-8")
    code, output = group(folder, tmp_path / "out")
    assert code == 2, output
    assert str(path) in output.replace("\n", "") and words in output.replace("\n", "")
    assert not any((tmp_path / "out").iterdir())


def test_member_ids_that_differ_by_case_or_accents_get_their_own_safe_files() -> None:
    ids = ["René", "rene", "RENE", "../../etc/passwd", "/abs", "CON", "nul", "team", "Ünal", ""]
    stems = member_stems(ids)
    assert len(set(stems.values())) == len(ids)
    for stem in stems.values():
        assert stem and all(c.isascii() and (c.isalnum() or c in "-_") for c in stem)
        assert stem.lower() not in {"con", "nul", "team", "team-report"}
    assert stems["rene"] != stems["René"] != stems["RENE"]
    assert member_stems(reversed(ids)) == stems  # the order of members changes nothing


def test_two_members_differing_only_by_case_write_two_files(tmp_path: Path) -> None:
    folder = team_dir(tmp_path, {"Eva": [], "eva": [], "../eva": []})
    code, output = group(folder, tmp_path / "out")
    assert code == 0, output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len([n for n in written if n.endswith(".ics") and n != "team.ics"]) == 3
    assert all((tmp_path / "out" / n).parent == tmp_path / "out" for n in written)
    assert not (tmp_path / "eva.ics").exists()


# -- solving, partial failure, exit codes ---------------------------------------------------


def test_a_team_that_shares_nothing_is_each_members_own_optimum(tmp_path: Path) -> None:
    events = {"a": [Ev(1, "08:00", "17:00", "Work")], "b": [Ev(2, "10:00", "12:00", "Lecture")]}
    folder = team_dir(tmp_path, events)
    outcome = run_team(TeamRequest(load_team(folder / "team.toml")))
    assert outcome.report.status == "OPTIMAL" and outcome.report.gap == 0
    for k, member in enumerate(outcome.members):
        alone = api.load_inputs(
            [folder / f"m{k}.ics"], profile=Profile(timezone="Europe/Berlin"), week="2026-W49"
        )
        from brainfit_solver.pipeline import plan

        assert member.objective == plan(alone).plan.objective


def test_shared_session_at_one_time_for_all_attendees_and_checked(tmp_path: Path) -> None:
    members = {
        "a": [Ev(1, "08:00", "17:30", "Work")],
        "b": [Ev(3, "08:00", "18:30", "Work")],
        "c": [],
    }
    folder = team_dir(tmp_path, members, shared=HIIT.format(attendance='"all"'))
    code, output = group(folder, tmp_path / "out")
    assert code == 0, output
    report = TeamReport.model_validate_json((tmp_path / "out/team-report.json").read_bytes())
    (hiit,) = report.weeks[0].shared
    assert hiit.attendees == ["a", "b", "c"]
    assert report.objective <= report.bound
    for k, member_id in enumerate(members):
        data = (tmp_path / "out" / f"{member_id}.ics").read_bytes()
        events = [e for e in read_plan(data) if e.shared]
        assert [(e.start, e.end) for e in events] == [(hiit.start, hiit.end)]
        inputs = api.load_inputs(
            [folder / f"m{k}.ics"],
            week="2026-W49",
            profile=Profile(timezone="Europe/Berlin", name=member_id),
        )
        verdict = api.check(data, inputs)
        assert verdict.ok, verdict.violations
        own = json.loads((tmp_path / "out" / f"{member_id}.json").read_bytes())
        assert verdict.objective == own["weeks"][0]["objective"]
        assert verdict.raw["team_attendance"] == 1
        # The coach's file holds the same group event (one UID) with every attendee.
    coach = (tmp_path / "out/team.ics").read_bytes().decode()
    assert coach.count("BEGIN:VEVENT") == 1 and coach.count("ATTENDEE") == 4  # 3 + the chair
    (event,) = Calendar.from_ical(coach).walk("VEVENT")
    assert str(event["organizer"]) == "mailto:carla@example.org"
    assert event["organizer"].params["CN"] == "Coach Carla"


def test_no_time_free_for_the_coach_and_enough_members_is_exit_3_naming_it(
    tmp_path: Path,
) -> None:
    busy_evenings = [Ev(d, "16:00", "21:00", "Evening job") for d in (1, 3)]
    members = {"a": busy_evenings, "b": busy_evenings, "c": [], "d": []}
    folder = team_dir(tmp_path, members, shared=HIIT.format(attendance='"75%"'))
    code, output = group(folder, tmp_path / "out")
    text = " ".join(output.split())
    assert code == 3, output
    assert "no time is free for the coach and 3 of the 4 members planned" in text
    assert "at best 2 are" in text
    assert not any((tmp_path / "out").iterdir())


def test_the_coach_never_free_is_exit_3(tmp_path: Path) -> None:
    coach = [Ev(d, "06:00", "23:00", "Coach busy") for d in (1, 3)]
    folder = team_dir(tmp_path, {"a": []}, shared=HIIT.format(attendance='"all"'), coach=coach)
    code, output = group(folder, tmp_path / "out")
    assert code == 3 and "is free for the coach" in " ".join(output.split())


def test_unreadable_calendar_and_impossible_week_leave_members_out_exit_6(tmp_path: Path) -> None:
    members = {
        "ok": [],
        "broken": [],
        "packed": [Ev(d, "00:00", "23:55", "Busy") for d in range(7)],
    }
    folder = team_dir(tmp_path, members, shared=HIIT.format(attendance=1))
    (folder / "m1.ics").write_bytes(b"this is not a calendar")
    code, output = group(folder, tmp_path / "out")
    assert code == 6, output
    assert "left out: broken" in output and "left out: packed" in output
    report = json.loads((tmp_path / "out/team-report.json").read_bytes())
    assert report["left_out"] == ["broken", "packed"]
    assert (tmp_path / "out/ok.ics").exists() and not (tmp_path / "out/packed.ics").exists()
    packed = json.loads((tmp_path / "out/packed.json").read_bytes())
    assert "cannot all hold" in packed["weeks"][0]["reason"]
    # --strict: fatal, nothing written
    code, output = group(folder, tmp_path / "strict", "--strict")
    assert code == 2, output
    assert not any((tmp_path / "strict").iterdir())


def test_strict_with_an_impossible_week_is_exit_3(tmp_path: Path) -> None:
    members = {"ok": [], "packed": [Ev(d, "00:00", "23:55", "Busy") for d in range(7)]}
    folder = team_dir(tmp_path, members)
    code, output = group(folder, tmp_path / "out", "--strict")
    assert code == 3 and "member packed" in output


def test_an_output_over_an_input_is_refused(tmp_path: Path) -> None:
    folder = team_dir(tmp_path, {"m0": []})
    # The member's .ics would be m0.ics in the team folder: their own calendar.
    code, output = group(folder, folder)
    assert code == 2 and "m0.ics" in output and "input" in output


# -- privacy and determinism ------------------------------------------------------------------

SECRETS = ["Therapy with Dr Zorgblat", "Divorce lawyer Quimby", "Job interview at Vexacorp"]


def test_no_members_titles_places_or_descriptions_reach_anyone_elses_files(
    tmp_path: Path,
) -> None:
    members = {
        f"p{k}": [Ev(d, f"{8 + k}:00", f"{9 + k}:30", f"{SECRETS[k]} #{d}") for d in range(5)]
        for k in range(3)
    }
    folder = team_dir(tmp_path, members, shared=HIIT.format(attendance=2))
    for k in range(3):  # places and descriptions too
        path = folder / f"m{k}.ics"
        text = path.read_bytes().replace(
            b"SUMMARY:",
            f"LOCATION:Secret place {k}\r\nDESCRIPTION:Secret note {k}\r\nSUMMARY:".encode(),
        )
        path.write_bytes(text)
    code, output = group(folder, tmp_path / "out", "--json", "-")
    assert code == 0, output
    for k, secret in enumerate(SECRETS):
        words = [secret.split()[-1], f"Secret place {k}", f"Secret note {k}"]
        for written in (tmp_path / "out").iterdir():
            text = written.read_text(encoding="utf-8")
            for word in words:
                assert word not in text, (word, written.name)
        assert all(word not in output for word in words)


def test_same_bytes_whatever_the_order_of_members_and_calendars(tmp_path: Path) -> None:
    members = {
        f"m{k}": [Ev(k % 7, "10:00", "12:00", "Class"), Ev((k + 2) % 7, "18:00", "19:00")]
        for k in range(5)
    }
    folder = team_dir(tmp_path, members, shared=HIIT.format(attendance='"60%"'))
    write_calendar(folder / "extra.ics", [Ev(4, "07:00", "09:00", "Early class")])
    text = (folder / "team.toml").read_text()
    first = text.replace('calendars = ["m0.ics"]', 'calendars = ["m0.ics", "extra.ics"]')
    (folder / "team.toml").write_text(first)
    code, _ = group(folder, tmp_path / "a")
    head, *blocks = text.replace(
        'calendars = ["m0.ics"]', 'calendars = ["extra.ics", "m0.ics"]'
    ).split("[[members]]")
    random.Random(4).shuffle(blocks)
    (folder / "shuffled.toml").write_text(head + "".join("[[members]]" + b for b in blocks))
    code2, _ = group(folder, tmp_path / "b", team="shuffled.toml")
    assert code == code2 == 0
    a, b = sorted((tmp_path / "a").iterdir()), sorted((tmp_path / "b").iterdir())
    assert [p.name for p in a] == [p.name for p in b]
    for x, y in zip(a, b, strict=True):
        assert x.read_bytes() == y.read_bytes(), x.name


def test_schema_team_prints_the_team_reports_schema() -> None:
    result = CliRunner().invoke(main, ["schema", "--team"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "TeamReport" and "members" in schema["properties"]


# -- the bundled example ----------------------------------------------------------------------


def test_team_example_plans_to_its_stored_outputs(tmp_path: Path) -> None:
    """Like the single-person examples (expected-week.ics): the stored team report's
    objective and bound, each stored member plan passing the independent checker with its
    stored score, and the one member whose week is impossible left out (exit 6)."""
    shutil.copytree(EXAMPLE, tmp_path / "team", ignore=shutil.ignore_patterns("expected"))
    code, output = group(tmp_path / "team", tmp_path / "out")
    assert code == 6, output
    expected = json.loads((EXAMPLE / "expected/team-report.json").read_bytes())
    got = json.loads((tmp_path / "out/team-report.json").read_bytes())
    assert (got["objective"], got["bound"], got["left_out"]) == (
        expected["objective"],
        expected["bound"],
        ["hanna"],
    )
    team = load_team(EXAMPLE / "team.toml")
    for member in expected["members"]:
        if member["status"] != "planned":
            continue
        index = next(k for k, m in enumerate(team.data.members) if m.id == member["id"])
        from brainfit_solver.team.file import member_profile

        spec = team.data.members[index]
        inputs = api.load_inputs(
            [team.resolve(c) for c in spec.calendars],
            profile=member_profile(team, spec, index),
            rules=team.rules,
            week="2026-W49",
        )
        verdict = api.check((EXAMPLE / "expected" / member["ics"]).read_bytes(), inputs)
        assert verdict.ok, (member["id"], verdict.violations)
        assert verdict.objective == member["objective"]
    # And byte for byte, every file (regenerate with SOURCE_DATE_EPOCH=1795000000 brainfit
    # group examples/team/team.toml --out-dir examples/team/expected after a deliberate change).
    stored = {f.name: f.read_bytes() for f in sorted((EXAMPLE / "expected").iterdir())}
    made = {f.name: f.read_bytes() for f in sorted((tmp_path / "out").iterdir())}
    assert sorted(made) == sorted(stored)
    assert [name for name in made if made[name] != stored[name]] == []


# -- the honest bound ---------------------------------------------------------------------


def test_reported_objective_and_bound_bracket_the_optimum_found_by_complete_search(
    tmp_path: Path,
) -> None:
    """A tiny team, one shared session with four possible times: solving every member at
    every time (a complete search) gives the true optimum, which the team plan must not
    exceed and the reported bound must not undercut; "OPTIMAL" only when it is that optimum."""
    from brainfit_solver.core.domain import SolverOptions
    from brainfit_solver.shared import SharedTimes, member_best
    from brainfit_solver.team.file import member_inputs

    shared = (
        HIIT.format(attendance=1)
        .replace('["tue", "thu"]', '["tue"]')
        .replace('"17:00-20:00"', '"17:00-19:00"')
    )
    members = {
        "a": [Ev(1, "08:00", "17:30", "Work"), Ev(1, "18:30", "20:00", "Lecture", ("Study",))],
        "b": [Ev(1, "17:45", "19:00", "Choir")],
        "c": [Ev(2, "10:00", "12:00", "Seminar")],
    }
    folder = team_dir(tmp_path, members, shared=shared)
    team = load_team(folder / "team.toml")
    report = run_team(TeamRequest(team)).report
    weeks = [member_inputs(team, m).week for m in sorted(members)]
    grid = team.rules.meta.granularity_min
    horizon = member_inputs(team, "a").horizon
    best = None
    for clock in ("17:00", "17:30", "18:00", "18:30"):
        moment = dt.datetime.combine(horizon.date(1), dt.time.fromisoformat(clock), horizon.tz)
        spec = SharedTimes("team-hiit", "hiit", 25 // grid, (horizon.to_minute(moment) // grid,))
        weeks_at = [member_best(w, (spec,), (), SolverOptions()) for w in weeks]
        if not any(r.attended for r in weeks_at):  # nobody attends: one must
            forced = [member_best(w, (spec,), ("team-hiit",), SolverOptions()) for w in weeks]
            costs = [
                (a.objective - f.objective, k)
                for k, (a, f) in enumerate(zip(weeks_at, forced, strict=True))
                if f.plan is not None
            ]
            if not costs:
                continue
            weeks_at[min(costs)[1]] = forced[min(costs)[1]]
        total = sum(r.objective for r in weeks_at)
        best = total if best is None else max(best, total)
    assert best is not None
    assert report.objective <= best <= report.bound
    if report.status == "OPTIMAL":
        assert report.objective == best


def test_bound_without_a_session_read_from_the_relaxed_model_is_that_of_a_model_without_it(
    tmp_path: Path,
) -> None:
    """The relaxation's task also gives each member's bound without each session they
    attend, by ruling the session out in the model it already built: that bound must be
    the optimum of a model built without the session (and below the relaxed bound for some
    member, so that ruling it out is seen to act), and the relaxed week the one
    ``member_best`` gives."""
    from brainfit_solver.core.domain import SolverOptions
    from brainfit_solver.shared import SharedTimes, member_best, member_relaxed
    from brainfit_solver.team.file import member_inputs

    members = {
        "a": [Ev(1, "08:00", "17:30", "Work"), Ev(1, "18:30", "20:00", "Lecture", ("Study",))],
        "b": [Ev(1, "17:45", "19:00", "Choir")],
        "c": [Ev(2, "10:00", "12:00", "Seminar")],
        "d": [],
    }
    folder = team_dir(tmp_path, members, shared=HIIT.format(attendance=1))
    team = load_team(folder / "team.toml")
    grid = team.rules.meta.granularity_min
    horizon = member_inputs(team, "a").horizon
    times = tuple(
        horizon.to_minute(
            dt.datetime.combine(horizon.date(day), dt.time.fromisoformat(clock), horizon.tz)
        )
        // grid
        for day in (1, 3)
        for clock in ("17:00", "17:30", "18:00", "18:30", "19:00")
    )
    spec = SharedTimes("team-hiit", "hiit", 25 // grid, times)
    options = SolverOptions()
    lower = 0
    for member in sorted(members):
        week = member_inputs(team, member).week
        found = member_relaxed(week, (spec,), (), options, (times[1],))
        alone = member_best(week, (spec,), (), options, True, (times[1],))
        assert found.week.plan is not None and alone.plan is not None
        assert (found.week.attended, found.week.plan.sessions, found.week.bound) == (
            alone.attended,
            alone.plan.sessions,
            alone.bound,
        )
        without = dict(found.without)
        if found.week.attends("team-hiit") is None:
            assert without == {}
            continue
        assert without == {"team-hiit": member_best(week, (), (), options).bound}
        lower += without["team-hiit"] < found.week.bound
    assert lower > 0


# -- several teams in one run ---------------------------------------------------------------


def two_teams(tmp_path: Path) -> tuple[Path, Path]:
    """Two small teams in their own folders, named differently."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    first = team_dir(
        tmp_path / "a",
        {"ann": [Ev(0, "09:00", "12:00", "Lecture")], "bo": [Ev(1, "18:00", "19:00")]},
        shared=HIIT.format(attendance=1),
    )
    second = team_dir(
        tmp_path / "b",
        {"cem": [Ev(2, "08:00", "10:00", "Shift")], "dana": [Ev(3, "17:00", "18:00")]},
    )
    text = (second / "team.toml").read_text().replace('"Test Team"', '"Rowing Club"')
    (second / "team.toml").write_text(text)
    return first / "team.toml", second / "team.toml"


def group_files(out: Path, *args: str) -> tuple[int, str]:
    out.mkdir()
    result = CliRunner().invoke(
        main,
        ["group", *args, "--out-dir", str(out)],
        env={"SOURCE_DATE_EPOCH": EPOCH, "COLUMNS": "200"},
    )
    return result.exit_code, result.output


def test_several_teams_are_planned_into_one_directory_each_name_first(tmp_path: Path) -> None:
    first, second = two_teams(tmp_path)
    code, output = group_files(tmp_path / "both", str(first), str(second))
    assert code == 0, output
    both = {f.name: f.read_bytes() for f in (tmp_path / "both").iterdir()}
    for team, prefix in ((first, "test-team--"), (second, "rowing-club--")):
        code, output = group_files(tmp_path / prefix, str(team))
        assert code == 0, output
        alone = {f.name: f.read_bytes() for f in (tmp_path / prefix).iterdir()}
        assert {f"{prefix}{name}": data for name, data in alone.items()} == {
            name: data for name, data in both.items() if name.startswith(prefix)
        }
    assert len(both) == 2 * (2 * 2 + 2)  # per team: each member's .ics and .json, its own two


def test_several_teams_give_the_same_bytes_in_any_order(tmp_path: Path) -> None:
    first, second = two_teams(tmp_path)
    runs = []
    for name, order in (("ab", [first, second]), ("ba", [second, first])):
        code, output = group_files(tmp_path / name, *map(str, order), "--json", "-", "--quiet")
        assert code == 0, output
        files = {f.name: f.read_bytes() for f in (tmp_path / name).iterdir()}
        runs.append((files, output))
    assert runs[0] == runs[1]
    lines = [json.loads(line) for line in runs[0][1].splitlines()]
    assert [(line["team"], line.get("member")) for line in lines] == [
        ("Rowing Club", "cem"),
        ("Rowing Club", "dana"),
        ("Rowing Club", None),
        ("Test Team", "ann"),
        ("Test Team", "bo"),
        ("Test Team", None),
    ]


def test_two_team_files_naming_the_same_team_are_refused(tmp_path: Path) -> None:
    first, second = two_teams(tmp_path)
    second.write_text(second.read_text().replace('"Rowing Club"', '"Test Team"'))
    code, output = group_files(tmp_path / "out", str(first), str(second))
    assert code == 2, output
    assert str(second) in output and "name" in output and "Traceback" not in output
    assert not any((tmp_path / "out").iterdir())


def test_one_team_page_is_drawn_for_one_team_only(tmp_path: Path) -> None:
    first, second = two_teams(tmp_path)
    page = tmp_path / "page.html"
    code, output = group_files(tmp_path / "out", str(first), str(second), "--html", str(page))
    assert code == 2 and "--html draws one team's page" in output, output
    assert not page.exists() and not any((tmp_path / "out").iterdir())


def test_a_team_whose_every_calendar_is_unreadable_is_reported_not_crashed(
    tmp_path: Path,
) -> None:
    folder = team_dir(tmp_path, {"only": []}, shared=HIIT.format(attendance=1))
    (folder / "m0.ics").write_bytes(b"this is not a calendar")
    code, output = group(folder, tmp_path / "out")
    assert code == 6, output
    assert "left out: only" in output and "Traceback" not in output
    report = json.loads((tmp_path / "out/team-report.json").read_bytes())
    assert report["left_out"] == ["only"]


def test_several_teams_plan_the_next_week_of_the_machine_that_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Teams go to worker processes that keep the environment they started with: "next
    week" and DTSTAMP come from SOURCE_DATE_EPOCH where the command runs."""
    first, second = two_teams(tmp_path)
    for team in (first, second):
        team.write_text(team.read_text().replace('week = "2026-W49"\n', ""))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    forkserver.ensure_running()  # the workers' parent, without SOURCE_DATE_EPOCH
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(
        main,
        ["group", str(first), str(second), "--out-dir", str(out)],
        env={"SOURCE_DATE_EPOCH": "1789000000"},  # Thu 10 Sep 2026: next week is 2026-W38
    )
    assert result.exit_code == 0, result.output
    for name in ("test-team--team-report.json", "rowing-club--team-report.json"):
        assert json.loads((out / name).read_bytes())["week"] == "2026-W38"
    assert b"DTSTAMP:20260910T002640Z" in (out / "test-team--ann.ics").read_bytes()
