"""A hash chain over an eventsourcing stored-events table, so an auditor can tell it was not altered.

Two columns are added to the table (`<app>_events`, written by eventsourcing's
`PostgresApplicationRecorder`) and filled by a BEFORE INSERT trigger, so that every writer is
chained, not only our code:

- `event_hash` = sha256 over the row's content (originator_id, originator_version, topic, state,
  each length-prefixed) followed by the `event_hash` of the previous event *of the same aggregate*
  (32 zero bytes for version 1): one chain per aggregate.
- `log_hash` = sha256 over the `log_hash` of the previous row in notification_id order (32 zero
  bytes for the first) followed by this row's `event_hash`: one chain over the whole store.

The log chain needs one writer at a time in notification_id order. The recorder gives us that:
it takes a lock in the inserting transaction *before* the INSERT takes its notification ids from
the sequence (`eventstore.FailFastRecorder.insert_events`: one statement whose rows are formed
from a join with the lock's row; the library's own recorder does it with `_lock_table`), so ids
are issued and committed in one order and the trigger always sees its predecessor committed. The library's lock is `LOCK TABLE ... IN EXCLUSIVE MODE`, which needs
UPDATE, DELETE or TRUNCATE on the table; the service's own role may only INSERT and SELECT there
(ADR 16), so our recorder (`eventstore.FailFastRecorder`) takes the advisory lock `log_lock` of the
table instead, at the same place. The trigger takes the same lock itself (a no-op under the
recorder) and refuses an insert whose id is lower than one already stored, so another writer can
never slip a row in behind the chain's back; it fails instead.

`verify` recomputes both chains from the stored rows and names what is wrong: *altered* (a row's
content no longer matches its hash), *removed* (a version missing in an aggregate, or a row missing
before another in the log), *reordered* (a row chained after another row than the one before it),
*unchained* (a row without hashes). Deleting the newest rows, or recomputing the whole chain with
superuser rights, leaves a consistent chain: only a chain head recorded outside the database
(`anchors`, recorded on a schedule by `chainheads`) shows that. See
docs/adr/0007-hash-chained-event-stores.md.
"""

from __future__ import annotations

import hashlib
import re
import struct
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder

from meldcode_edge.db import apply_schema

GENESIS = bytes(32)
EVENT_HASH_DOMAIN = b"meldcode-event-v1"
MAX_REPORTED_PROBLEMS = 200
_TABLE = re.compile(r"^[a-z_][a-z0-9_]{0,50}$")


def events_table(application: Application[Any]) -> str:
    """The stored-events table of an eventsourcing application on PostgreSQL (e.g. `casework_events`)."""
    recorder = application.recorder
    if not isinstance(recorder, PostgresApplicationRecorder):
        raise TypeError("the hash chain needs the eventsourcing PostgreSQL application recorder")
    return _checked(recorder.events_table_name)


def snapshots_table(application: Application[Any]) -> str | None:
    """The snapshots table of an eventsourcing application on PostgreSQL (e.g. `casework_snapshots`),
    or None without snapshots. Not chained: a snapshot is derived from the log."""
    store = application.snapshots
    if store is None or not isinstance(store.recorder, PostgresAggregateRecorder):
        return None
    return _checked(store.recorder.events_table_name)


def _checked(table: str) -> str:
    if not _TABLE.fullmatch(table):
        raise ValueError(f"not a plain table name: {table!r}")
    return table


LOG_LOCK_CLASS = 7515


def log_lock(table: str) -> str:
    """The statement that takes the event log's write lock for this transaction: an advisory lock
    of the table's name, which every writer takes before its insert draws notification ids (the
    recorder) or at the latest before the chain reads its predecessor (the trigger). It needs no
    privilege on the table, so the service's own role can take it with INSERT and SELECT only."""
    return f"select {log_lock_call(table)}"


def log_lock_call(table: str) -> str:
    """`log_lock`'s function call, to take the lock inside a larger statement."""
    return f"pg_advisory_xact_lock({LOG_LOCK_CLASS}, hashtext('{_checked(table)}'))"


