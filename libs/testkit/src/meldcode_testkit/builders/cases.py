"""The events casework publishes about one opened case (`CaseFile`), and a whole case through all
six steps of the Meldcode (`a_whole_case`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, Final, TypeVar

from meldcode_contracts import (
    Actor,
    AmkNotified,
    CareCoordinatorAssigned,
    CaseClosed,
    CaseHandedOverToJgz,
    CaseObligationsChanged,
    CaseOpened,
    CaseOwnerChanged,
    CaseReopened,
    CaseSignalsAdded,
    CaseTransferred,
    ChildInformed,
    ChildInformingExceptionRecorded,
    DecisionMade,
    Envelope,
    FollowUpEvaluated,
    FollowUpScheduled,
    HelpOrganised,
    JgzConsultationRequested,
    JgzConsultationResultReceived,
    ParentsConversationHeld,
    ParentsConversationSkipped,
    ParentsInformed,
    ParentsInformingExceptionRecorded,
    PupilLeftSchool,
    ReporterAnonymityAgreed,
    RiskWeighed,
    Role,
    VeiligThuisFeedbackReceived,
    ZorgteamMemberInvited,
)

from .envelopes import IB_ACTOR, ZORGTEAM_ACTOR, at, envelope
from .envelopes import obligations as listed
from .school import Events

E = TypeVar("E", bound=Envelope)


class CaseEvents:
    """The envelopes of one case's events, in order, for tests that build the payloads themselves (key = case id, so Kafka keeps that order)."""

    def __init__(self, pupil_id: uuid.UUID) -> None:
        self.case_id = uuid.uuid4()
        self.pupil_id = pupil_id
        self.sequence = 0

    def envelope(
        self, at: datetime, actor: str = "ib-1", role: Role = Role.INTERN_BEGELEIDER
    ) -> dict[str, Any]:
        self.sequence += 1
        return envelope(self.case_id, at=at, actor=Actor(user_id=actor, role=role), sequence=self.sequence)

    def ids(self) -> dict[str, uuid.UUID]:
        return {"case_id": self.case_id, "pupil_id": self.pupil_id}

    def published(
        self, cause: Envelope, step: str, *obligations: str | tuple[str, date | None]
    ) -> CaseObligationsChanged:
        """Casework's step and open obligations after `cause` (same moment, same correlation id):
        each obligation a kind, or a (kind, due day) pair."""
        fields = self.envelope(cause.occurred_at) | {"correlation_id": cause.correlation_id}
        return CaseObligationsChanged(
            **fields, payload={**self.ids(), "step": step, "obligations": listed(*obligations)}
        )


