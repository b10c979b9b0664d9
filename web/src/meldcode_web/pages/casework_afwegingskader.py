"""The afwegingskader (decision framework) of step 5 as a guided sequence of questions 1-5.

The texts are the Meldcode's own (docs/domain/afwegingskader.md). The guide
only decides which question to *show* next, following the framework's reading order; whether a
decision is allowed is decided by casework, whose Dutch message the page shows when it refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .casework_forms import FormValues


@dataclass(frozen=True)
class Question:
    number: int
    field: str
    text: str
    explanation: str
    if_yes: str
    if_no: str
    stops_on: bool | None
    """The answer after which the framework asks no further question (None: always continue)."""


QUESTIONS: tuple[Question, ...] = (
    Question(
        1,
        "q1_suspicion",
        "Is er, na de stappen 1 tot en met 4, een vermoeden van huiselijk geweld of kindermishandeling?",
        "Weeg de signalen, het advies uit de collegiale consultatie, het gesprek met de ouders en de "
        "weging van het zorgteam.",
        "Er is een vermoeden: ga verder met vraag 2.",
        "Geen vermoeden: sluit de zaak en leg vast waarom. Ook het besluit om niet te melden wordt "
        "met de redenen vastgelegd.",
        stops_on=False,
    ),
    Question(
        2,
        "q2_acute_or_structural_unsafety",
        "Is er sprake van acute onveiligheid of van structurele onveiligheid?",
        "Acute onveiligheid: het kind of een gezinslid is nu in gevaar. Structurele onveiligheid: "
        "het geweld of de mishandeling houdt aan of herhaalt zich.",
        "Melden bij Veilig Thuis is verplicht, ook als er daarnaast hulp wordt geboden. De vragen 3 "
        "tot en met 5 worden dan samen met Veilig Thuis beantwoord.",
        "Geen acute of structurele onveiligheid: ga verder met vraag 3.",
        stops_on=True,
    ),
    Question(
        3,
        "q3_sufficient_help_possible",
        "Kan de school, samen met de partners, voldoende hulp bieden of organiseren?",
        "Denk aan hulp via het zorgteam, de JGZ, het schoolmaatschappelijk werk of het wijkteam.",
        "Er kan voldoende hulp worden geboden: ga verder met vraag 4.",
        "Onvoldoende hulp mogelijk: melden bij Veilig Thuis.",
        stops_on=False,
    ),
    Question(
        4,
        "q4_help_accepted",
        "Aanvaarden de betrokkenen (ouders en kind) die hulp en werken zij mee?",
        "Ouders worden geïnformeerd, niet om toestemming gevraagd; het gaat erom of zij de hulp "
        "aanvaarden en meewerken.",
        "De hulp wordt aanvaard: ga verder met vraag 5.",
        "De hulp wordt niet aanvaard: melden bij Veilig Thuis.",
        stops_on=False,
    ),
    Question(
        5,
        "q5_lasting_safety",
        "Leidt de hulp binnen de afgesproken termijn tot blijvende veiligheid?",
        "Vaak is dit bij het besluit nog niet bekend; laat de vraag dan open en beantwoord haar bij "
        "de evaluatie (stap 6).",
        "Blijvende veiligheid: sluit de zaak later af met afspraken over het volgen.",
        "Geen blijvende veiligheid: (opnieuw) melden bij Veilig Thuis.",
        stops_on=None,
    ),
)


@dataclass(frozen=True)
class ShownQuestion:
    question: Question
    answer: str
    """'ja', 'nee' or '' (not answered)."""
    from_weighing: bool = False
    """Answered by the zorgteam in the weighing (questions 1-2): shown, not asked again."""

    @property
    def consequence(self) -> str:
        return {"ja": self.question.if_yes, "nee": self.question.if_no}.get(self.answer, "")


def guided(values: FormValues, from_weighing: frozenset[str] = frozenset()) -> list[ShownQuestion]:
    """The questions to show, in order: each answered one, then the first open one; none after an
    answer that ends the framework's sequence (question 1 'nee', question 2 'ja')."""
    shown: list[ShownQuestion] = []
    for question in QUESTIONS:
        answer = str(values.get(question.field) or "")
        shown.append(ShownQuestion(question, answer, question.field in from_weighing))
        if answer not in ("ja", "nee"):
            break
        if question.stops_on is not None and (answer == "ja") == question.stops_on:
            break
    return shown


def all_questions(values: FormValues, from_weighing: frozenset[str] = frozenset()) -> list[ShownQuestion]:
    """Every question, for the one long form (no JavaScript)."""
    return [ShownQuestion(q, str(values.get(q.field) or ""), q.field in from_weighing) for q in QUESTIONS]


def weighing_answers(case: dict[str, Any]) -> dict[str, str]:
    """Questions 1-2 as the zorgteam answered them in the case's current weighing (casework's
    `weighing`): question 2 only when question 1 is 'ja'. Empty before a weighing."""
    weighing = case.get("weighing")
    if not isinstance(weighing, dict):
        return {}
    yes_no = {True: "ja", False: "nee"}
    answers = {"q1_suspicion": yes_no[bool(weighing.get("q1_suspicion"))]}
    if weighing.get("q1_suspicion"):
        answers["q2_acute_or_structural_unsafety"] = yes_no[
            bool(weighing.get("q2_acute_or_structural_unsafety"))
        ]
    return answers
