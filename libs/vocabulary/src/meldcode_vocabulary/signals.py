"""The words of steps 1-2, signaleren: where an observation comes from and what kind of signal it is."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final


class SourceKind(StrEnum):
    """Where the observation comes from (rule 1: facts, with their source)."""

    OWN_OBSERVATION = "own_observation"
    PUPIL_SAID = "pupil_said"
    PARENT_SAID = "parent_said"
    THIRD_PARTY = "third_party"


class SignalCategory(StrEnum):
    PHYSICAL = "physical"
    EMOTIONAL = "emotional"
    BEHAVIOURAL = "behavioural"
    NEGLECT = "neglect"
    SEXUAL = "sexual"
    DOMESTIC_VIOLENCE = "domestic_violence"
    HONOUR_RELATED = "honour_related"
    OTHER = "other"


class SignalStatus(StrEnum):
    """What became of a signal, as its observer is told (not the case itself: only that there is one)."""

    RECEIVED = "received"
    """Recorded: the school's IB'er or aandachtsfunctionaris has it on their list."""
    IN_CASE = "in_case"
    """A case cites it (opened from it, or it was added to one)."""


SIGNAL_STATUS_LABELS: Final[Mapping[str, str]] = {
    SignalStatus.RECEIVED: "Ontvangen door de IB'er",
    SignalStatus.IN_CASE: "Opgenomen in een zaak",
}


def signal_status_label(status: str) -> str:
    """The Dutch status of a signal; a status this version does not know is shown as it is."""
    return SIGNAL_STATUS_LABELS.get(status, status)