class CaseFile:
    """The further events of one opened case, built as casework emits them: sequence per case,
    envelope school = the case's school at the time (after a transfer: the new school)."""

    def __init__(self, events: Events, opened: CaseOpened) -> None:
        self.events = events
        self.opened = opened
        self.school = opened.school

    @property
    def case_id(self) -> uuid.UUID:
        return self.opened.payload.case_id

    @property
    def pupil_id(self) -> uuid.UUID:
        return self.opened.payload.pupil_id

    def _event(self, kind: type[E], when: datetime, actor: Actor = IB_ACTOR, **payload: Any) -> E:
        fields = self.events._envelope(self.case_id, self.case_id, when, actor, school=self.school)
        return kind.model_validate(
            {**fields, "payload": {"case_id": self.case_id, "pupil_id": self.pupil_id, **payload}}
        )

    def signals_added(self, when: datetime, signal_ids: list[uuid.UUID]) -> CaseSignalsAdded:
        return self._event(CaseSignalsAdded, when, signal_ids=signal_ids)

    def published(
        self, when: datetime, step: str, *obligations: str | tuple[str, date | None]
    ) -> CaseObligationsChanged:
        """Casework's step and open obligations after a command: each obligation a kind, or a
        (kind, due day) pair."""
        return self._event(CaseObligationsChanged, when, step=step, obligations=listed(*obligations))

    def invited(self, when: datetime, member_id: str = "zt-1") -> ZorgteamMemberInvited:
        return self._event(ZorgteamMemberInvited, when, member_id=member_id, invited_on=when.date())

    def owner_changed(self, when: datetime, new_owner_id: str = "ib-2") -> CaseOwnerChanged:
        return self._event(
            CaseOwnerChanged,
            when,
            previous_owner_id=self.opened.payload.case_owner_id,
            new_owner_id=new_owner_id,
        )

    def conversation_held(self, when: datetime) -> ParentsConversationHeld:
        return self._event(
            ParentsConversationHeld,
            when,
            held_on=when.date(),
            participants=["moeder", "leerkracht", "IB'er"],
            summary="Moeder vertelt dat vader sinds de zomer weer thuis woont.",
        )

    def conversation_skipped(self, when: datetime) -> ParentsConversationSkipped:
        return self._event(
            ParentsConversationSkipped,
            when,
            skipped_on=when.date(),
            reason="veiligheid_kind",
            explanation="Het kind vertelde dat het thuis geslagen wordt als school belt.",
        )

    def risk_weighed(self, when: datetime, *, suspicion: bool = True, structural: bool = True) -> RiskWeighed:
        return self._event(
            RiskWeighed,
            when,
            actor=ZORGTEAM_ACTOR,
            weighed_on=when.date(),
            participants=[
                {"name": "Ineke Bakker", "role": "intern_begeleider", "discipline": "onderwijs"},
                {"name": "Joke de Wit", "role": "jgz_verpleegkundige", "discipline": "jeugdgezondheidszorg"},
            ],
            nature="Lichamelijk letsel en verwaarlozing",
            severity="ernstig" if structural else "licht",
            risk_level="hoog" if structural else "laag",
            q1_suspicion=suspicion,
            q2_acute_unsafety=False,
            q2_structural_unsafety=structural,
            approach="Melden bij Veilig Thuis en hulp via het wijkteam.",
        )

    def decision(self, when: datetime, outcome: str = "report_and_help") -> DecisionMade:
        suspicion = outcome != "no_suspicion_close"
        return self._event(
            DecisionMade,
            when,
            actor=ZORGTEAM_ACTOR,
            decided_on=when.date(),
            q1_suspicion=suspicion,
            q2_acute_or_structural_unsafety=suspicion and "report" in outcome,
            q3_sufficient_help_possible=None,
            q4_help_accepted=None,
            q5_lasting_safety=None,
            outcome=outcome,
            reasons="Structurele onveiligheid; melden is verplicht.",
            who_reports="ib-1" if "report" in outcome else None,
            who_informs_parents="ib-1" if "report" in outcome else None,
        )

    def help_organised(self, when: datetime) -> HelpOrganised:
        return self._event(
            HelpOrganised,
            when,
            organised_on=when.date(),
            help_description="Gezinscoach van het wijkteam, twee keer per week.",
            providers=["wijkteam"],
            teacher_advice="Let op de jas en de lunch; meld nieuwe signalen.",
            agreed_term_until=when.date() + timedelta(days=90),
        )

    def parents_informed(self, when: datetime) -> ParentsInformed:
        return self._event(
            ParentsInformed, when, informed_on=when.date(), informed_by="ib-1", summary="Moeder gebeld."
        )

    def parents_exception(self, when: datetime) -> ParentsInformingExceptionRecorded:
        return self._event(
            ParentsInformingExceptionRecorded,
            when,
            recorded_on=when.date(),
            ground="veiligheid_kind",
            explanation="Vader dreigde het kind mee te nemen.",
        )

    def child_informed(self, when: datetime) -> ChildInformed:
        return self._event(
            ChildInformed, when, informed_on=when.date(), informed_by="ib-1", summary="Met Sanne gesproken."
        )

    def child_exception(self, when: datetime) -> ChildInformingExceptionRecorded:
        return self._event(
            ChildInformingExceptionRecorded,
            when,
            recorded_on=when.date(),
            ground="ontwikkelingsniveau",
            explanation="Het kind kan de melding nog niet overzien.",
        )

    def anonymity(self, when: datetime) -> ReporterAnonymityAgreed:
        return self._event(
            ReporterAnonymityAgreed,
            when,
            agreed_on=when.date(),
            reporter_id="lk-1",
            ground="bedreiging_melder_of_collegas",
            argument="Vader heeft de leerkracht bedreigd.",
        )

    def reported(self, when: datetime) -> AmkNotified:
        return self._event(
            AmkNotified,
            when,
            reported_on=when.date(),
            veilig_thuis_region="Zuid-Holland Zuid",
            veilig_thuis_organisation="Veilig Thuis Zuid-Holland Zuid",
            reporter_id="ib-1",
            reporter_anonymous_to_family=False,
            signal_ids=self.opened.payload.signal_ids,
            school_continues="Dagelijks contact met de leerling.",
            parents_informed=True,
            pupil_age_on_report=12,
            child_informed=True,
        )

    def feedback(self, when: datetime) -> VeiligThuisFeedbackReceived:
        return self._event(
            VeiligThuisFeedbackReceived,
            when,
            received_on=when.date(),
            steps_taken="Onderzoek gestart, huisbezoek gepland.",
        )

    def care_coordinator(self, when: datetime) -> CareCoordinatorAssigned:
        return self._event(
            CareCoordinatorAssigned,
            when,
            actor=ZORGTEAM_ACTOR,
            assigned_on=when.date(),
            coordinator_id="zt-1",
            organisation="wijkteam",
        )

    def follow_up(self, when: datetime) -> FollowUpScheduled:
        return self._event(
            FollowUpScheduled,
            when,
            actor=ZORGTEAM_ACTOR,
            scheduled_on=when.date(),
            evaluation_on=when.date() + timedelta(days=42),
            agreements="Evaluatie met moeder en gezinscoach.",
        )

    def evaluated(self, when: datetime, *, lasting_safety: bool = True) -> FollowUpEvaluated:
        return self._event(
            FollowUpEvaluated,
            when,
            actor=ZORGTEAM_ACTOR,
            evaluated_on=when.date(),
            lasting_safety=lasting_safety,
            findings="Thuis is het rustig." if lasting_safety else "Opnieuw blauwe plekken gezien.",
            decision_reopened=not lasting_safety,
        )

    def closed(self, when: datetime) -> CaseClosed:
        return self._event(
            CaseClosed,
            when,
            closed_on=when.date(),
            reason="Blijvende veiligheid vastgesteld.",
            aftercare=None,
        )

    def reopened(self, when: datetime) -> CaseReopened:
        return self._event(
            CaseReopened, when, reopened_on=when.date(), reason="Nieuwe signalen van de leerkracht."
        )

    def pupil_left(self, when: datetime, destination_school: str | None = "34CD") -> PupilLeftSchool:
        return self._event(PupilLeftSchool, when, left_on=when.date(), destination_school=destination_school)

    def transferred(
        self, when: datetime, to_school: str = "34CD", new_owner: str = "ib-9"
    ) -> CaseTransferred:
        event = self._event(
            CaseTransferred,
            when,
            transferred_on=when.date(),
            to_school=to_school,
            legal_basis="wettelijke_plicht",
            legal_basis_explanation="Overdracht naar de nieuwe school in hetzelfde samenwerkingsverband.",
            new_case_owner_id=new_owner,
        )
        self.school = to_school
        return event

    def jgz_consultation_requested(self, when: datetime) -> JgzConsultationRequested:
        return self._event(
            JgzConsultationRequested,
            when,
            request_id=uuid.uuid5(self.case_id, f"jgz-{when.isoformat()}"),
            requested_on=when.date(),
            jgz_organisation="GGD Zuid JGZ",
            question="Is er bij de JGZ iets bekend over de groei van Sanne?",
            requested_by="ib-1",
        )

    def jgz_result_received(self, when: datetime) -> JgzConsultationResultReceived:
        return self._event(
            JgzConsultationResultReceived,
            when,
            request_id=None,
            message_id=f"msg-{uuid.uuid4().hex[:8]}",
            jgz_organisation="GGD Zuid JGZ",
            received_at=when,
            advice="Groei is achtergebleven; huisbezoek gepland.",
            professional="Joke de Wit, jeugdverpleegkundige",
        )

    def handed_over_to_jgz(self, when: datetime) -> CaseHandedOverToJgz:
        return self._event(
            CaseHandedOverToJgz,
            when,
            handover_id=uuid.uuid4(),
            handed_over_on=when.date(),
            jgz_organisation="GGD Zuid JGZ",
            legal_basis="toestemming_ouders",
            legal_basis_explanation="Zorg wordt overgenomen door de JGZ.",
            summary="Zorgen over verwaarlozing; hulp via het wijkteam loopt.",
        )


