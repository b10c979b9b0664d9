"""Snapshots of long cases: the case's state as plain data (for the JSON transcoder) and back.

The event store serialises snapshots as JSON, which turns enums into plain strings and knows no
value objects; these two functions make that round trip exact, so a case loaded from a snapshot
behaves like one replayed from all its events.
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

from meldcode_vocabulary import ObligationKind

from .decision import Answers, Decision, Outcome
from .decision_round import DecisionRound
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
}
ROUND_ENUM_FIELDS: dict[str, type[Enum]] = {
    "parents_exception": SafetyGround,
    "child_exception": ChildExceptionGround,
    "anonymity_ground": AnonymityGround,
}
ROUND_FIELDS = tuple(f.name for f in dataclasses.fields(DecisionRound))


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


def _decision_round(data: dict[str, Any]) -> DecisionRound:
    round_: dict[str, Any] = {name: data.get(name) for name in ROUND_FIELDS}
    for name, kind in ROUND_ENUM_FIELDS.items():
        if round_[name] is not None:
            round_[name] = kind(round_[name])
    if round_["decision"] is not None:
        round_["decision"] = _decision(round_["decision"])
    help_ = round_["help"]  # snapshots taken before the case kept its help have none
    if help_ is not None:
        round_["help"] = AgreedHelp(**{**help_, "providers": tuple(help_["providers"])})
    for flag in ("parents_informed", "child_informed", "reported", "help_organised"):
        round_[flag] = bool(round_[flag])
    return DecisionRound(**round_)


def from_plain(state: dict[str, Any]) -> dict[str, Any]:
    """The inverse of `to_plain`."""
    restored = dict(state)
    for name, kind in ENUM_FIELDS.items():
        if restored.get(name) is not None:
            restored[name] = kind(restored[name])
    if restored.get("weighing") is not None:
        restored["weighing"] = _weighing(restored["weighing"])
    if "decision_round" not in restored:  # snapshots taken before the case kept its decision round
        restored["decision_round"] = {name: restored.pop(name, None) for name in ROUND_FIELDS}
    restored["decision_round"] = _decision_round(restored["decision_round"])
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
