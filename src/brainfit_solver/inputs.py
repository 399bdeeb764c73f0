"""Reading validated input files: TOML syntax and pydantic errors become ``InputError``s that
name the file, the place in it and the fix, the same way for profiles, rule sets and reports."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import InputError

M = TypeVar("M", bound=BaseModel)


def describe_validation_error(exc: ValidationError) -> tuple[str, str]:
    """(place, problem) of a pydantic error, in the words of the input file."""
    first = exc.errors()[0]
    place = ".".join(str(part) for part in first["loc"] if not str(part).startswith("function"))
    message = first["msg"].removeprefix("Value error, ")
    extra = f" ({len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return place or "top level", message + extra


def read_toml(path: Path, *, error: type[InputError], what: str) -> dict[str, Any]:
    """The parsed TOML of ``path``, or ``error`` saying why it cannot be read."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(
            f"cannot read the {what} ({exc.strerror})", file=path, fix="Check the path"
        ) from exc
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
        place, problem = describe_validation_error(exc)
        raise error(problem, file=path, where=f"at '{place}'", fix=fix) from exc
