"""Snapshots of long cases: the case's state as plain data (for the JSON transcoder) and back.

The event store serialises snapshots as JSON, which turns enums into plain strings and knows no
value objects; these two functions make that round trip exact, so a case loaded from a snapshot
behaves like one replayed from all its events.
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

from meldcode_contracts.vocabulary import ObligationKind

from .decision import Answers, Decision, Outcome
from .help import AgreedHelp
from .jgz import JgzConsultation, JgzHandover, JgzLegalBasis, JgzResult
from .obligations import Obligation
from .parents import SafetyGround
from .report import AnonymityGround, ChildExceptionGround
from .steps import Step
from .weighing import Discipline, Participant, RiskLevel, Severity, Weighing

ENUM_FIELDS: dict[str, type[Enum]] = {
    "step": Step,
    "step_before_close": Step,
    "published_step": Step,
    "parents_conversation_skip": SafetyGround,
    "parents_exception": SafetyGround,
    "child_exception": ChildExceptionGround,
    "anonymity_ground": AnonymityGround,
}


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def to_plain(state: dict[str, Any]) -> dict[str, Any]:
    """The case's state with enums as values and value objects as dicts."""
    return {name: _plain(value) for name, value in state.items()}


def _weighing(data: dict[str, Any]) -> Weighing:
    return Weighing(
        participants=tuple(
            Participant(p["name"], p["role"], Discipline(p["discipline"])) for p in data["participants"]
        ),
        nature=data["nature"],
        severity=Severity(data["severity"]),
        risk_level=RiskLevel(data["risk_level"]),
        suspicion=data["suspicion"],
        acute_unsafety=data["acute_unsafety"],
        structural_unsafety=data["structural_unsafety"],
        approach=data["approach"],
    )


def _decision(data: dict[str, Any]) -> Decision:
    return Decision(
        answers=Answers(**data["answers"]),
        outcome=Outcome(data["outcome"]),
        reasons=data["reasons"],
        who_reports=data["who_reports"],
        who_informs_parents=data["who_informs_parents"],
    )


def from_plain(state: dict[str, Any]) -> dict[str, Any]:
    """The inverse of `to_plain`."""
    restored = dict(state)
    for name, kind in ENUM_FIELDS.items():
        if restored.get(name) is not None:
            restored[name] = kind(restored[name])
    if restored.get("weighing") is not None:
        restored["weighing"] = _weighing(restored["weighing"])
    if restored.get("decision") is not None:
        restored["decision"] = _decision(restored["decision"])
    help_ = restored.get("help")  # snapshots taken before the case kept its help have none
    restored["help"] = (
        None if help_ is None else AgreedHelp(**{**help_, "providers": tuple(help_["providers"])})
    )
    # Snapshots taken before casework worked with JGZ have none of these.
    restored["jgz_consultations"] = [JgzConsultation(**c) for c in restored.get("jgz_consultations", [])]
    restored["jgz_results"] = [JgzResult(**r) for r in restored.get("jgz_results", [])]
    restored["jgz_handovers"] = [
        JgzHandover(**{**h, "legal_basis": JgzLegalBasis(h["legal_basis"])})
        for h in restored.get("jgz_handovers", [])
    ]
    # Snapshots taken before casework published its obligations (ADR 18) have none of these.
    published = restored.get("obligations")
    restored["obligations"] = (
        None
        if published is None
        else tuple(Obligation(ObligationKind(o["kind"]), o["due_on"]) for o in published)
    )
    restored.setdefault("published_step", None)
    restored["fresh_obligations"] = tuple(restored.get("fresh_obligations", ()))
    restored.setdefault("reported_on", None)
    return restored
