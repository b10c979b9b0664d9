"""What the event-sourced services share about their eventsourcing Applications."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

import psycopg
from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, Mapper, Recording, StoredEvent, Transcoder, Transcoding
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from eventsourcing.utils import get_topic
from psycopg.sql import SQL, Composed, Identifier

from meldcode_edge.db import MAY_CREATE
from meldcode_edge.postgres_connections import PostgresConnections, libpq_keepalives
from meldcode_edge.postgres_url import parse
from meldcode_edge.settings import CONNECT_WAIT_SECONDS

from .connection_check import check_cheaply
from .hashchain import log_lock, log_lock_call
from .keystore import KeyStore
from .loading import OneTripRepository, one_trip_reader
from .sealing import SealingMapper
from .tracing import current_carrier
from .transcoder import FastDecodingTranscoder

A = TypeVar("A", bound=Aggregate)


# Not one of the library's settings: FailFastFactory hands it to the pool's connections.
TARGET_SESSION_ATTRS = "MELDCODE_POSTGRES_TARGET_SESSION_ATTRS"
# Nor these: libpq's TCP keepalive parameters, e.g. MELDCODE_LIBPQ_KEEPALIVES_IDLE (ADR 28).
LIBPQ_PARAMETER = "MELDCODE_LIBPQ_"


def postgres_env(database_url: str, connections: PostgresConnections | None = None) -> dict[str, str]:
    """The eventsourcing library's POSTGRES_* settings for a database URL. A URL naming a primary and
    its standby gives libpq's comma-separated hosts and ports, and its target_session_attrs goes
    to the connections through `FailFastFactory` (ADR 28). The pool's size and overflow are the
    settings' (MELDCODE_EVENTSTORE_POOL_*, `connections` default to the environment's)."""
    connections = connections or PostgresConnections()
    address = parse(database_url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": address.database,
        "POSTGRES_HOST": address.host_list,
        "POSTGRES_PORT": address.port_list,
        "POSTGRES_USER": address.user,
        "POSTGRES_PASSWORD": address.password,
        TARGET_SESSION_ATTRS: address.option("target_session_attrs") or "",
        **{f"{LIBPQ_PARAMETER}{k.upper()}": str(v) for k, v in libpq_keepalives(connections).items()},
        "POSTGRES_POOL_SIZE": str(connections.eventstore_pool_size),
        "POSTGRES_MAX_OVERFLOW": str(connections.eventstore_pool_overflow),
        # the wait for a pooled connection; a connection is checked before use, so one that died
        # with a restarted server is replaced instead of failing the request
        "POSTGRES_CONNECT_TIMEOUT": str(CONNECT_WAIT_SECONDS),
        "POSTGRES_PRE_PING": "y",
    }


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def _without_retries(method: Any) -> Any:
    return method.__wrapped__  # the function under eventsourcing.utils.retry (functools.wraps)


class AggregateChanged(Exception):
    """The aggregate an insert was guarded on (`unchanged=(id, version)`) has events after that
    version (or none at all any more): nothing was inserted; decide again on the stored aggregate."""


class FailFastRecorder(PostgresApplicationRecorder):
    """The library's recorder without its own retries (ten attempts 0.2 s apart, each waiting for a
    pooled connection): a request that met a database outage hung for ~12 s and then failed. Here
    a connection is checked before use (POSTGRES_PRE_PING), so one that died with a restarted
    server is replaced without a retry, and an outage fails at once: the request answers 503 and
    the relay retries with its own backoff (ADR 13). An insert whose answer was lost is not
    blindly retried either: the client is told it failed and may try again.

    Inserts are serialised on the event log's advisory lock (`hashchain.log_lock`) instead of the
    library's `LOCK TABLE <events> IN EXCLUSIVE MODE`: that lock mode needs UPDATE, DELETE or
    TRUNCATE on the table, which the service's own role does not have (ADR 16). The lock is taken
    at the same place, before the insert draws its notification ids, so ids are still issued and
    committed in one order (what the relay's tailing and the hash chain rely on)."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.lock_table_statements = [
            SQL("SET LOCAL lock_timeout = '{0}s'").format(self.datastore.lock_timeout),
            SQL(log_lock(events_table_name)),  # a checked table name
        ]
        # the insert statement, by (with trace context, guarded on an unchanged aggregate, with snapshots)
        self._rendered: dict[tuple[bool, bool, bool], bytes] = {}
        self.snapshots_table_name: str | None = None
        """The snapshot store's table in the same database, when snapshots are written with the events
        (`MeldcodeApplication`, ADR 25 K3); else None."""

    select_events = _without_retries(PostgresApplicationRecorder.select_events)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """The library's insert as ONE statement in one round trip (ADR 25, I). The library sends
        six (begin, lock timeout, the log's lock, NOTIFY, insert, commit) in a pipeline synced twice,
        holding the log's lock across both round trips. Here one statement in its own transaction
        does the same in the same order: the lock timeout, the log's lock, the notification (the
        relay's wake-up, delivered at commit), the trace context of the events when there is one,
        then the insert; its rows are formed from a join with the lock's row, so no notification id
        is drawn before the lock is held. A conflict is the same `IntegrityError`. Without retries
        (see the class).

        With `unchanged=(aggregate_id, version)` (from `Application.save(..., unchanged=...)`) the
        rows are inserted only if that aggregate's last stored version is still `version`, checked
        in the same statement (ADR 25, I2); else nothing is inserted and `AggregateChanged` raised.

        With `take_snapshots` (from `MeldcodeApplication.save`: the stored snapshots the save makes
        due) they are inserted into the snapshot table by the same statement, in place of the
        aggregate's earlier snapshots: with the events or not at all (ADR 25, K3)."""
        if not stored_events:
            return None  # as the library: nothing to insert, no ids
        carrier = current_carrier()
        unchanged: tuple[uuid.UUID, int] | None = kwargs.get("unchanged")
        # called here, after the library mapped the events: the first event of an aggregate names
        # the pupil its snapshot is sealed with
        take_snapshots: Callable[[], Sequence[StoredEvent]] | None = kwargs.get("take_snapshots")
        snapshots = take_snapshots() if take_snapshots is not None else ()
        if snapshots and self.snapshots_table_name is None:
            raise ValueError("snapshots given to a recorder that has no snapshot table")
        params: dict[str, Any] = {
            "timeout": f"{self.datastore.lock_timeout}s",
            "channel": self.channel_name,
            **_columns("events", stored_events),
            "traceparent": carrier.get("traceparent"),
            "tracestate": carrier.get("tracestate"),
            "unchanged_id": unchanged[0] if unchanged else None,
            "unchanged_version": unchanged[1] if unchanged else None,
            **_columns("snapshots", snapshots),
        }
        shape = (bool(carrier), unchanged is not None, bool(snapshots))
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            statement = self._rendered.get(shape)
            if statement is None:
                # rendered once: composing the SQL object again is a fifth of the insert's CPU
                statement = self._rendered[shape] = self._one_insert_statement(
                    traced=shape[0], guarded=shape[1], snapshots=shape[2]
                ).as_bytes(conn)
            curs.execute(statement, params, prepare=True)
            if unchanged is not None and curs.rowcount == 0:
                raise AggregateChanged(unchanged[0])
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)

    def _one_insert_statement(
        self, *, traced: bool, guarded: bool = False, snapshots: bool = False
    ) -> Composed:
        schema, table = Identifier(self.datastore.schema), Identifier(self.events_table_name)
        # Four arrays in binary rather than one array of the library's composite type in text: a
        # composite's bytea is escaped by regular expressions, a tenth of a command's CPU (ADR 25, K3).
        events, taken = (
            SQL(
                "unnest(%({rows}_ids)b::uuid[], %({rows}_versions)b::bigint[], %({rows}_topics)b::text[],"
                " %({rows}_states)b::bytea[]) AS {alias}(originator_id, originator_version, topic, state)"
            ).format(rows=SQL(rows), alias=Identifier(alias))
            for rows, alias in (("events", "e"), ("snapshots", "s"))
        )
        # the guard: one row only while the aggregate's last stored version is the one given (an
        # index lookup on the primary key); without a row nothing below inserts
        guard = SQL(
            ", unchanged AS MATERIALIZED (SELECT n FROM notified WHERE"
            " (SELECT max(originator_version) FROM {schema}.{table}"
            " WHERE originator_id = %(unchanged_id)s) = %(unchanged_version)s)"
        ).format(schema=schema, table=table)
        source = SQL("unchanged" if guarded else "notified")
        trace = SQL(
            ", traced AS (INSERT INTO event_trace_context"
            " (originator_id, originator_version, traceparent, tracestate)"
            " SELECT e.originator_id, e.originator_version, %(traceparent)s, %(tracestate)s"
            " FROM {source}, {events} ON CONFLICT DO NOTHING)"
        ).format(source=source, events=events)
        # The snapshots after the lock and under the guard, as the events: both or neither. Only an
        # aggregate's latest snapshot is kept: a load reads only that one, and a load of an earlier
        # version (`version=`) replays the events from the start instead (ADR 25, K3).
        snapshot = SQL(
            ", snapshot AS (INSERT INTO {schema}.{snapshots} (originator_id, originator_version, topic, state)"
            " SELECT s.originator_id, s.originator_version, s.topic, s.state FROM {source}, {taken}),"
            " superseded AS (DELETE FROM {schema}.{snapshots} AS old USING {source}, {taken}"
            " WHERE old.originator_id = s.originator_id AND old.originator_version < s.originator_version)"
        ).format(
            schema=schema,
            snapshots=Identifier(self.snapshots_table_name or ""),
            source=source,
            taken=taken,
        )
        return SQL(
            "WITH timeout AS MATERIALIZED (SELECT set_config('lock_timeout', %(timeout)s, true) AS t),"
            " locked AS MATERIALIZED (SELECT {lock} AS l FROM timeout),"
            " notified AS MATERIALIZED (SELECT pg_notify(%(channel)s, '') AS n FROM locked)"
            "{guard}{trace}{snapshot}"
            " INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state)"
            " SELECT e.originator_id, e.originator_version, e.topic, e.state FROM {source}, {events}"
            " RETURNING notification_id"
        ).format(
            lock=SQL(log_lock_call(self.events_table_name)),  # a checked table name
            guard=guard if guarded else SQL(""),
            trace=trace if traced else SQL(""),
            snapshot=snapshot if snapshots else SQL(""),
            schema=schema,
            table=table,
            source=source,
            events=events,
        )

    select_notifications = _without_retries(PostgresApplicationRecorder.select_notifications)
    max_notification_id = _without_retries(PostgresApplicationRecorder.max_notification_id)


