"""The case's events survive the service's own transcoding (in-memory store, no database)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from casework.domain.case import Case, Step
from casework.domain.decision import Answers
from casework.domain.weighing import Participant
from meldcode_servicekit.eventstore import MeldcodeApplication


def test_a_full_case_is_stored_and_read_back_unchanged_through_the_transcoder(cases: Any) -> None:
    case = cases.opened(signals=1)
    case.skip_parents_conversation(
        reason="veiligheid_kind", explanation="Kind vertelde over dreiging.", today=cases.today, by=cases.by
    )
    case.weigh_risk(
        participants=[
            Participant.of("A", "ib", "onderwijs"),
            Participant.of("B", "arts", "jeugdgezondheidszorg"),
        ],
        nature="Acute dreiging.",
        severity="ernstig",
        risk_level="hoog",
        suspicion=True,
        acute_unsafety=True,
        structural_unsafety=False,
        today=cases.today,
        by=cases.by,
    )
    case.make_decision(
        answers=Answers(True, True),
        outcome="report",
        reasons="Acute onveiligheid: melden is verplicht.",
        who_reports="jgz-1",
        who_informs_parents="ib-1",
        today=cases.today,
        by=cases.by,
    )
    case.record_parents_informing_exception(
        ground="veiligheid_kind",
        explanation="Informeren brengt het kind in gevaar.",
        today=cases.today,
        by=cases.by,
    )
    case.agree_reporter_anonymity(
        ground="bedreiging_kind_of_gezinsleden",
        argument="Vader dreigde de broertjes.",
        today=cases.today,
        by=cases.by,
    )
    case.notify_amk(
        veilig_thuis_region="Zuid",
        veilig_thuis_organisation="Veilig Thuis Zuid",
        signal_ids=case.signal_ids,
        school_continues="Contact met de leerling.",
        pupil_date_of_birth=date(2016, 1, 1),
        today=cases.today,
        by=cases.by,
    )
    case.assign_care_coordinator(coordinator_id="smw-1", today=cases.today, by=cases.by)
    case.schedule_follow_up(evaluation_on=cases.today + timedelta(days=30), today=cases.today, by=cases.by)
    app = MeldcodeApplication()
    app.save(case)
    stored = app.repository.get(case.id)
    assert isinstance(stored, Case)
    assert stored.step is Step.FOLLOW_UP
    assert stored.version == case.version
    assert stored.open_obligations() == case.open_obligations()
    assert {k: v for k, v in vars(stored).items() if k != "_pending_events"} == {
        k: v for k, v in vars(case).items() if k != "_pending_events"
    }
    notified = [e for e in app.events.get(case.id) if isinstance(e, Case.AmkNotified)]
    assert notified[0].signal_ids == case.signal_ids
    assert notified[0].reported_on == cases.today
