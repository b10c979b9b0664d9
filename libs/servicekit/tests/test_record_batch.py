"""The consumer's one statement per batch (`record_batch`) on real PostgreSQL: it decides as the
per-event `_record_and_handle` + `check_tenant` would, for every event of the batch at once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from meldcode_contracts import Envelope
from meldcode_edge.db import apply_schema, create_pool
from meldcode_servicekit.consuming import CONSUMER_SCHEMA, TenantMismatch, record_batch
from meldcode_testkit import Infrastructure
from meldcode_testkit.builders import Events, at

pytestmark = pytest.mark.infra


def delivered(events: list[Envelope]) -> list[tuple[Envelope, Any]]:
    return [(e, SimpleNamespace(topic="t", partition=0, offset=i, headers=[])) for i, e in enumerate(events)]


async def test_a_batch_records_its_new_events_once_and_binds_what_they_name_to_their_tenant(
    infrastructure: Infrastructure, isolation: str
) -> None:
    pool = await create_pool(await infrastructure.create_database(f"{isolation}_batch"))
    await apply_schema(pool, CONSUMER_SCHEMA)
    zuid = Events()
    registered = zuid.pupil()
    first, second = (
        zuid.signal(registered.payload.pupil_id, when=at(10)),
        zuid.signal(registered.payload.pupil_id, when=at(20)),
    )
    try:
        async with pool.acquire() as conn, conn.transaction():
            assert await record_batch(conn, delivered([registered, first])) == {
                registered.event_id,
                first.event_id,
            }
        async with pool.acquire() as conn, conn.transaction():
            # redelivered with one new event: only that one is new
            assert await record_batch(conn, delivered([first, second])) == {second.event_id}
        tenants = await pool.fetch("select distinct tenant from subject_tenants")
        assert [row["tenant"] for row in tenants] == [registered.tenant]
    finally:
        await pool.close()


async def test_a_batch_naming_a_pupil_of_another_tenant_changes_nothing(
    infrastructure: Infrastructure, isolation: str
) -> None:
    pool = await create_pool(await infrastructure.create_database(f"{isolation}_batch_tenant"))
    await apply_schema(pool, CONSUMER_SCHEMA)
    zuid, noord = Events(), Events(tenant="swv-noord", school="56CD")
    registered = zuid.pupil()
    pupil_id = registered.payload.pupil_id
    smuggled = noord.signal(pupil_id, when=at(20))
    try:
        # within one batch: the pupil is bound by the first event, the second names it elsewhere
        with pytest.raises(TenantMismatch):
            async with pool.acquire() as conn, conn.transaction():
                await record_batch(conn, delivered([registered, smuggled]))
        assert await pool.fetchval("select count(*) from processed_events") == 0
        assert await pool.fetchval("select count(*) from subject_tenants") == 0
        # across batches: bound before
        async with pool.acquire() as conn, conn.transaction():
            await record_batch(conn, delivered([registered]))
        with pytest.raises(TenantMismatch):
            async with pool.acquire() as conn, conn.transaction():
                await record_batch(conn, delivered([smuggled]))
        assert await pool.fetchval("select count(*) from processed_events") == 1
    finally:
        await pool.close()
