"""A signal recorded on a pupil kept from an earlier load (ADR 25, I2) is saved only while the
pupil is as stored: a transfer or an erasure by another process since is seen, and the signal
decided again on the stored pupil; against a real PostgreSQL key store and event store."""

import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import psycopg
import pytest

from meldcode_contracts import SourceKind
from meldcode_edge.acting import Acting
from meldcode_servicekit.eventstore import AggregateChanged
from meldcode_servicekit.hashchain import events_table
from meldcode_vocabulary.dutch_days import dutch_today
from signals.application import SignalsApplication
from signals.commands import DeregisterPupil, RecordSignal, SourceIn
from signals.domain.erasure import ErasureReason
from signals.domain.errors import PersonalDataErasedForGood, PupilNoLongerAtSchool
from signals.domain.signal import Signal

from .replicas import IB, register, two_replicas

TEACHER = Acting("leerkracht-1", "leerkracht", "swv-zuid", "c-2")
SOURCE = SourceIn(kind=SourceKind.OWN_OBSERVATION)


def observed(day: date) -> RecordSignal:
    return RecordSignal(observed_on=day, description="Blauwe plek op de arm.", source=SOURCE)


@pytest.fixture
def two_processes(
    urls: tuple[str, str],
) -> Iterator[tuple[SignalsApplication, SignalsApplication, uuid.UUID, str]]:
    """Two applications on one store, each with its own caches (as two replicas), and a pupil
    the first keeps (it recorded a signal on them)."""
    with two_replicas(urls, second_cache_seconds=30) as replicas:
        pupil_id = register(replicas.first, "K-1", "Kees", "Bewaard")
        replicas.first.record_signal(pupil_id, observed(dutch_today()), acting=TEACHER)
        yield replicas.first, replicas.second, pupil_id, replicas.events_url


def stored_versions(events_url: str, table: str, originator_id: uuid.UUID) -> list[int]:
    with psycopg.connect(events_url) as conn:
        rows = conn.execute(
            f"select originator_version from {table} where originator_id = %s",  # noqa: S608 - a checked name
            (originator_id,),
        ).fetchall()
    return [row[0] for row in rows]


def test_a_kept_pupil_records_the_next_signal_with_one_round_trip(
    two_processes: tuple[SignalsApplication, SignalsApplication, uuid.UUID, str],
) -> None:
    first, _, pupil_id, _ = two_processes
    loads: list[uuid.UUID] = []
    original = first.get_pupil

    def counting(pupil: uuid.UUID) -> object:
        loads.append(pupil)
        return original(pupil)

    first.get_pupil = counting  # type: ignore[method-assign]
    signal_id = first.record_signal(pupil_id, observed(dutch_today()), acting=TEACHER)
    assert loads == []
    signal = first.get_signal(signal_id)
    assert (signal.pupil_id, signal.school) == (pupil_id, "12AB")


def test_a_transfer_in_another_process_is_seen_and_the_signal_refused_as_after_leaving(
    two_processes: tuple[SignalsApplication, SignalsApplication, uuid.UUID, str],
) -> None:
    first, second, pupil_id, events_url = two_processes
    today = dutch_today()
    second.deregister_pupil(
        pupil_id, DeregisterPupil(left_on=today - timedelta(days=1), destination_school="34CD"), acting=IB
    )
    signals_before = len(list(first.recorder.select_notifications(start=1, limit=1000)))

    with pytest.raises(PupilNoLongerAtSchool):
        first.record_signal(pupil_id, observed(today), acting=TEACHER)

    assert len(list(first.recorder.select_notifications(start=1, limit=1000))) == signals_before
    # before the transfer, still the old school's: recorded, on the pupil as stored now
    signal_id = first.record_signal(pupil_id, observed(today - timedelta(days=2)), acting=TEACHER)
    assert first.get_signal(signal_id).school == "12AB"
    assert stored_versions(events_url, events_table(first), signal_id) == [1]


def test_an_erasure_in_another_process_is_seen_and_nothing_more_is_recorded(
    two_processes: tuple[SignalsApplication, SignalsApplication, uuid.UUID, str],
) -> None:
    first, second, pupil_id, _ = two_processes
    second.erase_personal_data(pupil_id, reason=ErasureReason.COURT_ORDER, acting=IB)
    signals_before = len(list(first.recorder.select_notifications(start=1, limit=1000)))

    with pytest.raises(PersonalDataErasedForGood):
        first.record_signal(pupil_id, observed(dutch_today()), acting=TEACHER)

    assert len(list(first.recorder.select_notifications(start=1, limit=1000))) == signals_before


def test_an_insert_guarded_on_a_changed_aggregate_inserts_nothing(
    two_processes: tuple[SignalsApplication, SignalsApplication, uuid.UUID, str],
) -> None:
    first, _, pupil_id, events_url = two_processes
    pupil = first.get_pupil(pupil_id)

    def new_signal() -> Signal:
        return Signal.record(
            tenant=pupil.tenant,
            school=pupil.school,
            pupil_id=pupil_id,
            observation=observed(dutch_today()).observation(),
            today=dutch_today(),
            actor_id="leerkracht-1",
            actor_role="leerkracht",
            correlation_id="c-3",
        )

    refused, saved = new_signal(), new_signal()
    with pytest.raises(AggregateChanged):
        first.save(refused, unchanged=(pupil_id, pupil.version - 1))
    first.save(saved, unchanged=(pupil_id, pupil.version))

    assert stored_versions(events_url, events_table(first), refused.id) == []
    assert stored_versions(events_url, events_table(first), saved.id) == [1]
