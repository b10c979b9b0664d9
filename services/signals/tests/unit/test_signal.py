"""Step 1 (signaleren) as the Signal aggregate enforces it, without any I/O."""

import uuid
from datetime import date

import pytest

from signals.domain.errors import (
    SignalCorrectedOnlyByObserver,
    SignalNeedsFacts,
    SignalNotYetObserved,
    ThirdPartySourceMustBeNamed,
)
from signals.domain.signal import Observation, Signal, SignalCategory, SourceKind

TODAY = date(2026, 11, 29)


def observation(**changes: object) -> Observation:
    fields: dict[str, object] = {
        "observed_on": date(2026, 11, 20),
        "description": "Blauwe plek op de bovenarm, zichtbaar bij de gymles.",
        "source_kind": SourceKind.OWN_OBSERVATION,
        "source_name": None,
        "categories": (SignalCategory.PHYSICAL,),
        "interpretation": None,
    }
    fields.update(changes)
    return Observation(**fields)  # type: ignore[arg-type]


def record(obs: Observation) -> Signal:
    return Signal.record(
        tenant="swv-zuid",
        school="12AB",
        pupil_id=uuid.uuid4(),
        observation=obs,
        today=TODAY,
        actor_id="leerkracht-1",
        actor_role="leerkracht",
        correlation_id="c-1",
    )


def test_a_factual_signal_is_recorded_with_its_observer_and_source() -> None:
    signal = record(observation(interpretation="Misschien thuis gevallen?"))
    assert signal.observer_id == "leerkracht-1"
    assert signal.source_kind == "own_observation"
    assert signal.interpretation == "Misschien thuis gevallen?"
    assert [type(e).__name__ for e in signal.collect_events()] == ["Recorded"]


def test_a_signal_without_a_factual_description_is_refused() -> None:
    with pytest.raises(SignalNeedsFacts):
        record(observation(description="   raar   "))


def test_a_signal_observed_in_the_future_is_refused() -> None:
    with pytest.raises(SignalNotYetObserved):
        record(observation(observed_on=date(2026, 11, 30)))


def test_what_a_third_party_said_needs_that_party_named() -> None:
    with pytest.raises(ThirdPartySourceMustBeNamed):
        record(observation(source_kind=SourceKind.THIRD_PARTY, source_name=" "))
    assert (
        record(observation(source_kind=SourceKind.THIRD_PARTY, source_name="Buurvrouw")).source_name
        == "Buurvrouw"
    )


def test_a_correction_is_a_new_event_and_the_original_stays_in_the_history() -> None:
    signal = record(observation())
    signal.correct(
        observation=observation(observed_on=date(2026, 11, 19)),
        reason="Datum verkeerd ingevuld",
        today=TODAY,
        actor_id="leerkracht-1",
        actor_role="leerkracht",
        correlation_id="c-2",
    )
    events = signal.collect_events()
    assert [type(e).__name__ for e in events] == ["Recorded", "Corrected"]
    assert events[0].observed_on == date(2026, 11, 20)  # type: ignore[attr-defined]
    assert signal.observed_on == date(2026, 11, 19)
    assert signal.corrections == 1


def test_a_correction_needs_a_reason() -> None:
    signal = record(observation())
    with pytest.raises(SignalNeedsFacts):
        signal.correct(
            observation=observation(),
            reason=" ",
            today=TODAY,
            actor_id="leerkracht-1",
            actor_role="leerkracht",
            correlation_id="c-2",
        )


def correct(signal: Signal, *, actor_id: str, actor_role: str) -> None:
    signal.correct(
        observation=observation(description="Blauwe plek op de linker bovenarm, bij de gymles."),
        reason="Arm verduidelijkt",
        today=TODAY,
        actor_id=actor_id,
        actor_role=actor_role,
        correlation_id="c-2",
    )


def test_a_colleague_cannot_correct_someone_elses_signal() -> None:
    signal = record(observation())
    with pytest.raises(SignalCorrectedOnlyByObserver) as refused:
        correct(signal, actor_id="leerkracht-2", actor_role="leerkracht")
    assert refused.value.rule == "rule-1-correction-by-observer"
    assert refused.value.status == 422
    assert signal.corrections == 0
    assert [type(e).__name__ for e in signal.collect_events()] == ["Recorded"]


def test_the_observer_and_the_ib_er_may_correct_and_each_text_keeps_its_author() -> None:
    signal = record(observation())
    assert [(a.version, a.actor_id) for a in signal.authors] == [(1, "leerkracht-1")]
    correct(signal, actor_id="leerkracht-1", actor_role="leerkracht")
    correct(signal, actor_id="ib-1", actor_role="intern_begeleider")
    assert signal.observer_id == "leerkracht-1", "the observer stays the author of the recorded text"
    assert [(a.version, a.actor_id, a.actor_role) for a in signal.authors] == [
        (1, "leerkracht-1", "leerkracht"),
        (2, "leerkracht-1", "leerkracht"),
        (3, "ib-1", "intern_begeleider"),
    ]
    assert signal.written_by.actor_id == "ib-1"
    assert signal.corrections == 2
