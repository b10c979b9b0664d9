"""The JGZ steps of a case as the unit tests take them: a consultation asked, its result received,
the case handed over. No I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from casework.domain.actor import Actor
from casework.domain.case import Case

NOW = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
GGD = "GGD Zuid JGZ"
JGZ_SYSTEM = Actor(f"jgz:{GGD}", "system", "c-3")


def request(
    cases: Any, case: Case, *, question: str = "Is de groei van de leerling op curve?", **kwargs: Any
) -> uuid.UUID:
    actor = kwargs.pop("actor", cases.by)
    arguments = {"jgz_organisation": GGD, "today": cases.today, **kwargs}
    return case.request_jgz_consultation(question=question, **arguments, by=actor)


def receive(
    case: Case, *, message_id: str = "m-1", request_id: uuid.UUID | None = None, **kwargs: Any
) -> bool:
    arguments = {
        "jgz_organisation": GGD,
        "advice": "Gewicht onder de curve; huisbezoek gepland.",
        "professional": "J. Janssen, jeugdverpleegkundige",
        "received_at": NOW,
        **kwargs,
    }
    return case.receive_jgz_consultation_result(
        message_id=message_id, request_id=request_id, **arguments, by=JGZ_SYSTEM
    )


def hand_over(cases: Any, case: Case, **kwargs: Any) -> uuid.UUID:
    arguments = {
        "legal_basis": "wettelijke_taak_jgz",
        "legal_basis_explanation": "De JGZ volgt de leerling in haar wettelijke taak.",
        "summary": "Zorgen over verwaarlozing; gezinscoach sinds oktober.",
        "jgz_organisation": GGD,
        "today": cases.today,
        **kwargs,
    }
    return case.hand_over_to_jgz(**arguments, by=cases.by)
