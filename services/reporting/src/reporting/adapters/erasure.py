"""Erasure in the read models (ADR 10): on `PersonalDataErased` every personal value of the pupil
goes, replaced by exactly what the events now open as (`[gewist]`, a date as null), so the live
tables stay equal to a rebuild from the topics (`meldcode-reporting rebuild`).

What holds a pupil's personal values here: `pupils` (pupil number, names, date of birth) and the
facts of their `chronology` entries (descriptions, interpretations, sources, summaries, reasons, the
names of who took part or was consulted, ...), which the parents' export and the screens read.
`case_changes`, `school_cases` and `access_log` hold ids, dates, codes and staff user ids only.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Final

import asyncpg

from meldcode_contracts import PupilRegisteredPayload
from meldcode_contracts.personal import erased_value
from meldcode_servicekit.sealing import erase_personal_fields, payload_model_of_type

ERASED_PUPIL: Final[dict[str, Any]] = {
    name: erased_value(PupilRegisteredPayload, name)
    for name in ("pupil_number", "given_name", "family_name", "date_of_birth")
}


def erased_facts(event_type: str, facts: dict[str, Any]) -> dict[str, Any]:
    """The facts of a chronology entry with the personal fields of its contract payload erased."""
    model = payload_model_of_type(event_type)
    erased = json.loads(json.dumps(facts))
    if model is not None:
        erase_personal_fields(model, erased)
    return erased  # type: ignore[no-any-return]


async def erase_pupil(conn: asyncpg.Connection, pupil_id: uuid.UUID) -> None:
    """Drop the pupil's personal values from every read model. Idempotent."""
    await conn.execute(
        """update pupils set pupil_number = $2, given_name = $3, family_name = $4, date_of_birth = $5
           where pupil_id = $1""",
        pupil_id,
        ERASED_PUPIL["pupil_number"],
        ERASED_PUPIL["given_name"],
        ERASED_PUPIL["family_name"],
        ERASED_PUPIL["date_of_birth"],
    )
    entries = await conn.fetch(
        "select event_id, event_type, body from chronology where pupil_id = $1 for update", pupil_id
    )
    for entry in entries:
        facts = json.loads(entry["body"])
        erased = erased_facts(entry["event_type"], facts)
        if erased != facts:
            await conn.execute(
                "update chronology set body = $2::jsonb where event_id = $1",
                entry["event_id"],
                json.dumps(erased),
            )
