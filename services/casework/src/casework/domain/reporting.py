"""Step 5 of a case: the report to Veilig Thuis, its preparation and its feedback (rules 8, 9, 10, 11)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from . import events
from .actor import Actor
from .case_base import CaseBase, not_in_future, require_explanation
from .decision import Decision
from .errors import (
    AnonymityNeedsLegalGround,
    ChildOver12MustBeInformed,
    DateOfBirthInvalid,
    DateOfBirthUnknown,
    ExceptionNeedsLegalGround,
    FeedbackBeforeReport,
    FeedbackBeforeReportDay,
    FeedbackNeedsContent,
    InformingNeedsContent,
    ReportAlreadyMade,
    ReporterNotAsDecided,
    ReportNeedsContent,
    ReportNeedsParentsInformed,
    ReportNeedsSignals,
    ReportNotDecided,
    ReportSignalsOfAnotherCase,
)
from .parents import SafetyGround
from .report import CHILD_INFORMED_FROM_AGE, AnonymityGround, ChildExceptionGround, age_on
from .values import E, choose, text


class Reporting(CaseBase):
    """The commands of `Case` that prepare and make the report, and record Veilig Thuis's feedback."""

    def _require_report_preparation(self) -> Decision:
        self._require_open()
        if self.decision_round.decision is None or not self.decision_round.decision.outcome.reports:
            raise ReportNotDecided(
                "Het zorgteam heeft (nog) niet besloten tot een melding bij Veilig Thuis (afwegingskader)."
            )
        if self.decision_round.reported:
            raise ReportAlreadyMade("De melding bij Veilig Thuis over dit besluit is al gedaan.")
        return self.decision_round.decision

    # --- step 5: before the report (rules 8, 10) ---------------------------------------------------------

    def inform_parents(
        self,
        *,
        informed_on: date,
        informed_by: str,
        summary: str,
        today: date,
        by: Actor,
    ) -> None:
        """Rule 8: the parents are informed of the intended report (informed, not asked)."""
        self._record_informing(
            events.ParentsInformed, "de ouders", informed_on, informed_by, summary, today, by
        )

    def record_parents_informing_exception(
        self,
        *,
        ground: SafetyGround | str,
        explanation: str,
        today: date,
        by: Actor,
    ) -> None:
        """Rule 8: the parents are not informed of the report, on one of the legal grounds."""
        self._record_informing_exception(
            events.ParentsInformingExceptionRecorded,
            SafetyGround,
            ground,
            whom="de ouders",
            why="Licht toe waarom de ouders niet worden geïnformeerd",
            explanation=explanation,
            today=today,
            by=by,
        )

    def inform_child(
        self,
        *,
        informed_on: date,
        informed_by: str,
        summary: str,
        today: date,
        by: Actor,
    ) -> None:
        """Rule 8: the pupil is told about the report (required from 12 years on the reporting date)."""
        self._record_informing(
            events.ChildInformed, "de leerling", informed_on, informed_by, summary, today, by
        )

    def record_child_informing_exception(
        self,
        *,
        ground: ChildExceptionGround | str,
        explanation: str,
        today: date,
        by: Actor,
    ) -> None:
        self._record_informing_exception(
            events.ChildInformingExceptionRecorded,
            ChildExceptionGround,
            ground,
            whom="de leerling",
            why="Licht toe waarom de leerling niet wordt geïnformeerd",
            explanation=explanation,
            today=today,
            by=by,
        )

    def _record_informing(
        self,
        informed: type[events.ParentsInformed | events.ChildInformed],
        whom: str,
        informed_on: date,
        informed_by: str,
        summary: str,
        today: date,
        by: Actor,
    ) -> None:
        """Rule 8: who informed `whom` (the parents or the pupil) of the intended report, and what was said."""
        self._require_report_preparation()
        not_in_future(informed_on, today, f"het informeren van {whom}")
        if not text(informed_by) or not text(summary):
            raise InformingNeedsContent(f"Leg vast wie {whom} informeerde en wat er is gezegd.")
        self.trigger_event(
            informed,
            **self._context(by),
            informed_on=informed_on,
            informed_by=text(informed_by),
            summary=text(summary),
        )

    def _record_informing_exception(
        self,
        recorded: type[events.ParentsInformingExceptionRecorded | events.ChildInformingExceptionRecorded],
        grounds: type[E],
        ground: E | str,
        *,
        whom: str,
        why: str,
        explanation: str,
        today: date,
        by: Actor,
    ) -> None:
        """Rule 8: on which legal ground the parents or the pupil are not informed of the report, and why."""
        self._require_report_preparation()
        chosen = choose(grounds, ground, f"grond om {whom} niet te informeren")
        explained = require_explanation(explanation, ExceptionNeedsLegalGround, why)
        self.trigger_event(
            recorded,
            **self._context(by),
            recorded_on=today,
            ground=chosen.value,
            explanation=explained,
        )

    def agree_reporter_anonymity(
        self,
        *,
        ground: AnonymityGround | str,
        argument: str,
        today: date,
        by: Actor,
    ) -> None:
        """Rule 10: the report is on name; anonymity toward the family only on one of three grounds."""
        decision = self._require_report_preparation()
        chosen = choose(AnonymityGround, ground, "grond voor anonimiteit van de melder")
        explained = require_explanation(
            argument,
            AnonymityNeedsLegalGround,
            "Beargumenteer waarom de melder anoniem blijft tegenover het gezin",
        )
        self.trigger_event(
            events.ReporterAnonymityAgreed,
            **self._context(by),
            agreed_on=today,
            reporter_id=decision.who_reports or "",
            ground=chosen.value,
            argument=explained,
        )

    # --- step 5: the report (rules 8, 9, 10) ---------------------------------------------------------

    def _require_report_ready(self, pupil_date_of_birth: date | None, today: date) -> tuple[Decision, int]:
        """Rules 8: what must hold before the report itself; returns the decision and the pupil's age."""
        decision = self._require_report_preparation()
        if not self.decision_round.parents_prepared:
            raise ReportNeedsParentsInformed(
                "Informeer eerst de ouders over de voorgenomen melding bij Veilig Thuis, of leg vast op "
                "welke grond dat niet gebeurt."
            )
        if pupil_date_of_birth is None:
            raise DateOfBirthUnknown(
                "De geboortedatum van de leerling is bij de zaak (nog) niet bekend, dus niet te bepalen of "
                "de leerling eerst over de melding moet horen; probeer het later opnieuw of neem contact op "
                "met de beheerder."
            )
        if pupil_date_of_birth > today:
            raise DateOfBirthInvalid("De geboortedatum van de leerling ligt na de meldingsdatum.")
        age = age_on(pupil_date_of_birth, today)
        if age >= CHILD_INFORMED_FROM_AGE and not self.decision_round.child_prepared:
            raise ChildOver12MustBeInformed(
                f"De leerling is {age} jaar: bespreek de melding eerst met de leerling, of leg vast op "
                "welke grond dat niet gebeurt."
            )
        return decision, age

    def notify_amk(
        self,
        *,
        veilig_thuis_region: str,
        veilig_thuis_organisation: str,
        signal_ids: Sequence[uuid.UUID],
        school_continues: str,
        pupil_date_of_birth: date | None,
        reporter_id: str | None = None,
        today: date,
        by: Actor,
    ) -> None:
        """Report to Veilig Thuis (contract event `AmkNotified`); `today` is the reporting date."""
        decision, age = self._require_report_ready(pupil_date_of_birth, today)
        wanted = list(dict.fromkeys(signal_ids))
        if not wanted:
            raise ReportNeedsSignals("Onderbouw de melding met minstens één vastgelegd signaal.")
        foreign = [str(s) for s in wanted if s not in self.signal_ids]
        if foreign:
            raise ReportSignalsOfAnotherCase(
                "De melding verwijst alleen naar signalen van deze zaak; onbekend: "
                + ", ".join(foreign)
                + "."
            )
        reporter = text(reporter_id) or (decision.who_reports or "")
        if reporter != decision.who_reports:
            raise ReporterNotAsDecided(
                f"Het zorgteam besloot dat {decision.who_reports} meldt; leg een ander besluit vast om "
                "dat te wijzigen."
            )
        if not text(veilig_thuis_region) or not text(veilig_thuis_organisation) or not text(school_continues):
            raise ReportNeedsContent(
                "Noem de Veilig Thuis-regio en -organisatie, en wat de school na de melding zelf blijft doen."
            )
        self.trigger_event(
            events.AmkNotified,
            **self._context(by),
            reported_on=today,
            veilig_thuis_region=text(veilig_thuis_region),
            veilig_thuis_organisation=text(veilig_thuis_organisation),
            reporter_id=reporter,
            reporter_anonymous_to_family=self.decision_round.anonymity_ground is not None,
            signal_ids=wanted,
            school_continues=text(school_continues),
            parents_informed=self.decision_round.parents_informed,
            pupil_age_on_report=age,
            child_informed=self.decision_round.child_informed,
        )

    def _require_reported(self) -> None:
        self._require_open()
        if not self.reports:
            raise FeedbackBeforeReport("Terugkoppeling van Veilig Thuis volgt pas na een melding.")

    def receive_veilig_thuis_feedback(
        self,
        *,
        received_on: date,
        steps_taken: str,
        today: date,
        by: Actor,
    ) -> None:
        """Rule 11: Veilig Thuis tells the reporter which steps it took."""
        self._require_reported()
        not_in_future(received_on, today, "de terugkoppeling")
        if self.reported_on is not None and received_on < self.reported_on:
            raise FeedbackBeforeReportDay(
                "De terugkoppeling van Veilig Thuis kan niet eerder zijn ontvangen dan de melding van "
                f"{self.reported_on:%d-%m-%Y}."
            )
        if not text(steps_taken):
            raise FeedbackNeedsContent("Leg vast welke stappen Veilig Thuis heeft gezet.")
        self.trigger_event(
            events.VeiligThuisFeedbackReceived,
            **self._context(by),
            received_on=received_on,
            steps_taken=text(steps_taken),
        )
