"""The synthetic week generator: deterministic, sized as asked, read like a real calendar."""

from __future__ import annotations

from pathlib import Path

import pytest

from brainfit_solver import api
from brainfit_solver.calendars.synth import synthetic_calendar
from brainfit_solver.rules.profile import Profile


def test_same_seed_same_bytes_other_seed_other_week() -> None:
    first = synthetic_calendar(7, busy_events=60, study_blocks=8)
    assert first == synthetic_calendar(7, busy_events=60, study_blocks=8)
    assert first != synthetic_calendar(8, busy_events=60, study_blocks=8)


@pytest.mark.parametrize(("busy", "study"), [(20, 4), (70, 8), (120, 12)])
def test_the_reader_finds_exactly_the_events_asked_for_all_in_daytime(
    tmp_path: Path, busy: int, study: int
) -> None:
    path = tmp_path / "week.ics"
    path.write_bytes(synthetic_calendar(3, busy_events=busy, study_blocks=study))
    inputs = api.load_inputs([path], profile=Profile(timezone="Europe/Berlin"), week="2026-W49")
    commitments = inputs.calendar.commitments
    assert len(commitments) == busy + study
    assert sum(c.study for c in commitments) == study
    for c in commitments:
        day_start = inputs.horizon.day_span(inputs.horizon.day_of(c.start))[0]
        assert c.start - day_start >= 7 * 60 and c.end - day_start <= 21 * 60


def test_sizes_outside_the_supported_range_are_refused() -> None:
    with pytest.raises(ValueError, match="busy_events"):
        synthetic_calendar(0, busy_events=0, study_blocks=4)