def a_whole_case(
    events: Events, pupil_id: uuid.UUID, signal_ids: list[uuid.UUID], start: int, *, published: bool = False
) -> list[Envelope]:
    """A case through all six steps: opened → conversation → weighing → decision (report and help)
    → help → parents and child informed → report → feedback → care coordinator → follow-up →
    evaluation (lasting safety) → closed. One event an hour from minute `start`.

    With `published`, each event is followed by casework's `CaseObligationsChanged` (its step and
    open obligations, due days as `WHOLE_CASE_DUE` gives them), as casework publishes them."""
    file = CaseFile(events, events.case(pupil_id, signal_ids, when=at(start)))
    steps: list[Callable[[datetime], Envelope]] = [
        file.conversation_held,
        file.risk_weighed,
        file.decision,
        file.help_organised,
        file.parents_informed,
        file.child_informed,
        file.reported,
        file.feedback,
        file.care_coordinator,
        file.follow_up,
        file.evaluated,
        file.closed,
    ]
    history: list[Envelope] = [file.opened]
    for n, build in enumerate([None, *steps]):  # None: the opening itself
        when = at(start + 60 * n)
        if build is not None:
            history.append(build(when))
        if published:
            step, obligations = WHOLE_CASE_PUBLISHED[n]
            history.append(file.published(when, step, *obligations))
    return history


