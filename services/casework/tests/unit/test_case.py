"""Opening a case (rule 4), without any I/O."""

import uuid

import pytest

from casework.domain.actor import Actor
from casework.domain.case import Case, KnownSignal, Step
from casework.domain.errors import (
    CaseNeedsSignals,
    OnlyCareStaffOpensCases,
    SignalsOfAnotherPupil,
    UnknownSignals,
)

PUPIL = uuid.uuid4()


def known(pupil: uuid.UUID = PUPIL, school: str = "12AB") -> KnownSignal:
    return KnownSignal(uuid.uuid4(), pupil, "swv-zuid", school)


def open_case(
    signal_ids: list[uuid.UUID], signals: list[KnownSignal], role: str = "intern_begeleider"
) -> Case:
    return Case.open(
        pupil_id=PUPIL,
        signal_ids=signal_ids,
        known_signals=signals,
        case_owner_id="ib-1",
        by=Actor("ib-1", role, "c"),
    )


def test_an_ib_er_opens_a_case_from_recorded_signals_of_one_pupil() -> None:
    signals = [known(), known()]
    case = open_case([s.signal_id for s in signals], signals)
    assert case.step is Step.OPENED
    assert case.school == "12AB"
    assert case.signal_ids == [s.signal_id for s in signals]


def test_a_case_without_signals_is_refused() -> None:
    with pytest.raises(CaseNeedsSignals):
        open_case([], [])


def test_a_case_from_signals_casework_has_not_seen_is_refused_and_names_them() -> None:
    missing = uuid.uuid4()
    with pytest.raises(UnknownSignals) as refused:
        open_case([missing], [])
    assert refused.value.signal_ids == [str(missing)]


def test_signals_of_another_pupil_cannot_be_put_in_the_case() -> None:
    mine, theirs = known(), known(pupil=uuid.uuid4())
    with pytest.raises(SignalsOfAnotherPupil):
        open_case([mine.signal_id, theirs.signal_id], [mine, theirs])


def test_a_teacher_cannot_open_a_case() -> None:
    signal = known()
    with pytest.raises(OnlyCareStaffOpensCases):
        open_case([signal.signal_id], [signal], role="leerkracht")


def test_the_same_signal_named_twice_is_taken_once() -> None:
    signal = known()
    assert open_case([signal.signal_id, signal.signal_id], [signal]).signal_ids == [signal.signal_id]
