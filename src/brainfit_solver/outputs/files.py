"""Where the tool writes its files: checked before any work, written all together or not at all.

An output (``plan -o``, ``plan --json``) is refused with an ``OutputError`` (exit 2, nothing
written) when it

- is the same file as an input (a calendar, a ``--study`` calendar, a calendar the profile
  lists, the profile, the rule file, ``--previous``) or as another output. Paths are compared
  after following symbolic links, and existing files also by device and inode, which catches
  hard links: writing the plan over its own calendar would destroy the user's data;
- exists and is not a regular file (a directory, a device such as ``/dev/null``, a named pipe)
  or lies under ``/proc``, ``/sys`` or ``/dev``, whose entries are kernel objects: an atomic
  rename would replace the device node or fail with a confusing error;
- exists and is not writable: a file the user protected is not replaced behind their back;
- lies in a directory that does not exist, is not a directory (``plan.ics/out.ics``) or is
  not writable. A missing directory is not created: a mistyped directory name would otherwise
  silently make a new tree; the message says to create it first.

``-`` names standard output (as CLI users expect, e.g. ``-o - | other-tool``); at most one
output may be ``-``. A symbolic link as output is followed: the file it points to is replaced
and the link stays.

Writing is all or nothing: every file's content goes to a temporary file in its target's
directory (so the rename stays on one file system) and is flushed to disk; only when every
temporary is complete are they renamed over their targets, one right after the other, and the
directories synced. A failure while writing (disk full, quota, a file-size limit) removes the
temporaries and leaves every target as it was. The checks run again right before writing, since
the files may have changed while the plan was solved. A new file gets the mode the umask gives
(0666 minus the umask), as any program's new file would; a replaced file gets the same.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..core.errors import OutputError

STDOUT = "-"
_KERNEL_TREES = {"proc": "processes", "sys": "kernel settings", "dev": "devices"}
_NOTHING = "nothing was written"


@dataclass(frozen=True)
class Output:
    """One output as the user named it: the option (for messages) and the path as given,
    ``-`` for standard output."""

    option: str
    name: str

    @property
    def to_stdout(self) -> bool:
        return self.name == STDOUT

    @property
    def label(self) -> str:
        return f"{self.option} {self.name}" if self.option else self.name


def _resolved(name: str) -> Path:
    """``name`` with symbolic links followed as far as they go: ``os.path.realpath`` stops at
    a loop (which ``stat`` then reports), where ``Path.resolve`` raises RuntimeError."""
    return Path(os.path.realpath(name))


def _identity(name: str) -> tuple[Path, tuple[int, int] | None]:
    """The path with symbolic links resolved, and (device, inode) when the file exists."""
    resolved = _resolved(name)
    try:
        info = resolved.stat()
    except OSError:
        return resolved, None
    return resolved, (info.st_dev, info.st_ino)


def _refuse(output: Output, problem: str, fix: str) -> OutputError:
    return OutputError(f"{output.label} {problem}", fix=f"{fix}; {_NOTHING}")


def _check_place(output: Output) -> Path:
    """The file the output will replace or create, once it is known to be writable there."""
    # Both as written and resolved: /dev/stdout resolves to wherever standard output goes.
    absolute, resolved = Path(output.name).absolute(), _resolved(output.name)
    for root, holds in _KERNEL_TREES.items():
        if any(p.parts[:2] == ("/", root) for p in (absolute, resolved)):
            raise _refuse(
                output,
                f"is under /{root}, which holds {holds}, not files",
                "Write to a file in an ordinary directory, or use - for standard output",
            )
    try:
        info: os.stat_result | None = resolved.stat()
    except (FileNotFoundError, NotADirectoryError):
        info = None  # a new file; its directory is checked below
    except OSError as exc:
        raise _refuse(
            output, f"cannot be examined ({exc.strerror})", "Choose another path"
        ) from exc
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise _refuse(output, "is a directory", "Name a file, e.g. DIRECTORY/plan.ics")
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(
                output,
                "is not a regular file (a device, pipe or socket)",
                "Name an ordinary file, or use - for standard output",
            )
        if not os.access(resolved, os.W_OK):
            raise _refuse(output, "is not writable", "Make it writable or choose another path")
    parent = resolved.parent
    try:
        parent_info = parent.stat()
    except FileNotFoundError as exc:
        raise _refuse(
            output,
            f"is in a directory that does not exist ({parent})",
            f"Create it first (mkdir -p {parent}): brainfit never creates directories, so a "
            "mistyped name cannot silently become a new one",
        ) from exc
    except OSError as exc:  # a component of the path is a file, or cannot be searched
        raise _refuse(
            output, f"is in {parent}, which is not a directory ({exc.strerror})", "Fix the path"
        ) from exc
    if not stat.S_ISDIR(parent_info.st_mode):
        raise _refuse(output, f"is in {parent}, which is not a directory", "Fix the path")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _refuse(
            output,
            f"is in a directory that is not writable ({parent})",
            "Choose a directory you may write to",
        )
    return resolved


def _same_file(
    a: tuple[Path, tuple[int, int] | None], b: tuple[Path, tuple[int, int] | None]
) -> str:
    """How two identities name one file, in words ("" when they do not)."""
    if a[0] == b[0]:
        return "names the same file as"
    if a[1] is not None and a[1] == b[1]:
        return "is a hard link to"
    return ""


def check_outputs(outputs: Sequence[Output], inputs: Iterable[str | Path | None]) -> None:
    """Refuse, with an ``OutputError``, any output that cannot or must not be written (see
    the module docstring). ``inputs`` are every file read (URLs and None are skipped)."""
    if sum(o.to_stdout for o in outputs) > 1:
        names = " and ".join(o.option for o in outputs if o.to_stdout)
        raise OutputError(
            f"{names} both name standard output (-)",
            fix=f"Send at most one of them to standard output; {_NOTHING}",
        )
    files = [o for o in outputs if not o.to_stdout]
    read = [str(i) for i in inputs if i is not None and "://" not in str(i)]
    known = {name: _identity(name) for name in read}
    for k, output in enumerate(files):
        _check_place(output)
        mine = _identity(output.name)
        for name, theirs in known.items():
            if how := _same_file(mine, theirs):
                raise _refuse(
                    output,
                    f"{how} the input {name}, which writing would destroy",
                    "Write the output to another file",
                )
        for other in files[:k]:
            if how := _same_file(mine, _identity(other.name)):
                raise _refuse(output, f"{how} {other.label}", "Give each output its own file")


def write_outputs(
    contents: Sequence[tuple[Output, bytes]],
    inputs: Iterable[str | Path | None],
    stdout: BinaryIO,
) -> None:
    """Check the outputs again, write every file (all or none), then standard output."""
    check_outputs([o for o, _ in contents], inputs)
    _write_all([(o, data) for o, data in contents if not o.to_stdout])
    for output, data in contents:
        if output.to_stdout:
            stdout.write(data)
            stdout.flush()


def write_files(files: Sequence[tuple[str | Path, bytes]]) -> None:
    """Write every ``(path, bytes)`` or none (see the module docstring); ``OutputError``
    names the path that cannot be written."""
    outputs = [(Output("", str(path)), data) for path, data in files]
    check_outputs([o for o, _ in outputs], inputs=())
    _write_all(outputs)


def _write_all(files: Sequence[tuple[Output, bytes]]) -> None:
    targets = [(output, _check_place(output), data) for output, data in files]
    temporaries: list[Path] = []
    try:
        for output, target, data in targets:
            try:
                temporaries.append(_temporary(target, data))
            except OSError as exc:
                raise _refuse(
                    output,
                    f"cannot be written ({exc.strerror})",
                    "Free some space or fix the permissions, then run again",
                ) from exc
    except BaseException:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        raise
    done: list[str] = []
    for (output, target, _), temporary in zip(targets, temporaries, strict=True):
        try:
            temporary.replace(target)
        except OSError as exc:
            for left in temporaries[len(done) :]:
                left.unlink(missing_ok=True)
            written = f"; already replaced: {', '.join(done)}" if done else f"; {_NOTHING}"
            raise OutputError(
                f"{output.label} cannot be replaced ({exc.strerror}){written}",
                fix="Fix the path and run again",
            ) from exc
        done.append(output.label)
    for directory in sorted({str(target.parent) for _, target, _ in targets}):
        _sync_directory(directory)


def _temporary(target: Path, data: bytes) -> Path:
    """``data`` in a new file beside ``target``, on disk, with the mode a new file gets."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            # mkstemp makes the file private (0600); give it the mode any new file would get.
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(handle.fileno(), 0o666 & ~umask)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _sync_directory(directory: str) -> None:
    """Make the renames durable; some file systems cannot sync a directory, which only
    weakens durability after a power cut, never what was written."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
