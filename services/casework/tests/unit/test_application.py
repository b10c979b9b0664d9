"""The use cases of casework (`CaseworkApplication`) with fakes of their ports and the in-memory
event store: the facts a command needs come through `CaseFacts`, who gives it through `Acting`, and
the save settles the published obligations under the samenwerkingsverband's terms. No I/O.

Calendar facts used: Koningsdag is Monday 27 April 2026.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from casework.application import CaseChangedConcurrently, CaseworkApplication
from casework.application.case_changes import open_case
from casework.commands import (
    AddSignals,
    CloseCase,
    HoldParentsConversation,
    InformParents,
    MakeDecision,
    NotifyVeiligThuis,
    OpenCase,
    RecordJgzConsultationResult,
    RecordPupilLeftSchool,
    RequestJgzConsultation,
    TransferCase,
    WeighRisk,
)
from casework.domain.case import Case, KnownSignal
from casework.domain.errors import (
    CaseNotFound,
    ChildOver12MustBeInformed,
    JgzPartnerNotConfigured,
    TransferOutsideSamenwerkingsverband,
    TransferToUnknownSchool,
    UnknownSignalsToAdd,
)
from casework.domain.snapshot import from_plain, to_plain
from casework.domain.staff_directory import StaffDirectory
from casework.domain.terms import Terms, TermsBook
from meldcode_contracts.vocabulary import CaseStep
from meldcode_edge.acting import Acting

TENANT = "swv-zuid"
SCHOOL = "12AB"
BEFORE_KONINGSDAG = date(2026, 4, 23)  # a Thursday
TODAY = date(2026, 11, 2)
IB = Acting(user_id="ib-1", role="intern_begeleider", tenant=TENANT, correlation_id="corr-1")


@dataclass
class FakeFacts:
    """What casework knows beside its cases, as a test sets it."""

    born: dict[uuid.UUID, date] = field(default_factory=dict)
    known: list[KnownSignal] = field(default_factory=list)
    schools: dict[str, str] = field(default_factory=dict)
    """School -> its samenwerkingsverband."""
    jgz: dict[str, str] = field(default_factory=dict)

    asked_born: list[uuid.UUID] = field(default_factory=list)

    async def date_of_birth(self, pupil_id: uuid.UUID) -> date | None:
        self.asked_born.append(pupil_id)
        return self.born.get(pupil_id)

    async def signals(self, signal_ids: Sequence[uuid.UUID]) -> list[KnownSignal]:
        return [s for s in self.known if s.signal_id in signal_ids]

    async def tenant_of_school(self, school: str, case_tenant: str) -> str | None:
        return self.schools.get(school)

    async def jgz_organisation(self, tenant: str) -> str | None:
        return self.jgz.get(tenant)

    async def staff_directory(self, tenant: str, school: str, user_ids: Collection[str]) -> StaffDirectory:
        return StaffDirectory(
            school=school, kept=False, roles={}
        )  # no school keeps one (rule 17 tests: their own)


class SchoolRefused(Exception):
    pass


@dataclass
class OwnSchools:
    """The caller's access to data of schools: only of `schools` in `tenant`."""

    tenant: str = TENANT
    schools: frozenset[str] = frozenset({SCHOOL})
    asked: list[tuple[str, str]] = field(default_factory=list)

    def require_school(self, tenant: str, school: str) -> None:
        self.asked.append((tenant, school))
        if tenant != self.tenant or school not in self.schools:
            raise SchoolRefused(school)


@dataclass
class World:
    app: CaseworkApplication
    facts: FakeFacts
    pupil: uuid.UUID = field(default_factory=uuid.uuid4)

    def signal(self, *, tenant: str = TENANT, school: str = SCHOOL) -> KnownSignal:
        signal = KnownSignal(uuid.uuid4(), self.pupil, tenant, school)
        self.facts.known.append(signal)
        return signal

    async def opened(self) -> Case:
        signal = self.signal()
        return await self.app.open_case(
            OpenCase(pupil_id=self.pupil, signal_ids=[signal.signal_id]), IB, access=OwnSchools()
        )

    def events(self, case: Case) -> list[Any]:
        return list(self.app.events.get(case.id))


