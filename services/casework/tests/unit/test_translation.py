"""Every domain event of a case becomes a valid contract event, keyed by the case."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from casework.domain.actor import Actor
from casework.domain.case import Case, KnownSignal
from casework.domain.decision import Answers
from casework.domain.terms import DEFAULT_TERMS
from casework.translation import CONTRACT_EVENTS, to_contract_event
from meldcode_contracts import CASE_EVENTS, parse_event, serialize_event


def report_walk(cases: Any) -> Case:
    """Signals added, skipped conversation, exceptions, anonymity, report, follow-up, close, reopen, leave, transfer."""
    case = cases.opened(signals=1)
    later_signal = KnownSignal(uuid.uuid4(), cases.pupil, "swv-zuid", "12AB")
    case.add_signals(
        signal_ids=[later_signal.signal_id], known_signals=[later_signal], today=cases.today, by=cases.by
    )
    case.change_owner(new_owner_id="ib-2", by=cases.by)
    case.invite_to_zorgteam(member_id="jgz-arts", organisation="GGD Zuid JGZ", today=cases.today, by=cases.by)
    case.withdraw_zorgteam_invitation(member_id="jgz-arts", today=cases.today, by=cases.by)
    case.skip_parents_conversation(
        reason="veiligheid_kind",
        explanation="Vader dreigde het kind iets aan te doen.",
        today=cases.today,
        by=cases.by,
    )
    cases.weigh(case, structural=True)
    case.make_decision(
        answers=Answers(True, True),
        outcome="report_and_help",
        reasons="Structurele onveiligheid.",
        who_reports="ib-2",
        who_informs_parents="ib-2",
        today=cases.today,
        by=cases.by,
    )
    case.record_parents_informing_exception(
        ground="veiligheid_kind",
        explanation="Informeren brengt het kind in gevaar.",
        today=cases.today,
        by=cases.by,
    )
    case.record_child_informing_exception(
        ground="veiligheid_kind",
        explanation="Het kind zou onder druk worden gezet.",
        today=cases.today,
        by=cases.by,
    )
    case.agree_reporter_anonymity(
        ground="bedreiging_melder_of_collegas",
        argument="Vader bedreigde eerder leerkrachten.",
        today=cases.today,
        by=cases.by,
    )
    case.notify_amk(
        veilig_thuis_region="Zuid",
        veilig_thuis_organisation="Veilig Thuis Zuid",
        signal_ids=case.signal_ids,
        school_continues="Dagelijks contact met het kind.",
        pupil_date_of_birth=date(2013, 5, 14),
        reporter_id="ib-2",
        today=cases.today,
        by=cases.by,
    )
    case.receive_veilig_thuis_feedback(
        received_on=cases.today, steps_taken="Onderzoek gestart.", today=cases.today, by=cases.by
    )
    case.organise_help(
        help_description="Gezinscoach.", providers=["wijkteam"], today=cases.today, by=cases.by
    )
    case.assign_care_coordinator(coordinator_id="smw-1", organisation="SMW", today=cases.today, by=cases.by)
    case.schedule_follow_up(
        evaluation_on=cases.today + timedelta(weeks=6),
        agreements="Wekelijks.",
        today=cases.today,
        by=cases.by,
    )
    later = cases.today + timedelta(weeks=6)
    case.evaluate_follow_up(lasting_safety=True, findings="Veilig thuis.", today=later, by=cases.by)
    case.close(reason="Blijvende veiligheid.", aftercare="IB volgt.", today=later, by=cases.by)
    case.reopen(reason="Nieuwe zorgen na de zomer.", today=later, by=cases.by)
    case.record_pupil_left_school(left_on=later, destination_school="34CD", today=later, by=cases.by)
    case.transfer(
        to_school_tenant="swv-zuid",
        to_school="34CD",
        legal_basis="zwaarwegend_belang_kind",
        legal_basis_explanation="Zorg moet doorlopen op de nieuwe school.",
        new_case_owner_id="ib-9",
        today=later,
        by=cases.by,
    )
    return case


def informed_walk(cases: Any) -> Case:
    case = cases.opened(signals=1)
    case.hold_parents_conversation(
        held_on=cases.today,
        participants=["moeder"],
        summary="Zorgen besproken.",
        today=cases.today,
        by=cases.by,
    )
    cases.weigh(case, structural=True)
    case.make_decision(
        answers=Answers(True, True),
        outcome="report",
        reasons="Structurele onveiligheid.",
        who_reports="ib-1",
        who_informs_parents="ib-1",
        today=cases.today,
        by=cases.by,
    )
    case.inform_parents(
        informed_on=cases.today,
        informed_by="ib-1",
        summary="Voornemen verteld.",
        today=cases.today,
        by=cases.by,
    )
    case.inform_child(
        informed_on=cases.today, informed_by="ib-1", summary="Uitgelegd.", today=cases.today, by=cases.by
    )
    case.settle_obligations(terms=DEFAULT_TERMS, on=cases.today)
    return case


def jgz_walk(cases: Any) -> Case:
    case = cases.opened(signals=1)
    request_id = case.request_jgz_consultation(
        question="Hoe verloopt de groei?", jgz_organisation="GGD Zuid JGZ", today=cases.today, by=cases.by
    )
    case.receive_jgz_consultation_result(
        message_id="jgz-msg-1",
        request_id=request_id,
        jgz_organisation="GGD Zuid JGZ",
        advice="Groei onder de curve.",
        professional="J. Janssen, jeugdverpleegkundige",
        received_at=datetime(2026, 11, 3, 8, 0, tzinfo=UTC),
        by=Actor("jgz:GGD Zuid JGZ", "system", "corr-2"),
    )
    case.hand_over_to_jgz(
        legal_basis="toestemming_ouders",
        legal_basis_explanation="Ouders gaven schriftelijk toestemming.",
        summary="Zorgen over groei en verzorging.",
        jgz_organisation="GGD Zuid JGZ",
        today=cases.today,
        by=cases.by,
    )
    return case


def test_every_casework_domain_event_has_a_contract_event() -> None:
    assert set(CONTRACT_EVENTS.values()) == set(CASE_EVENTS)


def test_each_event_of_a_whole_case_translates_to_a_valid_contract_event_keyed_by_the_case(
    cases: Any,
) -> None:
    translated = []
    for case in (
        report_walk(cases),
        informed_walk(cases),
        jgz_walk(cases),
    ):
        for domain_event in case.collect_events():
            event = to_contract_event(domain_event)
            assert event is not None, type(domain_event).__name__
            assert event.subject_id == case.id
            assert event.sequence == domain_event.originator_version
            assert parse_event(serialize_event(event)) == event
            translated.append(event.event_type)
    assert set(translated) == {e.model_fields["event_type"].default for e in CASE_EVENTS}


def test_the_published_obligations_follow_the_commands_event_with_its_actor_and_correlation(
    cases: Any,
) -> None:
    case = cases.opened(signals=1)
    case.hold_parents_conversation(
        held_on=cases.today,
        participants=["moeder"],
        summary="Zorgen besproken.",
        today=cases.today,
        by=cases.by,
    )
    case.settle_obligations(terms=DEFAULT_TERMS, on=cases.today)
    *_, held, changed = [to_contract_event(e) for e in case.collect_events()]
    assert held is not None and changed is not None
    assert changed.event_type == "CaseObligationsChanged"
    assert changed.sequence == held.sequence + 1
    assert (changed.correlation_id, changed.actor, changed.tenant, changed.school) == (
        held.correlation_id,
        held.actor,
        held.tenant,
        held.school,
    )
    payload = changed.model_dump(mode="json")["payload"]
    # Monday 2 November 2026 + 10 working days
    assert payload == {
        "case_id": str(case.id),
        "pupil_id": str(cases.pupil),
        "step": "gesprek_ouders",
        "obligations": [{"kind": "weging_zorgteam", "due_on": "2025-03-24"}],
    }


def test_a_republished_event_keeps_its_event_id(cases: Any) -> None:
    case = cases.opened(signals=1)
    [domain_event] = case.collect_events()
    first, again = to_contract_event(domain_event), to_contract_event(domain_event)
    assert first is not None and again is not None
    assert first.event_id == again.event_id
