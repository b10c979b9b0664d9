"""Casework events in the read models: their chronology labels and the step of the school's case list."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meldcode_contracts import CASE_EVENTS, Envelope
from reporting.domain.cases import STEP_LABELS, CaseRow, CaseStep, case_change, case_row, step_label
from reporting.domain.chronology import FALLBACK_LABEL, label_for
from reporting.domain.projection import project

from ..conftest import CaseFile, Events, a_whole_case, at, day

MELDCODE_LABELS = {
    "CaseOpened": "Zaak geopend",
    "CaseSignalsAdded": "Signalen aan de zaak toegevoegd",
    "CaseOwnerChanged": "Andere casus-eigenaar",
    "ZorgteamMemberInvited": "Zorgteamlid uitgenodigd",
    "ZorgteamInvitationWithdrawn": "Uitnodiging zorgteamlid ingetrokken",
    "ParentsConversationHeld": "Gesprek met ouders gevoerd",
    "ParentsConversationSkipped": "Gesprek met ouders overgeslagen (met reden)",
    "RiskWeighed": "Weging in het zorgteam",
    "DecisionMade": "Besluit volgens het afwegingskader",
    "HelpOrganised": "Hulp georganiseerd",
    "ParentsInformed": "Ouders geïnformeerd over de melding",
    "ParentsInformingExceptionRecorded": "Uitzondering: ouders niet geïnformeerd",
    "ChildInformed": "Kind geïnformeerd",
    "ChildInformingExceptionRecorded": "Uitzondering: kind niet geïnformeerd",
    "ReporterAnonymityAgreed": "Anonimiteit melder afgesproken",
    "AmkNotified": "Melding bij Veilig Thuis",
    "VeiligThuisFeedbackReceived": "Terugkoppeling van Veilig Thuis",
    "CareCoordinatorAssigned": "Zorgcoördinator aangewezen",
    "FollowUpScheduled": "Evaluatie gepland",
    "FollowUpEvaluated": "Hulp geëvalueerd",
    "CaseClosed": "Zaak gesloten",
    "CaseReopened": "Zaak heropend",
    "PupilLeftSchool": "Leerling heeft de school verlaten",
    "CaseTransferred": "Zaak overgedragen",
    "JgzConsultationRequested": "Consultatie JGZ gevraagd",
    "JgzConsultationResultReceived": "Advies van de JGZ ontvangen",
    "CaseHandedOverToJgz": "Zaak overgedragen aan de JGZ",
}


def a_case_file(events: Events) -> CaseFile:
    return CaseFile(events, events.case(uuid.uuid4(), [uuid.uuid4()], when=at(0)))


def every_kind_of_case_event(file: CaseFile) -> list[Envelope]:
    """One event of each of the 24 casework contract events (not a valid case history: a sample)."""
    builders = [
        file.owner_changed,
        file.conversation_held,
        file.conversation_skipped,
        file.risk_weighed,
        file.decision,
        file.help_organised,
        file.parents_informed,
        file.parents_exception,
        file.child_informed,
        file.child_exception,
        file.anonymity,
        file.reported,
        file.feedback,
        file.care_coordinator,
        file.follow_up,
        file.evaluated,
        file.closed,
        file.reopened,
        file.pupil_left,
        file.transferred,
        file.jgz_consultation_requested,
        file.jgz_result_received,
        file.handed_over_to_jgz,
    ]
    return [file.opened, *(build(at(10 * (n + 1))) for n, build in enumerate(builders))]


def steps_after_each(history: list[Envelope]) -> list[str]:
    """The case's step after each event, folded as the read model does."""
    changes = [c for c in (case_change(e) for e in history) if c is not None]
    steps = []
    for n in range(1, len(changes) + 1):
        row = case_row(changes[:n])
        assert row is not None
        steps.append(row.step)
    return steps


def final_row(history: list[Envelope]) -> CaseRow:
    row = case_row(c for c in (case_change(e) for e in history) if c is not None)
    assert row is not None
    return row


# --- chronology -------------------------------------------------------------------------------------


def test_the_label_list_covers_exactly_the_casework_contract_events_of_a_history() -> None:
    bookkeeping = {"CaseObligationsChanged"}  # casework's step and obligations, not a history entry
    assert set(MELDCODE_LABELS) == {e.model_fields["event_type"].default for e in CASE_EVENTS} - bookkeeping


@pytest.mark.parametrize(("event_type", "label"), sorted(MELDCODE_LABELS.items()))
def test_each_casework_event_has_the_short_dutch_label_of_the_meldcode(event_type: str, label: str) -> None:
    assert label_for(event_type) == label
    assert label != FALLBACK_LABEL


def test_no_two_chronology_labels_are_the_same() -> None:
    labels = [label_for(t) for t in [*MELDCODE_LABELS, "SignalRecorded", "SignalCorrected"]]
    assert len(set(labels)) == len(labels)


