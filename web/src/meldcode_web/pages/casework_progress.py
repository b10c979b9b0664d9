"""The stepper of a case page: the six Meldcode steps, each done, current, to come, or passed without
being recorded (issue 17, item 5).

A step the case has passed is shown "afgerond" only when its record exists: step 2 when a collegiale
consultatie or a JGZ consultation was recorded (the pupil's chronology and the case's history), step 3
when the conversation with the parents was held (or its skip recorded, with its reason). Passing a
step is casework's (the case's step); this only says what the records show, as the melding PDF does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .casework_labels import MELDCODE_STEPS, StepView

CONSULTED = frozenset(
    {
        "ColleagueConsulted",
        "VeiligThuisAdviceRequested",
        "JgzConsultationRequested",
        "JgzConsultationResultReceived",
    }
)


@dataclass(frozen=True)
class ProgressStep:
    number: int
    name: str
    state: str
    """done, skipped, not_recorded, current or todo."""
    note: str = ""
    """Told beside the step (and to screen readers), e.g. "afgerond"."""


def progress_steps(step: StepView, event_types: Iterable[str]) -> list[ProgressStep]:
    """The six steps for a case at `step`, given the event types of its history and of the pupil's
    chronology."""
    seen = set(event_types)
    steps = []
    for number, name in MELDCODE_STEPS:
        if step.number is not None and number == step.number:
            steps.append(ProgressStep(number, name, "current", "huidige stap"))
        elif step.number is not None and number > step.number:
            steps.append(ProgressStep(number, name, "todo"))
        elif number == 2 and not seen & CONSULTED:
            steps.append(ProgressStep(number, name, "not_recorded", "geen consultatie vastgelegd"))
        elif number == 3 and "ParentsConversationHeld" not in seen:
            skipped = "ParentsConversationSkipped" in seen
            steps.append(
                ProgressStep(
                    number,
                    name,
                    "skipped" if skipped else "not_recorded",
                    "overgeslagen, met reden" if skipped else "geen gesprek vastgelegd",
                )
            )
        elif number > 3 and step.number is None and not _recorded(number, seen):
            steps.append(ProgressStep(number, name, "not_recorded", "niet doorlopen"))
        else:
            steps.append(ProgressStep(number, name, "done", "afgerond"))
    return steps


def _recorded(number: int, seen: set[str]) -> bool:
    """A closed case: did it go through step 4, 5 or 6? (It may close right after the parents.)"""
    return {
        4: "RiskWeighed" in seen,
        5: "DecisionMade" in seen,
        6: "CareCoordinatorAssigned" in seen or "FollowUpEvaluated" in seen,
    }.get(number, True)
