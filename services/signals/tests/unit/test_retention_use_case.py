"""The retention use case decides per candidate and erases the due pupils: in memory, with a fake store."""

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import date

import pytest

from meldcode_edge.acting import Acting
from signals.application import RETENTION_ACTOR, Retention, RetentionBusy, SignalsApplication
from signals.commands import EraseForRetention, RegisterPupil
from signals.domain.pupil import Pupil
from signals.domain.retention import RetentionCandidate, RetentionTerms, RunCounts

TODAY = date(2026, 11, 29)
LONG_AGO = date(2020, 1, 1)
IB = Acting(user_id="ib-1", role="intern_begeleider", tenant="swv-zuid", correlation_id="c1")


class FakeKeyShredder:
    """The key store's one duty in an erasure: destroy the pupil's data key."""

    def __init__(self) -> None:
        self.shredded: list[uuid.UUID] = []

    def shred(self, pupil_id: uuid.UUID, *, tenant: str, reason: str) -> bool:
        self.shredded.append(pupil_id)
        return True


class FakeRetentionStore:
    def __init__(self, candidates: list[RetentionCandidate]) -> None:
        self.departures = sorted(candidates, key=lambda c: c.pupil_id)
        self.opened_since: set[uuid.UUID] = set()
        self.erased: dict[uuid.UUID, date] = {}
        self.runs: dict[uuid.UUID, RunCounts | None] = {}
        self.locked = False

    @asynccontextmanager
    async def lock(self) -> AsyncIterator[bool]:
        got = not self.locked
        self.locked = True
        try:
            yield got
        finally:
            if got:
                self.locked = False

    async def run_is_due(self, interval_seconds: float) -> bool:
        return not self.runs

    async def catch_up(self) -> int:
        return 0

    async def candidates(
        self, terms: RetentionTerms, today: date, *, after: uuid.UUID | None, limit: int
    ) -> list[RetentionCandidate]:
        later = [c for c in self.departures if after is None or c.pupil_id > after]
        return later[:limit]

    async def count_candidates(self, terms: RetentionTerms, today: date) -> int:
        return len(self.departures)

    async def has_open_case(self, pupil_id: uuid.UUID) -> bool:
        return pupil_id in self.opened_since

    async def mark_erased(self, pupil_id: uuid.UUID, erased_on: date) -> None:
        self.erased[pupil_id] = erased_on

    async def start_run(self, run_id: uuid.UUID, *, trigger: str, dry_run: bool, today: date) -> None:
        self.runs[run_id] = None

    async def finish_run(self, run_id: uuid.UUID, counts: RunCounts) -> None:
        self.runs[run_id] = counts


@pytest.fixture
def application() -> Iterator[SignalsApplication]:
    app = SignalsApplication()
    app.keystore = FakeKeyShredder()  # type: ignore[assignment]
    yield app
    app.close()


def left_long_ago(app: SignalsApplication, *, open_case: bool = False) -> RetentionCandidate:
    command = RegisterPupil(
        school="12AB",
        pupil_number=uuid.uuid4().hex[:8],
        given_name="Ali",
        family_name="B",
        date_of_birth=date(2010, 1, 1),
    )
    pupil_id = app.register_pupil(command, acting=IB)
    return RetentionCandidate(
        pupil_id=pupil_id, tenant="swv-zuid", left_on=LONG_AGO, erased=False, has_open_case=open_case
    )


async def test_a_run_erases_the_due_pupils_as_the_system_and_keeps_those_with_an_open_case(
    application: SignalsApplication,
) -> None:
    due, kept = left_long_ago(application), left_long_ago(application, open_case=True)
    store = FakeRetentionStore([due, kept])
    report = await Retention(application, store, RetentionTerms(), batch_size=1).erase_for_retention(
        EraseForRetention(today=TODAY)
    )
    assert (report.erased, report.kept_case_open, report.failed) == ([due.pupil_id], [kept.pupil_id], [])
    assert store.erased == {due.pupil_id: application.get_pupil(due.pupil_id).erased_on}
    assert application.keystore.shredded == [due.pupil_id]  # type: ignore[union-attr]
    *_, erased = application.events.get(due.pupil_id)
    assert isinstance(erased, Pupil.PersonalDataErased)
    assert (erased.reason, erased.actor_id, erased.actor_role) == (
        "bewaartermijn_verstreken",
        RETENTION_ACTOR,
        "system",
    )
    assert store.runs[report.run_id] == RunCounts(candidates=2, due=1, erased=1, kept_case_open=1, failed=0)


async def test_a_run_reports_its_progress_from_nothing_to_every_candidate_of_the_known_total(
    application: SignalsApplication,
) -> None:
    store = FakeRetentionStore([left_long_ago(application) for _ in range(3)])
    seen: list[tuple[int, int | None]] = []
    await Retention(application, store, RetentionTerms(), batch_size=2).erase_for_retention(
        EraseForRetention(today=TODAY), progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]


async def test_a_dry_run_lists_the_due_pupils_and_erases_nothing(application: SignalsApplication) -> None:
    due = left_long_ago(application)
    store = FakeRetentionStore([due])
    report = await Retention(application, store, RetentionTerms()).erase_for_retention(
        EraseForRetention(today=TODAY, dry_run=True)
    )
    assert (report.due, report.erased) == ([due.pupil_id], [])
    assert application.get_pupil(due.pupil_id).erased_on is None


async def test_a_case_opened_after_the_candidates_were_read_keeps_the_pupil(
    application: SignalsApplication,
) -> None:
    due = left_long_ago(application)
    store = FakeRetentionStore([due])
    store.opened_since.add(due.pupil_id)
    report = await Retention(application, store, RetentionTerms()).erase_for_retention(
        EraseForRetention(today=TODAY)
    )
    assert (report.due, report.kept_case_open, report.erased) == ([], [due.pupil_id], [])
    assert application.get_pupil(due.pupil_id).erased_on is None


async def test_a_run_is_refused_while_another_holds_the_lock(application: SignalsApplication) -> None:
    store = FakeRetentionStore([])
    store.locked = True
    with pytest.raises(RetentionBusy):
        await Retention(application, store, RetentionTerms()).erase_for_retention(
            EraseForRetention(today=TODAY)
        )


async def test_the_scheduled_run_waits_for_the_interval(application: SignalsApplication) -> None:
    retention = Retention(application, FakeRetentionStore([]), RetentionTerms())
    command = EraseForRetention(today=TODAY, trigger="schedule")
    first = await retention.erase_for_retention_if_due(
        command, interval_seconds=60, should_stop=lambda: False
    )
    again = await retention.erase_for_retention_if_due(
        command, interval_seconds=60, should_stop=lambda: False
    )
    assert first is not None and again is None
