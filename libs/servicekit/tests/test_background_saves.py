"""The relay's position is saved in the background: one save at a time, positions submitted
meanwhile merged into the next save, a failed save kept and raised, nothing lost on flush."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from meldcode_servicekit.outbox import BackgroundSaves


class Table:
    """Records the saves; a save waits until released, and can be made to fail."""

    def __init__(self) -> None:
        self.saves: list[tuple[int, list[Any]]] = []
        self.release = asyncio.Event()
        self.release.set()
        self.fail_next = False

    async def save(self, position: int, forget: Sequence[Any]) -> None:
        await self.release.wait()
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("database gone")
        self.saves.append((position, list(forget)))


async def test_positions_submitted_during_a_save_are_merged_into_the_next_one() -> None:
    table = Table()
    saves = BackgroundSaves(table.save)
    table.release.clear()
    saves.submit(1, ["a"])
    await asyncio.sleep(0)  # the first save has started and waits
    saves.submit(2, ["b"])
    saves.submit(3, ["c"])
    table.release.set()
    await saves.flush()
    assert table.saves == [(1, ["a"]), (3, ["b", "c"])]


async def test_a_failed_save_is_raised_once_and_its_position_saved_with_the_next() -> None:
    table = Table()
    saves = BackgroundSaves(table.save)
    table.fail_next = True
    saves.submit(5, ["a"])
    with pytest.raises(ConnectionError):
        await saves.flush()
    saves.raise_failure()  # raised once only
    saves.submit(6, ["b"])
    await saves.flush()
    assert table.saves == [(6, ["a", "b"])]


async def test_flush_with_nothing_submitted_saves_nothing() -> None:
    table = Table()
    await BackgroundSaves(table.save).flush()
    assert table.saves == []
