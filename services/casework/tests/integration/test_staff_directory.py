"""Rule 17 against the real service, Kafka and PostgreSQL: casework keeps its copy of the schools'
staff directories from signals' `StaffMemberListed` / `StaffMemberDelisted` (published here as
signals publishes them) and refuses a zorgteam invitation of someone the school does not list."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx

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

from .world import as_user, opened_case

SCHOOL = "12AB"
PROVISIONING = Actor(user_id="scim", role=Role.SYSTEM)
T0 = datetime.now(UTC) - timedelta(hours=1)


def listed(user_id: str, role: Role, at: datetime = T0, subject: str | None = None) -> StaffMemberListed:
    return StaffMemberListed(
        **envelope(staff_member_id(SCHOOL, subject or user_id), at=at, actor=PROVISIONING),
        payload=StaffMemberListedPayload(user_id=user_id, name=f"Naam van {user_id}", role=role),
    )


def delisted(user_id: str, at: datetime) -> StaffMemberDelisted:
    return StaffMemberDelisted(
        **envelope(staff_member_id(SCHOOL, user_id), at=at, actor=PROVISIONING),
        payload=StaffMemberDelistedPayload(user_id=user_id),
    )


async def all_processed(casework: ServiceProcess, events: list[Envelope]) -> None:
    """Wait until casework's consumer has handled these events (its own record of them)."""

    async def handled() -> bool:
        conn = await asyncpg.connect(casework.env["CASEWORK_DATABASE_URL"])
        try:
            count = await conn.fetchval(
                "select count(*) from processed_events where event_id = any($1::uuid[])",
                [e.event_id for e in events],
            )
        finally:
            await conn.close()
        return count == len(events)

    await eventually(handled, timeout=60)


async def test_an_invitation_names_someone_the_school_lists_once_it_keeps_a_directory(suite: Suite) -> None:
    casework, case_id, _, _ = await opened_case(suite)
    ib = as_user(suite, "ib-bram", "intern_begeleider")
    async with httpx.AsyncClient(base_url=casework.url, headers=ib) as http:

        async def invite(member_id: str) -> httpx.Response:
            return await http.post(f"/cases/{case_id}/zorgteam-invitations", json={"member_id": member_id})

        # no listing at the school yet: not checked (a samenwerkingsverband rolling out, ADR 23)
        unchecked = await invite("Zoë Visser")
        assert unchecked.status_code == 200, unchecked.text

        leaving = listed("zt-weg", Role.ZORGTEAM)
        directory: list[Envelope] = [
            listed("ib-bram", Role.INTERN_BEGELEIDER),
            listed("jgz-arts", Role.ZORGTEAM),
            listed("lk-anna", Role.TEACHER),
            leaving,
            delisted("zt-weg", T0 + timedelta(minutes=5)),
        ]
        await publish(suite, SIGNALS_EVENTS, *directory)
        await all_processed(casework, directory)

        unknown = await invite("zt-onbekend")
        assert unknown.status_code == 409, unknown.text
        assert unknown.json()["rule"] == "rule-17-person-in-staff-directory"
        assert "zt-onbekend staat niet in het personeelsoverzicht van school 12AB" in unknown.json()["detail"]
        gone = await invite("zt-weg")
        assert (gone.status_code, gone.json()["rule"]) == (409, "rule-17-person-in-staff-directory")
        teacher = await invite("lk-anna")
        assert (teacher.status_code, teacher.json()["rule"]) == (409, "rule-17-zorgteam-member-is-care-staff")
        accepted = await invite("jgz-arts")
        assert accepted.status_code == 200, accepted.text
        assert {m["member_id"] for m in accepted.json()["zorgteam_members"]} == {"Zoë Visser", "jgz-arts"}

        # the listing delivered again, and replayed under a new id: the later delisting still holds
        await publish_raw(
            suite.infra.kafka,
            suite.topic(SIGNALS_EVENTS),
            serialize_event(leaving),
            str(leaving.subject_id).encode(),
        )
        replayed = leaving.model_copy(update={"event_id": uuid.uuid4()})
        marker = listed("zt-merker", Role.ZORGTEAM, subject="zt-weg")  # same key: after the others
        await publish(suite, SIGNALS_EVENTS, replayed, marker)
        await all_processed(casework, [replayed, marker])
        still_gone = await invite("zt-weg")
        assert (still_gone.status_code, still_gone.json()["rule"]) == (
            409,
            "rule-17-person-in-staff-directory",
        )
