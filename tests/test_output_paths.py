"""Where `brainfit plan` may write (-o, --json): never over an input or the other output, never
into a device, a pseudo-filesystem or a place it cannot write, and all outputs or none.

Every refusal is exit 2 with one paragraph naming the output, and nothing written. The cases
that run as another user (a read-only directory, which root may write) need `setpriv`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from icalendar import Calendar

from brainfit_solver.cli import main
from brainfit_solver.core.errors import OutputError
from brainfit_solver.outputs.files import Output, check_outputs, write_files
from support import Ev, write_calendar

LECTURES = [Ev(d, "09:00", "12:00", "Lecture") for d in range(5)]
WEEK = ["--week", "2026-W49"]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding cal.ics, profile.toml and rules.toml."""
    monkeypatch.chdir(tmp_path)
    write_calendar(tmp_path / "cal.ics", LECTURES)
    (tmp_path / "profile.toml").write_text('timezone = "Europe/Berlin"\n', encoding="utf-8")
    bundled = Path(__file__).resolve().parent.parent / "src/brainfit_solver/data/brain-health.toml"
    shutil.copyfile(bundled, tmp_path / "rules.toml")
    return tmp_path


def digests(folder: Path) -> dict[str, str]:
    """Every entry of the folder: a file's hash, or what else it is (link, FIFO, directory)."""
    found = {}
    for path in sorted(folder.iterdir()):
        if path.is_symlink():
            found[path.name] = f"link to {path.readlink()}"
        elif stat.S_ISFIFO(path.lstat().st_mode):
            found[path.name] = "fifo"
        elif path.is_dir():
            found[path.name] = f"dir {sorted(p.name for p in path.iterdir())}"
        else:
            found[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def plan(*args: str) -> Result:
    return CliRunner().invoke(main, ["plan", *args])


def assert_refused(result: Result, *words: str) -> None:
    """Exit 2, one paragraph on stderr that says why, nothing on stdout, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("error: ") and "Traceback" not in message
    assert len(message.splitlines()) == 1, message
    for word in words:
        assert word in message, message


@pytest.mark.parametrize(
    "args",
    [
        ["cal.ics", "-o", "cal.ics"],
        ["cal.ics", "-o", "plan.ics", "--json", "cal.ics"],
        ["cal.ics", "--profile", "profile.toml", "-o", "profile.toml"],
        ["cal.ics", "--rules", "rules.toml", "-o", "plan.ics", "--json", "rules.toml"],
        ["cal.ics", "--study", "study.ics", "-o", "study.ics"],
        ["cal.ics", "-o", "./sub/../cal.ics"],
    ],
    ids=["o-calendar", "json-calendar", "o-profile", "json-rules", "o-study", "o-dotted-path"],
)
def test_an_output_that_is_an_input_is_refused_and_nothing_is_written(
    folder: Path, args: list[str]
) -> None:
    write_calendar(folder / "study.ics", [Ev(5, "10:00", "12:00", "Revision")])
    (folder / "sub").mkdir()
    before = digests(folder)
    result = plan(*args, *WEEK)
    assert_refused(result, "input")
    assert digests(folder) == before


def test_an_output_that_is_the_previous_plan_is_refused(folder: Path) -> None:
    assert plan("cal.ics", *WEEK, "-o", "week.ics").exit_code == 0
    before = digests(folder)
    result = plan(
        "cal.ics", "--previous", "week.ics", "--now", "2026-12-01T08:00", "-o", "week.ics"
    )
    assert_refused(result, "week.ics", "input")
    assert digests(folder) == before


def test_an_output_that_is_the_bundled_rule_file_is_refused(folder: Path) -> None:
    bundled = Path(__file__).resolve().parent.parent / "src/brainfit_solver/data/brain-health.toml"
    before = bundled.read_bytes()
    assert_refused(plan("cal.ics", *WEEK, "-o", "p.ics", "--json", str(bundled)), "input")
    assert bundled.read_bytes() == before


def test_the_same_path_for_both_outputs_is_refused(folder: Path) -> None:
    before = digests(folder)
    assert_refused(plan("cal.ics", *WEEK, "-o", "x", "--json", "x"), "-o", "--json")
    assert digests(folder) == before


def test_output_path_that_is_a_symlink_to_the_calendar_is_refused(folder: Path) -> None:
    (folder / "link.ics").symlink_to("cal.ics")
    before = digests(folder)
    assert_refused(plan("cal.ics", *WEEK, "-o", "link.ics"), "cal.ics")
    assert digests(folder) == before


def test_output_path_that_is_a_hard_link_to_the_calendar_is_refused(folder: Path) -> None:
    os.link(folder / "cal.ics", folder / "hard.ics")
    before = digests(folder)
    assert_refused(plan("cal.ics", *WEEK, "--json", "hard.ics", "-o", "p.ics"), "hard link")
    assert digests(folder) == before
    assert (folder / "cal.ics").stat().st_ino == (folder / "hard.ics").stat().st_ino


def test_an_output_that_is_a_calendar_the_profile_lists_is_refused(folder: Path) -> None:
    (folder / "conf").mkdir()
    (folder / "conf/profile.toml").write_text(
        'timezone = "Europe/Berlin"\ncalendars = ["../cal.ics"]\n', encoding="utf-8"
    )
    before = digests(folder)
    assert_refused(plan("--profile", "conf/profile.toml", *WEEK, "-o", "cal.ics"), "input")
    assert digests(folder) == before


def test_json_symlinked_to_the_plan_output_is_refused(folder: Path) -> None:
    (folder / "report.json").symlink_to("plan.ics")  # dangling until the plan is written
    before = digests(folder)
    assert_refused(plan("cal.ics", *WEEK, "-o", "plan.ics", "--json", "report.json"), "-o")
    assert digests(folder) == before


def test_an_output_that_is_a_fifo_is_refused_and_stays_a_fifo(folder: Path) -> None:
    os.mkfifo(folder / "pipe")
    before = digests(folder)
    assert_refused(plan("cal.ics", *WEEK, "-o", "pipe"), "not a regular file")
    assert digests(folder) == before


def test_an_output_that_is_a_directory_is_refused(folder: Path) -> None:
    (folder / "out").mkdir()
    before = digests(folder)
    assert_refused(plan("cal.ics", *WEEK, "-o", "p.ics", "--json", "out"), "directory")
    assert digests(folder) == before


def test_an_output_under_a_regular_file_is_refused(folder: Path) -> None:
    before = digests(folder)
    assert_refused(plan("cal.ics", *WEEK, "-o", "cal.ics/out.ics"), "not a directory")
    assert digests(folder) == before


def test_an_output_under_proc_is_refused(folder: Path) -> None:
    before = digests(folder)
    assert_refused(plan("cal.ics", *WEEK, "-o", "/proc/self/brainfit.ics"), "/proc")
    assert_refused(plan("cal.ics", *WEEK, "-o", "/proc/self/comm"), "/proc")
    assert digests(folder) == before


def test_an_unwritable_json_path_leaves_the_plan_unwritten(folder: Path) -> None:
    before = digests(folder)
    assert_refused(plan("cal.ics", *WEEK, "-o", "p.ics", "--json", "/proc/report.json"), "--json")
    assert digests(folder) == before


def test_an_output_in_a_missing_directory_is_refused_not_created(folder: Path) -> None:
    before = digests(folder)
    assert_refused(
        plan("cal.ics", *WEEK, "-o", "plans/w49.ics"), "does not exist", "Create it first"
    )
    assert digests(folder) == before


@pytest.mark.parametrize("device", ["/dev/stdout", "/dev/null", "/dev/brainfit-new.ics"])
def test_an_output_on_a_device_path_is_refused_and_the_device_is_left_alone(
    folder: Path, device: str
) -> None:
    """Run as root, the old code replaced the /dev/stdout symlink by a regular file."""
    before = os.lstat(device) if os.path.lexists(device) else None
    assert_refused(plan("cal.ics", *WEEK, "-o", device), "/dev")
    after = os.lstat(device) if os.path.lexists(device) else None
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode) if before else not after


def test_plan_to_standard_output_prints_the_plan_and_talks_on_stderr(folder: Path) -> None:
    result = plan("cal.ics", *WEEK, "-o", "-", "--json", "p.json")
    assert result.exit_code == 0, result.output
    assert len(Calendar.from_ical(result.stdout_bytes).walk("VEVENT")) > 5
    assert result.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")
    assert "wrote the plan to standard output and p.json" in result.stderr
    assert not (folder / "-").exists() and (folder / "p.json").is_file()


def test_json_to_standard_output_with_weeks(folder: Path) -> None:
    result = plan("cal.ics", *WEEK, "--weeks", "2", "-o", "p.ics", "--json", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().startswith("{") and '"weeks"' in result.stdout
    assert "2 weeks" in result.stderr and (folder / "p.ics").is_file()


def test_a_file_named_dash_is_written_when_spelled_as_a_path(folder: Path) -> None:
    result = plan("cal.ics", *WEEK, "-o", "./-", "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and (folder / "-").read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_both_outputs_to_standard_output_are_refused(folder: Path) -> None:
    before = digests(folder)
    assert_refused(plan("cal.ics", *WEEK, "-o", "-", "--json", "-"), "standard output")
    assert digests(folder) == before


def test_a_symlinked_output_replaces_the_file_it_points_to(folder: Path) -> None:
    (folder / "plans").mkdir()
    (folder / "plans/w49.ics").write_bytes(b"old")
    (folder / "current.ics").symlink_to("plans/w49.ics")
    assert plan("cal.ics", *WEEK, "-o", "current.ics", "--quiet").exit_code == 0
    assert (folder / "current.ics").readlink() == Path("plans/w49.ics")
    assert (folder / "plans/w49.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_new_file_gets_the_mode_the_umask_gives(folder: Path) -> None:
    old = os.umask(0o027)
    try:
        assert plan("cal.ics", *WEEK, "-o", "p.ics", "--quiet").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((folder / "p.ics").stat().st_mode) == 0o640


# --- all or nothing, with real write failures ------------------------------------------------

_LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
sys.argv = ["brainfit", *sys.argv[2:]]
from brainfit_solver.cli import main
main()
"""


def test_a_failed_temporary_write_writes_no_output(folder: Path) -> None:
    """A file-size limit (a real EFBIG from the kernel) between the two outputs' sizes: the
    report fits, the plan does not; the run must leave neither and no temporary file."""
    (folder / "p.ics").write_bytes(b"the plan of last week")
    before = digests(folder)
    command = [sys.executable, "-c", _LIMITED, "10000", "plan", "cal.ics", *WEEK]
    command += ["--json", "p.json", "-o", "p.ics"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 2, result.stderr
    assert "File too large" in result.stderr and "nothing was written" in result.stderr
    assert digests(folder) == before


def test_write_files_removes_every_temporary_when_one_fails(tmp_path: Path) -> None:
    script = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from brainfit_solver.core.errors import OutputError\n"
        "from brainfit_solver.outputs.files import write_files\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))\n"
        "folder = Path(sys.argv[1])\n"
        "try:\n"
        "    write_files([(folder / 'a', b'small'), (folder / 'b', b'x' * 5000)])\n"
        "except OutputError as exc:\n"
        "    print(exc)\n"
    )
    (tmp_path / "a").write_bytes(b"old a")
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert "File too large" in result.stdout, result.stderr
    assert digests(tmp_path) == {"a": hashlib.sha256(b"old a").hexdigest()}


def test_write_files_replaces_each_file_in_one_rename(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"old a")
    inode = (tmp_path / "a").stat().st_ino
    write_files([(tmp_path / "a", b"new a"), (tmp_path / "b", b"new b")])
    assert (tmp_path / "a").read_bytes() == b"new a" and (tmp_path / "b").read_bytes() == b"new b"
    assert (tmp_path / "a").stat().st_ino != inode  # renamed over, not rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_an_output_that_is_a_symlink_loop_is_refused_not_a_crash(folder: Path) -> None:
    (folder / "loop").symlink_to("loop")
    before = digests(folder)
    assert_refused(plan("cal.ics", *WEEK, "-o", "loop"), "symbolic links")
    assert digests(folder) == before


def test_check_outputs_refuses_what_it_cannot_write(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_bytes(b"")
    cases = {
        "dir": "directory",
        "file/x.ics": "not a directory",
        "missing/x.ics": "does not exist",
        "/proc/x.ics": "/proc",
        "/sys/x.ics": "/sys",
        "/dev/null": "/dev",
    }
    for name, words in cases.items():
        path = name if name.startswith("/") else str(tmp_path / name)
        with pytest.raises(OutputError, match=words):
            check_outputs([Output("-o", path)], inputs=[])
    check_outputs([Output("-o", str(tmp_path / "new.ics"))], inputs=[])


# --- as an ordinary user ---------------------------------------------------------------------


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder another user can reach (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="brainfit-outputs-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in folder.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)


def as_nobody(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`brainfit` run by the unprivileged user nobody, in ``folder``."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.skip("needs root and setpriv to run as another user")
    brainfit = Path(sys.executable).parent / "brainfit"
    command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", str(brainfit), *args]
    env = {**os.environ, "HOME": str(folder), "SOURCE_DATE_EPOCH": "1795000000"}
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, env=env, check=False)


def test_an_output_in_a_read_only_directory_is_refused(shared_folder: Path) -> None:
    write_calendar(shared_folder / "cal.ics", LECTURES)
    (shared_folder / "cal.ics").chmod(0o644)
    (shared_folder / "locked").mkdir(mode=0o555)
    (shared_folder / "locked").chmod(0o555)
    result = as_nobody(shared_folder, "plan", "cal.ics", *WEEK, "-o", "locked/p.ics")
    assert result.returncode == 2, result.stderr
    assert "not writable" in result.stderr and "Traceback" not in result.stderr
    assert list((shared_folder / "locked").iterdir()) == []


def test_an_existing_read_only_output_file_is_refused(shared_folder: Path) -> None:
    write_calendar(shared_folder / "cal.ics", LECTURES)
    (shared_folder / "cal.ics").chmod(0o644)
    (shared_folder / "out").mkdir()
    (shared_folder / "out").chmod(0o777)
    kept = shared_folder / "out/kept.ics"
    kept.write_bytes(b"protected")
    kept.chmod(0o444)
    result = as_nobody(shared_folder, "plan", "cal.ics", *WEEK, "-o", "out/kept.ics")
    assert result.returncode == 2, result.stderr
    assert "not writable" in result.stderr
    assert kept.read_bytes() == b"protected"