def _columns(name: str, stored: Sequence[StoredEvent]) -> dict[str, list[Any]]:
    """The stored events as the insert statement's four arrays, `<name>_ids` ... `<name>_states`."""
    return {
        f"{name}_ids": [e.originator_id for e in stored],
        f"{name}_versions": [e.originator_version for e in stored],
        f"{name}_topics": [e.topic for e in stored],
        f"{name}_states": [e.state for e in stored],
    }


class FailFastSnapshotRecorder(PostgresAggregateRecorder):
    """The snapshot store's recorder, likewise without the library's retries."""

    insert_events = _without_retries(PostgresAggregateRecorder.insert_events)
    select_events = _without_retries(PostgresAggregateRecorder.select_events)


class FailFastFactory(PostgresFactory):
    """The library's PostgreSQL infrastructure with the recorders above (`PERSISTENCE_MODULE`), its
    connections with TCP keepalives (MELDCODE_DB_KEEPALIVES_*, ADR 28)."""

    aggregate_recorder_class = FailFastSnapshotRecorder
    application_recorder_class = FailFastRecorder

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        # the library passes neither setting; its pool is not open yet (ADR 28)
        kwargs = self.datastore.pool.kwargs
        assert isinstance(kwargs, dict)
        for name, value in self.env.items():
            if name.startswith(LIBPQ_PARAMETER):
                kwargs[name.removeprefix(LIBPQ_PARAMETER).lower()] = value
        target = self.env.get(TARGET_SESSION_ATTRS)
        if target:
            kwargs["target_session_attrs"] = target


