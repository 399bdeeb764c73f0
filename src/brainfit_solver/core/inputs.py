"""Reading validated input files: TOML syntax and pydantic errors become ``InputError``s that
name the file, the place in it and the fix, the same way for profiles, rule sets and reports."""

from __future__ import annotations

import difflib
import tomllib
import typing
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import InputError

M = TypeVar("M", bound=BaseModel)


def describe_validation_error(
    exc: ValidationError, model: type[BaseModel] | None = None
) -> tuple[str, str]:
    """(place, problem) of a pydantic error, in the words of the input file; an unknown key
    gets the nearest known one ("did you mean 'buffer_min'?") when ``model`` is given."""
    first = exc.errors()[0]
    place = ".".join(str(part) for part in first["loc"] if not str(part).startswith("function"))
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden" and model is not None and first["loc"]:
        near = difflib.get_close_matches(str(first["loc"][-1]), sorted(_keys(model)), n=1)
        message = f"unknown key{f'; did you mean {near[0]!r}?' if near else ''}"
    extra = f" ({len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return place or "top level", message + extra


def read_toml(path: Path, *, error: type[InputError], what: str) -> dict[str, Any]:
    """The parsed TOML of ``path``, or ``error`` saying why it cannot be read."""
    return parse_toml(read_bytes(path, error=error, what=what), path, error=error, what=what)


def read_bytes(path: Path, *, error: type[InputError], what: str) -> bytes:
    """The bytes of ``path``, or ``error`` saying why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise error(
            f"cannot read the {what} ({exc.strerror})", file=path, fix="Check the path"
        ) from exc


def parse_toml(data: bytes, path: Path, *, error: type[InputError], what: str) -> dict[str, Any]:
    """``data`` (read from ``path``) parsed as TOML, or ``error`` saying why it cannot be;
    line ends are read as ``Path.read_text`` reads them (CRLF and CR are LF)."""
    try:
        return tomllib.loads(data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n"))
    except UnicodeDecodeError as exc:
        raise error(f"the {what} is not UTF-8 text", file=path, fix="Save it as UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise error(
            f"not valid TOML ({exc})", file=path, fix="Fix the TOML syntax at that place"
        ) from exc


def validate(
    model: type[M], data: Any, *, path: Path, error: type[InputError], fix: str, json: bool = False
) -> M:
    """``data`` validated as ``model`` (from JSON bytes when ``json``), or ``error`` naming
    the first place that is wrong."""
    try:
        return model.model_validate_json(data) if json else model.model_validate(data)
    except ValidationError as exc:
        place, problem = describe_validation_error(exc, model)
        raise error(problem, file=path, where=f"at '{place}'", fix=fix) from exc


def _keys(model: type[BaseModel], seen: frozenset[type[BaseModel]] = frozenset()) -> set[str]:
    """Every key a file for ``model`` may use, at any depth, for "did you mean"."""
    keys: set[str] = set()
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        keys.add(info.alias or name)
        for inner in _models_in(info.annotation):
            if inner not in seen:
                keys |= _keys(inner, seen | {model})
    return keys


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models inside a type annotation (``dict[str, KindPreference]`` and the
    like), so nested tables are searched too."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]
