"""The parents' inspection export: pure, from chronology entries (rule 10)."""

from __future__ import annotations

import json
import uuid
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from meldcode_contracts import Envelope, SignalSource, SourceKind
from meldcode_contracts.personal import nested_models, personal_field_names
from meldcode_servicekit.sealing import payload_model_of_type
from meldcode_testkit.builders import CaseFile, Events, a_whole_case, at
from reporting.domain.chronology import ChronologyEntry, EntryType
from reporting.domain.parents_export import THIRD_PARTIES, WITHHELD, ExportPupil, parents_export
from reporting.translation import project

PUPIL = ExportPupil(
    pupil_id=uuid.uuid4(),
    school="12AB",
    pupil_number="L-1",
    display_name="Sanne Jansen",
    date_of_birth=date(2014, 3, 2),
)


def entries_of(events: list[Envelope]) -> list[ChronologyEntry]:
    found = [project(e).entry for e in events]
    return [e for e in found if e is not None]


def a_pupil_with(events: Events, *, anonymous: bool) -> list[Envelope]:
    pupil = events.pupil()
    signal = events.signal(pupil.payload.pupil_id, when=at(1))
    consulted = events.consultation(pupil.payload.pupil_id, [signal.payload.signal_id], when=at(2))
    case = events.case(pupil.payload.pupil_id, [signal.payload.signal_id], when=at(3))
    file = CaseFile(events, case)
    stream: list[Envelope] = [signal, events.correction(signal, when=at(4)), consulted, case]
    stream += [file.decision(at(5)), file.parents_informed(at(6))]
    if anonymous:
        stream.append(file.anonymity(at(7)))
    stream.append(file.reported(at(8)))
    return stream


def test_a_non_anonymous_export_names_the_reporter_and_the_staff_who_acted(events: Events) -> None:
    export = parents_export(PUPIL, entries_of(a_pupil_with(events, anonymous=False)))
    text = json.dumps(export.as_json())
    assert not export.reporter_anonymous
    assert "ib-1" in text
    report = next(e for e in export.entries if e.label == "Melding bij Veilig Thuis")
    assert report.facts["reporter_id"] == "ib-1"
    assert report.actor_id == "ib-1"
    assert report.day == at(8).date()


def test_an_anonymous_export_holds_no_staff_user_id_role_or_anonymity_details(events: Events) -> None:
    export = parents_export(PUPIL, entries_of(a_pupil_with(events, anonymous=True)))
    text = json.dumps(export.as_json())
    assert export.reporter_anonymous
    for trace in ("ib-1", "lk-1", "zt-1", "intern_begeleider", "leerkracht", "teacher", "bedreigd"):
        assert trace not in text
    agreed = next(e for e in export.entries if e.label == "Anonimiteit melder afgesproken")
    assert agreed.facts == {} and agreed.actor_id is None
    assert all(e.actor_id is None and e.actor_role is None for e in export.entries)


def test_an_anonymous_export_still_holds_the_facts_about_the_pupil(events: Events) -> None:
    export = parents_export(PUPIL, entries_of(a_pupil_with(events, anonymous=True)))
    signal = next(e for e in export.entries if e.label == "Signaal vastgelegd")
    assert signal.facts["description"] == "Komt al een week zonder jas naar school."
    assert "source" in signal.facts and signal.day is not None
    report = next(e for e in export.entries if e.label == "Melding bij Veilig Thuis")
    assert report.facts["veilig_thuis_organisation"] == "Veilig Thuis Zuid-Holland Zuid"
    assert "reporter_id" not in report.facts


def test_the_consulted_person_is_named_by_role_and_organisation_only(events: Events) -> None:
    export = parents_export(PUPIL, entries_of(a_pupil_with(events, anonymous=False)))
    consulted = next(e for e in export.entries if e.label == "Collegiale consultatie")
    assert "consulted_name" not in consulted.facts
    assert consulted.facts["consulted_role"] == "jeugdverpleegkundige"
    assert "Joke de Wit" not in json.dumps(export.as_json()["entries"][2])


