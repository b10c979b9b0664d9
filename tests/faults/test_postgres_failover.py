"""The PostgreSQL failover drill (ADR 28): the services write to a primary with a synchronous
streaming standby (`postgres.sh` with MELDCODE_PG_STANDBY_PORT) through a multi-host address with
target_session_attrs=read-write. Under load the primary is SIGKILLed and the standby promoted; the
services carry on against it without a restart, and every write answered 2xx is present exactly
once in the event store, on the topic and in every read model.

The event stores, the services' own tables and the key store all live on the replicated pair, so
each of the clients (psycopg_pool under eventsourcing, the key store's psycopg_pool, asyncpg) has to
find the promoted server by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from meldcode_devauth.tokens import generate_key_pair
from meldcode_testkit import REPO_ROOT, Suite, _free_port
from meldcode_testkit.faults import (
    FaultInfrastructure,
    Load,
    LocalServer,
    assert_nothing_lost_or_doubled,
    own_kafka,
    run_experiment,
    started,
)

pytestmark = [pytest.mark.faults, pytest.mark.timeout(1200)]  # two failovers, each with its checks


def replicated_postgres(run_dir: Path) -> LocalServer:
    return LocalServer(
        "postgres.sh",
        {
            "MELDCODE_RUN_DIR": str(run_dir),
            "MELDCODE_PG_PORT": os.environ.get("MELDCODE_FAILOVER_PG_PORT") or str(_free_port()),
            "MELDCODE_PG_STANDBY_PORT": os.environ.get("MELDCODE_FAILOVER_STANDBY_PORT") or str(_free_port()),
            "MELDCODE_PG_DURABILITY": "durable",
        },
    )


@pytest.fixture(scope="module")
def replicated_infra() -> Iterator[FaultInfrastructure]:
    base = REPO_ROOT / ".run" / "faults" / uuid.uuid4().hex[:10]
    pair = replicated_postgres(base / "pg")
    kafka = own_kafka(base / "kafka")
    if os.environ.get("MELDCODE_FAILOVER_KAFKA_PORT"):
        port = int(os.environ["MELDCODE_FAILOVER_KAFKA_PORT"])
        kafka.env.update(MELDCODE_KAFKA_PORT=str(port), MELDCODE_KAFKA_CONTROLLER_PORT=str(port + 1))
    infra = FaultInfrastructure(pair, pair, kafka, base / "issuer")  # the key store on the pair too
    try:
        pair.start()
        kafka.start()
        generate_key_pair(infra.keys_dir)
        yield infra
    finally:
        for server in (kafka, pair):
            with contextlib.suppress(Exception):
                server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
async def replicated_suite(replicated_infra: FaultInfrastructure, tmp_path: Path) -> AsyncIterator[Suite]:
    suite = await replicated_infra.suite(tmp_path)
    try:
        yield suite
    finally:
        suite.stop_all()


async def fail_over(pair: LocalServer, suite: Suite, load: Load, name: str) -> None:
    """SIGKILL the primary under load, promote the standby at once (as a failover manager would),
    and check every confirmed write; prints the time from the kill to the first accepted write."""
    moments: dict[str, float] = {}

    async def kill_primary() -> None:
        moments["killed"] = await asyncio.to_thread(pair.kill)  # returns once every process is gone
        moments["dead"] = time.monotonic()

    async def promote_standby() -> None:
        moments["promoting"] = time.monotonic()
        await asyncio.to_thread(pair._run, "promote")
        moments["promoted"] = time.monotonic()

    experiment = await run_experiment(name, suite, load, kill_primary, promote_standby, outage=0.0, after=8.0)
    await assert_nothing_lost_or_doubled(experiment, suite)

    refused = experiment.refused()
    assert refused.get("500", 0) == 0, f"a failover is never a 500: {refused}"
    assert set(refused) <= {"503", "409"}, f"only 503 (no primary yet) or 409 (a lost race): {refused}"
    assert experiment.slow_refusals() == [], "every refusal answered fast"

    after_kill = [
        o.started + o.elapsed
        for o in experiment.outcomes
        if o.ident is not None and o.started >= moments["killed"]
    ]
    assert after_kill, "writes are accepted again on the promoted standby"
    assert min(after_kill) >= moments["promoting"], "no write is accepted while there is no primary"
    first_write = min(after_kill) - moments["killed"]
    accepted_after = sum(
        1 for o in experiment.outcomes if o.ident is not None and o.started >= moments["promoted"]
    )
    print(
        f"\n{name}: primary's processes gone {moments['dead'] - moments['killed']:.2f} s after SIGKILL, "
        f"promoted in {moments['promoted'] - moments['promoting']:.2f} s; first accepted write "
        f"{first_write:.2f} s after the SIGKILL; {accepted_after} writes accepted after the promotion; "
        f"{experiment.row()}"
    )
    assert accepted_after > 0


async def test_the_standby_promoted_after_the_primary_is_killed_holds_every_confirmed_write(
    replicated_infra: FaultInfrastructure, replicated_suite: Suite
) -> None:
    pair = replicated_infra.postgres
    assert "target_session_attrs=read-write" in pair.address(), "the services are given both servers"
    load, _ = await started(replicated_suite)

    await fail_over(pair, replicated_suite, load, "failover")

    # the old primary becomes the promoted server's synchronous standby: the pair is whole again,
    # and the next failover goes the other way, with the same check
    await asyncio.to_thread(pair._run, "reseed")
    conn = await asyncpg.connect(pair.address())
    try:
        standbys = await conn.fetch("select application_name, sync_state from pg_stat_replication")
    finally:
        await conn.close()
    assert [(r["application_name"], r["sync_state"]) for r in standbys] == [("meldcode_standby", "sync")]

    await fail_over(pair, replicated_suite, load.next_round(), "failover back after reseed")
