"""The contract events of the demo's reported case (`meldcode_testkit.demo_case` walks the same steps over
HTTP), built directly: pupil Sanne de Vries, three signals, a consultation, and every step of the
Meldcode up to closing. Events are 15 days apart, so each deadline passes before the event that
fulfils it (every reminder rule gets its chance to fire). Each casework command is followed by
the `CaseObligationsChanged` casework publishes for it (same moment, same correlation id), with
due days as the samenwerkingsverband's terms gave them (`DUE`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from meldcode_contracts import (
    Actor,
    AmkNotified,
    CareCoordinatorAssigned,
    CaseClosed,
    CaseObligationsChanged,
    CaseOpened,
    CaseOpenedPayload,
    ChildInformed,
    ColleagueConsulted,
    DecisionMade,
    Envelope,
    FollowUpEvaluated,
    FollowUpScheduled,
    HelpOrganised,
    ParentsConversationHeld,
    ParentsInformed,
    PupilRegistered,
    PupilRegisteredPayload,
    ReporterAnonymityAgreed,
    RiskWeighed,
    Role,
    SignalRecorded,
    SignalRecordedPayload,
    SignalSource,
    SourceKind,
    VeiligThuisFeedbackReceived,
)
from meldcode_contracts.cases import (
    AmkNotifiedPayload,
    CareCoordinatorAssignedPayload,
    CaseClosedPayload,
    DecisionMadePayload,
    FollowUpEvaluatedPayload,
    FollowUpScheduledPayload,
    HelpOrganisedPayload,
    InformedPayload,
    ParentsConversationHeldPayload,
    ReporterAnonymityAgreedPayload,
    RiskWeighedPayload,
    VeiligThuisFeedbackReceivedPayload,
    WeighingParticipant,
)
from meldcode_contracts.signals import ColleagueConsultedPayload, SignalCategory

from .envelopes import envelope
from .envelopes import obligations as listed

GIVEN, FAMILY = "Sanne", "de Vries"
START = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
GAP = timedelta(days=15)
SIGNAL_TEXTS = (
    "Komt drie dagen achter elkaar zonder ontbijt en zonder jas naar school.",
    "Heeft blauwe plekken op de bovenarm; zegt van de trap gevallen te zijn.",
    "Vertelt in de kring dat papa 's avonds heel hard schreeuwt.",
)
DUE = {
    "gesprek_ouders": date(2026, 9, 11),  # opened Friday 4 Sep + 5 working days
    "weging_zorgteam": date(2026, 10, 2),  # conversation Saturday 19 Sep + 10 working days
    "terugkoppeling_veilig_thuis": date(2026, 10, 9),  # reported Sunday 4 Oct + 5 working days
    "evaluatie_uitvoeren": date(2026, 10, 26),  # the evaluation day
}
"""The due days casework publishes in the demo case (notifications derives none of them)."""
SCHOOL_CONTINUES = "De school blijft Sanne dagelijks opvangen en houdt wekelijks contact met moeder."


@dataclass
class DemoCase:
    anonymous: bool = False
    pupil_id: uuid.UUID = field(default_factory=uuid.uuid4)
    case_id: uuid.UUID = field(default_factory=uuid.uuid4)
    at: datetime = START
    sequence: int = 0
    events: list[Envelope] = field(default_factory=list)

    def envelope(
        self, subject: uuid.UUID, actor: str = "ib-bram", role: Role = Role.INTERN_BEGELEIDER
    ) -> dict[str, Any]:
        self.sequence += 1
        return envelope(subject, at=self.at, actor=Actor(user_id=actor, role=role), sequence=self.sequence)

    def ids(self) -> dict[str, uuid.UUID]:
        return {"case_id": self.case_id, "pupil_id": self.pupil_id}

    def day(self) -> date:
        return self.at.date()

    def add(self, event: Envelope, gap: timedelta = GAP) -> Envelope:
        self.events.append(event)
        self.at += gap
        return event

    def publish(self, step: str, *obligations: str) -> Envelope:
        """Casework's step and open obligations after the event just added: same moment and
        correlation id; an obligation with a term gets its due day from `DUE`."""
        cause = self.events[-1]
        envelope = self.envelope(self.case_id)
        envelope |= {
            "occurred_at": cause.occurred_at,
            "recorded_at": cause.occurred_at,
            "correlation_id": cause.correlation_id,
        }
        event = CaseObligationsChanged(
            **envelope,
            payload={
                **self.ids(),
                "step": step,
                "obligations": listed(*((k, DUE.get(k)) for k in obligations)),
            },
        )
        self.events.append(event)
        return event


def demo_case(anonymous: bool = False) -> DemoCase:
    c = DemoCase(anonymous=anonymous)
    small = timedelta(hours=1)
    c.add(
        PupilRegistered(
            **c.envelope(c.pupil_id),
            payload=PupilRegisteredPayload(
                pupil_id=c.pupil_id,
                pupil_number="L-2024-117",
                given_name=GIVEN,
                family_name=FAMILY,
                date_of_birth=date(2013, 5, 17),
            ),
        ),
        small,
    )
    sources = (
        SignalSource(kind=SourceKind.OWN_OBSERVATION),
        SignalSource(kind=SourceKind.OWN_OBSERVATION),
        SignalSource(kind=SourceKind.PUPIL_SAID),
    )
    signals = []
    for text, source in zip(SIGNAL_TEXTS, sources, strict=True):
        signal = SignalRecorded(
            **c.envelope(c.pupil_id, "lk-anna", Role.TEACHER),
            payload=SignalRecordedPayload(
                signal_id=uuid.uuid4(),
                pupil_id=c.pupil_id,
                observer_id="lk-anna",
                observed_on=c.day(),
                description=text,
                source=source,
                categories=[SignalCategory.NEGLECT],
            ),
        )
        signals.append(signal)
        c.add(signal, timedelta(days=1))
    signal_ids = [s.payload.signal_id for s in signals]
    c.add(
        ColleagueConsulted(
            **c.envelope(c.pupil_id),
            payload=ColleagueConsultedPayload(
                consultation_id=uuid.uuid4(),
                pupil_id=c.pupil_id,
                consulted_on=c.day(),
                consulted_name="Joke Jansen",
                consulted_role="jeugdverpleegkundige",
                organisation="JGZ",
                advice="Bespreek de zorgen met de ouders en weeg daarna in het zorgteam.",
                signal_ids=signal_ids,
            ),
        ),
        small,
    )
    c.add(
        CaseOpened(
            **c.envelope(c.case_id),
            payload=CaseOpenedPayload(
                **c.ids(), signal_ids=signal_ids, case_owner_id="ib-bram", opened_by="ib-bram"
            ),
        )
    )
    c.publish("geopend", "gesprek_ouders")
    c.add(
        ParentsConversationHeld(
            **c.envelope(c.case_id),
            payload=ParentsConversationHeldPayload(
                **c.ids(), held_on=c.day(), participants=["moeder"], summary="Moeder herkent de zorgen deels."
            ),
        )
    )
    c.publish("gesprek_ouders", "weging_zorgteam")
    c.add(
        RiskWeighed(
            **c.envelope(c.case_id, "zt-carla", Role.ZORGTEAM),
            payload=RiskWeighedPayload(
                **c.ids(),
                weighed_on=c.day(),
                participants=[
                    WeighingParticipant(name="Bram", role="intern begeleider", discipline="onderwijs"),
                    WeighingParticipant(name="Dr. Jeugdarts", role="jeugdarts", discipline="jgz"),
                ],
                nature="Verwaarlozing en mogelijk huiselijk geweld",
                severity="ernstig",
                risk_level="hoog",
                q1_suspicion=True,
                q2_acute_unsafety=False,
                q2_structural_unsafety=True,
                approach="Melden en hulp",
            ),
        ),
        small,
    )
    c.publish("weging", "besluit_afwegingskader")
    c.add(
        DecisionMade(
            **c.envelope(c.case_id, "zt-carla", Role.ZORGTEAM),
            payload=DecisionMadePayload(
                **c.ids(),
                decided_on=c.day(),
                q1_suspicion=True,
                q2_acute_or_structural_unsafety=True,
                q3_sufficient_help_possible=None,
                q4_help_accepted=None,
                q5_lasting_safety=None,
                outcome="report_and_help",
                reasons="Structurele onveiligheid.",
                who_reports="ib-bram",
                who_informs_parents="ib-bram",
            ),
        ),
        small,
    )
    c.publish("besluit", "ouders_informeren", "kind_informeren", "melden_veilig_thuis", "hulp_organiseren")
    c.add(
        ParentsInformed(
            **c.envelope(c.case_id),
            payload=InformedPayload(
                **c.ids(), informed_on=c.day(), informed_by="ib-bram", summary="Moeder gebeld."
            ),
        ),
        small,
    )
    c.publish("besluit", "kind_informeren", "melden_veilig_thuis", "hulp_organiseren")
    c.add(
        ChildInformed(
            **c.envelope(c.case_id),
            payload=InformedPayload(
                **c.ids(), informed_on=c.day(), informed_by="ib-bram", summary="Uitgelegd."
            ),
        ),
        small,
    )
    c.publish("besluit", "melden_veilig_thuis", "hulp_organiseren")
    if anonymous:
        c.add(
            ReporterAnonymityAgreed(
                **c.envelope(c.case_id),
                payload=ReporterAnonymityAgreedPayload(
                    **c.ids(),
                    agreed_on=c.day(),
                    reporter_id="ib-bram",
                    ground="bedreiging_melder_of_collegas",
                    argument="Vader heeft de leerkracht bedreigd.",
                ),
            ),
            small,
        )
    c.add(
        AmkNotified(
            **c.envelope(c.case_id),
            payload=AmkNotifiedPayload(
                **c.ids(),
                reported_on=c.day(),
                veilig_thuis_region="Brabant-Zuidoost",
                veilig_thuis_organisation="Veilig Thuis Brabant-Zuidoost",
                reporter_id="ib-bram",
                reporter_anonymous_to_family=anonymous,
                signal_ids=signal_ids,
                school_continues=SCHOOL_CONTINUES,
                parents_informed=True,
                pupil_age_on_report=13,
                child_informed=True,
            ),
        )
    )
    c.publish("melding", "terugkoppeling_veilig_thuis", "hulp_organiseren", "zorgcoordinator_aanwijzen")
    c.add(
        VeiligThuisFeedbackReceived(
            **c.envelope(c.case_id),
            payload=VeiligThuisFeedbackReceivedPayload(
                **c.ids(), received_on=c.day(), steps_taken="Onderzoek gestart."
            ),
        ),
        small,
    )
    c.publish("melding", "hulp_organiseren", "zorgcoordinator_aanwijzen")
    c.add(
        HelpOrganised(
            **c.envelope(c.case_id),
            payload=HelpOrganisedPayload(
                **c.ids(),
                organised_on=c.day(),
                help_description="Opvoedondersteuning via het wijkteam",
                providers=["Wijkteam Zuid"],
                teacher_advice="Let op signalen en noteer ze.",
                agreed_term_until=None,
            ),
        ),
        small,
    )
    c.publish("melding", "zorgcoordinator_aanwijzen")
    c.add(
        CareCoordinatorAssigned(
            **c.envelope(c.case_id),
            payload=CareCoordinatorAssignedPayload(
                **c.ids(), assigned_on=c.day(), coordinator_id="smw-carla", organisation="SMW"
            ),
        ),
        small,
    )
    c.publish("volgen", "evaluatie_plannen")
    c.add(
        FollowUpScheduled(
            **c.envelope(c.case_id),
            payload=FollowUpScheduledPayload(
                **c.ids(),
                scheduled_on=c.day(),
                evaluation_on=c.day() + timedelta(days=7),
                agreements="Evalueren.",
            ),
        )
    )
    c.publish("volgen", "evaluatie_uitvoeren")
    c.add(
        FollowUpEvaluated(
            **c.envelope(c.case_id, "smw-carla", Role.ZORGTEAM),
            payload=FollowUpEvaluatedPayload(
                **c.ids(),
                evaluated_on=c.day(),
                lasting_safety=True,
                findings="Het gaat beter.",
                decision_reopened=False,
            ),
        ),
        small,
    )
    c.publish("volgen", "zaak_sluiten")
    c.add(
        CaseClosed(
            **c.envelope(c.case_id),
            payload=CaseClosedPayload(
                **c.ids(), closed_on=c.day(), reason="Veilig.", aftercare="Nazorg 3 mnd."
            ),
        )
    )
    c.publish("gesloten")
    return c
