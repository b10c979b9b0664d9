"""A snapshot is taken of the case a save leaves behind (`MeldcodeApplication._snapshots_due`), not
of the case loaded again from its events, as the library takes it: the two must be the same, so
a case's state may change by its events only. This checks it of cases through every stretch of the
Meldcode: the snapshot of the case in memory, the snapshot of the case replayed from its events,
and the case restored from either. No I/O."""

from __future__ import annotations

from typing import Any

import pytest

from casework.domain.case import Case

from .stretches import every_stretch_with_events


def replayed(events: list[Any]) -> Case:
    case = None
    for event in events:
        case = event.mutate(case)
    assert isinstance(case, Case)
    return case


@pytest.mark.parametrize("which", range(6))
def test_the_snapshot_of_a_case_in_memory_is_the_snapshot_of_the_case_replayed(
    cases: Any, which: int
) -> None:
    case, events = every_stretch_with_events(cases)[which]
    from_memory, from_events = Case.Snapshot.take(case), Case.Snapshot.take(replayed(events))

    assert from_memory.originator_version == from_events.originator_version == len(events)
    assert from_memory.state == from_events.state
    assert vars(from_memory.mutate(None)) == vars(from_events.mutate(None)) == vars(replayed(events))
