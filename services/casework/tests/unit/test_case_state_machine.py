"""Random command sequences on one case: the Meldcode's invariants hold after every step, and the
case rebuilt from its events equals the live one. Refusals (DomainError) are fine; crashes are not."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from casework.domain.actor import Actor
from casework.domain.case import Case, KnownSignal
from casework.domain.decision import Answers, Outcome
from casework.domain.errors import DomainError
from casework.domain.weighing import Participant

TODAY = date(2025, 3, 10)
ACT = Actor("u-1", "zorgteam", "c-1")
PUPIL = uuid.uuid4()
SIGNALS = [KnownSignal(uuid.uuid4(), PUPIL, "swv-zuid", "12AB") for _ in range(2)]
ONE_DISCIPLINE = [Participant.of("A", "ib", "onderwijs"), Participant.of("B", "leerkracht", "onderwijs")]
TWO_DISCIPLINES = [
    Participant.of("A", "ib", "onderwijs"),
    Participant.of("C", "jeugdarts", "jeugdgezondheidszorg"),
]
ANSWERS = st.sampled_from(
    [
        Answers(False),
        Answers(True, True),
        Answers(True, False),
        Answers(True, False, True, True),
        Answers(True, False, False),
        Answers(True, False, True, False),
        Answers(True, False, True, True, False),
        Answers(True, None, True),
    ]
)
TEXTS = st.sampled_from(["", "Feitelijk en uitgebreid toegelicht."])
DAYS = st.sampled_from(
    [TODAY - timedelta(days=2), TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=42)]
)
RECEIVED_AT = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
BIRTHS = st.sampled_from([date(2010, 1, 1), date(2013, 3, 10), date(2013, 3, 11), date(2018, 5, 5)])


def name(event: object) -> str:
    return type(event).__name__


def state(case: Case) -> dict[str, Any]:
    return {k: v for k, v in vars(case).items() if k != "_pending_events"}


class CaseMachine(RuleBasedStateMachine):
    @initialize()
    def open_case(self) -> None:
        self.case = Case.open(
            pupil_id=PUPIL,
            signal_ids=[s.signal_id for s in SIGNALS],
            known_signals=SIGNALS,
            case_owner_id="ib-1",
            by=Actor("ib-1", "intern_begeleider", "c-0"),
        )
        self.events: list[Any] = list(self.case.collect_events())
        self.seen = len(self.events)

    def attempt(self, command: str, **kwargs: Any) -> None:
        try:
            getattr(self.case, command)(**kwargs, by=ACT)
        except DomainError:
            pass
        self.events.extend(self.case.collect_events())

    @rule(held_on=DAYS, summary=TEXTS)
    def hold_conversation(self, held_on: date, summary: str) -> None:
        self.attempt(
            "hold_parents_conversation", held_on=held_on, participants=["ib"], summary=summary, today=TODAY
        )

    @rule(reason=st.sampled_from(["veiligheid_kind", "geen_tijd"]), explanation=TEXTS)
    def skip_conversation(self, reason: str, explanation: str) -> None:
        self.attempt("skip_parents_conversation", reason=reason, explanation=explanation, today=TODAY)

    @rule(
        two=st.booleans(),
        suspicion=st.booleans(),
        acute=st.booleans(),
        structural=st.booleans(),
    )
    def weigh(self, two: bool, suspicion: bool, acute: bool, structural: bool) -> None:
        self.attempt(
            "weigh_risk",
            participants=TWO_DISCIPLINES if two else ONE_DISCIPLINE,
            nature="Signalen van verwaarlozing.",
            severity="ernstig",
            risk_level="hoog",
            suspicion=suspicion,
            acute_unsafety=acute,
            structural_unsafety=structural,
            today=TODAY,
        )

    @rule(answers=ANSWERS, outcome=st.sampled_from(list(Outcome)), reasons=TEXTS, names=st.booleans())
    def decide(self, answers: Answers, outcome: Outcome, reasons: str, names: bool) -> None:
        self.attempt(
            "make_decision",
            answers=answers,
            outcome=outcome,
            reasons=reasons,
            who_reports="jgz-1" if names else None,
            who_informs_parents="ib-1" if names else None,
            today=TODAY,
        )

    @rule(outcome=st.sampled_from(list(Outcome)))
    def decide_as_weighed(self, outcome: Outcome) -> None:
        """Answers that agree with the current weighing, so that random walks get past step 5."""
        weighing = self.case.weighing
        if weighing is None or not weighing.suspicion:
            answers = Answers(False)
        elif weighing.unsafety:
            answers = Answers(True, True)
        else:
            answers = Answers(True, False, True, True)
        self.attempt(
            "make_decision",
            answers=answers,
            outcome=outcome,
            reasons="Afgewogen volgens het afwegingskader.",
            who_reports="jgz-1",
            who_informs_parents="ib-1",
            today=TODAY,
        )

    @rule(description=TEXTS)
    def organise_help(self, description: str) -> None:
        self.attempt("organise_help", help_description=description, providers=["wijkteam"], today=TODAY)

    @rule(exception=st.booleans())
    def parents(self, exception: bool) -> None:
        if exception:
            self.attempt(
                "record_parents_informing_exception",
                ground="veiligheid_kind",
                explanation="Dreiging richting het kind.",
                today=TODAY,
            )
        else:
            self.attempt(
                "inform_parents", informed_on=TODAY, informed_by="ib-1", summary="Verteld.", today=TODAY
            )

    @rule(exception=st.booleans())
    def child(self, exception: bool) -> None:
        if exception:
            self.attempt(
                "record_child_informing_exception",
                ground="ontwikkelingsniveau",
                explanation="Niet te bevatten voor de leerling.",
                today=TODAY,
            )
        else:
            self.attempt(
                "inform_child", informed_on=TODAY, informed_by="ib-1", summary="Uitgelegd.", today=TODAY
            )

    @rule(argument=TEXTS)
    def anonymity(self, argument: str) -> None:
        self.attempt(
            "agree_reporter_anonymity", ground="verstoring_relatie_gezin", argument=argument, today=TODAY
        )

    @rule(born=BIRTHS, own_signals=st.sampled_from(["own", "none", "foreign"]))
    def report(self, born: date, own_signals: str) -> None:
        signal_ids = {"own": [SIGNALS[0].signal_id], "none": [], "foreign": [uuid.uuid4()]}[own_signals]
        self.attempt(
            "notify_amk",
            veilig_thuis_region="Zuid",
            veilig_thuis_organisation="Veilig Thuis Zuid",
            signal_ids=signal_ids,
            school_continues="Blijft dagelijks in contact.",
            pupil_date_of_birth=born,
            today=TODAY,
        )

    @rule()
    def feedback(self) -> None:
        self.attempt(
            "receive_veilig_thuis_feedback", received_on=TODAY, steps_taken="Onderzoek.", today=TODAY
        )

    @rule()
    def coordinator(self) -> None:
        self.attempt("assign_care_coordinator", coordinator_id="smw-1", today=TODAY)

    @rule(on=DAYS)
    def schedule(self, on: date) -> None:
        self.attempt("schedule_follow_up", evaluation_on=on, today=TODAY)

    @rule(lasting=st.booleans())
    def evaluate(self, lasting: bool) -> None:
        self.attempt("evaluate_follow_up", lasting_safety=lasting, findings="Bevindingen.", today=TODAY)

    @rule(reason=TEXTS)
    def close(self, reason: str) -> None:
        self.attempt("close", reason=reason, aftercare="Nazorg door de IB'er.", today=TODAY)

    @rule(reason=TEXTS)
    def reopen(self, reason: str) -> None:
        self.attempt("reopen", reason=reason, today=TODAY)

    @rule(owner=st.sampled_from(["ib-1", "ib-2", "ib-3"]))
    def change_owner(self, owner: str) -> None:
        self.attempt("change_owner", new_owner_id=owner)

    @rule()
    def pupil_leaves(self) -> None:
        self.attempt("record_pupil_left_school", left_on=TODAY, destination_school="34CD", today=TODAY)

    @rule(
        basis=st.sampled_from([None, "wettelijke_plicht"]),
        tenant=st.sampled_from(["swv-zuid", "swv-noord", None]),
    )
    def transfer(self, basis: str | None, tenant: str | None) -> None:
        self.attempt(
            "transfer",
            to_school_tenant=tenant,
            to_school="34CD" if self.case.school == "12AB" else "12AB",
            legal_basis=basis,
            legal_basis_explanation="Onderwijskundig rapport.",
            new_case_owner_id="ib-9",
            today=TODAY,
        )

    @rule(partner=st.sampled_from([None, "GGD Zuid JGZ"]), question=TEXTS, by_ib=st.booleans())
    def request_jgz(self, partner: str | None, question: str, by_ib: bool) -> None:
        actor = Actor("ib-9", "intern_begeleider", ACT.correlation_id) if by_ib else ACT
        try:
            self.case.request_jgz_consultation(
                question=question, jgz_organisation=partner, today=TODAY, by=actor
            )
        except DomainError:
            pass
        self.events.extend(self.case.collect_events())

    @rule(message=st.sampled_from(["m-1", "m-2", " m-1 ", ""]), answers_request=st.booleans())
    def jgz_result(self, message: str, answers_request: bool) -> None:
        requests = [c.request_id for c in self.case.jgz_consultations]
        try:
            self.case.receive_jgz_consultation_result(
                message_id=message,
                request_id=requests[-1] if answers_request and requests else None,
                jgz_organisation="GGD Zuid JGZ",
                advice="Advies van de jeugdarts.",
                professional="Jeugdarts",
                received_at=RECEIVED_AT,
                by=Actor("jgz:GGD Zuid JGZ", "system", "c-jgz"),
            )
        except DomainError:
            pass
        self.events.extend(self.case.collect_events())

    @rule(basis=st.sampled_from([None, "wettelijke_plicht", "toestemming_ouders"]), summary=TEXTS)
    def hand_over_to_jgz(self, basis: str | None, summary: str) -> None:
        self.attempt(
            "hand_over_to_jgz",
            legal_basis=basis,
            legal_basis_explanation="Ouders gaven schriftelijk toestemming.",
            summary=summary,
            jgz_organisation="GGD Zuid JGZ",
            today=TODAY,
        )

    # --- guided progress: do what the case says is needed next, so that walks reach steps 5 and 6 ---

    def advance(self, data: st.DataObject) -> None:
        needed = [o.code for o in self.case.open_obligations()]
        if not needed:
            return
        code = data.draw(st.sampled_from(needed))
        draw_bool = lambda: data.draw(st.booleans())  # noqa: E731
        if code == "gesprek_ouders":
            self.hold_conversation(TODAY, "Zorgen besproken met moeder.")
        elif code == "weging_zorgteam":
            suspicion = draw_bool()
            self.weigh(True, suspicion, suspicion and draw_bool(), suspicion and draw_bool())
        elif code.startswith("besluit"):
            self.decide_as_weighed(data.draw(st.sampled_from(list(Outcome))))
        elif code.startswith("zaak_sluiten"):
            self.close("Reden vastgelegd in het zorgteam.")
        elif code == "ouders_informeren":
            self.parents(draw_bool())
        elif code.startswith("kind_informeren"):
            self.child(draw_bool())
        elif code == "melden_veilig_thuis":
            if draw_bool():
                self.anonymity("Relatie met het gezin is essentieel voor de leerling.")
            self.report(data.draw(BIRTHS), "own")
        elif code == "hulp_organiseren":
            self.organise_help("Opvoedondersteuning via het wijkteam.")
        elif code == "terugkoppeling_veilig_thuis":
            self.feedback()
        elif code == "zorgcoordinator_aanwijzen":
            self.coordinator()
        elif code == "evaluatie_plannen":
            self.schedule(TODAY + timedelta(days=42))
        elif code == "evaluatie_uitvoeren":
            self.evaluate(draw_bool())
        elif code == "overdracht":
            self.transfer("wettelijke_plicht", "swv-zuid")

    @rule(data=st.data())
    def advance_once(self, data: st.DataObject) -> None:
        self.advance(data)

    @rule(data=st.data())
    def advance_twice(self, data: st.DataObject) -> None:
        self.advance(data)
        self.advance(data)

    @rule(data=st.data())
    def advance_thrice(self, data: st.DataObject) -> None:
        for _ in range(3):
            self.advance(data)

    # --- invariants -------------------------------------------------------------------------------

    @invariant()
    def no_report_without_the_parents_informed_or_an_exception(self) -> None:
        since_decision: set[str] = set()
        for e in self.events:
            if name(e) == "DecisionMade":
                since_decision = set()
            since_decision.add(name(e))
            if name(e) == "AmkNotified":
                assert since_decision & {"ParentsInformed", "ParentsInformingExceptionRecorded"}
                if e.pupil_age_on_report >= 12:
                    assert since_decision & {"ChildInformed", "ChildInformingExceptionRecorded"}
                assert e.signal_ids
                assert set(e.signal_ids) <= {s.signal_id for s in SIGNALS}

    @invariant()
    def no_unsafe_case_closed_without_a_report(self) -> None:
        unsafe = False
        reported_since_weighing = False
        for e in self.events:
            if name(e) == "RiskWeighed":
                unsafe = e.q2_acute_unsafety or e.q2_structural_unsafety
                reported_since_weighing = False
            elif name(e) == "AmkNotified":
                reported_since_weighing = True
            elif name(e) == "CaseClosed":
                assert not unsafe or reported_since_weighing

    @invariant()
    def no_decision_before_a_weighing(self) -> None:
        names = [name(e) for e in self.events]
        if "DecisionMade" in names:
            assert "RiskWeighed" in names[: names.index("DecisionMade")]

    @invariant()
    def help_only_never_decided_with_unsafety(self) -> None:
        unsafe = False
        for e in self.events:
            if name(e) == "RiskWeighed":
                unsafe = e.q2_acute_unsafety or e.q2_structural_unsafety
            elif name(e) == "DecisionMade" and unsafe:
                assert e.outcome in ("report", "report_and_help")

    @invariant()
    def each_jgz_message_is_recorded_once_and_hand_overs_name_a_legal_basis(self) -> None:
        received = [e.message_id for e in self.events if name(e) == "JgzConsultationResultReceived"]
        assert len(received) == len(set(received))
        handed_over = [e for e in self.events if name(e) == "CaseHandedOverToJgz"]
        assert all(
            e.legal_basis in ("toestemming_ouders", "wettelijke_taak_jgz", "conflict_van_plichten")
            for e in handed_over
        )

    @invariant()
    def the_history_only_grows(self) -> None:
        assert len(self.events) >= self.seen
        self.seen = len(self.events)
        assert [e.originator_version for e in self.events] == list(range(1, len(self.events) + 1))

    @invariant()
    def replaying_the_events_gives_the_live_state(self) -> None:
        rebuilt: Any = None
        for e in self.events:
            rebuilt = e.mutate(rebuilt)
        assert rebuilt.version == self.case.version
        assert rebuilt.step is self.case.step
        assert rebuilt.open_obligations() == self.case.open_obligations()
        assert state(rebuilt) == state(self.case)


CaseMachine.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_random_commands_keep_the_meldcode_invariants = CaseMachine.TestCase
