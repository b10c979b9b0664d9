"""Kafka consumer of notifications: turns signals and casework events into tasks.

Runs inside the EventConsumer's transaction that also records the event id, so each event is
applied once; task ids derived from the event make creation idempotent on their own as well.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from meldcode_contracts import Envelope
from meldcode_edge.logging import get_logger

from .. import application, translation
from ..adapters.store import PostgresNotificationStore
from ..adapters.task_mail import ConfiguredStaffEmails, OutboxTaskMailbox
from ..domain.decisions import DEFAULT_TERMS, Decision, Terms

log = get_logger(__name__)

Clock = Callable[[], datetime]
Handler = Callable[[asyncpg.Connection, Envelope], Awaitable[None]]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class MailSettings:
    portal_url: str
    mail_domain: str


def mailing_of(conn: asyncpg.Connection, settings: MailSettings) -> application.Mailing:
    """Task mails in the consumer's transaction, to the address the staff directory knows."""
    return application.Mailing(
        emails=ConfiguredStaffEmails(conn),
        mailbox=OutboxTaskMailbox(conn, settings.mail_domain),
        portal_url=settings.portal_url,
    )


def make_handler(
    terms: Terms, jgz_tenants: Collection[str], clock: Clock = utc_now, mail: MailSettings | None = None
) -> Handler:
    """The consumer's handler with the service's settings: deadline terms, which
    samenwerkingsverbanden have a JGZ partner, the clock (only for bookkeeping times) and where task
    mails link to (None: no task mails)."""

    async def handle(conn: asyncpg.Connection, event: Envelope) -> None:
        await handle_event(conn, event, terms=terms, jgz_tenants=jgz_tenants, clock=clock, mail=mail)

    return handle


async def handle_event(
    conn: asyncpg.Connection,
    event: Envelope,
    *,
    terms: Terms = DEFAULT_TERMS,
    jgz_tenants: Collection[str] = (),
    clock: Clock = utc_now,
    mail: MailSettings | None = None,
) -> None:
    """The event as facts and commands (`translation`), each handled by the application; the
    people of new tasks are mailed in the same transaction (the outbox sends later)."""
    store = PostgresNotificationStore(conn)
    at = application.Circumstances(terms=terms, jgz_tenants=jgz_tenants, now=clock())
    for message in translation.messages_of(event):
        decided = await application.handle(store, message, at)
        if decided is not None:
            _log(event, *decided)
            if mail is not None:
                await application.tell_assignees(decided, mailing_of(conn, mail), at.now)


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
