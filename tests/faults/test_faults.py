"""The fault suite: a steady load of signals and case steps from several clients while one component
fails; afterwards every write answered 2xx is present exactly once in the event store, on the topic
and in every read model that should hold it, and during an outage requests were refused with 503
within two seconds (never a 500, never a hang).

The suite runs on a durable PostgreSQL, a second one for the key store and a Kafka of its own
(meldcode_testkit.faults), so killing them leaves the rest of the test session alone.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from meldcode_testkit import Suite
from meldcode_testkit.faults import (
    OUTAGE_ANSWER_SECONDS,
    SERVICES,
    Experiment,
    FaultInfrastructure,
    assert_nothing_lost_or_doubled,
    run_experiment,
    started,
    wait_ready,
)

pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def fault_infra() -> Iterator[FaultInfrastructure]:
    infra = FaultInfrastructure.start()
    try:
        yield infra
    finally:
        infra.stop()


@pytest.fixture
async def fault_suite(fault_infra: FaultInfrastructure, tmp_path: Path) -> AsyncIterator[Suite]:
    suite = await fault_infra.suite(tmp_path)
    try:
        yield suite
    finally:
        suite.stop_all()


def assert_outage_refused_fast(experiment: Experiment) -> None:
    refused = experiment.refused()
    assert refused.get("500", 0) == 0, f"an outage is never a 500: {refused}"
    assert refused.get("503", 0) > 0, f"requests during the outage answered 503: {refused}"
    others = [
        (o.status, o.error, round(o.elapsed, 2))
        for o in experiment.outcomes
        if o.status not in (200, 201, 503)
    ]
    assert set(refused) <= {"503", "409"}, f"only 503 (outage) or 409 (a lost race): {refused}; {others}"
    assert experiment.slow_refusals() == [], f"every 503 within {OUTAGE_ANSWER_SECONDS}s"
    slow = [(o.kind, o.status, round(o.elapsed, 2)) for o in experiment.slow_during_outage()]
    assert slow == [], f"no request hangs while the outage lasts: {slow}"


async def test_a_postgresql_crash_loses_no_confirmed_write_and_is_refused_with_503(
    fault_infra: FaultInfrastructure, fault_suite: Suite
) -> None:
    load, _ = await started(fault_suite)

    async def crash() -> None:
        await asyncio.to_thread(fault_infra.postgres.kill)

    async def restart() -> None:
        await asyncio.to_thread(fault_infra.postgres.start)
        await wait_ready(s.url for s in fault_suite.services.values())

    experiment = await run_experiment("postgres SIGKILL", fault_suite, load, crash, restart)
    await assert_nothing_lost_or_doubled(experiment, fault_suite)
    assert_outage_refused_fast(experiment)
    assert experiment.first_accepted_after_recovery() is not None


async def test_a_key_store_outage_is_refused_with_503_and_loses_nothing(
    fault_infra: FaultInfrastructure, fault_suite: Suite
) -> None:
    # no cached data keys: every write needs the key store, as a new pupil's first one does
    load, _ = await started(fault_suite, MELDCODE_KEY_CACHE_SECONDS="0")

    async def crash() -> None:
        await asyncio.to_thread(fault_infra.keys_postgres.kill)

    async def restart() -> None:
        await asyncio.to_thread(fault_infra.keys_postgres.start)
        await wait_ready(s.url for s in fault_suite.services.values())

    experiment = await run_experiment("key store down", fault_suite, load, crash, restart)
    await assert_nothing_lost_or_doubled(experiment, fault_suite)
    assert_outage_refused_fast(experiment)


async def test_a_kafka_crash_refuses_no_write_and_loses_nothing(
    fault_infra: FaultInfrastructure, fault_suite: Suite
) -> None:
    load, _ = await started(fault_suite)

    async def crash() -> None:
        await asyncio.to_thread(fault_infra.kafka.kill)

    async def restart() -> None:
        await asyncio.to_thread(fault_infra.kafka.start)

    experiment = await run_experiment("kafka SIGKILL", fault_suite, load, crash, restart)
    await assert_nothing_lost_or_doubled(experiment, fault_suite)
    assert set(experiment.refused()) <= {"409"}, "the outbox takes every write while the broker is away"


async def test_a_kafka_stalled_for_30_seconds_refuses_no_write_and_loses_nothing(
    fault_infra: FaultInfrastructure, fault_suite: Suite
) -> None:
    load, staff = await started(fault_suite)

    reads: list[tuple[int, float, str | None]] = []

    async def stall() -> None:
        fault_infra.kafka.pause()
        await asyncio.sleep(1)
        # a read must be in the access log before its data leaves (ADR 8): refused while Kafka is away
        reporting = fault_suite.services["reporting"].url
        async with httpx.AsyncClient(timeout=10) as http:
            started = time.monotonic()
            response = await http.get(f"{reporting}/pupils/{load.pupils[0]}/chronology", headers=staff.ib)
            reads.append(
                (response.status_code, time.monotonic() - started, response.headers.get("Retry-After"))
            )

    async def resume() -> None:
        fault_infra.kafka.resume()

    experiment = await run_experiment("kafka SIGSTOP 30 s", fault_suite, load, stall, resume, outage=30)
    await assert_nothing_lost_or_doubled(experiment, fault_suite)
    ((status, elapsed, retry_after),) = reads
    assert (status, retry_after) == (503, "5")
    assert elapsed < OUTAGE_ANSWER_SECONDS
    assert set(experiment.refused()) <= {"409"}


@pytest.mark.parametrize("victim", SERVICES)
async def test_a_service_killed_under_load_loses_nothing_and_doubles_nothing(
    fault_suite: Suite, victim: str
) -> None:
    load, _ = await started(fault_suite)

    async def kill() -> None:
        fault_suite.services[victim].stop(signal.SIGKILL)

    async def restart() -> None:
        await fault_suite.service(victim)

    experiment = await run_experiment(f"{victim} SIGKILL", fault_suite, load, kill, restart, outage=2)
    await assert_nothing_lost_or_doubled(experiment, fault_suite)
    assert experiment.refused().get("500", 0) == 0


async def test_one_of_two_replicas_killed_hands_its_relay_and_partitions_to_the_other(
    fault_suite: Suite,
) -> None:
    load, _ = await started(fault_suite)
    for name in SERVICES:
        await fault_suite.replica(name)
    load.signals_urls.append(fault_suite.replicas["signals"][0].url)
    load.casework_urls.append(fault_suite.replicas["casework"][0].url)

    async def kill_first_replicas() -> None:
        # the first process of each service holds the relay's lock: it started first
        for name in SERVICES:
            fault_suite.services[name].stop(signal.SIGKILL)
        load.signals_urls.pop(0)
        load.casework_urls.pop(0)

    async def nothing() -> None:
        return None

    experiment = await run_experiment(
        "one of two replicas SIGKILL", fault_suite, load, kill_first_replicas, nothing
    )
    await assert_nothing_lost_or_doubled(experiment, fault_suite)
    assert experiment.refused().get("500", 0) == 0