WHOLE_CASE_DUE: Final = {
    "gesprek_ouders": date(2026, 11, 13),
    "weging_zorgteam": date(2026, 11, 27),
    "terugkoppeling_veilig_thuis": date(2026, 11, 9),
    "evaluatie_uitvoeren": date(2027, 1, 15),
}
"""Due days as a samenwerkingsverband's own terms might give them: nothing a reader could derive."""
_DUE = WHOLE_CASE_DUE
WHOLE_CASE_PUBLISHED: Final[list[tuple[str, tuple[str | tuple[str, date | None], ...]]]] = [
    ("geopend", (("gesprek_ouders", _DUE["gesprek_ouders"]),)),
    ("gesprek_ouders", (("weging_zorgteam", _DUE["weging_zorgteam"]),)),
    ("weging", ("besluit_afwegingskader",)),
    ("besluit", ("ouders_informeren", "kind_informeren", "melden_veilig_thuis", "hulp_organiseren")),
    ("besluit", ("ouders_informeren", "kind_informeren", "melden_veilig_thuis")),
    ("besluit", ("kind_informeren", "melden_veilig_thuis")),
    ("besluit", ("melden_veilig_thuis",)),
    (
        "melding",
        (("terugkoppeling_veilig_thuis", _DUE["terugkoppeling_veilig_thuis"]), "zorgcoordinator_aanwijzen"),
    ),
    ("melding", ("zorgcoordinator_aanwijzen",)),
    ("volgen", ("evaluatie_plannen",)),
    ("volgen", (("evaluatie_uitvoeren", _DUE["evaluatie_uitvoeren"]),)),
    ("volgen", ("zaak_sluiten",)),
    ("gesloten", ()),
]
"""What casework publishes after the CaseOpened and after each further event of `a_whole_case`."""
