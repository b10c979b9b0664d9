"""Casework events in the read models: their chronology labels, and the step and open obligations of
the school's case list as casework published them."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meldcode_contracts import CASE_EVENTS, Envelope
from meldcode_testkit.builders import WHOLE_CASE_DUE, CaseFile, Events, a_whole_case, at, day
from reporting.domain.cases import (
    UNKNOWN_STEP_LABEL,
    CaseRow,
    Obligation,
    case_row,
    is_overdue,
    shown_step_label,
)
from reporting.domain.chronology import FALLBACK_LABEL, label_for
from reporting.translation import project

MELDCODE_LABELS = {
    "CaseOpened": "Zaak geopend",
    "CaseSignalsAdded": "Signalen aan de zaak toegevoegd",
    "CaseOwnerChanged": "Andere casushouder",
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


def steps_after_each(history: list[Envelope]) -> list[str | None]:
    """The case's step after each event, folded as the read model does."""
    changes = [c for c in (project(e).case_change for e in history) if c is not None]
    steps = []
    for n in range(1, len(changes) + 1):
        row = case_row(changes[:n])
        assert row is not None
        steps.append(row.step)
    return steps


def final_row(history: list[Envelope]) -> CaseRow:
    row = case_row(c for c in (project(e).case_change for e in history) if c is not None)
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


# --- the step and obligations of the case list: casework's, as published --------------------------


def test_the_step_label_comes_from_the_shared_vocabulary_and_an_unknown_step_is_shown_as_its_code() -> None:
    assert shown_step_label("weging").startswith("Stap 4")
    assert shown_step_label("gesloten") == "Zaak gesloten"
    assert shown_step_label("stap_van_morgen") == "stap_van_morgen"
    assert shown_step_label(None) == UNKNOWN_STEP_LABEL


def test_a_whole_case_shows_the_step_casework_published_after_each_event_and_ends_closed(
    events: Events,
) -> None:
    history = a_whole_case(events, uuid.uuid4(), [uuid.uuid4()], start=0, published=True)

    published = [e.payload.step for e in history if e.event_type == "CaseObligationsChanged"]  # type: ignore[attr-defined]
    steps = steps_after_each(history)
    assert steps[0] is None, "a CaseOpened alone: casework has not published the step yet"
    assert [
        s for s, e in zip(steps, history, strict=True) if e.event_type == "CaseObligationsChanged"
    ] == published
    assert published == [
        "geopend",
        "gesprek_ouders",
        "weging",
        *["besluit"] * 4,
        *["melding"] * 2,
        *["volgen"] * 3,
        "gesloten",
    ]
    row = final_row(history)
    assert row.step == "gesloten" and row.is_open is False
    assert row.obligations == ()
    assert row.outcome == "report_and_help"
    reported = next(e for e in history if e.event_type == "AmkNotified")
    assert (row.reported, row.reported_on, row.reports) == (True, reported.occurred_at.date(), 1)
    assert row.last_event_at == history[-1].occurred_at
    assert row.opened_at == history[0].occurred_at


def test_the_row_holds_exactly_the_obligations_and_due_days_casework_published_last(events: Events) -> None:
    file = a_case_file(events)
    per_tenant_term = date(2026, 11, 5)  # 3 calendar days: no term a reader could derive itself
    history = [
        file.opened,
        file.published(at(0), "geopend", ("gesprek_ouders", per_tenant_term)),
        file.conversation_held(at(10)),
        file.published(at(10), "gesprek_ouders", ("weging_zorgteam", date(2026, 12, 24)), "overdracht"),
    ]

    assert final_row(history[:2]).obligations == (Obligation("gesprek_ouders", per_tenant_term),)
    row = final_row(history)
    assert row.step == "gesprek_ouders"
    assert row.obligations == (
        Obligation("weging_zorgteam", date(2026, 12, 24)),
        Obligation("overdracht", None),
    )


def test_a_step_and_an_obligation_kind_of_a_newer_casework_are_kept_as_their_codes(events: Events) -> None:
    file = a_case_file(events)
    history = [
        file.opened,
        file.published(at(5), "stap_van_morgen", ("plicht_van_morgen", date(2026, 11, 20))),
    ]

    row = final_row(history)

    assert row.step == "stap_van_morgen" and row.is_open
    assert row.obligations == (Obligation("plicht_van_morgen", date(2026, 11, 20)),)


def test_a_history_from_before_casework_published_has_no_step_and_no_obligations(events: Events) -> None:
    file = a_case_file(events)
    history = [file.opened, file.conversation_held(at(10)), file.risk_weighed(at(20)), file.closed(at(30))]

    row = final_row(history)

    assert (row.step, row.step_since, row.obligations) == (None, None, ())
    assert row.is_open, "only casework says a case is closed"
    assert row.last_event_at == at(30)


