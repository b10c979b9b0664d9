"""A whole Meldcode case through Kafka into the running notifications service: every step's task
appears for the right person, with its deadline, and ends done by the event that fulfils it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from meldcode_contracts import (
    CASEWORK_EVENTS,
    SIGNALS_EVENTS,
    AmkNotified,
    CareCoordinatorAssigned,
    CaseClosed,
    CaseOpened,
    CaseOpenedPayload,
    CaseTransferred,
    DecisionMade,
    Envelope,
    FollowUpEvaluated,
    FollowUpScheduled,
    ParentsConversationHeld,
    ParentsInformed,
    PupilLeftSchool,
    RiskWeighed,
    Role,
    VeiligThuisFeedbackReceived,
)
from meldcode_contracts.cases import (
    AmkNotifiedPayload,
    CareCoordinatorAssignedPayload,
    CaseClosedPayload,
    CaseTransferredPayload,
    DecisionMadePayload,
    FollowUpEvaluatedPayload,
    FollowUpScheduledPayload,
    InformedPayload,
    ParentsConversationHeldPayload,
    PupilLeftSchoolPayload,
    RiskWeighedPayload,
    VeiligThuisFeedbackReceivedPayload,
    WeighingParticipant,
    ZorgteamMemberInvited,
    ZorgteamMemberInvitedPayload,
)
from meldcode_testkit import Suite, eventually
from meldcode_testkit.builders import CaseEvents, pupil_registered, signal_recorded
from meldcode_testkit.people import auth
from meldcode_testkit.publishing import publish

IB = {"sub": "ib-1", "role": "intern_begeleider", "schools": ("12AB",)}
COORDINATOR = {"sub": "zt-1", "role": "zorgteam", "schools": ("12AB",)}
ZORGTEAM_OTHER = {"sub": "zt-9", "role": "zorgteam", "schools": ("12AB",)}
IB_NEW_SCHOOL = {"sub": "ib-34", "role": "intern_begeleider", "schools": ("34CD",)}
OPENED_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # Monday
REPORTED_AT = datetime(2026, 11, 6, 14, 0, tzinfo=UTC)  # Friday


async def all_tasks(http: httpx.AsyncClient, suite: Suite, claims: dict[str, Any]) -> list[dict[str, Any]]:
    response = await http.get("/tasks", params={"status": "all"}, headers=auth(suite, claims))
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def wait_for(
    http: httpx.AsyncClient, suite: Suite, claims: dict[str, Any], kind: str, status: str, case_id: uuid.UUID
) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        return next(
            (
                t
                for t in await all_tasks(http, suite, claims)
                if (t["kind"], t["status"], t["case_id"]) == (kind, status, str(case_id))
            ),
            None,
        )

    task: dict[str, Any] = await eventually(probe)
    return task


def fulfilled_by(task: dict[str, Any], event: Envelope) -> bool:
    return (
        task["completed_by"],
        task["fulfilled_by_event_id"],
        datetime.fromisoformat(task["completed_at"]),
    ) == (
        "system",
        str(event.event_id),
        event.occurred_at,
    )


async def test_a_whole_case_gives_each_step_its_task_and_every_task_ends_done(suite: Suite) -> None:
    svc = await suite.service("notifications")
    pupil_id = uuid.uuid4()
    signal = signal_recorded(pupil_id)
    case = CaseEvents(pupil_id)
    at = OPENED_AT

    def next_at(hours: int = 1) -> datetime:
        nonlocal at
        at += timedelta(hours=hours)
        return at

    opened = CaseOpened(
        **case.envelope(at),
        payload=CaseOpenedPayload(
            **case.ids(), signal_ids=[signal.payload.signal_id], case_owner_id="ib-1", opened_by="ib-1"
        ),
    )
    conversation = ParentsConversationHeld(
        **case.envelope(next_at()),
        payload=ParentsConversationHeldPayload(
            **case.ids(), held_on=at.date(), participants=["moeder", "IB'er"], summary="Zorgen besproken."
        ),
    )
    weighed = RiskWeighed(
        **case.envelope(next_at(24), "zt-1", Role.ZORGTEAM),
        payload=RiskWeighedPayload(
            **case.ids(),
            weighed_on=at.date(),
            participants=[
                WeighingParticipant(name="Bram", role="intern begeleider", discipline="onderwijs"),
                WeighingParticipant(name="Dr. A", role="jeugdarts", discipline="jeugdgezondheidszorg"),
            ],
            nature="Verwaarlozing",
            severity="ernstig",
            risk_level="hoog",
            q1_suspicion=True,
            q2_acute_unsafety=False,
            q2_structural_unsafety=True,
            approach="Melden en hulp organiseren.",
        ),
    )
    decided = DecisionMade(
        **case.envelope(next_at(), "zt-1", Role.ZORGTEAM),
        payload=DecisionMadePayload(
            **case.ids(),
            decided_on=at.date(),
            q1_suspicion=True,
            q2_acute_or_structural_unsafety=True,
            q3_sufficient_help_possible=None,
            q4_help_accepted=None,
            q5_lasting_safety=None,
            outcome="report_and_help",
            reasons="Structurele onveiligheid.",
            who_reports="ib-1",
            who_informs_parents="ib-1",
        ),
    )
    parents_informed = ParentsInformed(
        **case.envelope(next_at()),
        payload=InformedPayload(**case.ids(), informed_on=at.date(), informed_by="ib-1", summary="Gebeld."),
    )
    reported = AmkNotified(
        **case.envelope(REPORTED_AT),
        payload=AmkNotifiedPayload(
            **case.ids(),
            reported_on=REPORTED_AT.date(),
            veilig_thuis_region="Utrecht",
            veilig_thuis_organisation="Veilig Thuis Utrecht",
            reporter_id="ib-1",
            reporter_anonymous_to_family=False,
            signal_ids=[signal.payload.signal_id],
            school_continues="Blijft volgen.",
            parents_informed=True,
            pupil_age_on_report=10,
            child_informed=False,
        ),
    )
    # What casework publishes after each, with due days from the samenwerkingsverband's own terms
    # (the feedback term here: 2 working days, not the rule's 5; notifications derives none of it).
    feedback_due = date(2026, 11, 10)
    after_conversation = case.published(
        conversation, "gesprek_ouders", ("weging_zorgteam", date(2026, 11, 16))
    )
    after_weighing = case.published(weighed, "weging", "besluit_afwegingskader")
    after_decision = case.published(
        decided, "besluit", "ouders_informeren", "kind_informeren", "melden_veilig_thuis"
    )
    after_informing = case.published(parents_informed, "besluit", "kind_informeren", "melden_veilig_thuis")
    with_publish = [
        signal,
        opened,
        case.published(opened, "geopend", ("gesprek_ouders", date(2026, 11, 9))),
        conversation,
        after_conversation,
        weighed,
        after_weighing,
        decided,
        after_decision,
        parents_informed,
        after_informing,
        reported,
        case.published(
            reported, "melding", ("terugkoppeling_veilig_thuis", feedback_due), "zorgcoordinator_aanwijzen"
        ),
    ]

    async with httpx.AsyncClient(base_url=svc.url) as http:
        await publish(suite, SIGNALS_EVENTS, pupil_registered(pupil_id))
        for event in with_publish:
            await publish(suite, SIGNALS_EVENTS if event is signal else CASEWORK_EVENTS, event)

        feedback_task = await wait_for(
            http, suite, IB, "veilig_thuis_feedback_expected", "open", case.case_id
        )
        # The end of the published due day, Tuesday 10 November, in the Netherlands.
        assert datetime.fromisoformat(feedback_task["due_at"]) == datetime(2026, 11, 10, 23, 0, tzinfo=UTC)
        assert feedback_task["title"] == "Terugkoppeling van Veilig Thuis verwacht"
        assert feedback_task["assignee_user_id"] == "ib-1"
        assert datetime.fromisoformat(feedback_task["created_at"]) == REPORTED_AT

        at = REPORTED_AT
        feedback = VeiligThuisFeedbackReceived(
            **case.envelope(next_at(72)),
            payload=VeiligThuisFeedbackReceivedPayload(
                **case.ids(), received_on=at.date(), steps_taken="Onderzoek gestart."
            ),
        )
        coordinator = CareCoordinatorAssigned(
            **case.envelope(next_at(), "zt-1", Role.ZORGTEAM),
            payload=CareCoordinatorAssignedPayload(
                **case.ids(), assigned_on=at.date(), coordinator_id="zt-1", organisation="Wijkteam"
            ),
        )
        scheduled = FollowUpScheduled(
            **case.envelope(next_at(), "zt-1", Role.ZORGTEAM),
            payload=FollowUpScheduledPayload(
                **case.ids(),
                scheduled_on=at.date(),
                evaluation_on=date(2026, 12, 14),
                agreements="Na zes weken.",
            ),
        )
        after_feedback = case.published(feedback, "melding", "zorgcoordinator_aanwijzen")
        for event in (
            feedback,
            after_feedback,
            coordinator,
            case.published(coordinator, "volgen", "evaluatie_plannen"),
            scheduled,
            case.published(scheduled, "volgen", ("evaluatie_uitvoeren", date(2026, 12, 14))),
        ):
            await publish(suite, CASEWORK_EVENTS, event)
        evaluation_task = await wait_for(http, suite, COORDINATOR, "evaluate_follow_up", "open", case.case_id)
        assert evaluation_task["title"] == "Evalueer de hulp (zorgcoördinator)"
        assert evaluation_task["assignee_user_id"] == "zt-1"
        assert datetime.fromisoformat(evaluation_task["due_at"]) == datetime(2026, 12, 14, 23, 0, tzinfo=UTC)
        assert [
            t for t in await all_tasks(http, suite, ZORGTEAM_OTHER) if t["case_id"] == str(case.case_id)
        ] == []

        at = datetime(2026, 12, 14, 10, 0, tzinfo=UTC)
        evaluated = FollowUpEvaluated(
            **case.envelope(at, "zt-1", Role.ZORGTEAM),
            payload=FollowUpEvaluatedPayload(
                **case.ids(),
                evaluated_on=at.date(),
                lasting_safety=True,
                findings="Veilig.",
                decision_reopened=False,
            ),
        )
        closed = CaseClosed(
            **case.envelope(next_at()),
            payload=CaseClosedPayload(
                **case.ids(), closed_on=at.date(), reason="Blijvend veilig.", aftercare=None
            ),
        )
        after_evaluation = case.published(evaluated, "volgen", "zaak_sluiten")
        for event in (evaluated, after_evaluation, closed, case.published(closed, "gesloten")):
            await publish(suite, CASEWORK_EVENTS, event)
        await wait_for(http, suite, IB, "new_case", "done", case.case_id)
        await wait_for(http, suite, COORDINATOR, "evaluate_follow_up", "done", case.case_id)

        async def all_done() -> list[dict[str, Any]] | None:
            mine = [t for t in await all_tasks(http, suite, IB) if t["case_id"] == str(case.case_id)]
            return mine if len(mine) == 5 and all(t["status"] == "done" for t in mine) else None

        by_kind = {t["kind"]: t for t in await eventually(all_done)}
        [evaluation] = [
            t for t in await all_tasks(http, suite, COORDINATOR) if t["kind"] == "evaluate_follow_up"
        ]
        [signal_task] = [t for t in await all_tasks(http, suite, IB) if t["kind"] == "new_signal"]

    assert by_kind["new_case"]["title"] == "Nieuwe zaak: zet de volgende stap van de Meldcode"
    assert by_kind["discuss_in_zorgteam"]["title"] == "Bespreek de zaak in het zorgteam (weging)"
    assert (
        by_kind["inform_parents_before_report"]["title"] == "Informeer de ouders over de voorgenomen melding"
    )
    assert fulfilled_by(signal_task, opened)
    # Each obligation's task is done by the publication that no longer lists it.
    assert fulfilled_by(by_kind["new_case"], after_conversation)
    assert fulfilled_by(by_kind["discuss_in_zorgteam"], after_weighing)
    assert by_kind["take_decision"]["title"] == "Neem een besluit (stap 5)"
    assert fulfilled_by(by_kind["take_decision"], after_decision)
    assert fulfilled_by(by_kind["inform_parents_before_report"], after_informing)
    assert fulfilled_by(by_kind["veilig_thuis_feedback_expected"], after_feedback)
    assert fulfilled_by(evaluation, after_evaluation)
    assert {t["pupil_id"] for t in (*by_kind.values(), evaluation)} == {str(pupil_id)}


async def test_a_pupil_leaving_alerts_the_zorgteam_and_the_transfer_hands_the_case_to_the_new_school(
    suite: Suite,
) -> None:
    svc = await suite.service("notifications")
    pupil_id = uuid.uuid4()
    signal = signal_recorded(pupil_id)
    case = CaseEvents(pupil_id)
    opened = CaseOpened(
        **case.envelope(OPENED_AT),
        payload=CaseOpenedPayload(
            **case.ids(), signal_ids=[signal.payload.signal_id], case_owner_id="ib-1", opened_by="ib-1"
        ),
    )
    invited = ZorgteamMemberInvited(  # the zorgteam of the case: only invited members see its tasks
        **case.envelope(OPENED_AT + timedelta(hours=1)),
        payload=ZorgteamMemberInvitedPayload(**case.ids(), member_id="zt-9", invited_on=date(2026, 11, 2)),
    )
    left = PupilLeftSchool(
        **case.envelope(OPENED_AT + timedelta(days=1)),
        payload=PupilLeftSchoolPayload(**case.ids(), left_on=date(2026, 11, 3), destination_school="34CD"),
    )
    transferred = CaseTransferred(
        **case.envelope(OPENED_AT + timedelta(days=2)),
        payload=CaseTransferredPayload(
            **case.ids(),
            transferred_on=date(2026, 11, 4),
            to_school="34CD",
            legal_basis="art_5_1_avg_gerechtvaardigd_belang",
            legal_basis_explanation="Zorg voor continuïteit.",
            new_case_owner_id="ib-34",
        ),
    )
    async with httpx.AsyncClient(base_url=svc.url) as http:
        for event in (
            opened,
            case.published(opened, "geopend", ("gesprek_ouders", date(2026, 11, 9))),
            invited,
            left,
        ):
            await publish(suite, CASEWORK_EVENTS, event)
        alert = await wait_for(http, suite, ZORGTEAM_OTHER, "pupil_left_school", "open", case.case_id)
        assert alert["assignee_role"] == "zorgteam"
        assert alert["title"] == "Leerling met een open zaak of recente signalen heeft de school verlaten"

        await publish(suite, CASEWORK_EVENTS, transferred)
        await publish(
            suite,
            CASEWORK_EVENTS,
            case.published(transferred, "geopend", ("gesprek_ouders", date(2026, 11, 9))),
        )
        done = await wait_for(http, suite, ZORGTEAM_OTHER, "pupil_left_school", "done", case.case_id)
        arrived = await wait_for(http, suite, IB_NEW_SCHOOL, "case_transferred_in", "open", case.case_id)
        moved = await wait_for(http, suite, IB_NEW_SCHOOL, "new_case", "open", case.case_id)
        previous_owner = [t for t in await all_tasks(http, suite, IB) if t["case_id"] == str(case.case_id)]

    assert fulfilled_by(done, transferred)
    assert (arrived["school"], arrived["title"]) == (
        "34CD",
        "Overgedragen zaak: zet de volgende stap van de Meldcode",
    )
    assert (moved["school"], moved["assignee_user_id"]) == ("34CD", "ib-34")
    assert previous_owner == []