def world(*, on: date = TODAY, terms: TermsBook | None = None) -> World:
    facts = FakeFacts()
    app = CaseworkApplication(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, terms=terms, facts=facts, today=lambda: on
    )
    return World(app, facts)


def conversation(on: date = TODAY, **fields: Any) -> HoldParentsConversation:
    return HoldParentsConversation(held_on=on, participants=["moeder"], summary="Besproken.", **fields)


async def ready_to_report(w: World) -> Case:
    case = await w.opened()
    case = await w.app.hold_parents_conversation(case, conversation(), IB)
    case = await w.app.weigh_risk(
        case,
        WeighRisk.model_validate(
            {
                "participants": [
                    {"name": "A", "role": "ib", "discipline": "onderwijs"},
                    {"name": "B", "role": "arts", "discipline": "jeugdgezondheidszorg"},
                ],
                "nature": "Herhaald letsel.",
                "severity": "ernstig",
                "risk_level": "hoog",
                "suspicion": True,
                "acute_unsafety": True,
                "structural_unsafety": False,
            }
        ),
        IB,
    )
    case = await w.app.make_decision(
        case,
        MakeDecision.model_validate(
            {
                "q1_suspicion": True,
                "q2_acute_or_structural_unsafety": True,
                "outcome": "report",
                "reasons": "Acute onveiligheid: direct melden bij Veilig Thuis.",
                "who_informs_parents": "ib-1",
                "who_reports": "ib-1",
            }
        ),
        IB,
    )
    return await w.app.inform_parents(
        case, InformParents(informed_on=TODAY, informed_by="ib-1", summary="Verteld."), IB
    )


def report(case: Case) -> NotifyVeiligThuis:
    return NotifyVeiligThuis(
        veilig_thuis_region="Utrecht",
        veilig_thuis_organisation="Veilig Thuis Utrecht",
        signal_ids=case.signal_ids,
        school_continues="Begeleiding in de klas.",
    )


# --- the save: obligations, concurrency, who gave the command ----------------------------------


async def test_a_command_saves_its_event_with_the_obligations_it_settles_under_the_tenants_terms() -> None:
    book = TermsBook(by_tenant={TENANT: Terms(parents_conversation_working_days=1, weighing_working_days=1)})
    w = world(on=BEFORE_KONINGSDAG, terms=book)
    case = await w.opened()
    assert case.version == 2
    w.app.today = lambda: date(2026, 4, 24)
    await w.app.hold_parents_conversation(case, conversation(date(2026, 4, 24), expected_version=2), IB)
    events = w.events(case)
    assert [type(e).__name__ for e in events] == [
        "Opened",
        "ObligationsChanged",
        "ParentsConversationHeld",
        "ObligationsChanged",
    ]
    assert [e.obligations for e in events if type(e).__name__ == "ObligationsChanged"] == [
        [{"kind": "gesprek_ouders", "due_on": date(2026, 4, 24)}],
        [{"kind": "weging_zorgteam", "due_on": date(2026, 4, 28)}],
    ]
    replayed = w.app.get_case(case.id)
    assert replayed.step is CaseStep.PARENTS_CONVERSATION
    assert [(o.code, o.due_on) for o in replayed.published_obligations()] == [
        ("weging_zorgteam", date(2026, 4, 28))
    ]
    assert [e for e in w.app.case_history(case.id) if type(e).__name__ == "ObligationsChanged"] == []


async def test_published_obligations_survive_a_snapshot_exactly() -> None:
    w = world(on=BEFORE_KONINGSDAG)
    case = await w.opened()
    snapshot = Case.Snapshot.take(w.app.get_case(case.id))
    restored = snapshot.mutate(None)
    assert restored.obligations == w.app.get_case(case.id).obligations
    assert restored.published_step is CaseStep.OPENED
    assert from_plain(to_plain(vars(w.app.get_case(case.id))))["obligations"] == restored.obligations


async def test_a_case_stored_before_casework_published_obligations_publishes_them_on_its_next_command() -> (
    None
):
    w = world()
    signal = w.signal()
    legacy = open_case(OpenCase(pupil_id=w.pupil, signal_ids=[signal.signal_id]), [signal], IB)
    w.app.save(legacy)  # as stored before ADR 18: no ObligationsChanged
    old = w.app.get_case(legacy.id)
    assert old.obligations is None
    assert [(o.code, o.due_on) for o in old.published_obligations()] == [("gesprek_ouders", None)]
    changed = await w.app.close_case(old, CloseCase(reason="Zorgen weggenomen in het gesprek."), IB)
    assert changed.version == 3
    assert changed.published_step is CaseStep.CLOSED


