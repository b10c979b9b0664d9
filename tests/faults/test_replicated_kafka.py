"""A broker of a three-node Kafka cluster (RF 3, min.insync.replicas 2, acks=all; ADR 27) SIGKILLed
under load: no write is refused or lost, none doubled, and the services carry on with the two nodes
left, with no restart of anything. Prints the longest write pause (2xx answer -> readable on the
topic) and its parts: when the killed node was fenced (broker.session.timeout.ms after its last
heartbeat; after a controller election first when it was the active controller) and how long the
clients took after that (ADR 27, "The write pause when a leader dies").

Part of the fault suite (`-m faults`, `make test`): three Kafka JVMs and two PostgreSQL servers of its own.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from meldcode_testkit import Suite
from meldcode_testkit.faults import (
    SERVICES,
    FaultInfrastructure,
    NodeFencing,
    SignalArrivals,
    assert_nothing_lost_or_doubled,
    busiest_leader,
    longest_answer_gap,
    run_experiment,
    started,
)

pytestmark = [pytest.mark.faults, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def replicated_infra() -> Iterator[FaultInfrastructure]:
    infra = FaultInfrastructure.start(kafka_brokers=3)
    try:
        yield infra
    finally:
        infra.stop()


@pytest.fixture
async def replicated_suite(replicated_infra: FaultInfrastructure, tmp_path: Path) -> AsyncIterator[Suite]:
    suite = await replicated_infra.suite(tmp_path)
    try:
        yield suite
    finally:
        suite.stop_all()


async def test_a_broker_killed_under_load_refuses_no_write_and_loses_nothing(
    replicated_infra: FaultInfrastructure, replicated_suite: Suite
) -> None:
    load, _ = await started(replicated_suite)
    processes = {name: replicated_suite.services[name].process for name in SERVICES}
    arrivals = SignalArrivals(replicated_suite)
    await arrivals.start()
    victim = await busiest_leader(replicated_suite)

    fencing = NodeFencing(replicated_suite, victim)
    killed_at = 0.0
    controller: int | None = None

    async def kill_a_broker() -> None:
        nonlocal killed_at, controller
        controller = replicated_infra.kafka.active_controller()
        fencing.start()
        killed_at = await asyncio.to_thread(replicated_infra.kafka.kill, victim)

    async def leave_it_dead() -> None:
        return None  # the two nodes left carry the cluster; nothing is restarted

    try:
        experiment = await run_experiment(
            f"kafka node {victim} of 3 SIGKILL",
            replicated_suite,
            load,
            kill_a_broker,
            leave_it_dead,
            outage=8,
        )
    finally:
        await arrivals.stop()
    leaders_moved, isrs_shrunk = await fencing.wait()
    await assert_nothing_lost_or_doubled(experiment, replicated_suite)
    assert set(experiment.refused()) <= {"409"}, f"no write refused: {experiment.refused()}"
    for name, process in processes.items():
        assert process is not None and process.poll() is None, f"{name} carried on without a restart"
        assert replicated_suite.services[name].process is process

    pauses = arrivals.pauses(experiment.outcomes)
    assert {ident for ident in experiment.result.accepted["signal"]} <= set(arrivals.arrived)
    before = [p for at, p in pauses if at < experiment.fault_started]
    held = [at + p for at, p in pauses if at < isrs_shrunk]  # when the writes made before the fencing arrived
    print(
        f"\nkafka node {victim} of 3 killed (the active controller was node {controller}): {experiment.row()}; "
        f"longest write pause (2xx -> on the topic) {max(p for _, p in pauses):.2f} s, "
        f"median before the kill {statistics.median(before) * 1000:.0f} ms; "
        f"longest gap between 2xx answers {longest_answer_gap(experiment.outcomes):.2f} s; "
        f"from the kill: leaders moved in the metadata after {leaders_moved - killed_at:.2f} s, "
        f"the node left every ISR after {isrs_shrunk - killed_at:.2f} s, "
        f"the last write held up by it was on the topic {max(held) - isrs_shrunk:.2f} s after that"
    )
