"""The read side of the event stores: loading an aggregate in one round trip.

The library's repository loads an aggregate with two statements, each on a connection of its own
from the pool: the latest snapshot, then the events after it. With the pool's check before use
(POSTGRES_PRE_PING) that is four round trips, which took most of a case's load time (ADR 25).
`OneTripRepository` asks for the latest snapshot and the events after it in one statement on one
connection (and `connection_check` spares the check's round trip); what it builds is the same aggregate
the library's repository builds.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from eventsourcing.application import (
    AggregateNotFoundError,
    ProjectorFunction,
    Repository,
    project_aggregate,
)
from eventsourcing.persistence import EventStore, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresDatastore
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier


class SnapshotAndEventsReader:
    """Reads an aggregate's latest snapshot and its events after that snapshot in one statement
    (or all its events when it has no snapshot)."""

    def __init__(self, datastore: PostgresDatastore, events_table: str, snapshots_table: str) -> None:
        self.datastore = datastore
        # The snapshot first, then the events in order: the `is_snapshot` column says which is which.
        self.statement = SQL(
            "WITH snapshot AS ("
            " SELECT originator_version, topic, state FROM {schema}.{snapshots}"
            " WHERE originator_id = %(id)s ORDER BY originator_version DESC LIMIT 1)"
            " SELECT true AS is_snapshot, originator_version, topic, state FROM snapshot"
            " UNION ALL"
            " SELECT false, originator_version, topic, state FROM {schema}.{events}"
            " WHERE originator_id = %(id)s"
            " AND originator_version > COALESCE((SELECT originator_version FROM snapshot), 0)"
            " ORDER BY is_snapshot DESC, originator_version ASC"
        ).format(
            schema=Identifier(datastore.schema),
            snapshots=Identifier(snapshots_table),
            events=Identifier(events_table),
        )
        self._query: bytes | None = None

    def select(self, originator_id: uuid.UUID) -> tuple[list[StoredEvent], list[StoredEvent]]:
        """(the latest snapshot, or none; the events after it)."""
        snapshots: list[StoredEvent] = []
        events: list[StoredEvent] = []
        # Binary results in plain tuples: `state` comes as its bytes, not as hex text to decode, and
        # no dict per row; a third of the statement's time on a sealed case of 60 events (ADR 25).
        with (
            self.datastore.get_connection() as conn,
            conn.cursor(row_factory=tuple_row, binary=True) as curs,
        ):
            # Rendered once: psycopg renders a composed statement again on every execute (ADR 25, K2).
            query = self._query
            if query is None:
                query = self._query = self.statement.as_bytes(conn)
            curs.execute(query, {"id": originator_id}, prepare=True)
            for is_snapshot, version, topic, state in curs.fetchall():
                stored = StoredEvent(
                    originator_id=originator_id, originator_version=version, topic=topic, state=state
                )
                (snapshots if is_snapshot else events).append(stored)
        return snapshots, events


class OneTripRepository(Repository[uuid.UUID]):
    """The library's repository, loading the current version of an aggregate with one statement
    (`SnapshotAndEventsReader`); other versions, and the aggregate cache, as the library does."""

    def __init__(self, event_store: EventStore[uuid.UUID], *, reader: SnapshotAndEventsReader, **kwargs: Any):
        super().__init__(event_store, **kwargs)
        self.reader = reader

    def _reconstruct_aggregate(
        self, aggregate_id: uuid.UUID, version: int | None, projector_func: ProjectorFunction[Any, Any]
    ) -> Any:
        if version is not None or self.snapshot_store is None:
            return super()._reconstruct_aggregate(aggregate_id, version, projector_func)
        stored_snapshots, stored_events = self.reader.select(aggregate_id)
        snapshots: Sequence[Any] = list(_domain_events(self.snapshot_store.mapper, stored_snapshots))
        events = _domain_events(self.event_store.mapper, stored_events)
        project = _mutate_each if projector_func is project_aggregate else projector_func
        aggregate = project(None, _chain(snapshots, events))
        if aggregate is None:
            raise AggregateNotFoundError(f"Aggregate {aggregate_id!r} version None not found.")
        return aggregate


def _domain_events(mapper: Any, stored_events: list[StoredEvent]) -> Any:
    """The mapper's domain events of one load, through its `to_domain_events` where it has one
    (`SealingMapper`: the keys looked up once per load)."""
    many = getattr(mapper, "to_domain_events", None)
    if many is not None:
        return many(stored_events)
    return (mapper.to_domain_event(stored) for stored in stored_events)


def _mutate_each(aggregate: Any, domain_events: Any) -> Any:
    """The library's `project_aggregate` without its per-event `assert isinstance(event,
    CanMutateProtocol)`: a runtime protocol check that walks the protocol's members every time."""
    for domain_event in domain_events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


def _chain(first: Sequence[Any], then: Any) -> Any:
    yield from first
    yield from then


def one_trip_reader(
    events: EventStore[Any], snapshots: EventStore[Any] | None
) -> SnapshotAndEventsReader | None:
    """A reader for these stores when both are PostgreSQL tables in one database; else None."""
    if snapshots is None:
        return None
    event_recorder, snapshot_recorder = events.recorder, snapshots.recorder
    if not (
        isinstance(event_recorder, PostgresAggregateRecorder)
        and isinstance(snapshot_recorder, PostgresAggregateRecorder)
        and event_recorder.datastore is snapshot_recorder.datastore
    ):
        return None
    return SnapshotAndEventsReader(
        event_recorder.datastore, event_recorder.events_table_name, snapshot_recorder.events_table_name
    )