def hash_chain_schema(table: str) -> list[str]:
    """Idempotent DDL: the columns, the hash function, the trigger, and the back-fill of a store that
    has rows but no hashes yet (a database from before the chain). Run it in one transaction."""
    t = _checked(table)
    zero = "'\\x" + "00" * 32 + "'::bytea"
    return [
        # ALTER TABLE takes an ACCESS EXCLUSIVE lock until commit: nothing is inserted while the
        # trigger is (re)installed and the back-fill runs.
        f"alter table {t} add column if not exists event_hash bytea, add column if not exists log_hash bytea",
        f"""create or replace function meldcode_event_hash(
                originator_id text, originator_version bigint, topic text, state bytea, previous bytea
            ) returns bytea language sql stable parallel safe as $fn$
            select sha256(
                convert_to('meldcode-event-v1', 'UTF8')
                || int8send(octet_length(convert_to(originator_id, 'UTF8'))::bigint)
                || convert_to(originator_id, 'UTF8')
                || int8send(originator_version)
                || int8send(octet_length(convert_to(coalesce(topic, ''), 'UTF8'))::bigint)
                || convert_to(coalesce(topic, ''), 'UTF8')
                || int8send(coalesce(octet_length(state), 0)::bigint)
                || coalesce(state, ''::bytea)
                || coalesce(previous, {zero}))
            $fn$""",
        # `set enable_seqscan = off`: the function's plans are cached per connection, often while
        # the table is still small; a sequential scan chosen then would make every insert O(n).
        f"""create or replace function {t}_chain() returns trigger language plpgsql
            set enable_seqscan = off as $fn$
            declare
                last_id bigint;
                previous_log bytea;
                previous_event bytea;
            begin
                -- Already held when the recorder inserts (it locks before the insert draws its
                -- notification ids); for any other writer it serialises the chain.
                perform pg_advisory_xact_lock({LOG_LOCK_CLASS}, hashtext('{t}'));
                select notification_id, log_hash into last_id, previous_log from {t}
                    order by notification_id desc limit 1;
                if last_id > new.notification_id then
                    raise exception 'hash chain: notification id % is behind the chain', new.notification_id;
                end if;
                select event_hash into previous_event from {t}
                    where originator_id = new.originator_id and originator_version < new.originator_version
                    order by originator_version desc limit 1;
                new.event_hash := meldcode_event_hash(
                    new.originator_id::text, new.originator_version, new.topic, new.state, previous_event);
                new.log_hash := sha256(coalesce(previous_log, {zero}) || new.event_hash);
                return new;
            end
            $fn$""",  # noqa: S608 - a checked table name
        f"create or replace trigger {t}_hash_chain before insert on {t} for each row execute function {t}_chain()",
        # Back-fill only a store where *no* row is chained yet. Rows without hashes in a chained store
        # were written around the trigger: `verify` reports them, a restart must not launder them.
        f"""do $fn$
            declare
                r record;
                previous_event bytea;
                previous_log bytea;
                this_event bytea;
            begin
                if exists (select 1 from {t} where event_hash is not null or log_hash is not null) then
                    return;
                end if;
                perform set_config('enable_seqscan', 'off', true);
                for r in select originator_id, originator_version, topic, state from {t} order by notification_id loop
                    select event_hash into previous_event from {t}
                        where originator_id = r.originator_id and originator_version < r.originator_version
                        order by originator_version desc limit 1;
                    this_event := meldcode_event_hash(
                        r.originator_id::text, r.originator_version, r.topic, r.state, previous_event);
                    update {t} set event_hash = this_event, log_hash = sha256(coalesce(previous_log, {zero}) || this_event)
                        where originator_id = r.originator_id and originator_version = r.originator_version
                        returning log_hash into previous_log;
                end loop;
            end
            $fn$""",  # noqa: S608 - a checked table name
    ]


async def install_hash_chain(pool: asyncpg.Pool, table: str) -> None:
    """Apply `hash_chain_schema` at start-up (after the application created its table)."""
    await apply_schema(pool, hash_chain_schema(table))


def event_hash(
    originator_id: uuid.UUID | str,
    originator_version: int,
    topic: str | None,
    state: bytes | None,
    previous: bytes | None,
) -> bytes:
    """The same value as the SQL function `meldcode_event_hash`."""
    oid = str(originator_id).encode()
    top = (topic or "").encode()
    body = state or b""
    return hashlib.sha256(
        EVENT_HASH_DOMAIN
        + struct.pack(">q", len(oid))
        + oid
        + struct.pack(">q", originator_version)
        + struct.pack(">q", len(top))
        + top
        + struct.pack(">q", len(body))
        + body
        + (previous if previous is not None else GENESIS)
    ).digest()


