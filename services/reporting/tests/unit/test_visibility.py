"""Who sees which entries of a pupil's chronology: each school its own time with the pupil plus what
a transfer handed over to it; a zorgteam member only the invited case and what it is built on."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from meldcode_contracts import Envelope
from meldcode_testkit.builders import CaseFile, Events, Notices, at
from reporting.domain.chronology import ChronologyEntry
from reporting.domain.visibility import (
    built_on,
    schools_of_pupil,
    seen_by_schools,
    seen_by_zorgteam_member,
)
from reporting.translation import project


def entries_of(events: list[Envelope]) -> list[ChronologyEntry]:
    found = [project(e).entry for e in events]
    return [e for e in found if e is not None]


@dataclass
class Transfer:
    """A pupil of 12AB with two cases; case A is handed over to 34CD, which then works on it."""

    built_on: list[Envelope]
    """Case A's signal, its correction, the consultation that discussed it."""
    other_material: list[Envelope]
    """12AB's other signal and consultation, and case B opened from that signal."""
    before: list[Envelope]
    """Case A at 12AB, up to and including the transfer (and a document notifications issued)."""
    after: list[Envelope]
    """What 34CD records in case A after the transfer."""

    @property
    def all(self) -> list[Envelope]:
        return [*self.built_on, *self.other_material, *self.before, *self.after]


def a_transfer(events: Events) -> Transfer:
    notices = Notices()
    pupil_id = events.pupil().payload.pupil_id
    signal = events.signal(pupil_id, when=at(10))
    other_signal = events.signal(pupil_id, when=at(11), description="Een ander signaal.")
    case_a = events.case(pupil_id, [signal.payload.signal_id], when=at(20))
    case_b = events.case(pupil_id, [other_signal.payload.signal_id], when=at(21))
    file = CaseFile(events, case_a)
    before = [
        case_a,
        file.conversation_held(at(30)),
        notices.document(file.case_id, pupil_id, when=at(31)),
        file.pupil_left(at(40)),
        file.transferred(at(50), to_school="34CD"),
    ]
    after = [file.risk_weighed(at(60)), file.decision(at(70))]
    after.append(notices.document(file.case_id, pupil_id, when=at(75)))
    after[-1] = after[-1].model_copy(update={"school": "34CD"})
    return Transfer(
        built_on=[
            signal,
            events.correction(signal, when=at(12)),
            events.consultation(pupil_id, [signal.payload.signal_id], when=at(13)),
        ],
        other_material=[
            other_signal,
            events.consultation(pupil_id, [other_signal.payload.signal_id], when=at(14)),
            case_b,
        ],
        before=before,
        after=after,
    )


def ids(events: list[Envelope]) -> set[uuid.UUID]:
    return {e.event_id for e in events}


def test_the_old_school_sees_its_own_time_and_nothing_the_new_school_records_afterwards(
    events: Events,
) -> None:
    t = a_transfer(events)
    seen = seen_by_schools(entries_of(t.all), {"12AB"})
    assert seen == ids(t.built_on) | ids(t.other_material) | ids(t.before)
    assert not seen & ids(t.after)


def test_the_new_school_sees_the_case_up_to_the_transfer_what_it_is_built_on_and_its_own_work(
    events: Events,
) -> None:
    t = a_transfer(events)
    seen = seen_by_schools(entries_of(t.all), {"34CD"})
    assert seen == ids(t.built_on) | ids(t.before) | ids(t.after)
    assert not seen & ids(t.other_material), "not the old school's other signals, consultations, cases"


def test_a_school_without_time_with_the_pupil_sees_nothing(events: Events) -> None:
    t = a_transfer(events)
    entries = entries_of(t.all)
    assert seen_by_schools(entries, {"56EF"}) == frozenset()
    assert schools_of_pupil("12AB", entries) == {"12AB", "34CD"}


def test_a_case_transferred_on_again_hands_the_whole_case_so_far_to_the_third_school(
    events: Events,
) -> None:
    t = a_transfer(events)
    case_a = t.before[0]
    file = CaseFile(events, case_a)  # type: ignore[arg-type]
    file.school = "34CD"
    onward = [file.pupil_left(at(80), destination_school="56EF"), file.transferred(at(90), to_school="56EF")]
    entries = entries_of([*t.all, *onward])
    assert seen_by_schools(entries, {"56EF"}) == ids(t.built_on) | ids(t.before) | ids(t.after) | ids(onward)
    assert seen_by_schools(entries, {"12AB"}) & ids(onward) == set()


def test_a_zorgteam_member_sees_the_invited_case_and_what_it_is_built_on_only(events: Events) -> None:
    pupil_id = events.pupil().payload.pupil_id
    signal = events.signal(pupil_id, when=at(10))
    cited_later = events.signal(pupil_id, when=at(11))
    unrelated = events.signal(pupil_id, when=at(12), description="Los signaal zonder zaak.")
    other_case_signal = events.signal(pupil_id, when=at(13))
    consulted = events.consultation(pupil_id, [signal.payload.signal_id], when=at(14))
    consulted_elsewhere = events.consultation(pupil_id, [unrelated.payload.signal_id], when=at(15))
    invited = events.case(pupil_id, [signal.payload.signal_id], when=at(20))
    other = events.case(pupil_id, [other_case_signal.payload.signal_id], when=at(21))
    file = CaseFile(events, invited)
    report = file.reported(at(30))
    report = report.model_copy(
        update={
            "payload": report.payload.model_copy(
                update={"signal_ids": [signal.payload.signal_id, cited_later.payload.signal_id]}
            )
        }
    )
    stream: list[Envelope] = [
        signal,
        cited_later,
        unrelated,
        other_case_signal,
        consulted,
        consulted_elsewhere,
        invited,
        other,
        report,
    ]
    entries = entries_of(stream)
    seen = seen_by_zorgteam_member(entries, {"12AB"}, {invited.payload.case_id})
    assert seen == ids([signal, cited_later, consulted, invited, report])
    assert built_on(entries, {other.payload.case_id}) == ids([other_case_signal])
    assert seen_by_zorgteam_member(entries, {"34CD"}, {invited.payload.case_id}) == frozenset()


def test_a_signal_added_to_the_invited_case_after_opening_is_what_the_case_is_built_on(
    events: Events,
) -> None:
    """Rule 9 / ADR 11: a signal recorded after opening and added to the case (`CaseSignalsAdded`)
    is linked to the case in the chronology, so an invited zorgteam member sees it and its
    correction; a signal recorded after opening and not added stays out of their sight."""
    pupil_id = events.pupil().payload.pupil_id
    signal = events.signal(pupil_id, when=at(10))
    invited = events.case(pupil_id, [signal.payload.signal_id], when=at(20))
    later = events.signal(pupil_id, when=at(30), description="Na de opening: nieuwe blauwe plekken.")
    corrected = events.correction(later, when=at(31))
    not_added = events.signal(pupil_id, when=at(32), description="Na de opening, niet toegevoegd.")
    added = CaseFile(events, invited).signals_added(at(40), [later.payload.signal_id])
    entries = entries_of([signal, invited, later, corrected, not_added, added])

    entry = next(e for e in entries if e.event_type == "CaseSignalsAdded")
    assert (entry.case_id, entry.label) == (invited.payload.case_id, "Signalen aan de zaak toegevoegd")
    assert built_on(entries, {invited.payload.case_id}) == ids([signal, later, corrected])
    seen = seen_by_zorgteam_member(entries, {"12AB"}, {invited.payload.case_id})
    assert seen == ids([signal, invited, later, corrected, added])