def test_a_corrected_signal_is_marked_and_its_correction_kept(events: Events) -> None:
    stream = a_pupil_with(events, anonymous=False)
    signal_id = stream[0].payload.signal_id  # type: ignore[attr-defined]
    export = parents_export(PUPIL, entries_of(stream), corrected_signals=frozenset({signal_id}))
    labels = [e.label for e in export.entries]
    assert "Signaal gecorrigeerd" in labels
    assert export.entries[0].corrected


def test_a_whole_anonymous_case_leaves_no_weighing_participants_in_the_export(events: Events) -> None:
    pupil = events.pupil()
    signal = events.signal(pupil.payload.pupil_id, when=at(1))
    stream = [signal, *a_whole_case(events, pupil.payload.pupil_id, [signal.payload.signal_id], 10)]
    case_id = stream[1].payload.case_id  # type: ignore[attr-defined]
    file = CaseFile(events, stream[1])  # type: ignore[arg-type]
    assert file.case_id == case_id
    stream.append(file.anonymity(at(2000)))
    text = json.dumps(parents_export(PUPIL, entries_of(stream)).as_json())
    assert "Ineke Bakker" not in text and "participants" not in text


reporter_ids = st.from_regex(r"\A[g-z]{2,6}-[g-z0-9]{4,10}\Z")
"""Realistic pseudonymous user ids; letters beyond hex so they cannot occur inside a uuid."""
key_names = st.sampled_from(["description", "summary", "school_continues", "extra", "notes", "findings"])
texts = st.text(alphabet=st.characters(codec="latin-1"), max_size=20)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    reporter=reporter_ids,
    before=texts,
    after=texts,
    where=st.sampled_from(["AmkNotified", "ReporterAnonymityAgreed", "SignalRecorded", "ParentsInformed"]),
    key=key_names,
    nested=st.booleans(),
    as_actor=st.booleans(),
)
def test_whatever_the_reporter_id_and_wherever_it_appears_an_anonymous_export_never_holds_it(
    reporter: str, before: str, after: str, where: str, key: str, nested: bool, as_actor: bool
) -> None:
    events = Events()
    stream = a_pupil_with(events, anonymous=True)
    entries = entries_of(stream)
    agreed = next(i for i, e in enumerate(entries) if e.event_type == "ReporterAnonymityAgreed")
    report = next(i for i, e in enumerate(entries) if e.event_type == "AmkNotified")
    for i in (agreed, report):
        entries[i] = _with(entries[i], facts={**entries[i].facts, "reporter_id": reporter})
    target = next(i for i, e in enumerate(entries) if e.event_type == where)
    text = f"{before}{reporter}{after}"
    value = {"inner": [text]} if nested else text
    entries[target] = _with(entries[target], facts={**entries[target].facts, key: value})
    if as_actor:
        entries[target] = _with(entries[target], actor_id=reporter)
    exported = json.dumps(parents_export(PUPIL, entries).as_json(), ensure_ascii=False)
    assert reporter not in exported
    assert WITHHELD in exported or where == "ReporterAnonymityAgreed"


def _with(entry: ChronologyEntry, **changes: object) -> ChronologyEntry:
    from dataclasses import replace

    return replace(entry, **changes)  # type: ignore[arg-type]


def test_no_third_party_is_named_in_the_export_whatever_its_place(events: Events) -> None:
    pupil = events.pupil()
    told = events.signal(pupil.payload.pupil_id, when=at(1))
    told = told.model_copy(
        update={
            "payload": told.payload.model_copy(
                update={"source": SignalSource(kind=SourceKind.THIRD_PARTY, name="buurvrouw Els Visser")}
            )
        }
    )
    file = CaseFile(events, events.case(pupil.payload.pupil_id, [told.payload.signal_id], when=at(2)))
    stream: list[Envelope] = [
        told,
        events.correction(told, when=at(3)),
        events.consultation(pupil.payload.pupil_id, [told.payload.signal_id], when=at(4)),
        file.conversation_held(at(5)),
        file.risk_weighed(at(6)),
        file.jgz_result_received(at(7)),
    ]
    export = parents_export(PUPIL, entries_of(stream))
    text = json.dumps(export.as_json(), ensure_ascii=False)
    for name in ("Els Visser", "Joke de Wit", "Ineke Bakker"):
        assert name not in text
    conversation = next(e for e in export.entries if e.label == "Gesprek met ouders gevoerd")
    assert "participants" not in conversation.facts and conversation.facts["summary"]
    signal, correction = export.entries[0], export.entries[1]
    assert signal.facts["source"] == {"kind": "third_party"} == correction.facts["source"]
    weighing = next(e for e in export.entries if e.label == "Weging in het zorgteam")
    assert weighing.facts["participants"] == [
        {"role": "intern_begeleider", "discipline": "onderwijs"},
        {"role": "jgz_verpleegkundige", "discipline": "jeugdgezondheidszorg"},
    ]
    jgz = next(e for e in export.entries if e.label == "Advies van de JGZ ontvangen")
    assert "professional" not in jgz.facts
    assert jgz.facts["advice"] == "Groei is achtergebleven; huisbezoek gepland."
    assert jgz.facts["jgz_organisation"] == "GGD Zuid JGZ"
    # the chronology itself (what the auditor reads) keeps every name
    assert "Els Visser" in json.dumps([dict(e.facts) for e in entries_of(stream)], ensure_ascii=False)


