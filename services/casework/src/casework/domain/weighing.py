"""Step 4, weging en risicotaxatie: the zorgteam's multidisciplinary weighing (rule 6)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .errors import WeighingAnswersInconsistent, WeighingNeedsContent, WeighingNeedsTwoDisciplines
from .values import choose, text


class Discipline(StrEnum):
    EDUCATION = "onderwijs"
    """Teacher, IB'er, aandachtsfunctionaris, school leader."""
    YOUTH_HEALTH_CARE = "jeugdgezondheidszorg"
    """JGZ nurse or doctor."""
    SCHOOL_SOCIAL_WORK = "schoolmaatschappelijk_werk"
    COMPULSORY_EDUCATION = "leerplicht"
    YOUTH_CARE = "jeugdhulp"
    NEIGHBOURHOOD_TEAM = "wijkteam"
    POLICE = "politie"
    OTHER = "overig"


class Severity(StrEnum):
    MILD = "licht"
    MODERATE = "matig"
    SERIOUS = "ernstig"


class RiskLevel(StrEnum):
    LOW = "laag"
    RAISED = "verhoogd"
    HIGH = "hoog"


@dataclass(frozen=True)
class Participant:
    """Who took part in the weighing: name, role in the zorgteam and professional discipline."""

    name: str
    role: str
    discipline: Discipline

    @classmethod
    def of(cls, name: str, role: str, discipline: Discipline | str) -> Participant:
        if not text(name) or not text(role):
            raise WeighingNeedsContent("Noem van iedere deelnemer aan de weging de naam en de rol.")
        return cls(text(name), text(role), choose(Discipline, discipline, "discipline"))

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "role": self.role, "discipline": self.discipline.value}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Participant:
        return cls(data["name"], data["role"], Discipline(data["discipline"]))


@dataclass(frozen=True)
class Weighing:
    """The outcome of the weighing, with afwegingskader question 1 (suspicion?) and 2 (unsafety?)."""

    participants: tuple[Participant, ...]
    nature: str
    severity: Severity
    risk_level: RiskLevel
    suspicion: bool
    """Afwegingskader question 1: is there a suspicion of domestic violence or child abuse?"""
    acute_unsafety: bool
    """Afwegingskader question 2 (acute part)."""
    structural_unsafety: bool
    """Afwegingskader question 2 (structural part)."""
    approach: str
    """The agreed approach (afgestemde aanpak) for child, parents and teacher."""

    @classmethod
    def of(
        cls,
        *,
        participants: list[Participant],
        nature: str,
        severity: Severity | str,
        risk_level: RiskLevel | str,
        suspicion: bool,
        acute_unsafety: bool,
        structural_unsafety: bool,
        approach: str = "",
    ) -> Weighing:
        """Rule 6: validate and build a weighing."""
        disciplines = {p.discipline for p in participants}
        if len(participants) < 2 or len(disciplines) < 2:
            raise WeighingNeedsTwoDisciplines(
                "De weging is multidisciplinair: leg minstens twee deelnemers van verschillende "
                "disciplines vast (bijvoorbeeld onderwijs en jeugdgezondheidszorg)."
            )
        if not text(nature):
            raise WeighingNeedsContent("Beschrijf de aard van de signalen en van het vermoeden.")
        if not suspicion and (acute_unsafety or structural_unsafety):
            raise WeighingAnswersInconsistent(
                "Afwegingskader: zonder vermoeden (vraag 1: nee) kan er geen acute of structurele "
                "onveiligheid zijn vastgesteld (vraag 2)."
            )
        return cls(
            participants=tuple(participants),
            nature=text(nature),
            severity=choose(Severity, severity, "ernst"),
            risk_level=choose(RiskLevel, risk_level, "risiconiveau"),
            suspicion=suspicion,
            acute_unsafety=acute_unsafety,
            structural_unsafety=structural_unsafety,
            approach=text(approach),
        )

    @property
    def unsafety(self) -> bool:
        """Afwegingskader question 2: acute *or* structural unsafety."""
        return self.acute_unsafety or self.structural_unsafety

    def as_event_fields(self) -> dict[str, Any]:
        return {
            "participants": [p.as_dict() for p in self.participants],
            "nature": self.nature,
            "severity": self.severity.value,
            "risk_level": self.risk_level.value,
            "q1_suspicion": self.suspicion,
            "q2_acute_unsafety": self.acute_unsafety,
            "q2_structural_unsafety": self.structural_unsafety,
            "approach": self.approach,
        }

    @classmethod
    def from_event_fields(
        cls,
        *,
        participants: list[dict[str, str]],
        nature: str,
        severity: str,
        risk_level: str,
        q1_suspicion: bool,
        q2_acute_unsafety: bool,
        q2_structural_unsafety: bool,
        approach: str,
    ) -> Weighing:
        """Rebuild without validating: used when an event is applied (also on replay)."""
        return cls(
            participants=tuple(Participant.from_dict(p) for p in participants),
            nature=nature,
            severity=Severity(severity),
            risk_level=RiskLevel(risk_level),
            suspicion=q1_suspicion,
            acute_unsafety=q2_acute_unsafety,
            structural_unsafety=q2_structural_unsafety,
            approach=approach,
        )
