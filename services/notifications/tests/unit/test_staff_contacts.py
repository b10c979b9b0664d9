"""The staff directory's events (signals' `StaffMemberListed` / `StaffMemberDelisted`) become the
e-mail address a task mail goes to (`NotificationStore.email_of`), and no name or address is logged."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from structlog.testing import capture_logs

from meldcode_contracts import (
    StaffMemberDelisted,
    StaffMemberDelistedPayload,
    StaffMemberListed,
    StaffMemberListedPayload,
    staff_member_id,
)
from meldcode_contracts.envelope import Actor, Role
from notifications import application, translation
from notifications.commands import DelistStaffMember, ListStaffMember
from notifications.domain.decisions import DEFAULT_TERMS

from .fakes import InMemoryNotificationStore

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
AT = application.Circumstances(terms=DEFAULT_TERMS, jgz_tenants=(), now=NOW)
ADMIN = Actor(user_id="scim", role=Role.SYSTEM)


def envelope(user_id: str, at: datetime) -> dict[str, object]:
    return {
        "event_id": uuid.uuid4(),
        "occurred_at": at,
        "recorded_at": at,
        "tenant": "swv-zuid",
        "school": "12AB",
        "subject_id": staff_member_id("12AB", user_id),
        "actor": ADMIN,
        "correlation_id": "corr-staff",
        "sequence": 1,
    }


async def handle(store: InMemoryNotificationStore, event: StaffMemberListed | StaffMemberDelisted) -> None:
    for message in translation.messages_of(event):
        await application.handle(store, message, AT)


async def test_a_listed_person_is_mailed_at_their_address_until_delisted_and_nothing_personal_is_logged() -> (
    None
):
    store = InMemoryNotificationStore()
    listed = StaffMemberListed(
        **envelope("zt-zoe", NOW),
        payload=StaffMemberListedPayload(
            user_id="zt-zoe", name="Zoë Visser", role=Role.ZORGTEAM, email="zoe.visser@school.example"
        ),
    )
    with capture_logs() as logs:
        await handle(store, listed)
    assert [type(m) for m in translation.messages_of(listed)] == [ListStaffMember]
    assert await store.email_of("zt-zoe", "12AB") == "zoe.visser@school.example"
    assert await store.email_of("zt-zoe", "34CD") is None
    assert "Zoë" not in repr(logs) and "zoe.visser" not in repr(logs)

    delisted = StaffMemberDelisted(
        **envelope("zt-zoe", NOW + timedelta(days=1)), payload=StaffMemberDelistedPayload(user_id="zt-zoe")
    )
    await handle(store, delisted)
    assert [type(m) for m in translation.messages_of(delisted)] == [DelistStaffMember]
    assert await store.email_of("zt-zoe", "12AB") is None
