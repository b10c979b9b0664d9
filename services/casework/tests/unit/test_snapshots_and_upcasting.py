"""Long cases load from snapshots exactly as from their events; old stored events are upcast.

In-memory persistence (the library's POPO recorder) with the service's real transcoder: no I/O.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import StoredEvent

from casework.application import CaseworkApplication
from casework.domain.actor import Actor
from casework.domain.case import Case, Step
from casework.domain.decision import Answers, Outcome
from casework.domain.weighing import Participant


def in_memory_app() -> CaseworkApplication:
    return CaseworkApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def decided_case(cases: Any, app: CaseworkApplication) -> Case:
    case = cases.opened(signals=1)
    case.hold_parents_conversation(
        held_on=cases.today, participants=["vader"], summary="Besproken.", today=cases.today, by=cases.by
    )
    case.weigh_risk(
        participants=[
            Participant.of("A", "ib", "onderwijs"),
            Participant.of("B", "arts", "jeugdgezondheidszorg"),
        ],
        nature="Eenmalig letsel met verklaring.",
        severity="licht",
        risk_level="laag",
        suspicion=False,
        acute_unsafety=False,
        structural_unsafety=False,
        today=cases.today,
        by=cases.by,
    )
    case.make_decision(
        answers=Answers(False),
        outcome="no_suspicion_close",
        reasons="Verklaring bevestigd.",
        today=cases.today,
        by=cases.by,
    )
    app.save(case)
    return case


def state(case: Case) -> dict[str, Any]:
    return {k: v for k, v in vars(case).items() if k != "_pending_events"}


def test_a_case_loaded_from_its_snapshot_is_the_same_as_the_case_replayed_from_its_events(cases: Any) -> None:
    app = in_memory_app()
    case = decided_case(cases, app)
    replayed = app.get_case(case.id)
    app.take_snapshot(case.id)
    from_snapshot = app.get_case(case.id)
    assert state(from_snapshot) == state(replayed)
    assert from_snapshot.step is Step.DECIDED
    assert from_snapshot.decision_round.decision is not None and from_snapshot.weighing is not None
    from_snapshot.close(reason="Geen vermoeden na weging.", today=cases.today, by=cases.by)
    app.save(from_snapshot)
    assert app.get_case(case.id).step is Step.CLOSED


def test_a_case_with_jgz_consultations_and_hand_overs_loads_from_its_snapshot_exactly(cases: Any) -> None:
    app = in_memory_app()
    case = decided_case(cases, app)
    request_id = case.request_jgz_consultation(
        question="Hoe verloopt de groei?", jgz_organisation="GGD Zuid JGZ", today=cases.today, by=cases.by
    )
    case.receive_jgz_consultation_result(
        message_id="jgz-1",
        request_id=request_id,
        jgz_organisation="GGD Zuid JGZ",
        advice="Groei onder de curve.",
        professional="J. Janssen",
        received_at=datetime(2026, 11, 3, 8, 15, tzinfo=UTC),
        by=Actor("jgz:GGD Zuid JGZ", "system", "c"),
    )
    case.hand_over_to_jgz(
        legal_basis="conflict_van_plichten",
        legal_basis_explanation="Veiligheid van het kind weegt zwaarder.",
        summary="Zorgen over verwaarlozing.",
        jgz_organisation="GGD Zuid JGZ",
        today=cases.today,
        by=cases.by,
    )
    app.save(case)
    replayed = app.get_case(case.id)
    app.take_snapshot(case.id)
    from_snapshot = app.get_case(case.id)
    assert state(from_snapshot) == state(replayed)
    assert from_snapshot.jgz_results[0].received_at == datetime(2026, 11, 3, 8, 15, tzinfo=UTC)
    assert (
        from_snapshot.receive_jgz_consultation_result(
            message_id="jgz-1",
            request_id=request_id,
            jgz_organisation="GGD Zuid JGZ",
            advice="Nogmaals.",
            professional="J. Janssen",
            received_at=datetime(2026, 11, 4, tzinfo=UTC),
            by=Actor("jgz:GGD Zuid JGZ", "system", "c"),
        )
        is False
    )


def test_a_snapshot_taken_before_casework_worked_with_jgz_loads_with_no_jgz_history(cases: Any) -> None:
    app = in_memory_app()
    case = decided_case(cases, app)
    snapshot = Case.Snapshot.take(case)
    for name in ("jgz_consultations", "jgz_results", "jgz_handovers"):
        del snapshot.state[name]
    restored = snapshot.mutate(None)
    assert (restored.jgz_consultations, restored.jgz_results, restored.jgz_handovers) == ([], [], [])
    assert restored.step is Step.DECIDED


def test_a_long_case_gets_a_snapshot_every_fifth_event(cases: Any) -> None:
    app = in_memory_app()
    case = decided_case(cases, app)
    for n in range(60):
        case.hold_parents_conversation(
            held_on=cases.today,
            participants=["moeder"],
            summary=f"Vervolggesprek {n}.",
            today=cases.today,
            by=cases.by,
        )
        app.save(case)
    snapshots = list(app.snapshots.get(case.id)) if app.snapshots else []
    # in memory the library takes them (and keeps each); in PostgreSQL only the latest is kept
    assert [s.originator_version for s in snapshots] == list(range(5, 65, 5))
    assert state(app.get_case(case.id)) == state(app.repository.get(case.id, version=case.version))
    assert app.get_case(case.id).version == 64


def test_a_case_closed_before_aftercare_existed_is_read_through_the_upcaster(cases: Any) -> None:
    app = in_memory_app()
    case = decided_case(cases, app)
    case.close(
        reason="Geen vermoeden na weging.", aftercare="wordt weggelaten", today=cases.today, by=cases.by
    )
    [closed] = case.collect_events()
    stored = app.mapper.to_stored_event(closed)
    old_state = json.loads(stored.state)
    assert old_state.pop("class_version") == 2
    del old_state["aftercare"]  # what version 1 of CaseClosed looked like
    app.recorder.insert_events(
        [
            StoredEvent(
                stored.originator_id, stored.originator_version, stored.topic, json.dumps(old_state).encode()
            )
        ]
    )
    [read_back] = [e for e in app.events.get(case.id) if isinstance(e, Case.CaseClosed)]
    assert read_back.aftercare is None
    assert read_back.reason == "Geen vermoeden na weging."
    assert app.get_case(case.id).step is Step.CLOSED


def test_events_stored_when_they_were_nested_in_case_still_load_under_their_old_topics(cases: Any) -> None:
    app = in_memory_app()
    case = decided_case(cases, app)
    stored = [app.mapper.to_stored_event(e) for e in app.events.get(case.id)]
    assert all(s.topic.startswith("casework.domain.events:") for s in stored)
    elsewhere = in_memory_app()
    elsewhere.recorder.insert_events(
        [
            StoredEvent(
                s.originator_id,
                s.originator_version,
                "casework.domain.case:Case." + s.topic.rsplit(":", 1)[1],
                s.state,
            )
            for s in stored
        ]
    )
    assert [type(e) for e in elsewhere.events.get(case.id)] == [type(e) for e in app.events.get(case.id)]
    assert state(elsewhere.get_case(case.id)) == state(app.get_case(case.id))


def test_a_snapshot_taken_before_the_case_kept_its_decision_round_loads_with_that_round(cases: Any) -> None:
    app = in_memory_app()
    case = decided_case(cases, app)
    snapshot = Case.Snapshot.take(case)
    snapshot.state.update(snapshot.state.pop("decision_round"))  # the round's fields stood on the case
    assert snapshot.state["decision"]["outcome"] == "no_suspicion_close"
    restored = snapshot.mutate(None)
    assert state(restored) == state(app.get_case(case.id))
    assert restored.decision_round.decision is not None
    assert restored.decision_round.decision.outcome is Outcome.NO_SUSPICION_CLOSE
