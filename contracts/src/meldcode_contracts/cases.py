"""Events of steps 3-6 of the Meldcode (owner: casework). Key = case id, so one case stays in order.

Free-text fields can name people and describe what happened: they are marked personal.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .envelope import Envelope, UtcDateTime
from .personal import Personal


class CasePayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    case_id: uuid.UUID
    pupil_id: uuid.UUID


class CaseOpenedPayload(CasePayload):
    signal_ids: list[uuid.UUID] = Field(
        min_length=1, description="The recorded signals the case was opened from"
    )
    case_owner_id: str = Field(description="User id of the one responsible case owner")
    opened_by: str = Field(description="User id of the IB'er / aandachtsfunctionaris who opened it")


class CaseOpened(Envelope):
    """An IB'er / aandachtsfunctionaris opened a case from one or more signals (rule 4)."""

    event_type: Literal["CaseOpened"] = "CaseOpened"
    payload: CaseOpenedPayload


class CaseOwnerChangedPayload(CasePayload):
    previous_owner_id: str
    new_owner_id: str


class CaseOwnerChanged(Envelope):
    """The case got another responsible case owner (one at a time, rule 4)."""

    event_type: Literal["CaseOwnerChanged"] = "CaseOwnerChanged"
    payload: CaseOwnerChangedPayload


class CaseSignalsAddedPayload(CasePayload):
    signal_ids: list[uuid.UUID] = Field(
        min_length=1,
        description="Recorded signals of the pupil added to the open case (rule 9), in addition to "
        "those it was opened from and added before; a report may cite every signal of the case",
    )


class CaseSignalsAdded(Envelope):
    """The IB'er added signals recorded after the case was opened to the case (rule 9)."""

    event_type: Literal["CaseSignalsAdded"] = "CaseSignalsAdded"
    payload: CaseSignalsAddedPayload


class ZorgteamMemberInvitedPayload(CasePayload):
    member_id: str = Field(
        min_length=1,
        max_length=128,
        description="User id of the zorgteam member (school or partner organisation)",
    )
    organisation: str | None = Field(
        default=None,
        max_length=200,
        description="Partner organisation, e.g. GGD Zuid JGZ; none for the school's own",
    )
    invited_on: date


class ZorgteamMemberInvited(Envelope):
    """The IB'er invited a zorgteam member into the case. A zorgteam member (also one of a partner
    organisation such as the JGZ) sees and works on only the cases they are invited into."""

    event_type: Literal["ZorgteamMemberInvited"] = "ZorgteamMemberInvited"
    payload: ZorgteamMemberInvitedPayload


class ZorgteamInvitationWithdrawnPayload(CasePayload):
    member_id: str = Field(min_length=1, max_length=128)
    withdrawn_on: date


class ZorgteamInvitationWithdrawn(Envelope):
    """The zorgteam member no longer takes part in the case and no longer sees it."""

    event_type: Literal["ZorgteamInvitationWithdrawn"] = "ZorgteamInvitationWithdrawn"
    payload: ZorgteamInvitationWithdrawnPayload


class ParentsConversationHeldPayload(CasePayload):
    held_on: date
    participants: Personal[list[str]] = Field(description="Who took part (names or roles)")
    summary: Personal[str]


class ParentsConversationHeld(Envelope):
    """Step 3: the signals and concerns were discussed with the parent(s)."""

    event_type: Literal["ParentsConversationHeld"] = "ParentsConversationHeld"
    payload: ParentsConversationHeldPayload


class ParentsConversationSkippedPayload(CasePayload):
    skipped_on: date
    reason: str = Field(
        description="veiligheid_kind, veiligheid_anderen, veiligheid_melder or ouders_onttrekken_kind (rule 5)"
    )
    explanation: Personal[str]


class ParentsConversationSkipped(Envelope):
    """Step 3 was skipped, with one of the reasons rule 5 allows."""

    event_type: Literal["ParentsConversationSkipped"] = "ParentsConversationSkipped"
    payload: ParentsConversationSkippedPayload


