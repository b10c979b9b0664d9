"""The words of steps 1-2, signaleren: where an observation comes from and what kind of signal it is."""

from __future__ import annotations

from enum import StrEnum


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