def _may_create(database_url: str) -> bool:
    """Whether the tables are created here: yes as the owner role (development, a migration), no as
    the service's own role, whose database the owner role migrated before it started (ADR 16)."""
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        row = conn.execute(MAY_CREATE).fetchone()
    return bool(row and row[0])


class MeldcodeApplication(Application[Any]):
    """An eventsourcing Application stored in the service's PostgreSQL database."""

    def __init__(
        self,
        database_url: str | None = None,
        env: dict[str, str] | None = None,
        *,
        keystore: KeyStore | None = None,
    ) -> None:
        merged = dict(env or {})
        if database_url is not None:
            merged = {
                **postgres_env(database_url),
                "PERSISTENCE_MODULE": get_topic(FailFastFactory),
                "CREATE_TABLE": "y" if _may_create(database_url) else "n",
                **merged,
            }
        self.keystore = keystore
        super().__init__(env=merged)
        datastore = getattr(self.recorder, "datastore", None)
        if isinstance(datastore, PostgresDatastore):
            check_cheaply(datastore.pool)  # the pre-ping without a round trip (`connection_check`)
        # Snapshots go in with the events when both tables share the database (ADR 25, K3).
        if isinstance(self.recorder, FailFastRecorder) and isinstance(self.repository, OneTripRepository):
            assert self.snapshots is not None  # a one-trip repository reads a snapshot store
            self.recorder.snapshots_table_name = self.snapshots.recorder.events_table_name  # type: ignore[attr-defined]

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[Any]]:
        """The library's `save`, collecting the events of our aggregates without its `isinstance`
        checks against typing Protocols (each walks the protocol's attributes: ~10 % of a
        recorded signal's CPU, ADR 25 I2); anything else is collected by the library as before."""
        processing_event: ProcessingEvent[Any] = ProcessingEvent()
        for obj in objs:
            if isinstance(obj, Aggregate):
                processing_event.events.extend(obj.collect_events())
                processing_event.aggregates[obj.id] = obj
            else:
                processing_event.collect_events(obj)
        processing_event.saved_kwargs.update(kwargs)
        in_insert = (
            isinstance(self.recorder, FailFastRecorder) and self.recorder.snapshots_table_name is not None
        )
        if in_insert:
            processing_event.saved_kwargs["take_snapshots"] = lambda: self._snapshots_due(processing_event)
        recordings = self._record(processing_event)
        if not in_insert:
            self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)  # the library's deprecated hook, as it calls it
        return recordings

    def _snapshots_due(self, processing_event: ProcessingEvent[Any]) -> list[StoredEvent]:
        """The snapshots this save makes due, by the library's rule (one of its events has a
        version that is a multiple of the aggregate type's interval), each taken of the aggregate
        as the save leaves it, and mapped (sealed) as the snapshot store maps them.

        The library takes a snapshot after the save instead, by loading the aggregate again and
        putting the snapshot in a transaction of its own: a load, an insert and a commit more per
        snapshot, which made a short interval cost a fifth of the command path (ADR 25, K3). The
        saved aggregate is what that load would build: its state changes by its events only
        (`test_snapshots_from_memory`)."""
        if self.snapshots is None or not self.snapshotting_intervals:
            return []
        due: list[StoredEvent] = []
        for aggregate_id, aggregate in processing_event.aggregates.items():
            interval = self.snapshotting_intervals.get(type(aggregate))
            if interval is None:
                continue
            if type(aggregate) in self.snapshotting_projectors:
                raise NotImplementedError(
                    "a snapshotting projector: snapshots are taken from the saved aggregate"
                )
            if any(
                event.originator_id == aggregate_id and event.originator_version % interval == 0
                for event in processing_event.events
            ):
                snapshot_class = getattr(type(aggregate), "Snapshot", type(self).snapshot_class)
                if snapshot_class is None:  # as the library's `take_snapshot`
                    raise AssertionError(f"no snapshot class for {type(aggregate).__name__}")
                due.append(self.snapshots.mapper.to_stored_event(snapshot_class.take(aggregate)))
        return due

    def construct_mapper(self) -> Mapper[Any]:
        """With a key store (always, in a running service) personal attributes are sealed (ADR 10);
        without one only for the encryption benchmark's baseline and in-memory tests."""
        if self.keystore is None:
            return super().construct_mapper()
        return SealingMapper(
            transcoder=self.construct_transcoder(),
            keystore=self.keystore,
            cipher=self.factory.cipher(),
            compressor=self.factory.compressor(),
        )

    def construct_repository(self) -> Repository[Any]:
        """The library's repository, but loading an aggregate in one round trip (`loading`)."""
        library = super().construct_repository()
        reader = one_trip_reader(self.events, self.snapshots)
        if reader is None:
            return library
        repository = OneTripRepository(
            self.events,
            reader=reader,
            snapshot_store=self.snapshots,
            fastforward=library.fastforward,
            fastforward_skipping=library.fastforward_skipping,
            deepcopy_from_cache=library.deepcopy_from_cache,
        )
        repository.cache = library.cache  # as the library's settings made it (none by default)
        return repository

    def construct_transcoder(self) -> Transcoder:
        """The library's JSON transcoder with its transcodings, decoding faster (`transcoder`)."""
        transcoder = FastDecodingTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def get_or_raise(self, aggregate_id: uuid.UUID, kind: type[A], not_found: Exception) -> A:
        """The aggregate of type `kind`, or raise `not_found` (also when the id is of another type)."""
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise not_found from None
        if not isinstance(aggregate, kind):
            raise not_found
        return aggregate