class WeighingParticipant(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Personal[str]
    role: str
    discipline: str


class RiskWeighedPayload(CasePayload):
    weighed_on: date
    participants: list[WeighingParticipant] = Field(
        min_length=2, description="At least two disciplines (rule 6)"
    )
    nature: Personal[str] = Field(description="Nature of the signals")
    severity: str = Field(description="licht, matig or ernstig")
    risk_level: str = Field(description="laag, verhoogd or hoog")
    q1_suspicion: bool = Field(description="Afwegingskader question 1: is there a suspicion?")
    q2_acute_unsafety: bool = Field(description="Afwegingskader question 2: acute unsafety?")
    q2_structural_unsafety: bool = Field(description="Afwegingskader question 2: structural unsafety?")
    approach: Personal[str] = Field(description="The agreed approach")


class RiskWeighed(Envelope):
    """Step 4: the zorgteam weighed nature, severity and risk, multidisciplinary."""

    event_type: Literal["RiskWeighed"] = "RiskWeighed"
    payload: RiskWeighedPayload


class DecisionMadePayload(CasePayload):
    decided_on: date
    q1_suspicion: bool | None
    q2_acute_or_structural_unsafety: bool | None
    q3_sufficient_help_possible: bool | None
    q4_help_accepted: bool | None
    q5_lasting_safety: bool | None
    outcome: str = Field(description="no_suspicion_close, help, report or report_and_help")
    reasons: Personal[str] = Field(description="Why; recorded also when the outcome is not to report")
    who_reports: str | None = Field(description="User id of who reports to Veilig Thuis")
    who_informs_parents: str | None = Field(description="User id of who informs the parents")


class DecisionMade(Envelope):
    """Step 5: the afwegingskader was answered in order and an outcome decided."""

    event_type: Literal["DecisionMade"] = "DecisionMade"
    payload: DecisionMadePayload


class HelpOrganisedPayload(CasePayload):
    organised_on: date
    help_description: Personal[str]
    providers: list[str]
    teacher_advice: Personal[str]
    agreed_term_until: date | None


class HelpOrganised(Envelope):
    """Step 5: help was organised (and the teacher advised)."""

    event_type: Literal["HelpOrganised"] = "HelpOrganised"
    payload: HelpOrganisedPayload


class InformedPayload(CasePayload):
    informed_on: date
    informed_by: str
    summary: Personal[str]


class ParentsInformed(Envelope):
    """The parents were informed of the intended report to Veilig Thuis (rule 8)."""

    event_type: Literal["ParentsInformed"] = "ParentsInformed"
    payload: InformedPayload


class ChildInformed(Envelope):
    """The pupil was informed of the intended report (rule 8, 12 years or older)."""

    event_type: Literal["ChildInformed"] = "ChildInformed"
    payload: InformedPayload


class InformingExceptionPayload(CasePayload):
    recorded_on: date
    ground: str = Field(description="The legal ground for not informing")
    explanation: Personal[str]


class ParentsInformingExceptionRecorded(Envelope):
    """The parents are not informed before the report, on a recorded legal ground (rule 8)."""

    event_type: Literal["ParentsInformingExceptionRecorded"] = "ParentsInformingExceptionRecorded"
    payload: InformingExceptionPayload


class ChildInformingExceptionRecorded(Envelope):
    """The pupil is not informed before the report, on a recorded ground (rule 8)."""

    event_type: Literal["ChildInformingExceptionRecorded"] = "ChildInformingExceptionRecorded"
    payload: InformingExceptionPayload


class ReporterAnonymityAgreedPayload(CasePayload):
    agreed_on: date
    reporter_id: Personal[str] = Field(description="The reporter, never shown to the family")
    ground: str = Field(
        description="bedreiging_kind_of_gezinsleden, bedreiging_melder_of_collegas or verstoring_relatie_gezin"
    )
    argument: Personal[str]


class ReporterAnonymityAgreed(Envelope):
    """The reporter stays anonymous toward the family, on one of the three grounds of rule 10."""

    event_type: Literal["ReporterAnonymityAgreed"] = "ReporterAnonymityAgreed"
    payload: ReporterAnonymityAgreedPayload


class AmkNotifiedPayload(CasePayload):
    reported_on: date
    veilig_thuis_region: str
    veilig_thuis_organisation: str = Field(description="The receiving organisation (formerly AMK)")
    reporter_id: Personal[str]
    reporter_anonymous_to_family: bool
    signal_ids: list[uuid.UUID] = Field(min_length=1, description="The recorded signals the report rests on")
    school_continues: Personal[str] = Field(description="What the school keeps doing")
    parents_informed: bool
    pupil_age_on_report: int
    child_informed: bool


class AmkNotified(Envelope):
    """Step 5: the school reported to Veilig Thuis (the contract keeps the name AmkNotified)."""

    event_type: Literal["AmkNotified"] = "AmkNotified"
    payload: AmkNotifiedPayload


class VeiligThuisFeedbackReceivedPayload(CasePayload):
    received_on: date
    steps_taken: Personal[str]


class VeiligThuisFeedbackReceived(Envelope):
    """Veilig Thuis told the reporter what steps it took (rule 11)."""

    event_type: Literal["VeiligThuisFeedbackReceived"] = "VeiligThuisFeedbackReceived"
    payload: VeiligThuisFeedbackReceivedPayload


class CareCoordinatorAssignedPayload(CasePayload):
    assigned_on: date
    coordinator_id: str
    organisation: str


class CareCoordinatorAssigned(Envelope):
    """Step 6: a care coordinator (zorgcoördinator) was named (rule 12)."""

    event_type: Literal["CareCoordinatorAssigned"] = "CareCoordinatorAssigned"
    payload: CareCoordinatorAssignedPayload


class FollowUpScheduledPayload(CasePayload):
    scheduled_on: date
    evaluation_on: date
    agreements: Personal[str]


class FollowUpScheduled(Envelope):
    """Step 6: an evaluation date was set."""

    event_type: Literal["FollowUpScheduled"] = "FollowUpScheduled"
    payload: FollowUpScheduledPayload


class FollowUpEvaluatedPayload(CasePayload):
    evaluated_on: date
    lasting_safety: bool
    findings: Personal[str]
    decision_reopened: bool = Field(
        description="No lasting safety: the decision is made again (report again)"
    )


class FollowUpEvaluated(Envelope):
    """Step 6: the effect of the help was evaluated."""

    event_type: Literal["FollowUpEvaluated"] = "FollowUpEvaluated"
    payload: FollowUpEvaluatedPayload


class CaseClosedPayload(CasePayload):
    closed_on: date
    reason: Personal[str]
    aftercare: Personal[str | None]


class CaseClosed(Envelope):
    """The case was closed with a reason (rule 13)."""

    event_type: Literal["CaseClosed"] = "CaseClosed"
    payload: CaseClosedPayload


class CaseReopenedPayload(CasePayload):
    reopened_on: date
    reason: Personal[str]


class CaseReopened(Envelope):
    """A closed case was reopened; nothing was lost (rule 13)."""

    event_type: Literal["CaseReopened"] = "CaseReopened"
    payload: CaseReopenedPayload


class PupilLeftSchoolPayload(CasePayload):
    left_on: date
    destination_school: str | None


class PupilLeftSchool(Envelope):
    """The pupil of an open case left the school (rule 14: the zorgteam is alerted)."""

    event_type: Literal["PupilLeftSchool"] = "PupilLeftSchool"
    payload: PupilLeftSchoolPayload


class CaseTransferredPayload(CasePayload):
    transferred_on: date
    to_school: str
    legal_basis: str
    legal_basis_explanation: Personal[str]
    new_case_owner_id: str


class CaseTransferred(Envelope):
    """The case was handed over to another school of the samenwerkingsverband, on a legal basis (rule 14)."""

    event_type: Literal["CaseTransferred"] = "CaseTransferred"
    payload: CaseTransferredPayload


class JgzConsultationRequestedPayload(CasePayload):
    request_id: uuid.UUID = Field(description="Id of the request; the JGZ system answers with it")
    requested_on: date
    jgz_organisation: str = Field(
        description="The JGZ organisation asked, as configured per samenwerkingsverband"
    )
    question: Personal[str] = Field(description="What the school asks the JGZ nurse or doctor")
    requested_by: str = Field(description="User id of the IB'er / case owner who asked")


class JgzConsultationRequested(Envelope):
    """The school asked the pupil's JGZ organisation for a consultation (step 2/4); sent as a signed webhook."""

    event_type: Literal["JgzConsultationRequested"] = "JgzConsultationRequested"
    payload: JgzConsultationRequestedPayload


class JgzConsultationResultReceivedPayload(CasePayload):
    request_id: uuid.UUID | None = Field(
        default=None, description="The consultation request this answers, when the JGZ system names it"
    )
    message_id: str = Field(
        min_length=1,
        max_length=128,
        description="The JGZ system's own message id; the same message is recorded once",
    )
    jgz_organisation: str
    received_at: UtcDateTime = Field(description="When the signed message arrived (UTC)")
    advice: Personal[str] = Field(description="The JGZ professional's advice or findings")
    professional: Personal[str] = Field(description="Name and discipline of the JGZ professional")


class JgzConsultationResultReceived(Envelope):
    """A JGZ system sent a consultation result over the authenticated inbound endpoint (signature verified)."""

    event_type: Literal["JgzConsultationResultReceived"] = "JgzConsultationResultReceived"
    payload: JgzConsultationResultReceivedPayload


class CaseHandedOverToJgzPayload(CasePayload):
    handover_id: uuid.UUID
    handed_over_on: date
    jgz_organisation: str
    legal_basis: str = Field(
        description=(
            "The recorded legal basis for sharing the file: toestemming_ouders, "
            "wettelijke_taak_jgz or conflict_van_plichten"
        )
    )
    legal_basis_explanation: Personal[str] = Field(description="Why this basis applies, as recorded")
    summary: Personal[str] = Field(description="What is handed over: the concerns and the help so far")


class CaseHandedOverToJgz(Envelope):
    """The case was handed over to JGZ with a recorded legal basis; sent as a signed webhook."""

    event_type: Literal["CaseHandedOverToJgz"] = "CaseHandedOverToJgz"
    payload: CaseHandedOverToJgzPayload


class OpenObligation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str = Field(
        pattern=r"^[a-z0-9_]{1,64}$",
        description="What must happen, an `ObligationKind` code (meldcode_contracts.vocabulary), "
        "e.g. gesprek_ouders, weging_zorgteam, terugkoppeling_veilig_thuis",
    )
    due_on: date | None = Field(
        default=None,
        description="The last day (Dutch calendar) on which it is on time, from the terms of the "
        "samenwerkingsverband in force when it was set; null when it has no term (it blocks a step)",
    )


class CaseObligationsChangedPayload(CasePayload):
    step: str = Field(
        pattern=r"^[a-z0-9_]{1,64}$",
        description="Where the case stands now, a `CaseStep` code: geopend, gesprek_ouders, weging, "
        "besluit, melding, volgen or gesloten",
    )
    obligations: list[OpenObligation] = Field(
        description="Everything still to be done in the case, in the order casework lists it; "
        "empty when the case is closed"
    )


class CaseObligationsChanged(Envelope):
    """The step or the open obligations of a case changed: casework's decision, with due days
    (ADR 18). Readers show it and derive none of it; it follows the event that caused it, with the
    same correlation id."""

    event_type: Literal["CaseObligationsChanged"] = "CaseObligationsChanged"
    payload: CaseObligationsChangedPayload


CASE_EVENTS: tuple[type[Envelope], ...] = (
    CaseOpened,
    CaseSignalsAdded,
    CaseOwnerChanged,
    ZorgteamMemberInvited,
    ZorgteamInvitationWithdrawn,
    ParentsConversationHeld,
    ParentsConversationSkipped,
    RiskWeighed,
    DecisionMade,
    HelpOrganised,
    ParentsInformed,
    ParentsInformingExceptionRecorded,
    ChildInformed,
    ChildInformingExceptionRecorded,
    ReporterAnonymityAgreed,
    AmkNotified,
    VeiligThuisFeedbackReceived,
    CareCoordinatorAssigned,
    FollowUpScheduled,
    FollowUpEvaluated,
    CaseClosed,
    CaseReopened,
    PupilLeftSchool,
    CaseTransferred,
    JgzConsultationRequested,
    JgzConsultationResultReceived,
    CaseHandedOverToJgz,
    CaseObligationsChanged,
)
