"""The translation table: which contract events reach the read models, and as what."""

from __future__ import annotations

from meldcode_testkit.builders import Events, at
from reporting.domain.chronology import EntryType
from reporting.translation import PROJECTIONS, project


def test_every_kind_of_chronology_entry_has_a_translation_of_its_contract_event() -> None:
    translated = {event_type.__name__ for event_type in PROJECTIONS}
    assert {str(t) for t in EntryType} <= translated


def test_an_anonymous_advice_request_to_veilig_thuis_changes_no_read_model(events: Events) -> None:
    assert project(events.advice_request(when=at(1))).is_empty


def test_a_case_event_is_an_entry_of_the_pupils_chronology_and_a_change_of_its_case(events: Events) -> None:
    pupil = events.pupil()
    signal = events.signal(pupil.payload.pupil_id, when=at(1))
    opened = events.case(pupil.payload.pupil_id, [signal.payload.signal_id], when=at(2))

    projection = project(opened)

    assert projection.entry is not None and projection.entry.case_id == opened.payload.case_id
    assert projection.case_change is not None and projection.case_change.owner_id == "ib-1"
    assert projection.case_change.signal_ids == (signal.payload.signal_id,)
    assert projection.pupil is None and projection.access is None
