"""Erasure (ADR 10): on `PersonalDataErased` every personal value of the pupil kept here goes.

Where this service keeps a pupil's personal values, and what remains:
- `pupils`: the given name becomes "[gewist]", the family initial empty (tasks show "[gewist]").
- `pupil_identity`: names and pupil number "[gewist]", date of birth null.
- `signal_facts`: description "[gewist]", source name and interpretation null (ids, dates, kinds,
  categories stay).
- `consultations`: the consulted person's name and the advice "[gewist]" (role, organisation stay).
- `case_facts` of the pupil's cases: explanations and help descriptions "[gewist]".
- `melding_documents`: the PDF is deleted; id, sha256, pages and dates stay, `erased_at` marks it
  (serving it answers 410); the report's personal fields (reporter, what the school continues)
  "[gewist]"; a document not built yet is never built.
- `webhook_deliveries`: the personal fields of the message to the JGZ (names, date of birth, pupil
  number, question, explanation, summary) as the contract erases them.
Tasks, reminders, the e-mail outbox (content-free by design) and the event outbox hold ids, dates,
kinds and staff user ids only. Every step is idempotent.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, Final

import asyncpg
from pydantic import BaseModel

from meldcode_contracts import ERASED
from meldcode_contracts.jgz import CaseHandoverV1, ConsultationRequestV1
from meldcode_servicekit.sealing import erase_personal_fields

JGZ_MESSAGES: Final[dict[str, type[BaseModel]]] = {
    "jgz.consultation_request.v1": ConsultationRequestV1,
    "jgz.case_handover.v1": CaseHandoverV1,
}
PERSONAL_CASE_FACTS: Final = ("explanation", "description")
"""Keys of `case_facts.data` that hold free text about the pupil (see `translation.case_fact`)."""
PERSONAL_REPORT_FACTS: Final = ("reporter_id", "school_continues")
"""Keys of `melding_documents.report` that are personal in the `AmkNotified` contract."""


async def erase_pupil(conn: asyncpg.Connection, pupil_id: uuid.UUID, now: datetime) -> None:
    """Drop every personal value of the pupil from this service's tables."""
    await conn.execute(
        "update pupils set given_name = $2, family_initial = '' where pupil_id = $1", pupil_id, ERASED
    )
    await conn.execute(
        """update pupil_identity set given_name = $2, family_name = $2, pupil_number = $2,
               date_of_birth = null where pupil_id = $1""",
        pupil_id,
        ERASED,
    )
    await conn.execute(
        """update signal_facts set description = $2, source_name = null, interpretation = null
           where pupil_id = $1""",
        pupil_id,
        ERASED,
    )
    await conn.execute(
        "update consultations set consulted_name = $2, advice = $2 where pupil_id = $1", pupil_id, ERASED
    )
    cases = await cases_of_pupil(conn, pupil_id)
    for fact in await conn.fetch(
        "select event_id, data from case_facts where case_id = any($1::uuid[])", cases
    ):
        data = _json(fact["data"])
        erased = _erased_keys(data, PERSONAL_CASE_FACTS)
        if erased != data:
            await conn.execute(
                "update case_facts set data = $2::jsonb where event_id = $1",
                fact["event_id"],
                json.dumps(erased),
            )
    for document in await conn.fetch(
        "select document_id, report from melding_documents where pupil_id = $1", pupil_id
    ):
        await conn.execute(
            """update melding_documents set pdf = null, report = $2::jsonb, erased_at = coalesce(erased_at, $3)
               where document_id = $1""",
            document["document_id"],
            json.dumps(_erased_keys(_json(document["report"]), PERSONAL_REPORT_FACTS)),
            now,
        )
    for delivery in await conn.fetch(
        "select delivery_id, message_type, body from webhook_deliveries where pupil_id = $1", pupil_id
    ):
        body = erased_jgz_message(delivery["message_type"], bytes(delivery["body"]))
        if body != bytes(delivery["body"]):
            await conn.execute(
                "update webhook_deliveries set body = $2 where delivery_id = $1",
                delivery["delivery_id"],
                body,
            )


async def cases_of_pupil(conn: asyncpg.Connection, pupil_id: uuid.UUID) -> list[uuid.UUID]:
    """The pupil's cases as far as this service saw them."""
    rows = await conn.fetch(
        """select case_id from case_context where pupil_id = $1
           union select case_id from tasks where pupil_id = $1 and case_id is not null
           union select case_id from melding_documents where pupil_id = $1
           union select case_id from webhook_deliveries where pupil_id = $1""",
        pupil_id,
    )
    return [row["case_id"] for row in rows]


def erased_jgz_message(message_type: str, body: bytes) -> bytes:
    """The JGZ message with its personal fields erased as the contract says (unknown types: as is)."""
    model = JGZ_MESSAGES.get(message_type)
    if model is None:
        return body
    data = json.loads(body)
    erase_personal_fields(model, data)
    return model.model_validate(data).model_dump_json().encode()


def _erased_keys(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: (ERASED if k in keys and v is not None else v) for k, v in data.items()}


def _json(value: Any) -> dict[str, Any]:
    loaded = json.loads(value) if isinstance(value, str) else value
    assert isinstance(loaded, dict)
    return loaded