STAFF_IDS_MARKED_PERSONAL = {"ReporterAnonymityAgreed": {"reporter_id"}, "AmkNotified": {"reporter_id"}}
"""Personal fields that hold a staff user id: hidden by the anonymity rule, not by THIRD_PARTIES."""

ABOUT_THE_PUPIL = {
    "SignalRecorded": {"description", "interpretation"},
    "SignalCorrected": {"description", "interpretation", "reason"},
    "ColleagueConsulted": {"advice"},
    "ParentsConversationHeld": {"summary"},
    "ParentsConversationSkipped": {"explanation"},
    "RiskWeighed": {"approach", "nature"},
    "DecisionMade": {"reasons"},
    "HelpOrganised": {"help_description", "teacher_advice"},
    "ParentsInformed": {"summary"},
    "ParentsInformingExceptionRecorded": {"explanation"},
    "ChildInformed": {"summary"},
    "ChildInformingExceptionRecorded": {"explanation"},
    "ReporterAnonymityAgreed": {"argument"},
    "AmkNotified": {"school_continues"},
    "VeiligThuisFeedbackReceived": {"steps_taken"},
    "FollowUpScheduled": {"agreements"},
    "FollowUpEvaluated": {"findings"},
    "CaseClosed": {"aftercare", "reason"},
    "CaseReopened": {"reason"},
    "CaseTransferred": {"legal_basis_explanation"},
    "JgzConsultationRequested": {"question"},
    "JgzConsultationResultReceived": {"advice"},
    "CaseHandedOverToJgz": {"legal_basis_explanation", "summary"},
}
"""Personal fields that are the pupil's own data (texts about the pupil and the family): exported."""


def _personal_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    paths = {prefix + name for name in personal_field_names(model)}
    for name, inner in nested_models(model).items():
        paths |= _personal_paths(inner, f"{prefix}{name}.")
    return paths


def test_every_personal_field_of_the_chronology_is_classified_for_the_parents_export() -> None:
    """A new personal field in a contract fails here until it is named: a third party's identity
    (withheld), a staff id (anonymity rule) or the pupil's own data (exported)."""
    for event_type in EntryType:
        model = payload_model_of_type(event_type.value)
        assert model is not None, event_type
        third = THIRD_PARTIES.get(event_type, frozenset())
        staff = STAFF_IDS_MARKED_PERSONAL.get(event_type.value, set())
        pupil = ABOUT_THE_PUPIL.get(event_type.value, set())
        assert _personal_paths(model) == third | staff | pupil, event_type
        assert not (third & pupil or third & staff or staff & pupil), event_type


def test_an_anonymous_case_the_exporting_school_does_not_see_still_hides_its_reporter(events: Events) -> None:
    whole = entries_of(a_pupil_with(events, anonymous=True))
    signals_only = [e for e in whole if e.case_id is None]  # e.g. what another school sees
    export = parents_export(PUPIL, signals_only, whole_chronology=whole)
    assert export.reporter_anonymous
    assert all(e.actor_id is None for e in export.entries)
    assert not parents_export(PUPIL, signals_only).reporter_anonymous
