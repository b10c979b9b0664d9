"""Melding documents: built from the projected facts, kept as PDF (bytea + sha256), announced with
`MeldingDocumentIssued` in the same transaction.

`AmkNotified` leaves a pending row (consumer); building it is a kind of due work (`due_work`). The
signals a report rests on come from another topic and may arrive after it; a document waits for
them up to `grace` (not an attempt) and is then built with what is known (the missing signal is
named). A document of an erased pupil is never built.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import asyncpg

from meldcode_contracts import MeldingDocumentIssued
from meldcode_contracts.notices import MeldingDocumentIssuedPayload
from meldcode_edge.logging import get_logger

from ..domain.webhooks import Backoff
from .due_work import Done, DueTable, DueWorkQueue, NotYet
from .facts import melding_file
from .melding_pdf import render
from .notices import enqueue_notice

log = get_logger(__name__)

RECHECK = timedelta(seconds=1)
MELDING_DOCUMENTS = DueTable(
    "melding_documents",
    key="document_id",
    pending="status = 'pending' and erased_at is null",
    failure_log="melding_document_failed",
)


@dataclass(frozen=True)
class BuildDocument:
    topic: str
    grace: timedelta

    async def __call__(
        self, conn: asyncpg.Connection, row: asyncpg.Record, attempts: int, now: datetime
    ) -> Done | NotYet:
        file = await melding_file(conn, row)
        if file.missing_signal_ids and now - row["created_at"] < self.grace:
            return NotYet(now + RECHECK)
        document = render(file)
        await enqueue_notice(
            conn,
            self.topic,
            MeldingDocumentIssued,
            natural_key=row["document_id"],
            at=now,
            tenant=row["tenant"],
            school=row["school"],
            subject_id=row["case_id"],
            causation_id=str(row["report_event_id"]),
            payload=MeldingDocumentIssuedPayload(
                case_id=row["case_id"],
                pupil_id=row["pupil_id"],
                document_id=row["document_id"],
                report_event_id=row["report_event_id"],
                reported_on=row["reported_on"],
                sha256=document.sha256,
                pages=document.pages,
            ),
        )
        log.info(
            "melding_document_issued",
            document_id=str(row["document_id"]),
            case_id=str(row["case_id"]),
            missing_signals=len(file.missing_signal_ids),
        )
        return Done(
            {
                "status": "issued",
                "pdf": document.pdf,
                "sha256": document.sha256,
                "pages": document.pages,
                "issued_at": now,
            }
        )


def document_builder(pool: asyncpg.Pool, topic: str, grace: timedelta, backoff: Backoff) -> DueWorkQueue:
    return DueWorkQueue(pool, MELDING_DOCUMENTS, BuildDocument(topic, grace), backoff, batch=20)


@dataclass(frozen=True)
class StoredDocument:
    document_id: uuid.UUID
    tenant: str
    school: str
    case_id: uuid.UUID
    pupil_id: uuid.UUID
    reported_on: date
    status: str
    sha256: str | None
    pages: int | None
    issued_at: datetime | None
    pdf: bytes | None
    erased_at: datetime | None = None
    """Set when the pupil's personal data was erased: the PDF is gone for good."""


async def stored_document(conn: asyncpg.Connection, document_id: uuid.UUID) -> StoredDocument | None:
    row = await conn.fetchrow(
        """select document_id, tenant, school, case_id, pupil_id, reported_on, status, sha256, pages,
               issued_at, pdf, erased_at from melding_documents where document_id = $1""",
        document_id,
    )
    return _stored(row) if row else None


async def documents_of_case(conn: asyncpg.Connection, case_id: uuid.UUID) -> list[StoredDocument]:
    rows = await conn.fetch(
        """select document_id, tenant, school, case_id, pupil_id, reported_on, status, sha256, pages,
               issued_at, null::bytea as pdf, erased_at from melding_documents where case_id = $1
           order by reported_at""",
        case_id,
    )
    return [_stored(row) for row in rows]


def _stored(row: asyncpg.Record) -> StoredDocument:
    return StoredDocument(
        document_id=row["document_id"],
        tenant=row["tenant"],
        school=row["school"],
        case_id=row["case_id"],
        pupil_id=row["pupil_id"],
        reported_on=row["reported_on"],
        status=row["status"],
        sha256=row["sha256"],
        pages=row["pages"],
        issued_at=row["issued_at"],
        pdf=bytes(row["pdf"]) if row["pdf"] is not None else None,
        erased_at=row["erased_at"],
    )
