"""Loading a case in one round trip (`meldcode_servicekit.loading`) builds the same case as the
library's repository: with and without a snapshot, sealed with a real key store."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.persistence import IntegrityError

from casework.application import CaseworkApplication
from casework.domain.actor import Actor
from casework.domain.case import Case, KnownSignal
from meldcode_servicekit.keystore import KeyStore, new_master_key, parse_master_key
from meldcode_servicekit.loading import OneTripRepository
from meldcode_testkit import Infrastructure
from meldcode_vocabulary.dutch_days import dutch_today

pytestmark = pytest.mark.infra

BY = Actor("ib-1", "intern_begeleider", "12AB")


@pytest.fixture
def application(infrastructure: Infrastructure) -> Iterator[CaseworkApplication]:
    names = [f"test_case_loading_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("keys", "casework")]
    with psycopg.connect(infrastructure.postgres_url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'create database "{name}"')
    keys = KeyStore(infrastructure.database_url(names[0]), parse_master_key(new_master_key()))
    keys.install()
    app = CaseworkApplication(infrastructure.database_url(names[1]), keystore=keys)
    try:
        yield app
    finally:
        app.close()
        keys.close()
        with psycopg.connect(infrastructure.postgres_url, autocommit=True) as conn:
            for name in names:
                conn.execute(f'drop database if exists "{name}" with (force)')


def a_case_of(app: CaseworkApplication, events: int) -> uuid.UUID:
    pupil = uuid.uuid4()
    signal = KnownSignal(uuid.uuid4(), pupil, "swv-test", "12AB")
    case = Case.open(
        pupil_id=pupil, signal_ids=[signal.signal_id], known_signals=[signal], case_owner_id="ib-1", by=BY
    )
    today = dutch_today()
    for n in range(events - 1):
        case.hold_parents_conversation(
            held_on=today, participants=["moeder"], summary=f"Gesprek {n}.", today=today, by=BY
        )
        if n % 10 == 9:
            app.save(case)
    app.save(case)
    return case.id


@pytest.mark.parametrize("events", [1, 12, 60, 120])
def test_a_case_loads_as_the_librarys_repository_loads_it(
    application: CaseworkApplication, events: int
) -> None:
    case_id = a_case_of(application, events)
    library = Repository(application.events, snapshot_store=application.snapshots)
    assert isinstance(application.repository, OneTripRepository)

    loaded, expected = application.repository.get(case_id), library.get(case_id)

    assert loaded.version == expected.version == events
    assert vars(loaded) == vars(expected)


def test_a_snapshot_is_read_with_the_events_after_it(application: CaseworkApplication) -> None:
    case_id = a_case_of(application, 53)
    # saved at versions 1, 11, 21, ..., 51 and 53: each save up to 51 passed a fifth event, and
    # each snapshot took the place of the one before
    assert [s.originator_version for s in application.snapshots.get(case_id)] == [51]

    snapshots, events = application.repository.reader.select(case_id)  # type: ignore[attr-defined]

    assert [s.originator_version for s in snapshots] == [51]
    assert [e.originator_version for e in events] == [52, 53]


def test_an_earlier_version_of_a_case_loads_from_its_events_once_its_snapshot_was_replaced(
    application: CaseworkApplication,
) -> None:
    case_id = a_case_of(application, 53)
    library = Repository(application.events)  # events only

    earlier = application.repository.get(case_id, version=30)

    assert vars(earlier) == vars(library.get(case_id, version=30))


def test_an_unknown_case_is_not_found(application: CaseworkApplication) -> None:
    with pytest.raises(AggregateNotFoundError):
        application.repository.get(uuid.uuid4())


def talk(case: Case, times: int) -> None:
    today = dutch_today()
    for n in range(times):
        case.hold_parents_conversation(
            held_on=today, participants=["vader"], summary=f"Vervolg {n}.", today=today, by=BY
        )


def test_a_save_that_passes_a_fifth_event_writes_a_snapshot_of_the_saved_case_with_it(
    application: CaseworkApplication,
) -> None:
    case_id = a_case_of(application, 13)  # saved at 1, 11 and 13

    (snapshot,) = application.snapshots.get(case_id)
    reloaded = Repository(application.events).get(case_id, version=11)  # events only

    assert snapshot.originator_version == 11
    assert snapshot.state == Case.Snapshot.take(reloaded).state


def test_a_save_that_is_refused_writes_no_snapshot(application: CaseworkApplication) -> None:
    case_id = a_case_of(application, 3)
    first, second = application.repository.get(case_id), application.repository.get(case_id)
    talk(first, 1)
    application.save(first)  # version 4: no snapshot due
    talk(second, 2)  # versions 4 and 5: a snapshot due, but 4 is taken

    with pytest.raises(IntegrityError):
        application.save(second)

    assert list(application.snapshots.get(case_id)) == []
    assert application.repository.get(case_id).version == 4
