"""What each contract event changes in the read models, decided without any I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meldcode_contracts import ALL_EVENTS
from meldcode_testkit.builders import CaseFile, Events, Notices, at
from reporting.domain.chronology import FALLBACK_LABEL, LABELS, EntryType, label_for
from reporting.domain.pupils import display_name
from reporting.translation import project


def test_a_registered_pupil_becomes_a_pupil_row_shown_by_roepnaam_and_achternaam(events: Events) -> None:
    registered = events.pupil(given_name="Sanne", family_name="de Vries")

    projection = project(registered)

    assert projection.entry is None, "a registration is not a signal or case event"
    assert projection.case is None
    assert projection.pupil is not None
    assert projection.pupil.pupil_id == registered.payload.pupil_id
    assert (projection.pupil.tenant, projection.pupil.school) == ("swv-zuid", "12AB")
    assert projection.pupil.display_name == "Sanne de Vries"
    assert projection.pupil.date_of_birth == date(2014, 3, 2)


def test_a_recorded_signal_becomes_an_entry_labelled_signaal_vastgelegd_with_its_facts(
    events: Events,
) -> None:
    pupil_id = uuid.uuid4()
    recorded = events.signal(pupil_id, when=at(5), observed_on=date(2026, 11, 1))

    entry = project(recorded).entry

    assert entry is not None
    assert entry.label == "Signaal vastgelegd"
    assert (entry.event_id, entry.pupil_id, entry.signal_id) == (
        recorded.event_id,
        pupil_id,
        recorded.payload.signal_id,
    )
    assert entry.occurred_at == at(5)
    assert entry.occurred_at.tzinfo is not None
    assert entry.observed_on == date(2026, 11, 1)
    assert (entry.actor_id, entry.actor_role) == ("lk-1", "leerkracht")
    assert entry.facts["description"] == "Komt al een week zonder jas naar school."
    assert entry.facts["source"] == {"kind": "own_observation", "name": None}
    assert entry.facts["interpretation"] == "Mogelijk verwaarlozing"
    assert "pupil_id" not in entry.facts


def test_a_correction_is_an_entry_of_its_own_that_refers_to_the_signal_it_corrects(events: Events) -> None:
    recorded = events.signal(uuid.uuid4(), when=at(5))
    corrected = events.correction(recorded, when=at(60), observed_on=date(2026, 10, 31))

    original, correction = project(recorded).entry, project(corrected).entry

    assert original is not None
    assert correction is not None
    assert correction.event_id != original.event_id, "the original entry is never overwritten"
    assert correction.signal_id == original.signal_id
    assert correction.label == "Signaal gecorrigeerd"
    assert correction.observed_on == date(2026, 10, 31)
    assert correction.facts["reason"] == "Verkeerde dag ingevuld"
    assert correction.sequence == original.sequence + 1
    assert original.facts["observed_on"] == "2026-11-01"


def test_an_opened_case_becomes_a_chronology_entry_and_a_case_whose_step_casework_publishes(
    events: Events,
) -> None:
    pupil_id, signal_id = uuid.uuid4(), uuid.uuid4()
    opened = events.case(pupil_id, [signal_id], when=at(90))

    projection = project(opened)

    assert projection.entry is not None
    assert projection.entry.label == "Zaak geopend"
    assert projection.entry.pupil_id == pupil_id, "a case event lands in its pupil's chronology"
    assert projection.entry.case_id == opened.payload.case_id
    assert projection.entry.observed_on is None
    assert projection.case is not None
    assert projection.case.step is None, "the step comes with casework's CaseObligationsChanged"
    assert projection.case.signal_ids == (signal_id,)
    assert projection.case.case_owner_id == "ib-1"
    assert projection.case.opened_at == projection.case.last_event_at == at(90)


def test_projecting_the_same_event_twice_gives_the_same_rows(events: Events) -> None:
    recorded = events.signal(uuid.uuid4(), when=at(5))
    assert project(recorded) == project(recorded)


def test_personal_data_never_shows_in_the_repr_of_projected_rows(events: Events) -> None:
    registered = events.pupil(given_name="Sanne", family_name="Jansen")
    recorded = events.signal(registered.payload.pupil_id, when=at(5), description="Blauwe plek op de arm.")

    text = repr(project(registered)) + repr(project(recorded))

    for personal in (
        "Sanne",
        "Jansen",
        "2014",
        "Blauwe plek",
        "verwaarlozing",
        registered.payload.pupil_number,
    ):
        assert personal not in text
    assert str(registered.payload.pupil_id) in text, "ids are fine to log"


NOT_IN_A_PUPILS_CHRONOLOGY = {
    "PupilRegistered": "the pupil itself, not an event about the pupil",
    "VeiligThuisAdviceRequested": "anonymous by rule 3: the contract carries no pupil id",
    "DataAccessed": "a read of the data, kept in the access log, not an event in the pupil's life",
    "CaseObligationsChanged": "casework's step and open obligations, kept in the case list, not a history entry",
    "StaffMemberListed": "the staff directory of a school, not about a pupil",
    "StaffMemberDelisted": "the staff directory of a school, not about a pupil",
}


@pytest.mark.parametrize("event_type", [e.model_fields["event_type"].default for e in ALL_EVENTS])
def test_every_contract_event_that_enters_the_chronology_has_its_own_dutch_label(event_type: str) -> None:
    if event_type in set(EntryType):
        assert label_for(event_type) != FALLBACK_LABEL
    else:
        assert event_type in NOT_IN_A_PUPILS_CHRONOLOGY


def test_the_events_without_a_chronology_label_indeed_add_no_entry(events: Events, notices: Notices) -> None:
    registered = events.pupil()
    asked = events.advice_request(when=at(5))
    read = notices.access(when=at(6), pupil_id=registered.payload.pupil_id)
    file = CaseFile(events, events.case(registered.payload.pupil_id, [uuid.uuid4()], when=at(7)))
    published = file.published(at(7), "geopend", "gesprek_ouders")

    assert {registered.event_type, asked.event_type, read.event_type, published.event_type} == set(
        NOT_IN_A_PUPILS_CHRONOLOGY
    ) - {"StaffMemberListed", "StaffMemberDelisted"}
    assert project(registered).entry is None
    assert project(published).entry is None
    assert project(published).case_change is not None, "it sets the step and obligations of the case list"
    assert project(asked).is_empty, "nothing of an anonymous advice request is kept per pupil"
    assert project(read).entry is None
    assert project(read).access is not None


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("document", "Meldingsdocument opgesteld"),
        ("webhook", "Bericht aan de JGZ afgeleverd"),
        ("reminder", "Herinnering verstuurd"),
    ],
)
def test_a_notification_about_a_case_is_an_entry_of_the_case_history_with_its_dutch_label(
    notices: Notices, kind: str, label: str
) -> None:
    case_id, pupil_id = uuid.uuid4(), uuid.uuid4()
    event = {
        "document": lambda: notices.document(case_id, pupil_id, when=at(5)),
        "webhook": lambda: notices.webhook(case_id, when=at(5)),
        "reminder": lambda: notices.reminder(case_id, None, when=at(5)),
    }[kind]()

    entry = project(event).entry

    assert entry is not None
    assert entry.label == label
    assert entry.case_id == case_id
    assert "pupil_id" not in entry.facts


def test_a_notification_without_a_pupil_waits_for_the_pupil_of_its_case(notices: Notices) -> None:
    entry = project(notices.webhook(uuid.uuid4(), when=at(5))).entry

    assert entry is not None
    assert entry.pupil_id is None, "the read model attaches it through the case"


def test_a_reminder_about_neither_a_pupil_nor_a_case_enters_no_chronology(notices: Notices) -> None:
    assert project(notices.reminder(None, None, when=at(5))).is_empty


def test_a_data_access_becomes_one_row_of_the_access_log_with_who_what_and_whence(notices: Notices) -> None:
    pupil_id = uuid.uuid4()
    read = notices.access(when=at(7), user_id="zt-3", pupil_id=pupil_id, action="pupil.chronology")

    row = project(read).access

    assert row is not None
    assert (row.access_id, row.user_id, row.role, row.action, row.pupil_id, row.school) == (
        read.payload.access_id,
        "zt-3",
        "intern_begeleider",
        "pupil.chronology",
        pupil_id,
        "12AB",
    )
    assert (row.client_address, row.client_application, row.service) == ("127.0.0.1", "pytest", "casework")


def test_a_colleague_consultation_is_an_entry_of_the_pupils_chronology(events: Events) -> None:
    pupil_id, signal_id = uuid.uuid4(), uuid.uuid4()
    consulted = events.consultation(pupil_id, [signal_id], when=at(15))

    entry = project(consulted).entry

    assert entry is not None
    assert entry.label == "Collegiale consultatie"
    assert (entry.pupil_id, entry.event_id, entry.case_id, entry.signal_id) == (
        pupil_id,
        consulted.event_id,
        None,
        None,
    )
    assert entry.facts["organisation"] == "JGZ"
    assert entry.facts["signal_ids"] == [str(signal_id)]
    assert "Joke" not in repr(entry)


@given(st.text())
def test_any_event_type_gets_a_label_and_unknown_ones_a_neutral_one(event_type: str) -> None:
    label = label_for(event_type)
    assert label == LABELS.get(event_type, FALLBACK_LABEL)
    assert label


@pytest.mark.parametrize(
    ("given_name", "family_name", "expected"),
    [("Sanne", "Jansen", "Sanne Jansen"), (" Ali ", "el Amrani", "Ali el Amrani"), ("Mo", "", "Mo")],
)
def test_a_pupil_is_shown_by_roepnaam_then_achternaam(
    given_name: str, family_name: str, expected: str
) -> None:
    assert display_name(given_name, family_name) == expected


def test_all_projected_times_are_timezone_aware_utc(events: Events) -> None:
    registered = events.pupil(when=datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    pupil = project(registered).pupil
    assert pupil is not None
    assert pupil.registered_at.utcoffset() is not None
    assert pupil.registered_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_both_steps_of_an_erasure_on_request_are_entries_in_the_pupils_chronology(events: Events) -> None:
    from meldcode_contracts import (
        Actor,
        ErasureApproved,
        ErasureApprovedPayload,
        ErasureReason,
        ErasureRequested,
        ErasureRequestedPayload,
        Role,
    )

    pupil_id = events.pupil().payload.pupil_id
    request_id = uuid.uuid4()
    ib, admin = (
        Actor(user_id="ib-1", role=Role.INTERN_BEGELEIDER),
        Actor(user_id="bh-1", role=Role.ADMINISTRATOR),
    )
    requested = ErasureRequested(
        **events._envelope(pupil_id, pupil_id, at(10), ib),
        payload=ErasureRequestedPayload(
            pupil_id=pupil_id,
            request_id=request_id,
            reason=ErasureReason.LAWFUL_REQUEST,
            requested_on=date(2026, 11, 2),
        ),
    )
    approved = ErasureApproved(
        **events._envelope(pupil_id, pupil_id, at(20), admin),
        payload=ErasureApprovedPayload(
            pupil_id=pupil_id,
            request_id=request_id,
            reason=ErasureReason.LAWFUL_REQUEST,
            approved_on=date(2026, 11, 2),
            requested_by="ib-1",
            requested_by_role=Role.INTERN_BEGELEIDER,
        ),
    )
    asked, yes = project(requested).entry, project(approved).entry
    assert asked is not None and yes is not None
    assert (asked.pupil_id, asked.actor_id, asked.label) == (
        pupil_id,
        "ib-1",
        "Verzoek om persoonsgegevens te wissen",
    )
    assert (yes.actor_id, yes.facts["requested_by"]) == ("bh-1", "ib-1")