def test_only_a_publication_moves_the_step_and_the_step_since_stays_while_the_step_does(
    events: Events,
) -> None:
    file = a_case_file(events)
    history: list[Envelope] = [
        file.opened,
        file.published(at(0), "geopend", "gesprek_ouders"),
        file.conversation_held(at(10)),
        file.jgz_consultation_requested(at(20)),
        file.published(at(20), "geopend", "gesprek_ouders", "overdracht"),
        file.published(at(30), "gesprek_ouders", "weging_zorgteam"),
        file.risk_weighed(at(40)),
    ]

    assert steps_after_each(history) == [
        None,
        "geopend",
        "geopend",  # the conversation moves nothing until casework publishes it
        "geopend",
        "geopend",
        "gesprek_ouders",
        "gesprek_ouders",
    ]
    assert final_row(history[:5]).step_since == at(0), "the same step published again"
    assert final_row(history).step_since == at(30)


@pytest.mark.parametrize(
    ("due_on", "today", "overdue"),
    [
        (date(2026, 11, 13), date(2026, 11, 13), False),
        (date(2026, 11, 13), date(2026, 11, 14), True),
        (None, date(2099, 1, 1), False),
    ],
)
def test_overdue_is_the_only_thing_a_reader_computes_today_after_the_due_day(
    due_on: date | None, today: date, overdue: bool
) -> None:
    assert is_overdue(Obligation("gesprek_ouders", due_on), today) is overdue


def test_whole_case_due_days_are_shown_as_published(events: Events) -> None:
    history = a_whole_case(events, uuid.uuid4(), [uuid.uuid4()], start=0, published=True)
    rows = [final_row(history[: n + 1]) for n in range(len(history))]
    due = {o.kind: o.due_on for r in rows for o in r.obligations if o.due_on is not None}
    assert due == WHOLE_CASE_DUE


def test_a_reopened_decision_forgets_its_outcome_and_the_report_made_stays_a_fact(events: Events) -> None:
    history = a_whole_case(events, uuid.uuid4(), [uuid.uuid4()], start=0)
    file = CaseFile(events, history[0])  # type: ignore[arg-type]
    history.append(file.reopened(at(2000)))

    row = final_row(history)

    assert row.outcome is None, "the decision is taken afresh"
    assert row.reported_on == history[7].occurred_at.date(), "the report made stays a fact"


def test_an_evaluation_without_lasting_safety_forgets_the_outcome_and_the_next_report_counts_again(
    events: Events,
) -> None:
    file = a_case_file(events)
    history = [
        file.opened,
        file.decision(at(30), outcome="help"),
        file.help_organised(at(40)),
        file.care_coordinator(at(50)),
        file.follow_up(at(60)),
        file.evaluated(at(1500), lasting_safety=False),
    ]
    after_failed = final_row(history)
    assert after_failed.outcome is None
    assert after_failed.reported is False

    history += [file.decision(at(1510), outcome="report"), file.reported(at(1550))]
    row = final_row(history)
    assert (row.outcome, row.reports, row.reported_on) == ("report", 1, day(1550))


def test_the_case_owner_follows_owner_changes_and_a_transfer(events: Events) -> None:
    file = a_case_file(events)
    history = [file.opened, file.owner_changed(at(10), new_owner_id="ib-2")]
    assert final_row(history).case_owner_id == "ib-2"

    history += [file.pupil_left(at(20))]
    left = final_row(history)
    assert (left.pupil_left_school, left.left_school_on, left.school) == (True, day(20), "12AB")

    history += [
        file.transferred(at(30), to_school="34CD", new_owner="ib-9"),
        file.published(at(30), "gesprek_ouders", "weging_zorgteam"),
    ]
    row = final_row(history)
    assert (row.school, row.case_owner_id) == ("34CD", "ib-9")
    assert (row.transferred_from, row.transferred_on) == ("12AB", day(30))
    assert row.pupil_left_school is False, "at the new school the pupil has not left"
    assert row.step == "gesprek_ouders", "the step goes on at the new school"
    assert row.tenant == "swv-zuid"


def test_events_of_a_case_before_it_was_opened_give_no_row_yet(events: Events) -> None:
    file = a_case_file(events)
    published = project(file.published(at(10), "gesprek_ouders", "weging_zorgteam")).case_change
    opened = project(file.opened).case_change
    assert published is not None and opened is not None

    assert case_row([published]) is None
    row = case_row([published, opened])
    assert row is not None and row.step == "gesprek_ouders"


def test_signal_and_pupil_events_are_no_case_changes(events: Events) -> None:
    registered = events.pupil()
    assert project(registered).case_change is None
    assert project(events.signal(registered.payload.pupil_id, when=at(1))).case_change is None


@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_the_case_row_is_the_same_for_any_arrival_order_and_any_duplicates(data: st.DataObject) -> None:
    history = a_whole_case(Events(), uuid.uuid4(), [uuid.uuid4()], start=0, published=True)
    changes = [c for c in (project(e).case_change for e in history) if c is not None]
    shuffled = data.draw(st.permutations(changes))
    duplicates = data.draw(st.lists(st.sampled_from(changes), max_size=5))

    assert case_row([*shuffled, *duplicates]) == case_row(changes)


def test_a_case_row_has_no_personal_data_in_its_repr(events: Events) -> None:
    history = a_whole_case(events, uuid.uuid4(), [uuid.uuid4()], start=0, published=True)
    text = repr(final_row(history)) + "".join(repr(project(e).case_change) for e in history)
    for personal in ("Moeder", "Ineke", "Gezinscoach", "Blijvende veiligheid vastgesteld"):
        assert personal not in text
