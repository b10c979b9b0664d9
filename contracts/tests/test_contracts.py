"""The contract events: envelopes, personal-data marking, and the generated documents."""

import typing
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from meldcode_contracts import (
    CaseOpened,
    PupilRegisteredPayload,
    SignalRecordedPayload,
    UnknownEventType,
    parse_event,
    personal_field_names,
    serialize_event,
)
from meldcode_contracts.generate import stale_files
from meldcode_testkit import builders


def case_opened(**changes: object) -> CaseOpened:
    return builders.case_opened(at=datetime(2026, 11, 29, 9, 0, tzinfo=UTC), **changes)


def test_an_event_survives_the_wire_unchanged() -> None:
    event = case_opened()
    assert parse_event(serialize_event(event)) == event


def test_naive_or_non_utc_datetimes_are_refused() -> None:
    with pytest.raises(ValidationError):
        case_opened(occurred_at=datetime(2026, 11, 29, 9, 0))
    with pytest.raises(ValidationError):
        case_opened(recorded_at=datetime(2026, 11, 29, 9, 0, tzinfo=timezone(timedelta(hours=1))))


def test_a_malformed_school_code_is_refused() -> None:
    with pytest.raises(ValidationError):
        case_opened(school="not a brin")


def test_an_event_of_an_unknown_type_is_named_as_such_so_that_a_consumer_can_skip_it() -> None:
    raw = serialize_event(case_opened()).replace(b'"CaseOpened"', b'"CaseDeleted"')
    with pytest.raises(UnknownEventType) as raised:
        parse_event(raw)
    assert raised.value.event_type == "CaseDeleted"


def test_a_message_without_an_event_type_or_not_json_at_all_is_invalid() -> None:
    for raw in (b'{"payload": {}}', b"not json", b"[1, 2]", b'{"event_type": "Case Opened"}'):
        with pytest.raises(ValidationError):
            parse_event(raw)


def test_fields_that_identify_a_person_are_marked_personal() -> None:
    assert personal_field_names(PupilRegisteredPayload) == {
        "pupil_number",
        "given_name",
        "family_name",
        "date_of_birth",
    }
    assert personal_field_names(SignalRecordedPayload) == {"description", "interpretation"}
    assert "pupil_id" not in personal_field_names(SignalRecordedPayload)


def test_the_committed_json_schemas_and_asyncapi_document_match_the_models() -> None:
    assert stale_files() == [], "run: uv run python -m meldcode_contracts.generate"


def test_every_event_of_every_topic_can_be_parsed_from_the_wire() -> None:
    import typing

    from meldcode_contracts.registry import ALL_EVENTS, AnyEvent

    union = typing.get_args(typing.get_args(AnyEvent)[0])
    assert set(union) == set(ALL_EVENTS)
    assert len({e.model_fields["event_type"].default for e in ALL_EVENTS}) == len(ALL_EVENTS)


def test_every_contract_event_has_its_own_dutch_label() -> None:
    from meldcode_contracts.labels import EVENT_LABELS, FALLBACK_LABEL
    from meldcode_contracts.registry import ALL_EVENTS

    names = {e.model_fields["event_type"].default for e in ALL_EVENTS}
    assert set(EVENT_LABELS) == names
    assert FALLBACK_LABEL not in EVENT_LABELS.values()
    assert len(set(EVENT_LABELS.values())) == len(EVENT_LABELS)


def _payload_fields(model: type[typing.Any], found: set[str]) -> set[str]:
    from pydantic import BaseModel

    for name, info in model.model_fields.items():
        found.add(name)
        stack = [info.annotation]
        while stack:
            kind = stack.pop()
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                _payload_fields(kind, found)
            stack.extend(typing.get_args(kind))
    return found


def test_every_field_of_every_payload_has_its_dutch_name_and_every_fixed_choice_its_dutch() -> None:
    from meldcode_contracts import SignalCategory, SourceKind
    from meldcode_contracts.registry import ALL_EVENTS, payload_model_of
    from meldcode_contracts.vocabulary import FIELD_LABELS, VALUE_LABELS, Outcome

    fields: set[str] = set()
    for event in ALL_EVENTS:
        payload = payload_model_of(event)
        if payload is not None:
            _payload_fields(payload, fields)
    assert {"decided_on", "signal_ids", "teacher_advice"} <= fields, "the walk reaches the payloads"
    assert fields <= set(FIELD_LABELS), sorted(fields - set(FIELD_LABELS))
    assert {*Outcome, *SignalCategory, *SourceKind} <= set(VALUE_LABELS)
    assert VALUE_LABELS["report_and_help"] == "Melden bij Veilig Thuis én hulp bieden"


def test_the_contracts_put_the_shared_vocabulary_on_the_wire_and_keep_no_copy_of_it() -> None:
    import meldcode_contracts as contracts
    import meldcode_vocabulary as vocabulary
    from meldcode_contracts import jgz, labels
    from meldcode_contracts import vocabulary as contract_vocabulary

    for name in ("Role", "ERASED", "ErasureReason", "SignalCategory", "SourceKind"):
        assert getattr(contracts, name) is getattr(vocabulary, name)
    for name in ("CaseStep", "Outcome", "ObligationKind", "REPORTING_OUTCOMES", "step_label"):
        assert getattr(contract_vocabulary, name) is getattr(vocabulary, name)
    assert labels.EVENT_LABELS is vocabulary.EVENT_LABELS
    assert jgz.LEGAL_BASES is vocabulary.LEGAL_BASES
