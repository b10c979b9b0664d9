"""How the rebuild's pending partitions are split over worker processes (no I/O)."""

from __future__ import annotations

from aiokafka.structs import TopicPartition

from reporting.adapters.replay_workers import split


def test_every_pending_partition_is_in_exactly_one_group_with_its_end() -> None:
    end = {TopicPartition(topic, p): 100 * (p + 1) for topic in ("a", "b", "c") for p in range(3)}

    groups = split(end, {}, 4)

    assert len(groups) == 4
    assert sorted(tp for g in groups for tp in g) == sorted(end)
    assert {tp: offset for g in groups for tp, offset in g.items()} == end


def test_groups_get_about_equal_events_to_replay_counting_from_the_position() -> None:
    a, b, c, d = (TopicPartition("t", p) for p in range(4))
    end = {a: 1000, b: 1000, c: 600, d: 500}
    position = {a: 900, b: 0, c: 0, d: 0}  # a has 100 left, b 1000, c 600, d 500

    groups = split(end, position, 2)

    loads = sorted(sum(g[tp] - position[tp] for tp in g) for g in groups)
    assert loads == [1100, 1100]


def test_no_more_groups_than_partitions() -> None:
    end = {TopicPartition("t", 0): 10, TopicPartition("t", 1): 10}

    assert len(split(end, {}, 4)) == 2
