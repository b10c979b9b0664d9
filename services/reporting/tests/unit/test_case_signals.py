"""The signals a case is built on: opened from and added later, as corrected, and only what the
reader's chronology shows."""

from __future__ import annotations

from datetime import date

from meldcode_contracts import Envelope
from meldcode_testkit.builders import CaseFile, Events, at
from reporting.domain.case_signals import case_signals
from reporting.domain.chronology import ChronologyEntry
from reporting.domain.visibility import seen_by_schools, seen_by_zorgteam_member
from reporting.translation import project


def entries_of(events: list[Envelope]) -> list[ChronologyEntry]:
    found = [project(e).entry for e in events]
    return [e for e in found if e is not None]


def test_a_case_answers_the_signals_it_was_opened_from_then_those_added_as_corrected(events: Events) -> None:
    pupil_id = events.pupil().payload.pupil_id
    first = events.signal(pupil_id, when=at(10), description="Eerste signaal.")
    outside = events.signal(pupil_id, when=at(11), description="Signaal buiten de zaak.")
    later = events.signal(pupil_id, when=at(40), description="Later signaal.")
    corrected = events.correction(first, when=at(12), observed_on=date(2026, 10, 30))
    opened = events.case(pupil_id, [first.payload.signal_id], when=at(20))
    file = CaseFile(events, opened)
    entries = entries_of(
        [first, outside, corrected, opened, later, file.signals_added(at(50), [later.payload.signal_id])]
    )

    signals = case_signals(entries, file.case_id, seen_by_schools(entries, {"12AB"}))

    assert [s.signal_id for s in signals] == [first.payload.signal_id, later.payload.signal_id]
    assert [s.description for s in signals] == ["Eerste signaal.", "Later signaal."]
    assert [s.observed_on for s in signals] == [date(2026, 10, 30), date(2026, 11, 1)]
    assert [s.corrections for s in signals] == [1, 0]
    assert signals[0].recorded_at == first.occurred_at
    assert signals[0].interpretation == "Mogelijk verwaarlozing"
    assert signals[0].source_kind == "own_observation"


def test_a_reader_gets_no_signal_their_chronology_does_not_show(events: Events) -> None:
    pupil_id = events.pupil().payload.pupil_id
    signal = events.signal(pupil_id, when=at(10))
    opened = events.case(pupil_id, [signal.payload.signal_id], when=at(20))
    file = CaseFile(events, opened)
    entries = entries_of([signal, opened])

    not_invited = seen_by_zorgteam_member(entries, {"12AB"}, set())
    other_school = seen_by_schools(entries, {"34CD"})

    assert case_signals(entries, file.case_id, not_invited) == []
    assert case_signals(entries, file.case_id, other_school) == []
    invited = seen_by_zorgteam_member(entries, {"12AB"}, {file.case_id})
    assert [s.signal_id for s in case_signals(entries, file.case_id, invited)] == [signal.payload.signal_id]
