"""The test kit leaves nothing behind on the shared server: a suite drops its databases and deletes
its topics when it ends, also when the test inside it failed."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from meldcode_testkit import Infrastructure, clean_up_after_test, running_suite


async def databases_named(infra: Infrastructure, prefix: str) -> list[str]:
    conn = await asyncpg.connect(infra.postgres_url)
    try:
        rows = await conn.fetch("select datname from pg_database where starts_with(datname, $1)", prefix)
    finally:
        await conn.close()
    return sorted(r["datname"] for r in rows)


async def topics_named(infra: Infrastructure, prefix: str) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka)
    await admin.start()
    try:
        return sorted(t for t in await admin.list_topics() if t.startswith(prefix))
    finally:
        await admin.close()


async def test_a_suite_drops_its_databases_and_topics_also_after_a_failure(
    infrastructure: Infrastructure, tmp_path: Path
) -> None:
    isolation = f"c{uuid.uuid4().hex[:10]}"
    seen: dict[str, list[str]] = {}

    async def a_failing_test() -> None:
        async with running_suite(infrastructure, isolation, tmp_path) as suite:
            await suite.service("signals")  # its database, the key store, and its topics
            seen["databases"] = await databases_named(infrastructure, f"{isolation}_")
            seen["topics"] = await topics_named(infrastructure, suite.topic_prefix)
            raise RuntimeError("the test inside failed")

    with pytest.raises(RuntimeError, match="the test inside failed"):
        await a_failing_test()

    assert seen["databases"] == [f"{isolation}_keys", f"{isolation}_signals"]
    assert seen["topics"], "the signals service created no topic, so the topic check proves nothing"
    assert await databases_named(infrastructure, f"{isolation}_") == []
    assert await topics_named(infrastructure, f"{isolation}.") == []


async def test_only_databases_created_here_can_be_dropped(infrastructure: Infrastructure) -> None:
    with pytest.raises(ValueError, match="not created through this infrastructure"):
        await infrastructure.drop_databases(["postgres"])
    assert await databases_named(infrastructure, "postgres") != []


async def test_what_a_test_created_directly_is_dropped_after_it(
    infrastructure: Infrastructure, isolation: str
) -> None:
    """What the kit's autouse teardown runs after every infrastructure test: the databases created
    since the test began, and the topics under its isolation prefix, are gone; older ones stay."""
    kept = f"{isolation}_kept"
    await infrastructure.create_database(kept)
    before = frozenset(infrastructure.created)
    await infrastructure.create_database(f"{isolation}_direct")
    admin = AIOKafkaAdminClient(bootstrap_servers=infrastructure.kafka)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(f"{isolation}.notes", num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()
    assert await topics_named(infrastructure, f"{isolation}.") == [f"{isolation}.notes"]

    await clean_up_after_test(infrastructure, before, isolation)

    assert await databases_named(infrastructure, f"{isolation}_") == [kept]
    assert await topics_named(infrastructure, f"{isolation}.") == []
