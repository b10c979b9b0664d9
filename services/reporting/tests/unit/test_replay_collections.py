"""The rebuild's replay pauses Python's cyclic garbage collector and freezes what was there before
it; afterwards the collector is as it was, and cycles made meanwhile are still collected."""

from __future__ import annotations

import gc
import weakref

import pytest

from reporting.adapters.replay import collect_the_page, collections_of_the_replay_only


class _Cyclic:
    def __init__(self) -> None:
        self.me = self


def _a_failing_replay(frozen_before: int) -> None:
    with collections_of_the_replay_only():
        assert not gc.isenabled()
        assert gc.get_freeze_count() > frozen_before
        raise RuntimeError("the replay failed")


def test_the_collector_is_restored_after_the_replay_even_when_it_fails() -> None:
    assert gc.isenabled()
    frozen_before = gc.get_freeze_count()
    with pytest.raises(RuntimeError, match="the replay failed"):
        _a_failing_replay(frozen_before)
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen_before


def test_a_cycle_made_during_the_replay_is_collected_between_pages() -> None:
    with collections_of_the_replay_only():
        cycle = _Cyclic()
        alive = weakref.ref(cycle)
        del cycle
        assert alive() is not None  # the collector does not run by itself meanwhile
        collect_the_page()
        assert alive() is None


def test_a_cycle_from_before_the_replay_is_collected_afterwards() -> None:
    cycle = _Cyclic()
    alive = weakref.ref(cycle)
    with collections_of_the_replay_only():
        del cycle
        collect_the_page()
    gc.collect()
    assert alive() is None