def log_hash(previous_log: bytes | None, this_event: bytes) -> bytes:
    return hashlib.sha256((previous_log if previous_log is not None else GENESIS) + this_event).digest()


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the stored events; `detail` is for the auditor (Dutch)."""

    kind: str  # altered | removed | reordered | unchained | head_missing | bad_signature
    detail: str
    aggregate_id: str | None = None
    version: int | None = None
    notification_id: int | None = None


@dataclass(frozen=True)
class ChainHead:
    notification_id: int
    log_hash: str


@dataclass(frozen=True)
class Anchor:
    """A chain head recorded earlier (outside the database): that row must still carry that hash."""

    notification_id: int
    log_hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """`<notification_id>:<log_hash hex>`."""
        number, _, digest = text.partition(":")
        if not number.isdigit() or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise ValueError("an anchor is <notification_id>:<64 hex digits>")
        return cls(int(number), digest)


@dataclass
class Verification:
    table: str
    ok: bool = True
    events_checked: int = 0
    aggregates_checked: int = 0
    head: ChainHead | None = None
    problems: list[Finding] = field(default_factory=list)
    problems_total: int = 0
    recorded_heads_checked: int = 0

    def add(self, finding: Finding) -> None:
        self.ok = False
        self.problems_total += 1
        if len(self.problems) < MAX_REPORTED_PROBLEMS:
            self.problems.append(finding)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_ROWS = (
    "select originator_id, originator_version, topic, state, notification_id, event_hash, log_hash from {t}"
)


async def verify(
    db: asyncpg.Pool | asyncpg.Connection, table: str, *, anchors: Sequence[Anchor] = ()
) -> Verification:
    """Recompute both chains over the whole table (one consistent snapshot) and name every problem."""
    t = _checked(table)
    if isinstance(db, asyncpg.Pool):
        async with db.acquire() as conn:
            return await _verify(conn, t, anchors)
    return await _verify(db, t, anchors)


async def _verify(
    conn: asyncpg.Connection | PoolConnectionProxy, t: str, anchors: Sequence[Anchor]
) -> Verification:
    result = Verification(table=t)
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        log_rows = [
            r
            async for r in conn.cursor(
                f"select originator_id, originator_version, notification_id, event_hash, log_hash from {t} "  # noqa: S608 - a checked table name
                "order by notification_id",
                prefetch=2000,
            )
        ]
        _check_log(log_rows, result)
        _check_anchors(log_rows, anchors, result)
        aggregate: list[asyncpg.Record] = []
        async for row in conn.cursor(
            _ROWS.format(t=t) + " order by originator_id, originator_version", prefetch=500
        ):
            if aggregate and row["originator_id"] != aggregate[0]["originator_id"]:
                _check_aggregate(aggregate, result)
                aggregate = []
            aggregate.append(row)
        if aggregate:
            _check_aggregate(aggregate, result)
    return result


def _where(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "aggregate_id": str(row["originator_id"]),
        "version": row["originator_version"],
        "notification_id": row["notification_id"],
    }


def _check_log(rows: list[asyncpg.Record], result: Verification) -> None:
    result.events_checked = len(rows)
    if rows:
        last = rows[-1]
        result.head = ChainHead(last["notification_id"], (last["log_hash"] or b"").hex())
    logs = [r["log_hash"] for r in rows]
    previous: bytes | None = None
    for index, row in enumerate(rows):
        stored_event, stored_log = row["event_hash"], row["log_hash"]
        if stored_event is None or stored_log is None:
            result.add(
                Finding(
                    "unchained",
                    f"Gebeurtenis {row['notification_id']} heeft geen hash: ze is buiten de "
                    "hashketen om geschreven.",
                    **_where(row),
                )
            )
            previous = stored_log
            continue
        if log_hash(previous, stored_event) != stored_log:
            chained_after = _chained_after(rows, logs, index, stored_event, stored_log)
            if chained_after is None:
                result.add(
                    Finding(
                        "removed",
                        f"De logketen is gebroken vóór gebeurtenis {row['notification_id']}: de "
                        "gebeurtenis die ervoor stond ontbreekt (of deze hash is vervangen).",
                        **_where(row),
                    )
                )
            else:
                after = (
                    "aan het begin van het log" if chained_after == 0 else f"na gebeurtenis {chained_after}"
                )
                result.add(
                    Finding(
                        "reordered",
                        f"Gebeurtenis {row['notification_id']} staat op een andere plaats dan waar ze "
                        f"is vastgelegd: ze hoort {after}.",
                        **_where(row),
                    )
                )
        previous = stored_log


def _chained_after(
    rows: list[asyncpg.Record], logs: list[bytes | None], index: int, event: bytes, stored: bytes
) -> int | None:
    """The notification id of the row that this row was really chained after, if it is still there."""
    if log_hash(None, event) == stored:
        return 0
    for other, previous in enumerate(logs):
        if other != index - 1 and previous is not None and log_hash(previous, event) == stored:
            notification_id: int = rows[other]["notification_id"]
            return notification_id
    return None


def _check_anchors(rows: list[asyncpg.Record], anchors: Iterable[Anchor], result: Verification) -> None:
    by_id = {r["notification_id"]: r["log_hash"] for r in rows}
    for anchor in anchors:
        stored = by_id.get(anchor.notification_id)
        if stored is None or stored.hex() != anchor.log_hash:
            result.add(
                Finding(
                    "head_missing",
                    f"De eerder vastgelegde ketenkop {anchor.notification_id}:{anchor.log_hash[:12]}… "
                    "komt niet meer in de keten voor: gebeurtenissen zijn verwijderd of de keten is "
                    "opnieuw berekend.",
                    notification_id=anchor.notification_id,
                )
            )


def _check_aggregate(rows: list[asyncpg.Record], result: Verification) -> None:
    result.aggregates_checked += 1
    aggregate_id = str(rows[0]["originator_id"])
    expected_version = 1
    previous: asyncpg.Record | None = None
    for row in rows:
        version = row["originator_version"]
        gap = version != expected_version
        if gap:
            missing = (
                f"versie {expected_version}"
                if version == expected_version + 1
                else f"versies {expected_version} t/m {version - 1}"
            )
            result.add(
                Finding(
                    "removed",
                    f"Van aggregaat {aggregate_id} ontbreekt {missing} (vóór gebeurtenis {row['notification_id']}).",
                    aggregate_id=aggregate_id,
                    version=expected_version,
                    notification_id=row["notification_id"],
                )
            )
        if previous is not None and row["notification_id"] < previous["notification_id"]:
            result.add(
                Finding(
                    "reordered",
                    f"Versie {version} van aggregaat {aggregate_id} staat in het log vóór versie "
                    f"{previous['originator_version']}.",
                    **_where(row),
                )
            )
        stored = row["event_hash"]
        if stored is not None and not gap:
            before = previous["event_hash"] if previous is not None else None
            if _content_hash(row, before) != stored:
                result.add(_mismatch(row, rows, before))
        previous, expected_version = row, version + 1


def _content_hash(row: asyncpg.Record, previous: bytes | None) -> bytes:
    return event_hash(row["originator_id"], row["originator_version"], row["topic"], row["state"], previous)


def _mismatch(row: asyncpg.Record, rows: list[asyncpg.Record], expected_previous: bytes | None) -> Finding:
    """Altered content, or intact content chained after another event of the aggregate."""
    for other in [None, *rows]:
        candidate = None if other is None else other["event_hash"]
        if candidate != expected_previous and _content_hash(row, candidate) == row["event_hash"]:
            after = "het begin" if other is None else f"versie {other['originator_version']}"
            return Finding(
                "reordered",
                f"Versie {row['originator_version']} van aggregaat {row['originator_id']} is vastgelegd "
                f"na {after}, niet na de versie die er nu voor staat.",
                **_where(row),
            )
    return Finding(
        "altered",
        f"De inhoud van versie {row['originator_version']} van aggregaat {row['originator_id']} "
        f"(gebeurtenis {row['notification_id']}) is gewijzigd na het vastleggen.",
        **_where(row),
    )


@dataclass(frozen=True)
class ChainedEvent:
    """One stored event as it lies in the table, with its place in the chain."""

    originator_id: uuid.UUID
    originator_version: int
    topic: str
    state: bytes
    notification_id: int
    event_hash: str | None
    log_hash: str | None


async def stored_events(
    db: asyncpg.Pool | asyncpg.Connection, table: str, originator_ids: Sequence[uuid.UUID]
) -> list[ChainedEvent]:
    """The stored events of these aggregates in log order, read from the table itself (what `verify`
    checks is what the auditor sees). Decode them with the application's `mapper`."""
    rows = await db.fetch(
        f"select originator_id, originator_version, topic, state, notification_id, event_hash, log_hash "  # noqa: S608 - a checked table name
        f"from {_checked(table)} where originator_id = any($1::uuid[]) order by notification_id",
        list(originator_ids),
    )
    return [
        ChainedEvent(
            originator_id=r["originator_id"],
            originator_version=r["originator_version"],
            topic=r["topic"],
            state=bytes(r["state"]),
            notification_id=r["notification_id"],
            event_hash=r["event_hash"].hex() if r["event_hash"] is not None else None,
            log_hash=r["log_hash"].hex() if r["log_hash"] is not None else None,
        )
        for r in rows
    ]


def to_stored_event(row: ChainedEvent) -> StoredEvent:
    return StoredEvent(
        originator_id=row.originator_id,
        originator_version=row.originator_version,
        topic=row.topic,
        state=row.state,
    )
