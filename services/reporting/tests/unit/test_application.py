"""The use cases of reporting with fakes of their ports: what the caller is refused, what they see,
and which reads are logged."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pytest

from meldcode_contracts import Envelope, Role
from meldcode_testkit.builders import CaseFile, Events, at
from reporting.application.audit import read_access_log
from reporting.application.cases import cases_of_school
from reporting.application.chronology import read_chronology
from reporting.application.dashboards import dashboard_of
from reporting.application.projection import apply_projection
from reporting.application.refusals import NotKnown, Unanswerable
from reporting.domain.access import AccessEntry
from reporting.domain.cases import CaseRow, SchoolCase, case_row
from reporting.domain.chronology import RecordedSignal, StoredEntry
from reporting.domain.dashboard import DashboardFacts
from reporting.domain.projection import Projection
from reporting.domain.pupils import PupilRow
from reporting.translation import project


class RefusedSchool(Exception):
    pass


@dataclass(frozen=True)
class Caller:
    user_id: str
    role: Role
    tenant: str = "swv-zuid"
    schools: frozenset[str] = frozenset({"12AB"})

    def require_school(self, tenant: str, school: str) -> None:
        if tenant != self.tenant or (self.role is not Role.AUDITOR and school not in self.schools):
            raise RefusedSchool(school)


IB = Caller("ib-1", Role.INTERN_BEGELEIDER)
MEMBER = Caller("zt-1", Role.ZORGTEAM)


@dataclass
class FakeAccessLog:
    reads: list[dict[str, Any]] = field(default_factory=list)

    async def record(self, **read: Any) -> None:
        self.reads.append(read)


@dataclass
class FakeReadModels:
    """Pupils, chronology, cases and invitations in memory, as projected from contract events."""

    pupils: dict[uuid.UUID, PupilRow] = field(default_factory=dict)
    entries: list[StoredEntry] = field(default_factory=list)
    cases: dict[uuid.UUID, CaseRow] = field(default_factory=dict)
    invitations: set[tuple[str, uuid.UUID]] = field(default_factory=set)
    facts_read: int = 0

    def project(self, *events: Envelope) -> None:
        for event in events:
            p = project(event)
            if p.pupil is not None:
                self.pupils[p.pupil.pupil_id] = p.pupil
            if p.entry is not None:
                self.entries.append(StoredEntry(p.entry, 0, None))
            opened = case_row([p.case_change]) if p.case_change is not None else None
            if opened is not None:  # the later changes of these tests leave the row as it opened
                self.cases.setdefault(opened.case_id, opened)
            if p.zorgteam is not None and p.zorgteam.invited:
                self.invitations.add((p.zorgteam.member_id, p.zorgteam.case_id))

    async def find_pupil(self, pupil_id: uuid.UUID) -> PupilRow | None:
        return self.pupils.get(pupil_id)

    async def chronology_of(self, tenant: str, pupil_id: uuid.UUID) -> list[StoredEntry]:
        return [s for s in self.entries if s.entry.tenant == tenant and s.entry.pupil_id == pupil_id]

    async def search_pupils(self, tenant: str, school: str, query: str) -> list[PupilRow]:
        return [p for p in self.pupils.values() if p.school == school and query in p.display_name]

    async def signals_recorded_by(self, tenant: str, school: str, actor_id: str) -> list[RecordedSignal]:
        return []

    async def find_case(self, case_id: uuid.UUID) -> CaseRow | None:
        return self.cases.get(case_id)

    async def cases_of_school(self, tenant: str, school: str) -> list[SchoolCase]:
        return [SchoolCase(c, None) for c in self.cases.values() if c.school == school]

    async def invited_cases(self, member_id: str) -> set[uuid.UUID]:
        return {case for member, case in self.invitations if member == member_id}

    async def invited_cases_of_pupil(self, member_id: str, pupil_id: uuid.UUID) -> set[uuid.UUID]:
        return {c for c in await self.invited_cases(member_id) if self.cases[c].pupil_id == pupil_id}

    async def is_invited(self, member_id: str, case_id: uuid.UUID) -> bool:
        return (member_id, case_id) in self.invitations

    async def dashboard_facts(
        self, tenant: str, *, since: datetime | None = None, until: datetime | None = None
    ) -> DashboardFacts:
        self.facts_read += 1
        return DashboardFacts({}, {}, {}, {}, {}, [])

    async def access_log_entries(self, tenant: str, **query: Any) -> list[AccessEntry]:
        self.facts_read += 1
        return []


@pytest.fixture
def two_cases(events: Events) -> tuple[FakeReadModels, CaseFile, CaseFile]:
    """One pupil of 12AB with two cases; zorgteam member zt-1 is invited into the first only."""
    models = FakeReadModels()
    pupil = events.pupil()
    pupil_id = pupil.payload.pupil_id
    first_signal, second_signal = (events.signal(pupil_id, when=at(n)) for n in (1, 2))
    first = CaseFile(events, events.case(pupil_id, [first_signal.payload.signal_id], when=at(3)))
    second = CaseFile(events, events.case(pupil_id, [second_signal.payload.signal_id], when=at(4)))
    models.project(pupil, first_signal, second_signal, first.opened, second.opened, first.invited(at(5)))
    return models, first, second


async def test_an_ib_er_reads_the_pupils_whole_chronology_at_their_school_and_the_read_is_logged(
    two_cases: tuple[FakeReadModels, CaseFile, CaseFile],
) -> None:
    models, first, _ = two_cases
    access = FakeAccessLog()

    read = await read_chronology(
        IB, first.pupil_id, action="pupil.chronology", pupils=models, cases=models, access=access
    )

    assert read.readable.school == "12AB"
    assert len(read.readable.visible) == len(models.entries)
    assert access.reads == [
        {"action": "pupil.chronology", "tenant": "swv-zuid", "school": "12AB", "pupil_id": first.pupil_id}
    ]


async def test_a_zorgteam_member_sees_only_the_invited_case_and_what_it_is_built_on(
    two_cases: tuple[FakeReadModels, CaseFile, CaseFile],
) -> None:
    models, first, second = two_cases

    read = await read_chronology(
        MEMBER, first.pupil_id, action="pupil.chronology", pupils=models, cases=models, access=FakeAccessLog()
    )

    seen_cases = {s.entry.case_id for s in read.readable.visible} - {None}
    assert seen_cases == {first.case_id}
    assert second.case_id not in seen_cases


async def test_a_zorgteam_member_without_an_invitation_is_not_told_the_pupil_exists_and_nothing_is_logged(
    two_cases: tuple[FakeReadModels, CaseFile, CaseFile],
) -> None:
    models, first, _ = two_cases
    models.invitations.clear()
    access = FakeAccessLog()

    with pytest.raises(NotKnown) as refused:
        await read_chronology(
            MEMBER, first.pupil_id, action="pupil.chronology", pupils=models, cases=models, access=access
        )

    assert refused.value.rule == "pupil-not-found"
    assert access.reads == []


async def test_a_zorgteam_member_lists_only_the_cases_they_are_invited_into_and_each_listed_case_is_logged(
    two_cases: tuple[FakeReadModels, CaseFile, CaseFile],
) -> None:
    models, first, _ = two_cases
    access = FakeAccessLog()

    rows = await cases_of_school(MEMBER, "12AB", cases=models, access=access)

    assert [r.case.case_id for r in rows] == [first.case_id]
    assert [r["case_id"] for r in access.reads] == [first.case_id]


async def test_another_schools_case_list_is_refused_before_anything_is_read(
    two_cases: tuple[FakeReadModels, CaseFile, CaseFile],
) -> None:
    models, _, _ = two_cases
    access = FakeAccessLog()

    with pytest.raises(RefusedSchool):
        await cases_of_school(IB, "34CD", cases=models, access=access)
    assert access.reads == []


async def test_a_period_that_ends_before_it_starts_is_refused_before_any_figures_are_read() -> None:
    models = FakeReadModels()

    with pytest.raises(Unanswerable) as refused:
        await dashboard_of("swv-zuid", None, date(2026, 5, 1), date(2026, 4, 30), figures=models)

    assert refused.value.rule == "period"
    assert models.facts_read == 0


@pytest.mark.parametrize(
    "query",
    [{}, {"pupil_id": uuid.uuid4(), "user_id": "ib-1"}],
    ids=["no filter", "two filters"],
)
async def test_the_access_log_is_read_for_exactly_one_pupil_employee_or_day(query: dict[str, Any]) -> None:
    models = FakeReadModels()
    asked = {"pupil_id": None, "user_id": None, "day": None, **query}

    with pytest.raises(Unanswerable):
        await read_access_log(
            Caller("au-1", Role.AUDITOR), **asked, limit=10, offset=0, figures=models, access=FakeAccessLog()
        )
    assert models.facts_read == 0


async def test_an_event_that_changes_no_read_model_is_not_written() -> None:
    written: list[Projection] = []

    class Store:
        async def apply(self, projection: Projection) -> None:
            written.append(projection)

    assert await apply_projection(Projection(), Store()) is False
    assert written == []
