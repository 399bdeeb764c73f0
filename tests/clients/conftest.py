"""Fixtures that hand tests the real consumers of an .ics file, ready to call.

- ``icaljs``: `consumers.icaljs_events` once ical.js is installed; when node, npm or the
  registry is missing, skipped with the reason, or failed under CI (`consumers.icaljs_or_skip`).
- ``radicale_server``: the base URL of one real Radicale for the whole session.
- ``consumer``: each reader in turn (ical.js, vobject, icalendar, caldav+radicale,
  radicale-freebusy), so one test body checks a file against all of them.

Every consumer is called as ``consumer(ics_path) -> list[Instant]`` and compared with
`consumers.zoneinfo_events(ics_path)`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

from .consumers import (
    Consumer,
    Instant,
    caldav_roundtrip,
    icalendar_roundtrip_events,
    icaljs_events,
    icaljs_or_skip,
    radicale_freebusy_events,
    running_radicale,
    vobject_events,
)

CONSUMERS = ["ical.js", "vobject", "icalendar", "caldav+radicale", "radicale-freebusy"]


@pytest.fixture(scope="session")
def icaljs() -> Consumer:
    """ical.js, installed once into the cache outside the work tree (see consumers.NODE_CACHE)."""
    icaljs_or_skip()
    return icaljs_events


@pytest.fixture(scope="session")
def radicale_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Radicale on loopback for the session; stopped when the session ends."""
    with running_radicale(tmp_path_factory.mktemp("radicale")) as url:
        yield url


@pytest.fixture(params=CONSUMERS)
def consumer(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Consumer:
    """Each consumer in turn; only the ones whose tool is missing are skipped."""
    match request.param:
        case "ical.js":
            icaljs_reader: Consumer = request.getfixturevalue("icaljs")
            return icaljs_reader
        case "vobject":
            return vobject_events
        case "icalendar":
            return icalendar_roundtrip_events
        case "caldav+radicale":
            return functools.partial(caldav_roundtrip, request.getfixturevalue("radicale_server"))
        case _:  # "radicale-freebusy"
            return functools.partial(_freebusy_in_new_folder, tmp_path_factory)


def _freebusy_in_new_folder(factory: pytest.TempPathFactory, ics_path: Path) -> list[Instant]:
    return radicale_freebusy_events(ics_path, factory.mktemp("freebusy"))
