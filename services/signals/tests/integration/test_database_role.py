"""The signals service runs as its own database role (ADR 16): it works normally, but that role can
only append to its event log (never alter, delete or truncate a stored event), create nothing, and
reach no other service's database."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest

from meldcode_edge.roles import owner_role, service_role, with_role
from meldcode_servicekit.service_migration import Migration, migrate
from meldcode_testkit import Suite
from meldcode_vocabulary.dutch_days import dutch_today


def bearer(suite: Suite, sub: str, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {suite.infra.token(sub=sub, role=role)}"}


async def test_the_service_role_appends_events_but_cannot_alter_delete_or_truncate_them(suite: Suite) -> None:
    signals = await suite.service("signals")
    async with httpx.AsyncClient(base_url=signals.url) as http:
        registered = await http.post(
            "/pupils",
            headers=bearer(suite, "ib-bram", "intern_begeleider"),
            json={
                "school": "12AB",
                "pupil_number": uuid.uuid4().hex[:6],
                "given_name": "Sam",
                "family_name": "de Vries",
                "date_of_birth": "2013-03-01",
            },
        )
        assert registered.status_code == 201, registered.text
        recorded = await http.post(
            f"/pupils/{registered.json()['pupil_id']}/signals",
            headers=bearer(suite, "lk-anna", "leerkracht"),
            json={
                "observed_on": dutch_today().isoformat(),
                "description": "Geen jas aan in de kou.",
                "source": {"kind": "own_observation"},
            },
        )
        assert recorded.status_code == 201, recorded.text

    database = signals.env["SIGNALS_DATABASE_URL"]
    conn = await asyncpg.connect(database)
    try:
        assert await conn.fetchval("select current_user") == service_role("signals")
        stored = await conn.fetchval("select count(*) from signals_events")
        assert stored >= 2
        for statement in (
            "update signals_events set topic = topic",
            "delete from signals_events",
            "truncate signals_events",
            "lock table signals_events in exclusive mode",
            "create table intruder (id int)",
            "drop trigger signals_events_hash_chain on signals_events",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                async with conn.transaction():
                    await conn.execute(statement)
        assert await conn.fetchval("select count(*) from signals_events") == stored
    finally:
        await conn.close()

    async with httpx.AsyncClient(base_url=signals.url) as http:
        verified = await http.get("/audit/verify", headers=bearer(suite, "au-ines", "auditor"))
    assert verified.status_code == 200 and verified.json()["ok"], verified.text


async def test_a_service_role_cannot_reach_another_services_database(suite: Suite) -> None:
    signals = await suite.service("signals")
    other = await suite.infra.create_database(f"{suite.isolation}_casework", owner=owner_role("casework"))
    await migrate(
        Migration(), owner_url=with_role(other, owner_role("casework")), role=service_role("casework")
    )
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await asyncpg.connect(with_role(other, service_role("signals")))
    assert signals.env["SIGNALS_DATABASE_URL"].startswith(f"postgresql://{service_role('signals')}@")
