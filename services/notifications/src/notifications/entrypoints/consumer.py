"""Kafka consumer of notifications: turns signals and casework events into tasks.

Runs inside the EventConsumer's transaction that also records the event id, so each event is
applied once; task ids derived from the event make creation idempotent on their own as well.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, datetime

import asyncpg

from meldcode_contracts import (
    AmkNotified,
    CaseHandedOverToJgz,
    CaseOpened,
    CaseSignalsAdded,
    ColleagueConsulted,
    Envelope,
    JgzConsultationRequested,
    PersonalDataErased,
    PupilDeregistered,
    PupilRegistered,
    SignalCorrected,
    SignalRecorded,
)
from meldcode_contracts.jgz import CaseHandoverV1, ConsultationRequestV1
from meldcode_servicekit.logging import get_logger

from .. import application, translation
from ..adapters import erasure, facts, zorgteam
from ..adapters.jgz_webhooks import enqueue_delivery
from ..adapters.tasks import PostgresTaskStore
from ..domain.decisions import DEFAULT_TERMS, Decision, Terms
from ..domain.melding import document_id_for
from ..domain.webhooks import delivery_id_for, has_legal_basis

log = get_logger(__name__)

Clock = Callable[[], datetime]
Handler = Callable[[asyncpg.Connection, Envelope], Awaitable[None]]


def utc_now() -> datetime:
    return datetime.now(UTC)


def make_handler(terms: Terms, jgz_tenants: Collection[str], clock: Clock = utc_now) -> Handler:
    """The consumer's handler with the service's settings: deadline terms, which
    samenwerkingsverbanden have a JGZ partner, and the clock (only for bookkeeping times)."""

    async def handle(conn: asyncpg.Connection, event: Envelope) -> None:
        await handle_event(conn, event, terms=terms, jgz_tenants=jgz_tenants, clock=clock)

    return handle


async def handle_event(
    conn: asyncpg.Connection,
    event: Envelope,
    *,
    terms: Terms = DEFAULT_TERMS,
    jgz_tenants: Collection[str] = (),
    clock: Clock = utc_now,
) -> None:
    if isinstance(event, PersonalDataErased):
        # ADR 10: the pupil's personal values go from every table here; tasks stay.
        await erasure.erase_pupil(conn, event.payload.pupil_id, clock())
        log.info("personal_data_erased", pupil_id=str(event.payload.pupil_id))
        return
    await remember_facts(conn, event, clock)
    await zorgteam.remember_invitation(conn, event)
    await enqueue_jgz_webhook(conn, event, jgz_tenants, clock)
    store = PostgresTaskStore(conn)
    if isinstance(event, PupilRegistered):
        await application.pupil_registered(store, translation.pupil_known(event))
    elif isinstance(event, SignalRecorded):
        _log(event, *await application.signal_recorded(store, translation.signal_noticed(event)))
    elif isinstance(event, PupilDeregistered):
        _log(event, *await application.pupil_deregistered(store, translation.pupil_left(event), terms))
    elif isinstance(event, CaseOpened):
        _log(event, *await application.case_opened(store, translation.case_noticed(event)))
    elif isinstance(event, CaseSignalsAdded):
        _log(event, *await application.signals_added(store, translation.signals_added(event)))
    elif (fact := translation.case_event(event)) is not None:
        _log(event, *await application.case_event(store, fact))


async def remember_facts(conn: asyncpg.Connection, event: Envelope, clock: Clock) -> None:
    """What the melding document will need; on `AmkNotified`, the document is requested."""
    if isinstance(event, PupilRegistered):
        await facts.remember_identity(
            conn, event.payload.pupil_id, event.tenant, event.school, translation.pupil_identity(event)
        )
    elif isinstance(event, SignalRecorded | SignalCorrected):
        await facts.remember_signal(
            conn, event.tenant, event.payload.pupil_id, translation.signal_fact(event), event.occurred_at
        )
    elif isinstance(event, ColleagueConsulted):
        await facts.remember_consultation(
            conn,
            event.tenant,
            event.payload.consultation_id,
            event.payload.pupil_id,
            translation.consultation_fact(event),
        )
    elif isinstance(event, AmkNotified):
        await facts.request_melding_document(
            conn,
            document_id=document_id_for(event.event_id),
            report_event_id=event.event_id,
            tenant=event.tenant,
            school=event.school,
            case_id=event.payload.case_id,
            pupil_id=event.payload.pupil_id,
            reported_on=event.payload.reported_on,
            reported_at=event.occurred_at,
            report=translation.report_facts(event),
            now=clock(),
        )
    elif (case_fact := translation.case_fact(event)) is not None:
        kind, data = case_fact
        case_id = getattr(event, "payload").case_id  # noqa: B009 - every case fact event has a case payload
        await facts.remember_case_fact(
            conn, event.event_id, event.tenant, case_id, kind, event.occurred_at, data
        )


async def enqueue_jgz_webhook(
    conn: asyncpg.Connection, event: Envelope, jgz_tenants: Collection[str], clock: Clock
) -> None:
    """A consultation request or a hand-over becomes one signed webhook delivery (rule 14: a
    hand-over only with a recorded legal basis)."""
    if not isinstance(event, JgzConsultationRequested | CaseHandedOverToJgz):
        return
    p = event.payload
    if event.tenant not in jgz_tenants:
        log.warning("jgz_webhook_without_partner", event_id=str(event.event_id), case_id=str(p.case_id))
        return
    delivery_id = delivery_id_for(event.event_id)
    pupil = await facts.pupil_reference(conn, event.tenant, event.school, p.pupil_id)
    message: CaseHandoverV1 | ConsultationRequestV1
    if isinstance(event, CaseHandedOverToJgz):
        if not has_legal_basis(event.payload.legal_basis):
            log.error(
                "jgz_handover_refused",
                rule="handover-needs-legal-basis",
                event_id=str(event.event_id),
                case_id=str(p.case_id),
            )
            return
        message = translation.case_handover(event, pupil, delivery_id)
    else:
        message = translation.consultation_request(event, pupil, delivery_id)
    created = await enqueue_delivery(
        conn,
        delivery_id=delivery_id,
        source_event_id=event.event_id,
        tenant=event.tenant,
        school=event.school,
        case_id=p.case_id,
        pupil_id=p.pupil_id,
        message_type=message.message_type,
        organisation=p.jgz_organisation,
        body=message.model_dump_json().encode(),
        now=clock(),
    )
    if created:
        log.info("jgz_webhook_enqueued", delivery_id=str(delivery_id), message_type=message.message_type)


def _log(event: Envelope, decision: Decision, created: list[uuid.UUID]) -> None:
    """Ids only: never a name or description."""
    for task in (*decision.new_tasks, *decision.obligation_tasks):
        if task.task_id in created:
            log.info(
                "task_created",
                task_id=str(task.task_id),
                kind=task.kind.value,
                status=task.status.value,
                source_event_id=str(event.event_id),
            )
    for completion in decision.completions:
        log.info(
            "tasks_completed_by_event",
            kind=completion.kind.value,
            signal_ids=[str(s) for s in completion.signal_ids],
            source_event_id=str(event.event_id),
        )
    for done in decision.case_completions:
        log.info(
            "case_tasks_completed_by_event",
            kinds=[k.value for k in done.kinds],
            case_id=str(done.case_id),
            source_event_id=str(event.event_id),
        )
    for moved in decision.reassignments:
        # Not the user ids: which case and which event is enough to trace it.
        log.info("case_tasks_reassigned", case_id=str(moved.case_id), source_event_id=str(event.event_id))