async def test_a_command_on_a_case_changed_since_the_caller_saw_it_is_refused_with_the_current_version() -> (
    None
):
    w = world()
    seen = await w.opened()
    await w.app.hold_parents_conversation(seen, conversation(), IB)
    with pytest.raises(CaseChangedConcurrently) as refused:
        await w.app.hold_parents_conversation(seen, conversation(), IB)
    assert refused.value.details == {"current_version": 4}
    with pytest.raises(CaseChangedConcurrently):
        await w.app.hold_parents_conversation(w.app.get_case(seen.id), conversation(expected_version=2), IB)
    assert w.app.get_case(seen.id).version == 4


async def test_a_command_leaves_the_case_its_caller_holds_as_it_was_saved_or_refused() -> None:
    w = world()
    seen = await w.opened()
    changed = await w.app.hold_parents_conversation(seen, conversation(), IB)
    assert (seen.version, changed.version) == (2, 4)
    assert seen.parents_conversations == 0 and not seen.pending_events
    with pytest.raises(CaseChangedConcurrently):
        await w.app.hold_parents_conversation(seen, conversation(), IB)
    assert seen.version == 2 and seen.parents_conversations == 0 and not seen.pending_events
    assert w.app.get_case(seen.id).parents_conversations == 1


async def test_the_events_of_a_command_name_who_gave_it_and_the_request() -> None:
    w = world()
    case = await w.opened()
    zorgteam = Acting(user_id="zt-7", role="zorgteam", tenant=TENANT, correlation_id="corr-42")
    await w.app.hold_parents_conversation(case, conversation(), zorgteam)
    held = next(e for e in w.events(case) if type(e).__name__ == "ParentsConversationHeld")
    assert (held.actor_id, held.actor_role, held.correlation_id) == ("zt-7", "zorgteam", "corr-42")


# --- the facts a command needs, through the port -----------------------------------------------


async def test_opening_a_case_asks_the_callers_access_for_every_named_signal() -> None:
    w = world()
    mine, elsewhere = w.signal(), w.signal(school="34CD")
    with pytest.raises(SchoolRefused):
        await w.app.open_case(
            OpenCase(pupil_id=w.pupil, signal_ids=[mine.signal_id, elsewhere.signal_id]),
            IB,
            access=OwnSchools(),
        )
    access = OwnSchools()
    case = await w.app.open_case(OpenCase(pupil_id=w.pupil, signal_ids=[mine.signal_id]), IB, access=access)
    assert access.asked == [(TENANT, SCHOOL)]
    assert (case.case_owner_id, case.signal_ids, case.version) == ("ib-1", [mine.signal_id], 2)


async def test_added_signals_of_another_samenwerkingsverband_stay_unknown_and_of_another_school_are_refused() -> (
    None
):
    w = world()
    case = await w.opened()
    other_tenant = w.signal(tenant="swv-noord")
    with pytest.raises(UnknownSignalsToAdd):
        await w.app.add_signals(
            case, AddSignals(signal_ids=[other_tenant.signal_id]), IB, access=OwnSchools()
        )
    other_school = w.signal(school="34CD")
    with pytest.raises(SchoolRefused):
        await w.app.add_signals(
            case, AddSignals(signal_ids=[other_school.signal_id]), IB, access=OwnSchools()
        )
    later = w.signal()
    added = await w.app.add_signals(case, AddSignals(signal_ids=[later.signal_id]), IB, access=OwnSchools())
    assert added.signal_ids == [*case.signal_ids, later.signal_id]


async def test_a_report_checks_the_pupils_age_from_the_date_of_birth_the_facts_give() -> None:
    w = world()
    case = await ready_to_report(w)
    w.facts.born[w.pupil] = date(2012, 5, 1)  # 14 on the reporting day
    with pytest.raises(ChildOver12MustBeInformed):
        await w.app.notify_veilig_thuis(case, report(case), IB)
    w.facts.born[w.pupil] = date(2016, 5, 1)  # 10
    reported = await w.app.notify_veilig_thuis(case, report(case), IB)
    notified = next(e for e in w.events(reported) if type(e).__name__ == "AmkNotified")
    assert (notified.pupil_age_on_report, notified.reported_on, notified.reporter_id) == (10, TODAY, "ib-1")


