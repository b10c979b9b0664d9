"""The Meldcode's own terms, shared by the domains and the contracts (ADR 21).

Plain enums, frozen mappings and Dutch labels; no dependency at all. A domain speaks these words
without knowing the wire format; `meldcode_contracts` puts them on the wire.
"""

from .access import ACCESS_PURPOSES, access_purpose_label
from .cases import (
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
from .erasure import ERASED, ErasureReason
from .event_labels import EVENT_LABELS, FALLBACK_LABEL, event_label
from .fields import FIELD_LABELS, VALUE_LABELS, field_label, value_label
from .jgz import LEGAL_BASES
from .roles import UNKNOWN_STAFF_MEMBER, Role
from .signals import SIGNAL_STATUS_LABELS, SignalCategory, SignalStatus, SourceKind, signal_status_label

__all__ = [
    "ACCESS_PURPOSES",
    "ERASED",
    "EVENT_LABELS",
    "FALLBACK_LABEL",
    "FIELD_LABELS",
    "LEGAL_BASES",
    "OBLIGATION_TEXTS",
    "OUTCOME_LABELS",
    "REPORTING_OUTCOMES",
    "SIGNAL_STATUS_LABELS",
    "STEP_LABELS",
    "UNKNOWN_STAFF_MEMBER",
    "VALUE_LABELS",
    "CaseStep",
    "ErasureReason",
    "ObligationKind",
    "Outcome",
    "Role",
    "SignalCategory",
    "SignalStatus",
    "SourceKind",
    "access_purpose_label",
    "event_label",
    "field_label",
    "obligation_text",
    "outcome_label",
    "signal_status_label",
    "step_label",
    "value_label",
]
