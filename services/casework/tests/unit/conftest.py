"""Builders for casework's domain tests: a case walked to the step a test starts from.

The `cases` fixture gives a `CaseBuilder`: one pupil, one school, one day (`cases.today`) and one
IB'er giving every command (`cases.by`). Each method gives a command with plausible content, so a
test names only what it is about (`cases.inform_parents(case, informed_by="")`).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from casework.domain.actor import Actor
from casework.domain.case import Case, KnownSignal
from casework.domain.decision import Answers, Outcome
from casework.domain.weighing import Participant

TODAY = date(2025, 3, 10)
BORN_11_YEARS_AGO = date(2013, 6, 1)


class CaseBuilder:
    def __init__(self) -> None:
        self.today = TODAY
        self.tomorrow = TODAY + timedelta(days=1)
        self.by = Actor("ib-1", "intern_begeleider", "corr-1")
        self.pupil = uuid.uuid4()
        self.tenant, self.school = "swv-zuid", "12AB"
        self.zorgteam = [
            Participant.of("Ans de Vries", "intern begeleider", "onderwijs"),
            Participant.of("Bram Jansen", "jeugdarts", "jeugdgezondheidszorg"),
        ]

    # --- steps 2 to 4 --------------------------------------------------------------------------------

    def signal(
        self, pupil: uuid.UUID | None = None, tenant: str | None = None, school: str | None = None
    ) -> KnownSignal:
        """A recorded signal (of this builder's pupil, tenant and school unless told otherwise)."""
        return KnownSignal(uuid.uuid4(), pupil or self.pupil, tenant or self.tenant, school or self.school)

    def opened(self, signals: int = 2) -> Case:
        known = [self.signal() for _ in range(signals)]
        return Case.open(
            pupil_id=self.pupil,
            signal_ids=[s.signal_id for s in known],
            known_signals=known,
            case_owner_id="ib-1",
            by=self.by,
        )

    def talked(self, case: Case | None = None) -> Case:
        case = case or self.opened()
        case.hold_parents_conversation(
            held_on=self.today,
            participants=["leerkracht", "ib-1", "moeder"],
            summary="Zorgen besproken.",
            today=self.today,
            by=self.by,
        )
        return case

    def weigh(
        self,
        case: Case,
        *,
        suspicion: bool = True,
        structural: bool = False,
        acute: bool = False,
        nature: str = "Herhaalde blauwe plekken en angst om naar huis te gaan.",
    ) -> Case:
        case.weigh_risk(
            participants=self.zorgteam,
            nature=nature,
            severity="ernstig",
            risk_level="hoog",
            suspicion=suspicion,
            acute_unsafety=acute,
            structural_unsafety=structural,
            approach="Gesprek ouders, JGZ-onderzoek.",
            today=self.today,
            by=self.by,
        )
        return case

    def weighed(self, **weighing: Any) -> Case:
        """Opened, talked with the parents and weighed (suspicion, no unsafety unless told)."""
        return self.weigh(self.talked(), **weighing)

    # --- step 5 ----------------------------------------------------------------------------------------

    def decide(self, case: Case, answers: Answers, outcome: Outcome | str, **extra: Any) -> None:
        fields: dict[str, Any] = {
            "reasons": "Afgewogen in het zorgteam op basis van de signalen.",
            "who_reports": "jgz-arts-1",
            "who_informs_parents": "ib-1",
            **extra,
        }
        case.make_decision(answers=answers, outcome=outcome, today=self.today, **fields, by=self.by)

    def report_decided(self) -> Case:
        """Structural unsafety: report, and help."""
        case = self.weighed(structural=True)
        self.decide(case, Answers(True, True), Outcome.REPORT_AND_HELP)
        return case

    def report_only_decided(self) -> Case:
        """No unsafety, but help is not sufficient (question 3 "no"): report, without help."""
        case = self.weighed()
        self.decide(case, Answers(True, False, False), Outcome.REPORT)
        return case

    def help_decided(self) -> Case:
        case = self.weighed()
        self.decide(case, Answers(True, False, True, True), Outcome.HELP)
        return case

    def inform_parents(self, case: Case, **overrides: Any) -> None:
        fields = {
            "informed_on": self.today,
            "informed_by": "ib-1",
            "summary": "Voornemen tot melding verteld.",
        }
        case.inform_parents(today=self.today, **{**fields, **overrides}, by=self.by)

    def inform_child(self, case: Case, **overrides: Any) -> None:
        fields = {"informed_on": self.today, "informed_by": "ib-1", "summary": "Uitgelegd wat er gebeurt."}
        case.inform_child(today=self.today, **{**fields, **overrides}, by=self.by)

    def notify(self, case: Case, **overrides: Any) -> None:
        fields: dict[str, Any] = {
            "veilig_thuis_region": "Zuid-Holland Zuid",
            "veilig_thuis_organisation": "Veilig Thuis ZHZ",
            "signal_ids": case.signal_ids,
            "school_continues": "Dagelijks contact met de leerling; zorgteam blijft betrokken.",
            "pupil_date_of_birth": BORN_11_YEARS_AGO,
        }
        case.notify_amk(today=self.today, **{**fields, **overrides}, by=self.by)

    def reported(self) -> Case:
        case = self.report_decided()
        self.inform_parents(case)
        self.notify(case)
        return case

    def organise_help(self, case: Case, **overrides: Any) -> None:
        fields: dict[str, Any] = {
            "help_description": "Opvoedondersteuning via het wijkteam.",
            "providers": ["wijkteam"],
        }
        case.organise_help(today=self.today, **{**fields, **overrides}, by=self.by)

    # --- step 6, closing, moving school -------------------------------------------------------------

    def assign_coordinator(self, case: Case, coordinator_id: str = "smw-1") -> None:
        case.assign_care_coordinator(
            coordinator_id=coordinator_id, organisation="SMW", today=self.today, by=self.by
        )

    def schedule(self, case: Case) -> None:
        case.schedule_follow_up(
            evaluation_on=self.today + timedelta(weeks=6),
            agreements="Wekelijks contact.",
            today=self.today,
            by=self.by,
        )

    def follow_up(self, case: Case) -> None:
        """A care coordinator assigned and the evaluation scheduled, six weeks ahead."""
        self.assign_coordinator(case)
        self.schedule(case)

    def evaluate(
        self, case: Case, *, lasting_safety: bool = True, findings: str = "Thuis is het rustig."
    ) -> None:
        case.evaluate_follow_up(
            lasting_safety=lasting_safety, findings=findings, today=self.today, by=self.by
        )

    def helped_with_coordinator(self) -> Case:
        case = self.help_decided()
        self.organise_help(case)
        self.assign_coordinator(case)
        return case

    def close(self, case: Case, reason: str = "Zorgen weggenomen in het gesprek met de ouders.") -> None:
        case.close(reason=reason, today=self.today, by=self.by)

    def closed(self) -> Case:
        case = self.talked()
        self.close(case)
        return case

    def left(self, case: Case) -> Case:
        case.record_pupil_left_school(
            left_on=self.today, destination_school="34CD", today=self.today, by=self.by
        )
        return case

    def transfer(self, case: Case, **overrides: Any) -> None:
        fields: dict[str, Any] = {
            "to_school_tenant": "swv-zuid",
            "to_school": "34CD",
            "legal_basis": "wettelijke_plicht",
            "legal_basis_explanation": "Onderwijskundig rapport bij overstap.",
            "new_case_owner_id": "ib-34cd",
        }
        case.transfer(today=self.today, **{**fields, **overrides}, by=self.by)


@pytest.fixture
def cases() -> CaseBuilder:
    return CaseBuilder()
