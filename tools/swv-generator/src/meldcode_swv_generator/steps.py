"""The case steps of the Meldcode as casework requests, in order, and how far each stage goes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from meldcode_vocabulary.dutch_days import dutch_today

from .shape import School

WHO = str  # "ib" or "zorgteam": which of the school's people sends the step
WEIGHING = [  # rule 6: the weighing is multidisciplinary
    {"name": "IB'er", "role": "intern begeleider", "discipline": "onderwijs"},
    {"name": "Jeugdarts", "role": "jeugdarts", "discipline": "jeugdgezondheidszorg"},
]


def first_steps(school: School, conversation: str) -> list[tuple[WHO, str, dict[str, Any]]]:
    """Every walk starts so: the zorgteam invited, then the conversation with the parents."""
    return [
        ("ib", "zorgteam-invitations", {"member_id": school.zorgteam}),
        (
            "ib",
            "parents-conversation",
            {
                "held_on": dutch_today().isoformat(),
                "participants": ["IB'er", "ouder"],
                "summary": conversation,
            },
        ),
    ]


def reported_walk(school: School, signal_ids: list[str]) -> list[tuple[WHO, str, dict[str, Any]]]:
    """Parents → weighing (structural unsafety) → report and help → parents and child informed →
    Veilig Thuis → feedback → help → care coordinator → follow-up → evaluation → closed."""
    today = dutch_today().isoformat()
    return [
        *first_steps(school, "Zorgen besproken met de ouder."),
        (
            "zorgteam",
            "risk-weighing",
            {
                "participants": WEIGHING,
                "nature": "Herhaalde signalen.",
                "severity": "ernstig",
                "risk_level": "hoog",
                "suspicion": True,
                "acute_unsafety": False,
                "structural_unsafety": True,
                "approach": "Melden bij Veilig Thuis en hulp.",
            },
        ),
        (
            "zorgteam",
            "decision",
            {
                "q1_suspicion": True,
                "q2_acute_or_structural_unsafety": True,
                "outcome": "report_and_help",
                "reasons": "Structurele onveiligheid.",
                "who_reports": school.ib,
                "who_informs_parents": school.ib,
            },
        ),
        (
            "ib",
            "parents-informed",
            {"informed_on": today, "informed_by": school.ib, "summary": "Voornemen tot melding verteld."},
        ),
        (
            "ib",
            "child-informed",
            {
                "informed_on": today,
                "informed_by": school.ib,
                "summary": "Met de leerling besproken wat er gaat gebeuren.",
            },
        ),
        (
            "ib",
            "veilig-thuis-report",
            {
                "veilig_thuis_region": "Zuid",
                "veilig_thuis_organisation": "Veilig Thuis Zuid",
                "signal_ids": signal_ids,
                "school_continues": "Dagelijks contact.",
            },
        ),
        (
            "ib",
            "veilig-thuis-feedback",
            {"received_on": today, "steps_taken": "Veilig Thuis start een onderzoek."},
        ),
        (
            "zorgteam",
            "help",
            {
                "help_description": "Gezinscoach via het wijkteam.",
                "providers": ["wijkteam"],
                "teacher_advice": "Let op verzuim.",
            },
        ),
        (
            "zorgteam",
            "care-coordinator",
            {"coordinator_id": school.zorgteam, "organisation": "Schoolmaatschappelijk werk"},
        ),
        (
            "zorgteam",
            "follow-up",
            {
                "evaluation_on": (dutch_today() + timedelta(weeks=6)).isoformat(),
                "agreements": "Elke twee weken contact.",
            },
        ),
        ("zorgteam", "follow-up-evaluation", {"lasting_safety": True, "findings": "Stabiel en veilig."}),
        (
            "ib",
            "close",
            {"reason": "Blijvende veiligheid vastgesteld.", "aftercare": "De IB'er volgt de leerling."},
        ),
    ]


def no_suspicion_walk(school: School) -> list[tuple[WHO, str, dict[str, Any]]]:
    return [
        *first_steps(school, "De ouder geeft een verklaring die bevestigd wordt."),
        (
            "zorgteam",
            "risk-weighing",
            {
                "participants": WEIGHING,
                "nature": "Eenmalig, met een verklaring.",
                "severity": "licht",
                "risk_level": "laag",
                "suspicion": False,
                "acute_unsafety": False,
                "structural_unsafety": False,
            },
        ),
        (
            "zorgteam",
            "decision",
            {"q1_suspicion": False, "outcome": "no_suspicion_close", "reasons": "Geen vermoeden na weging."},
        ),
        ("ib", "close", {"reason": "Geen vermoeden na weging; besluit en redenen vastgelegd."}),
    ]


STEPS_OF_STAGE = {  # how many steps of the reported walk a stage takes (invitation included)
    "opened": 0,
    "parents_conversation": 2,
    "weighed": 3,
    "decided_to_report": 4,
    "parents_informed": 5,
    "reported": 7,
    "feedback_received": 8,
    "help_organised": 10,
    "follow_up_planned": 11,
    "closed_after_report": 13,
}


def walk(stage: str, school: School, signal_ids: list[str]) -> list[tuple[WHO, str, dict[str, Any]]]:
    if stage == "closed_no_suspicion":
        return no_suspicion_walk(school)
    return reported_walk(school, signal_ids)[: STEPS_OF_STAGE[stage]]