def test_every_casework_event_becomes_an_entry_of_its_case_in_the_pupils_chronology(events: Events) -> None:
    file = a_case_file(events)

    for event in every_kind_of_case_event(file):
        entry = project(event).entry
        assert entry is not None, event.event_type
        assert entry.event_type == event.event_type
        assert entry.label == MELDCODE_LABELS[event.event_type]
        assert (entry.case_id, entry.pupil_id, entry.event_id) == (
            file.case_id,
            file.pupil_id,
            event.event_id,
        )
        assert entry.school == event.school
        assert entry.sequence == event.sequence
        assert entry.signal_id is None
        assert entry.observed_on is None
        assert entry.facts["case_id"] == str(file.case_id)
        assert "pupil_id" not in entry.facts


def test_a_case_entry_keeps_the_facts_of_the_event_including_personal_ones(events: Events) -> None:
    file = a_case_file(events)
    weighed = file.risk_weighed(at(10))
    reported = file.reported(at(20))
    transferred = file.transferred(at(30), to_school="34CD")

    weighing, report, transfer = (project(e).entry for e in (weighed, reported, transferred))

    assert weighing is not None and report is not None and transfer is not None
    assert weighing.facts["participants"][1]["discipline"] == "jeugdgezondheidszorg"  # type: ignore[index,call-overload]
    assert weighing.facts["q2_structural_unsafety"] is True
    assert weighing.facts["approach"] == "Melden bij Veilig Thuis en hulp via het wijkteam."
    assert report.facts["reported_on"] == day(20).isoformat()
    assert report.facts["veilig_thuis_organisation"] == "Veilig Thuis Zuid-Holland Zuid"
    assert report.facts["signal_ids"] == [str(s) for s in file.opened.payload.signal_ids]
    assert transfer.school == "12AB", "a transfer is recorded at the school it leaves"
    assert transfer.facts["to_school"] == "34CD"


def test_personal_data_of_case_events_never_shows_in_a_repr(events: Events) -> None:
    file = a_case_file(events)
    text = "".join(repr(project(e)) for e in every_kind_of_case_event(file))

    for personal in ("Ineke", "Joke", "Moeder vertelt", "blauwe plekken", "Gezinscoach", "bedreigd", "Sanne"):
        assert personal not in text
    assert str(file.case_id) in text, "ids are fine to log"


# --- the step of the case list ----------------------------------------------------------------------


def test_every_step_has_a_dutch_label() -> None:
    assert set(STEP_LABELS) == set(CaseStep)
    assert step_label("weging").startswith("Stap 4")
    assert step_label("gesloten") == "Zaak gesloten"


def test_a_whole_case_goes_through_every_step_and_ends_closed(events: Events) -> None:
    history = a_whole_case(events, uuid.uuid4(), [uuid.uuid4()], start=0)

    assert [e.event_type for e in history][-1] == "CaseClosed"
    assert steps_after_each(history) == [
        "geopend",  # CaseOpened
        "gesprek_ouders",  # ParentsConversationHeld
        "weging",  # RiskWeighed
        "besluit",  # DecisionMade
        "besluit",  # HelpOrganised
        "besluit",  # ParentsInformed
        "besluit",  # ChildInformed
        "melding",  # AmkNotified
        "melding",  # VeiligThuisFeedbackReceived
        "volgen",  # CareCoordinatorAssigned
        "volgen",  # FollowUpScheduled
        "volgen",  # FollowUpEvaluated (lasting safety)
        "gesloten",  # CaseClosed
    ]
    row = final_row(history)
    assert row.outcome == "report_and_help"
    assert (row.reported, row.reported_on, row.reports) == (True, history[7].occurred_at.date(), 1)
    assert row.is_open is False
    assert row.step_before_close == "volgen"
    assert row.last_event_at == history[-1].occurred_at
    assert row.opened_at == history[0].occurred_at


def test_no_suspicion_after_the_weighing_closes_the_case_without_a_report(events: Events) -> None:
    file = a_case_file(events)
    history = [
        file.opened,
        file.conversation_skipped(at(10)),
        file.risk_weighed(at(20), suspicion=False, structural=False),
        file.decision(at(30), outcome="no_suspicion_close"),
        file.closed(at(40)),
    ]

    assert steps_after_each(history) == ["geopend", "gesprek_ouders", "weging", "besluit", "gesloten"]
    row = final_row(history)
    assert row.outcome == "no_suspicion_close"
    assert (row.reported, row.reported_on) == (False, None)


def test_a_parents_conversation_later_in_the_case_does_not_move_it_back(events: Events) -> None:
    file = a_case_file(events)
    history = [
        file.opened,
        file.conversation_held(at(10)),
        file.risk_weighed(at(20)),
        file.conversation_held(at(30)),
    ]

    assert steps_after_each(history) == ["geopend", "gesprek_ouders", "weging", "weging"]


def test_a_reopened_case_that_was_weighed_goes_back_to_the_weighing_with_a_fresh_decision(
    events: Events,
) -> None:
    history = a_whole_case(events, uuid.uuid4(), [uuid.uuid4()], start=0)
    file = CaseFile(events, history[0])  # type: ignore[arg-type]
    history.append(file.reopened(at(2000)))

    row = final_row(history)

    assert row.step == CaseStep.WEIGHED == "weging"
    assert row.is_open
    assert row.outcome is None, "the decision is taken afresh"
    assert row.reported_on == history[7].occurred_at.date(), "the report made stays a fact"


