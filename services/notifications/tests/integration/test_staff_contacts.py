"""The staff directory's events through Kafka into the running notifications service: the address a
task e-mail goes to (`email_of`) follows the latest listing, a redelivery changes nothing, and the
service's log holds no name or address."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg

from meldcode_contracts import (
    SIGNALS_EVENTS,
    Envelope,
    StaffMemberDelisted,
    StaffMemberDelistedPayload,
    StaffMemberListed,
    StaffMemberListedPayload,
    serialize_event,
    staff_member_id,
)
from meldcode_contracts.envelope import Actor, Role
from meldcode_testkit import ServiceProcess, Suite, eventually, publish_raw
from meldcode_testkit.builders import envelope
from meldcode_testkit.publishing import publish
from notifications.adapters.staff_contacts import email_of

PROVISIONING = Actor(user_id="scim", role=Role.SYSTEM)
T0 = datetime.now(UTC) - timedelta(hours=1)
ADDRESS = "zoe.visser@school.example"


def listed(user_id: str, *, subject: str | None = None) -> StaffMemberListed:
    return StaffMemberListed(
        **envelope(staff_member_id("12AB", subject or user_id), at=T0, actor=PROVISIONING),
        payload=StaffMemberListedPayload(
            user_id=user_id, name="Zoë Visser", role=Role.ZORGTEAM, email=ADDRESS
        ),
    )


async def processed(svc: ServiceProcess, events: list[Envelope]) -> None:
    async def handled() -> bool:
        conn = await asyncpg.connect(svc.env["NOTIFICATIONS_DATABASE_URL"])
        try:
            count = await conn.fetchval(
                "select count(*) from processed_events where event_id = any($1::uuid[])",
                [e.event_id for e in events],
            )
        finally:
            await conn.close()
        return count == len(events)

    await eventually(handled, timeout=60)


async def address(svc: ServiceProcess, user_id: str, school: str = "12AB") -> str | None:
    conn = await asyncpg.connect(svc.env["NOTIFICATIONS_DATABASE_URL"])
    try:
        return await email_of(conn, user_id, school)
    finally:
        await conn.close()


async def test_a_task_mail_goes_to_the_listed_address_until_the_person_is_delisted(suite: Suite) -> None:
    svc = await suite.service("notifications")
    listing = listed("zt-zoe")
    await publish(suite, SIGNALS_EVENTS, listing)
    await processed(svc, [listing])
    assert await address(svc, "zt-zoe") == ADDRESS
    assert await address(svc, "zt-zoe", school="34CD") is None

    leaving = StaffMemberDelisted(
        **envelope(staff_member_id("12AB", "zt-zoe"), at=T0 + timedelta(minutes=5), actor=PROVISIONING),
        payload=StaffMemberDelistedPayload(user_id="zt-zoe"),
    )
    await publish(suite, SIGNALS_EVENTS, leaving)
    await processed(svc, [leaving])
    assert await address(svc, "zt-zoe") is None

    # the old listing delivered again and replayed under a new id, then a marker on the same key
    # (so handled after them): the later delisting still holds
    await publish_raw(
        suite.infra.kafka,
        suite.topic(SIGNALS_EVENTS),
        serialize_event(listing),
        str(listing.subject_id).encode(),
    )
    replayed = listing.model_copy(update={"event_id": uuid.uuid4()})
    marker = listed("zt-merker", subject="zt-zoe")
    await publish(suite, SIGNALS_EVENTS, replayed, marker)
    await processed(svc, [replayed, marker])
    assert await address(svc, "zt-zoe") is None
    log = svc.log_path.read_text(encoding="utf-8")
    assert "Zo\\u00eb" not in log and "Zoë" not in log and ADDRESS not in log
