"""The Meldcode's shared words for a case: its steps, the outcomes of the afwegingskader and the
obligations casework publishes, with their Dutch.

They live in the shared vocabulary kernel (`meldcode_vocabulary`, ADR 21), which the domains use
without the wire format; the contracts name them here too, so a reader of the contracts finds them.
"""

from __future__ import annotations

from meldcode_vocabulary.access import ACCESS_PURPOSES, access_purpose_label
from meldcode_vocabulary.cases import (
    OBLIGATION_TEXTS,
    OUTCOME_LABELS,
    REPORTING_OUTCOMES,
    STEP_LABELS,
    CaseStep,
    ObligationKind,
    Outcome,
    obligation_text,
    outcome_label,
    step_label,
)
from meldcode_vocabulary.fields import FIELD_LABELS, VALUE_LABELS, field_label, value_label
from meldcode_vocabulary.roles import ROLE_LABELS, SYSTEM_ACTOR_NAME, UNKNOWN_STAFF_MEMBER
from meldcode_vocabulary.signals import SIGNAL_STATUS_LABELS, SignalStatus, signal_status_label

__all__ = [
    "ACCESS_PURPOSES",
    "FIELD_LABELS",
    "OBLIGATION_TEXTS",
    "OUTCOME_LABELS",
    "REPORTING_OUTCOMES",
    "ROLE_LABELS",
    "SIGNAL_STATUS_LABELS",
    "STEP_LABELS",
    "SYSTEM_ACTOR_NAME",
    "UNKNOWN_STAFF_MEMBER",
    "VALUE_LABELS",
    "CaseStep",
    "ObligationKind",
    "Outcome",
    "SignalStatus",
    "access_purpose_label",
    "field_label",
    "obligation_text",
    "outcome_label",
    "signal_status_label",
    "step_label",
    "value_label",
]
