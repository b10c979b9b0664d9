"""Erasure on request (ADR 10): four eyes, and a waiting period after a case was closed.

A request names its reason; a second person of the other role approves it, and only then is the
pupil's data key destroyed. Within the waiting period after the last case about the pupil was
closed no request is made or approved (a closed case is often reopened, and its facts must still
be there), unless a court order or the like demands the erasure. Pure: the caller gives today
(the Dutch calendar day), the day the last case was closed and the period that applies.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from meldcode_vocabulary import ErasureReason as ErasureReason  # signals speaks the shared words
from meldcode_vocabulary import Role

from .errors import (
    ErasureNeedsSecondPerson,
    ErasureReasonNotOnRequest,
    ErasureTooSoonAfterClosing,
    ErasureWhileCaseOpen,
)
from .retention import Term

DEFAULT_WAITING_PERIOD = Term(days=28)
"""Four weeks after a case was closed, unless a samenwerkingsverband sets its own."""

ON_REQUEST: frozenset[ErasureReason] = frozenset({ErasureReason.LAWFUL_REQUEST, ErasureReason.COURT_ORDER})
NOT_HELD_BACK: frozenset[ErasureReason] = frozenset({ErasureReason.COURT_ORDER})
"""Reasons the waiting period does not hold back: a court order (or the like) is not delayed."""

FOUR_EYES_ROLES: frozenset[str] = frozenset({Role.INTERN_BEGELEIDER, Role.ADMINISTRATOR})
"""The IB'er / aandachtsfunctionaris and the school's administrator: the four eyes of an erasure."""


@dataclass(frozen=True)
class ErasureRequest:
    request_id: uuid.UUID
    reason: ErasureReason
    requested_on: date
    requested_by: str
    requested_by_role: str
    approved_by: str | None = None
    approved_by_role: str | None = None
    approved_on: date | None = None

    @property
    def pending(self) -> bool:
        return self.approved_by is None


def require_reason_on_request(reason: ErasureReason) -> None:
    if reason not in ON_REQUEST:
        raise ErasureReasonNotOnRequest(
            "Op verzoek wordt alleen gewist bij een verzoek van de betrokkene of een rechterlijke "
            "uitspraak; na de bewaartermijn wist het systeem zelf."
        )


def require_no_open_case(*, has_open_case: bool) -> None:
    """Refuse an erasure (also a lawful request) while a case about the pupil is open: the case
    still needs the facts it was opened from (rule 16)."""
    if has_open_case:
        raise ErasureWhileCaseOpen(
            "Deze leerling heeft nog een open zaak. Sluit eerst de zaak; pas daarna kunnen de "
            "persoonsgegevens worden gewist."
        )


def require_waiting_period_passed(
    reason: ErasureReason, *, last_case_closed_on: date | None, today: date, period: Term
) -> None:
    if reason in NOT_HELD_BACK or last_case_closed_on is None:
        return
    erasable_from = period.after(last_case_closed_on)
    if today < erasable_from:
        raise ErasureTooSoonAfterClosing(
            f"De zaak over deze leerling is pas gesloten op {last_case_closed_on.isoformat()}. Wissen op "
            f"verzoek kan vanaf {erasable_from.isoformat()}, tenzij een rechterlijke uitspraak het eist.",
            erasable_from=erasable_from.isoformat(),
        )


def require_second_person(request: ErasureRequest, *, approver_id: str, approver_role: str) -> None:
    if (
        approver_id == request.requested_by
        or approver_role == request.requested_by_role
        or approver_role not in FOUR_EYES_ROLES
    ):
        raise ErasureNeedsSecondPerson(
            "Een verzoek om te wissen keurt een tweede persoon goed, met de andere rol: de beheerder "
            "het verzoek van de intern begeleider, of andersom."
        )
