"""A pupil who leaves the school, and the hand-over of the case to the new school (rule 14)."""

from __future__ import annotations

from datetime import date

from . import events
from .actor import Actor
from .case_base import CaseBase, not_in_future, require_explanation
from .errors import (
    PupilAlreadyLeft,
    TransferNeedsLegalBasis,
    TransferNeedsPupilLeft,
    TransferOutsideSamenwerkingsverband,
    TransferToSameSchool,
    TransferToUnknownSchool,
)
from .transfer import TransferLegalBasis
from .values import choose, text


class MovingSchool(CaseBase):
    """The commands of `Case` when the pupil leaves the school."""

    # --- moving school (rule 14) ---------------------------------------------------------------------

    def _require_pupil_not_left(self) -> None:
        if self.left_school_on is not None:
            raise PupilAlreadyLeft("Het vertrek van de leerling van deze school is al vastgelegd.")

    def record_pupil_left_school(
        self,
        *,
        left_on: date,
        destination_school: str | None = None,
        today: date,
        by: Actor,
    ) -> None:
        """The pupil left the school; the zorgteam is alerted (obligation `overdracht`)."""
        self._require_pupil_not_left()
        not_in_future(left_on, today, "het vertrek")
        self.trigger_event(
            events.PupilLeftSchool,
            **self._context(by),
            left_on=left_on,
            destination_school=text(destination_school) or None,
        )

    def _require_pupil_left(self) -> None:
        self._require_open()
        if self.left_school_on is None:
            raise TransferNeedsPupilLeft("Leg eerst vast dat de leerling de school heeft verlaten.")

    def transfer(
        self,
        *,
        to_school_tenant: str | None,
        to_school: str,
        legal_basis: TransferLegalBasis | str | None,
        legal_basis_explanation: str,
        new_case_owner_id: str,
        today: date,
        by: Actor,
    ) -> None:
        """Rule 14: hand the case over to the pupil's new school in the same samenwerkingsverband.
        `to_school_tenant` is the samenwerkingsverband the school registry knows `to_school` under
        (None: a school it does not know), so a case is never handed to a school nobody here can
        reach."""
        self._require_pupil_left()
        if not text(to_school) or text(to_school) == self.school:
            raise TransferToSameSchool("Noem de nieuwe school (BRIN) van de leerling.")
        if to_school_tenant is None:
            raise TransferToUnknownSchool(
                f"School {text(to_school)} is geen bekende school van dit samenwerkingsverband. Een zaak "
                "gaat alleen over naar een school van hetzelfde samenwerkingsverband; draag anders over "
                "via Veilig Thuis of de JGZ."
            )
        if to_school_tenant != self.tenant:
            raise TransferOutsideSamenwerkingsverband(
                "Een zaak wordt alleen overgedragen aan een school van hetzelfde samenwerkingsverband."
            )
        if legal_basis is None or not text(legal_basis):
            raise TransferNeedsLegalBasis("Leg de wettelijke grondslag van de overdracht vast.")
        basis = choose(TransferLegalBasis, legal_basis, "wettelijke grondslag")
        explained = require_explanation(
            legal_basis_explanation,
            TransferNeedsLegalBasis,
            "Licht de wettelijke grondslag van de overdracht toe",
        )
        if not text(new_case_owner_id):
            raise TransferNeedsLegalBasis("Noem de eigenaar van de zaak op de nieuwe school.")
        self.trigger_event(
            events.CaseTransferred,
            **self._context(by),
            transferred_on=today,
            to_school=text(to_school),
            legal_basis=basis.value,
            legal_basis_explanation=explained,
            new_case_owner_id=text(new_case_owner_id),
        )