@pytest.mark.parametrize(
    ("before_closing", "back_to"),
    [
        ([], "geopend"),
        (["conversation_held"], "gesprek_ouders"),
        (["conversation_skipped"], "gesprek_ouders"),
    ],
)
def test_a_reopened_case_that_was_never_weighed_goes_back_to_the_step_before_closing(
    events: Events, before_closing: list[str], back_to: str
) -> None:
    file = a_case_file(events)
    history: list[Envelope] = [file.opened]
    history += [getattr(file, name)(at(10)) for name in before_closing]
    history += [file.closed(at(20)), file.reopened(at(30))]

    assert steps_after_each(history)[-2:] == ["gesloten", back_to]


def test_an_evaluation_without_lasting_safety_reopens_the_decision_and_the_next_report_counts_again(
    events: Events,
) -> None:
    file = a_case_file(events)
    history = [
        file.opened,
        file.conversation_held(at(10)),
        file.risk_weighed(at(20)),
        file.decision(at(30), outcome="help"),
        file.help_organised(at(40)),
        file.care_coordinator(at(50)),
        file.follow_up(at(60)),
        file.evaluated(at(1500), lasting_safety=False),
    ]
    assert steps_after_each(history)[-3:] == ["volgen", "volgen", "weging"]
    after_failed = final_row(history)
    assert after_failed.outcome is None
    assert after_failed.reported is False

    history += [
        file.decision(at(1510), outcome="report"),
        file.parents_exception(at(1520)),
        file.child_exception(at(1530)),
        file.anonymity(at(1540)),
        file.reported(at(1550)),
    ]
    row = final_row(history)
    assert (row.step, row.outcome, row.reports, row.reported_on) == ("melding", "report", 1, day(1550))


def test_the_case_owner_follows_owner_changes_and_a_transfer(events: Events) -> None:
    file = a_case_file(events)
    history = [file.opened, file.owner_changed(at(10), new_owner_id="ib-2")]
    assert final_row(history).case_owner_id == "ib-2"

    history += [file.pupil_left(at(20))]
    left = final_row(history)
    assert (left.pupil_left_school, left.left_school_on, left.school) == (True, day(20), "12AB")

    history += [file.transferred(at(30), to_school="34CD", new_owner="ib-9"), file.conversation_held(at(40))]
    row = final_row(history)
    assert (row.school, row.case_owner_id) == ("34CD", "ib-9")
    assert (row.transferred_from, row.transferred_on) == ("12AB", day(30))
    assert row.pupil_left_school is False, "at the new school the pupil has not left"
    assert row.step == "gesprek_ouders", "the step goes on at the new school"
    assert row.tenant == "swv-zuid"


def test_events_of_a_case_before_it_was_opened_give_no_row_yet(events: Events) -> None:
    file = a_case_file(events)
    held = case_change(file.conversation_held(at(10)))
    opened = case_change(file.opened)
    assert held is not None and opened is not None

    assert case_row([held]) is None
    row = case_row([held, opened])
    assert row is not None and row.step == "gesprek_ouders"


def test_signal_and_pupil_events_are_no_case_changes(events: Events) -> None:
    registered = events.pupil()
    assert case_change(registered) is None
    assert case_change(events.signal(registered.payload.pupil_id, when=at(1))) is None


@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_the_case_row_is_the_same_for_any_arrival_order_and_any_duplicates(data: st.DataObject) -> None:
    history = a_whole_case(Events(), uuid.uuid4(), [uuid.uuid4()], start=0)
    changes = [c for c in (case_change(e) for e in history) if c is not None]
    shuffled = data.draw(st.permutations(changes))
    duplicates = data.draw(st.lists(st.sampled_from(changes), max_size=5))

    assert case_row([*shuffled, *duplicates]) == case_row(changes)


def test_a_case_row_has_no_personal_data_in_its_repr(events: Events) -> None:
    history = a_whole_case(events, uuid.uuid4(), [uuid.uuid4()], start=0)
    text = repr(final_row(history)) + "".join(repr(case_change(e)) for e in history)
    for personal in ("Moeder", "Ineke", "Gezinscoach", "Blijvende veiligheid vastgesteld"):
        assert personal not in text


def test_the_jgz_events_leave_the_step_of_the_case_as_it_is(events: Events) -> None:
    file = CaseFile(events, events.case(uuid.uuid4(), [uuid.uuid4()], when=at(0)))
    history: list[Envelope] = [
        file.opened,
        file.conversation_held(at(10)),
        file.jgz_consultation_requested(at(20)),
        file.jgz_result_received(at(30)),
        file.risk_weighed(at(40)),
        file.handed_over_to_jgz(at(50)),
    ]

    assert steps_after_each(history) == [
        "geopend",
        "gesprek_ouders",
        "gesprek_ouders",
        "gesprek_ouders",
        "weging",
        "weging",
    ]
    assert final_row(history).last_event_at == at(50)
