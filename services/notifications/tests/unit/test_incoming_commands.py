"""The commands an incoming event becomes, handled by the application against an in-memory store:
the JGZ rules (a partner, a legal basis, one delivery per event) and the facts kept."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from functools import partial

from meldcode_contracts.jgz import CaseHandoverV1, PupilReference
from notifications import application
from notifications.commands import DeliverToJgz, ErasePersonalData, InviteZorgteamMember
from notifications.domain.decisions import DEFAULT_TERMS
from notifications.domain.webhooks import delivery_id_for

from .fakes import InMemoryNotificationStore

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AT = application.Circumstances(terms=DEFAULT_TERMS, jgz_tenants={"swv-1"}, now=NOW)
PUPIL = uuid.uuid4()


def handover_message(
    pupil: PupilReference, delivery_id: uuid.UUID, legal_basis: str | None
) -> CaseHandoverV1:
    return CaseHandoverV1(
        message_id=delivery_id,
        samenwerkingsverband="swv-1",
        case_reference=uuid.uuid4(),
        pupil=pupil,
        created_at=NOW,
        handover_id=uuid.uuid4(),
        handed_over_on=date(2026, 3, 2),
        jgz_organisation="GGD Regio",
        legal_basis=legal_basis or "",
        legal_basis_explanation="Ouders stemden in.",
        summary="Zorgen en hulp tot nu toe.",
    )


def handover(
    legal_basis: str | None, tenant: str = "swv-1", event_id: uuid.UUID | None = None
) -> DeliverToJgz:
    return DeliverToJgz(
        source_event_id=event_id or uuid.uuid4(),
        tenant=tenant,
        school="12AB",
        case_id=uuid.uuid4(),
        pupil_id=PUPIL,
        organisation="GGD Regio",
        compose=partial(handover_message, legal_basis=legal_basis),
        legal_basis=legal_basis,
        needs_legal_basis=True,
    )


async def test_a_handover_with_a_legal_basis_becomes_one_delivery_with_the_pupil_as_known_here() -> None:
    known = PupilReference(pupil_id=PUPIL, school="12AB", given_name="Sanne", family_name="Vries")
    store = InMemoryNotificationStore({PUPIL: known})
    event_id = uuid.uuid4()

    await application.handle(store, handover("toestemming_ouders", event_id=event_id), AT)
    await application.handle(store, handover("toestemming_ouders", event_id=event_id), AT)

    [(delivery_id, message)] = store.deliveries.items()
    assert delivery_id == delivery_id_for(event_id) == message.message_id
    assert message.pupil == known


async def test_a_handover_without_a_legal_basis_is_never_enqueued() -> None:
    store = InMemoryNotificationStore()
    for legal_basis in (None, "", "omdat het moet"):
        await application.handle(store, handover(legal_basis), AT)
    assert store.deliveries == {}


async def test_nothing_is_enqueued_for_a_samenwerkingsverband_without_a_jgz_partner() -> None:
    store = InMemoryNotificationStore()
    await application.handle(store, handover("toestemming_ouders", tenant="swv-zonder-partner"), AT)
    assert store.deliveries == {}


async def test_commands_other_than_task_facts_are_carried_out_and_decide_no_tasks() -> None:
    store = InMemoryNotificationStore()
    case_id = uuid.uuid4()

    decided = [
        await application.handle(store, InviteZorgteamMember(case_id, "zt-dirk"), AT),
        await application.handle(store, ErasePersonalData(PUPIL), AT),
    ]

    assert decided == [None, None]
    assert store.kept == [("invited", (case_id, "zt-dirk")), ("erased", PUPIL)]
