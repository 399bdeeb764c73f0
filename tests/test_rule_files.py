"""Rule sets as data: the bundled ones load, cite the source, and bad files say where."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from brainfit_solver.core.errors import RuleFileError
from brainfit_solver.rules.ruleset import load_rules
from support import REPO

RULE_FILES = sorted((REPO / "constraints").glob("*.toml"))
SOURCE = (REPO / "constraints" / "brain-health-exercise-protocol.txt").read_text(encoding="utf-8")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_there_is_a_default_and_a_second_example_rule_set() -> None:
    names = {p.name for p in RULE_FILES}
    assert "brain-health.toml" in names and len(names) >= 2


def test_bundled_default_is_the_constraints_file() -> None:
    assert load_rules() == load_rules(REPO / "constraints" / "brain-health.toml")


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_every_kind_and_rule_cites_a_passage_of_the_source(path: Path) -> None:
    rules = load_rules(path)
    cited = [k.cites for k in rules.kinds.values()] + [r.cites for r in [*rules.hard, *rules.soft]]
    for passage in cited:
        assert _norm(passage) in _norm(SOURCE), passage


def test_default_rules_encode_the_weekly_protocol() -> None:
    rules = load_rules()
    k = rules.kinds
    assert k["zone2"].duration_min == (45, 75) and k["zone2"].per_week.min >= 1
    assert k["hiit"].per_week.min >= 1 and k["hiit"].intensity == "high"
    assert k["resistance"].per_week.min >= 2
    assert k["vo2max"].per_week.min == 1 and k["vo2max"].intensity == "high"
    assert k["snack"].anchor == "before_study" and k["snack"].per_week.min == 0
    assert k["impact"].per_week.min == 0 and k["sprint_snack"].per_week.min == 0
    hard = {r.id: r for r in rules.hard}
    assert hard["one_high_intensity_per_day"].kind == "max_per_day"
    assert hard["high_intensity_not_on_consecutive_days"].kind == "not_on_consecutive_days"
    assert {r.kind for r in rules.soft} >= {"near_study", "preferred_times", "active_days"}


@pytest.mark.parametrize(
    ("text", "place", "problem"),
    [
        ("[meta\n", "", "not valid TOML"),
        ("[meta]\nname='x'\n[kinds.z]\ntitle='Z'\n", "kinds.z", "Field required"),
        (
            "[meta]\nname='x'\n[kinds.z]\ntitle='Z'\nduration_min=[50,40]\nintensity='low'\n"
            "per_week={max=1}\nprotocol='p'\nwhy='w'\ncites='a long enough passage'\n",
            "kinds.z",
            "must be 1 <= low <= high",
        ),
        (
            "[meta]\nname='x'\n[kinds.z]\ntitle='Z'\nduration_min=40\nintensity='low'\n"
            "per_week={min=3,max=1}\nprotocol='p'\nwhy='w'\ncites='a long enough passage'\n",
            "kinds.z.per_week",
            "min (3) is larger than max (1)",
        ),
        (
            "[meta]\nname='x'\n[kinds.z]\ntitle='Z'\nduration_min=40\nintensity='low'\n"
            "per_week={max=1}\nprotocol='p'\nwhy='w'\ncites='a long enough passage'\n"
            "[[hard]]\nid='cap'\nkind='max_per_day'\nmax=1\napplies_to={kinds=['q']}\n"
            "description='d'\ncites='a long enough passage'\n",
            "",
            "unknown kind(s) ['q']",
        ),
        (
            "[meta]\nname='x'\n[kinds.z]\ntitle='Z'\nduration_min=40\nintensity='low'\n"
            "per_week={max=1}\nprotocol='p'\nwhy='w'\ncites='a long enough passage'\n"
            "[[soft]]\nid='s'\nkind='teleport'\nweight=1\n"
            "description='d'\ncites='a long enough passage'\n",
            "soft.0",
            "does not match any of the expected tags",
        ),
    ],
)
def test_invalid_rule_file_error_names_file_place_and_fix(
    tmp_path: Path, text: str, place: str, problem: str
) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(RuleFileError) as err:
        load_rules(path)
    message = str(err.value)
    assert str(path) in message and place in message and problem in message
    assert "constraints/README.md" in message or "TOML" in message


def test_a_rule_file_changed_between_two_reads_is_read_anew_and_line_ends_do_not_matter(
    tmp_path: Path,
) -> None:
    """Rule sets are remembered by their bytes (a batch reads one file per plan): a file
    edited in place must give the edited rules, and a file saved with CRLF or CR line ends
    the same rules as with LF, as when it was read as text."""
    text = (REPO / "constraints/brain-health.toml").read_text(encoding="utf-8")
    path = tmp_path / "rules.toml"
    path.write_bytes(text.encode())
    before = load_rules(path).weights()
    path.write_bytes(text.replace("weight = 30", "weight = 31", 1).encode())
    edited = load_rules(path).weights()
    assert [(before[k], edited[k]) for k in before if before[k] != edited[k]] == [(30, 31)]
    for end in ("\r\n", "\r"):
        path.write_bytes(text.replace("\n", end).encode())
        assert load_rules(path) == load_rules(REPO / "constraints/brain-health.toml")


# --- what comes from the source and what is ours -------------------------------------------

_NUMBER = re.compile(r"^\s*(\w+)\s*=\s*(\[?\s*\d|\{[^}\"]*=\s*\d)")
_ORIGIN = re.compile(r"#\s*(source|default)(?:\s*\([^)]*\))?:\s*(.+)$")


def _numbered_lines(path: Path) -> list[tuple[int, str]]:
    """Lines that set a number (``duration_min = 45``, ``per_week = { min = 1 … }``),
    apart from the format's own bookkeeping (``format``, ``granularity_min``, ``weight``,
    ``priority``), which are settings of the tool rather than claims about exercise."""
    bookkeeping = {"format", "granularity_min", "weight", "priority"}
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = _NUMBER.match(line)
        if match and match.group(1) not in bookkeeping:
            found.append((number, line))
    return found


def test_every_number_in_the_default_rules_says_whether_the_source_or_we_chose_it() -> None:
    path = REPO / "constraints" / "brain-health.toml"
    lines = _numbered_lines(path)
    assert len(lines) >= 15
    for number, line in lines:
        origin = _ORIGIN.search(line)
        assert origin, f"brain-health.toml:{number} has no '# source:' or '# default:' mark"
        quoted = re.findall(r"\"([^\"]+)\"", origin.group(2))
        for passage in quoted:
            assert _norm(passage) in _norm(SOURCE), (number, passage)
        if origin.group(1) == "source":
            assert quoted, f"brain-health.toml:{number}: a source mark quotes its passage"
        else:
            assert len(origin.group(2).strip()) > 10, f"brain-health.toml:{number}: say why"


def test_every_omission_listed_in_the_rules_readme_quotes_the_source() -> None:
    readme = (REPO / "constraints" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What the source says that is not a rule", 1)[1].split("\n## ")[0]
    items = [_norm(item) for item in re.split(r"\n- ", section.split("\n- ", 1)[1])]
    assert len(items) >= 3
    for item in items:
        quoted = re.findall(r"“([^”]+)”", item)
        assert quoted, item
        for passage in quoted:
            assert _norm(passage) in _norm(SOURCE), passage
        assert "—" in item, f"an omission gives its reason after a dash: {item}"


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_sprint_snacks_are_high_intensity_in_every_bundled_rule_set(path: Path) -> None:
    rules = load_rules(path)
    assert rules.kinds["sprint_snack"].intensity == "high"
    hard = {r.id: r for r in rules.hard}
    assert "sprint_snack" in rules.select(hard["one_high_intensity_per_day"].applies_to)