async def test_the_date_of_birth_is_asked_only_when_the_rules_need_it_and_then_sets_the_obligations() -> None:
    w = world()
    w.facts.born[w.pupil] = date(2012, 5, 1)  # 14 today
    case = await w.opened()
    case = await w.app.hold_parents_conversation(case, conversation(), IB)
    assert w.facts.asked_born == []  # nothing of rule 8 is open yet
    case = await ready_to_report(w)  # the decision to report opens informing the pupil
    kinds = [o.kind.value for o in case.published_obligations()]
    assert "kind_informeren" in kinds
    assert "kind_informeren_vanaf_12" not in kinds
    assert w.facts.asked_born
    w.facts.asked_born.clear()
    w.facts.born[w.pupil] = date(2016, 5, 1)  # a ten-year-old's case: no informing of the pupil
    other = await ready_to_report(w)
    assert "kind_informeren" not in [o.kind.value for o in other.published_obligations()]
    assert w.facts.asked_born


async def test_a_case_is_transferred_only_to_a_school_the_registry_knows_in_its_own_samenwerkingsverband() -> (
    None
):
    w = world()
    case = await w.opened()
    case = await w.app.record_pupil_left_school(
        case, RecordPupilLeftSchool(left_on=TODAY, destination_school="56EF"), IB
    )
    transfer = TransferCase(
        to_school="56EF",
        legal_basis="wettelijke_plicht",
        legal_basis_explanation="De leerling gaat naar een school in het samenwerkingsverband.",
        new_case_owner_id="ib-9",
    )
    with pytest.raises(TransferToUnknownSchool):
        await w.app.transfer_case(case, transfer, IB)
    w.facts.schools["56EF"] = "swv-noord"
    with pytest.raises(TransferOutsideSamenwerkingsverband):
        await w.app.transfer_case(case, transfer, IB)
    w.facts.schools["56EF"] = TENANT
    transferred = await w.app.transfer_case(case, transfer, IB)
    assert (transferred.school, transferred.case_owner_id) == ("56EF", "ib-9")


async def test_a_jgz_consultation_goes_to_the_partner_of_the_cases_samenwerkingsverband() -> None:
    w = world()
    case = await w.opened()
    question = RequestJgzConsultation(question="Wat ziet de jeugdarts?")
    with pytest.raises(JgzPartnerNotConfigured):
        await w.app.request_jgz_consultation(case, question, IB)
    w.facts.jgz[TENANT] = "GGD Zuid"
    asked = await w.app.request_jgz_consultation(case, question, IB)
    requested = next(e for e in w.events(asked) if type(e).__name__ == "JgzConsultationRequested")
    assert (requested.jgz_organisation, requested.requested_on) == ("GGD Zuid", TODAY)


async def test_a_jgz_result_is_recorded_once_and_only_on_a_case_of_the_partners_samenwerkingsverband() -> (
    None
):
    w = world()
    case = await w.opened()
    result = RecordJgzConsultationResult(
        case_id=case.id,
        message_id="msg-1",
        request_id=None,
        jgz_organisation="GGD Zuid",
        advice="Geen medische verklaring.",
        professional="Jeugdarts",
        received_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
    )
    partner = Acting(user_id="jgz:GGD Zuid", role="system", tenant=TENANT, correlation_id="corr-5")
    assert await w.app.record_jgz_consultation_result(result, partner) is True
    assert await w.app.record_jgz_consultation_result(result, partner) is False
    other = Acting(user_id="jgz:GGD Noord", role="system", tenant="swv-noord", correlation_id="corr-6")
    with pytest.raises(CaseNotFound):
        await w.app.record_jgz_consultation_result(result, other)
    received = [e for e in w.events(case) if type(e).__name__ == "JgzConsultationResultReceived"]
    assert [(e.message_id, e.actor_id) for e in received] == [("msg-1", "jgz:GGD Zuid")]
