"""The key store: one data key per pupil, wrapped with the master key (ADR 10).

Every personal field in an event store, on a Kafka topic or in a dead letter is sealed with the
data key of the pupil it is about (`meldcode_servicekit.sealing`). The keys live apart from the
data, in a database of their own shared by the services (in production a KMS plays this part):
`pupil_keys` holds each pupil's AES-256 key encrypted with the master key from the settings, and
`key_subjects` says which pupil an aggregate or Kafka subject (a signal, a case) belongs to.
A subject that must not name its pupil on the wire (an anonymous advice request to Veilig Thuis)
has a key of its own, in `pupil_keys` under its own id, with `erased_with_pupil` naming the pupil
whose erasure destroys it too; it can also be erased on its own.

Erasure (crypto-shredding) deletes the wrapped key and keeps a tombstone: every copy of the
pupil's personal fields, wherever it was replicated, becomes unreadable at once, and no new key is
ever made for that pupil. Unwrapped keys are cached per process for `cache_seconds`; the process
that erases forgets at once, the others on `PersonalDataErased` or when the cache entry expires.

Synchronous on purpose: the eventsourcing mapper that seals and opens stored events is synchronous.
Async callers run it in a worker thread.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import os
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from psycopg_pool import ConnectionPool

from meldcode_edge.db import MAY_CREATE
from meldcode_edge.postgres_connections import PostgresConnections, libpq_keepalives
from meldcode_edge.settings import CONNECT_WAIT_SECONDS

from .connection_check import check_when_not_quiet
from .settings import ServiceSettings

KEYSTORE_SCHEMA = [
    """create table if not exists pupil_keys (
        pupil_id uuid primary key,
        tenant text not null,
        wrapped_key bytea,
        created_at timestamptz not null default now(),
        erased_at timestamptz,
        erasure_reason text,
        check ((wrapped_key is null) = (erased_at is not null))
    )""",
    """create table if not exists key_subjects (
        subject_id uuid primary key,
        pupil_id uuid not null references pupil_keys (pupil_id),
        created_at timestamptz not null default now()
    )""",
    "create index if not exists key_subjects_by_pupil on key_subjects (pupil_id)",
    # A key of its own (an anonymous advice request) that is destroyed with the pupil's.
    "alter table pupil_keys add column if not exists erased_with_pupil uuid",
    "create index if not exists pupil_keys_erased_with on pupil_keys (erased_with_pupil)",
]

_NONCE_BYTES = 12


class KeyStoreError(Exception):
    """The key store cannot give what was asked."""


class UnknownDataKey(KeyStoreError):
    """No key was ever made for this pupil (or subject): the data cannot be opened."""


class DataKeyErased(KeyStoreError):
    """The pupil's personal data was erased: nothing new may be sealed for them."""

    def __init__(self, pupil_id: uuid.UUID) -> None:
        super().__init__(f"the personal data of pupil {pupil_id} has been erased")
        self.pupil_id = pupil_id


def parse_master_key(value: str) -> bytes:
    """The master key from its base64 text (32 bytes: AES-256)."""
    try:
        key = base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise ValueError("MELDCODE_MASTER_KEY must be base64") from exc
    if len(key) != 32:
        raise ValueError("MELDCODE_MASTER_KEY must hold 32 bytes (base64 of an AES-256 key)")
    return key


def new_master_key() -> str:
    """A fresh master key as base64 text (for `keygen` and the tests)."""
    return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()


@dataclass(frozen=True)
class _Cached:
    key: bytes | None  # None: erased
    until: float
    erased_with_pupil: uuid.UUID | None = None
    # The key's cipher, made once per cache entry rather than once per sealed field opened (its key
    # schedule is a tenth of opening a field); it goes with the entry, as the key does.
    cipher: AESGCM | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cipher", None if self.key is None else AESGCM(self.key))


class KeyNotCached(Exception):
    """Inside `KeyStore.cache_only()`: the key is not in this process's cache (reading it would block)."""


_CACHE_ONLY: contextvars.ContextVar[bool] = contextvars.ContextVar("keystore_cache_only", default=False)


class KeyStore:
    def __init__(
        self,
        database_url: str,
        master_key: bytes,
        *,
        cache_seconds: float = 30.0,
        connections: PostgresConnections | None = None,
    ) -> None:
        self._master = AESGCM(master_key)
        self._cache_seconds = cache_seconds
        self._keys: dict[uuid.UUID, _Cached] = {}
        self._subjects: dict[uuid.UUID, uuid.UUID] = {}
        self._lock = threading.Lock()
        # A short wait and a checked connection: an unreachable key store refuses a request within
        # seconds (503), and a connection that died with a restarted server is replaced. Checked by a
        # look at its socket, not an empty query: a round trip less on every new signal (ADR 25, G).
        # Sized by MELDCODE_KEYSTORE_POOL_MAX, with TCP keepalives (ADR 28).
        connections = connections or PostgresConnections()
        self._pool = ConnectionPool(
            database_url,
            min_size=1,
            max_size=connections.keystore_pool_max,
            open=True,
            kwargs={"autocommit": True, "connect_timeout": 2, **libpq_keepalives(connections)},
            timeout=CONNECT_WAIT_SECONDS,
            check=check_when_not_quiet,
        )

    @property
    def cache_seconds(self) -> float:
        """How long an unwrapped key stays in this process's memory."""
        return self._cache_seconds

    def install(self) -> None:
        """The key store's tables, unless connected as a service's own role (ADR 16: migrated before)."""
        with self._pool.connection() as conn, conn.transaction():
            if not _may_create(conn):
                return
            conn.execute("select pg_advisory_xact_lock(7514)")
            for statement in KEYSTORE_SCHEMA:
                conn.execute(statement)

    def close(self) -> None:
        self._pool.close()

    # --- sealing side -------------------------------------------------------------------------

    def sealing_key(
        self,
        subject_id: uuid.UUID,
        *,
        pupil_id: uuid.UUID | None = None,
        tenant: str | None = None,
        erased_with_pupil: uuid.UUID | None = None,
    ) -> tuple[uuid.UUID, bytes]:
        """(pupil id, data key) to seal data of `subject_id` with. The first data of a subject names
        its pupil (`pupil_id`; a subject without a pupil, such as an anonymous advice request, is its
        own, and `erased_with_pupil` names the pupil whose erasure destroys its key too); later data
        of the subject finds it. Makes the pupil's key the first time."""
        with self._lock:
            owner = self._subjects.get(subject_id)
        if owner is None:
            if tenant is None:
                owner = self.pupil_of(subject_id)
                if owner is None:
                    raise UnknownDataKey(f"subject {subject_id} has no pupil yet and no tenant was given")
            elif erased_with_pupil is not None and pupil_id is None:
                owner = self._register_own_key(subject_id, erased_with_pupil, tenant)
            else:
                owner = self._register(subject_id, pupil_id or subject_id, tenant)
        key = self.key(owner)
        if key is None:
            raise DataKeyErased(owner)
        return owner, key

    def pupil_sealing_key(self, pupil_id: uuid.UUID) -> tuple[uuid.UUID, bytes]:
        """(pupil id, data key) to seal data of a subject whose every event names its pupil: no
        `key_subjects` row is needed to find the key again (the token names its pupil, and the next
        event names it too), so none is written: no commit in the key store on the write path
        (ADR 25, I). The pupil's key exists already (made with the pupil's first data)."""
        key = self.key(pupil_id)
        if key is None:
            raise DataKeyErased(pupil_id)
        return pupil_id, key

    def _register(self, subject_id: uuid.UUID, pupil_id: uuid.UUID, tenant: str) -> uuid.UUID:
        """The subject's pupil: the one it was registered with before, or `pupil_id` now (with a new
        key for that pupil if they have none). One statement, one round trip: a new signal or case
        costs no more. A pupil whose key this process holds gets no candidate key made and wrapped
        (it would be thrown away); otherwise one is, and the statement keeps it only if the pupil
        has none yet."""
        if self._holds_key(pupil_id):
            return self._register_subject(subject_id, pupil_id)
        wrapped = self._wrap(pupil_id, AESGCM.generate_key(bit_length=256))
        with self._pool.connection() as conn:
            row = conn.execute(
                """with new_key as (
                       insert into pupil_keys (pupil_id, tenant, wrapped_key) values (%(pupil)s, %(tenant)s, %(key)s)
                       on conflict (pupil_id) do nothing
                   ), new_subject as (
                       insert into key_subjects (subject_id, pupil_id) values (%(subject)s, %(pupil)s)
                       on conflict (subject_id) do nothing
                       returning pupil_id
                   )
                   select pupil_id from new_subject
                   union all
                   select pupil_id from key_subjects where subject_id = %(subject)s
                   limit 1""",
                {"pupil": pupil_id, "tenant": tenant, "key": wrapped, "subject": subject_id},
            ).fetchone()
            return self._owner_of(conn, subject_id, row)

    def _owner_of(self, conn: Any, subject_id: uuid.UUID, row: Any) -> uuid.UUID:
        """The pupil a subject belongs to, from the registering statement's `row`, cached for good
        (a subject never changes pupil)."""
        if row is None:  # registered at this very moment by another process: read it afresh
            row = conn.execute(
                "select pupil_id from key_subjects where subject_id = %s", (subject_id,)
            ).fetchone()
        assert row is not None
        owner: uuid.UUID = row[0]
        with self._lock:
            self._subjects[subject_id] = owner
        return owner

    def _holds_key(self, pupil_id: uuid.UUID) -> bool:
        """A live (not erased) key of the pupil is in this process's cache: their row exists."""
        with self._lock:
            cached = self._keys.get(pupil_id)
        return cached is not None and cached.key is not None and cached.until > time.monotonic()

    def _register_subject(self, subject_id: uuid.UUID, pupil_id: uuid.UUID) -> uuid.UUID:
        """`_register` for a pupil whose key exists: only the subject's row (a subject registered
        before keeps the pupil it had)."""
        with self._pool.connection() as conn:
            row = conn.execute(
                """with new_subject as (
                       insert into key_subjects (subject_id, pupil_id) values (%(subject)s, %(pupil)s)
                       on conflict (subject_id) do nothing
                       returning pupil_id
                   )
                   select pupil_id from new_subject
                   union all
                   select pupil_id from key_subjects where subject_id = %(subject)s
                   limit 1""",
                {"pupil": pupil_id, "subject": subject_id},
            ).fetchone()
            return self._owner_of(conn, subject_id, row)

    def _register_own_key(self, subject_id: uuid.UUID, pupil_id: uuid.UUID, tenant: str) -> uuid.UUID:
        """A key of the subject's own, destroyed with `pupil_id`'s. The pupil's row is share-locked
        while the key is made, so an erasure of the pupil either comes first (and nothing is made)
        or waits and then destroys the new key with the pupil's."""
        wrapped = self._wrap(subject_id, AESGCM.generate_key(bit_length=256))
        with self._pool.connection() as conn, conn.transaction():
            pupil = conn.execute(
                "select wrapped_key from pupil_keys where pupil_id = %s for share", (pupil_id,)
            ).fetchone()
            if pupil is not None and pupil[0] is None:
                raise DataKeyErased(pupil_id)
            conn.execute(
                "insert into pupil_keys (pupil_id, tenant, wrapped_key, erased_with_pupil) "
                "values (%s, %s, %s, %s) on conflict (pupil_id) do nothing",
                (subject_id, tenant, wrapped, pupil_id),
            )
            conn.execute(
                "insert into key_subjects (subject_id, pupil_id) values (%s, %s) "
                "on conflict (subject_id) do nothing",
                (subject_id, subject_id),
            )
        with self._lock:
            self._subjects[subject_id] = subject_id
        return subject_id

    def pupil_of(self, subject_id: uuid.UUID) -> uuid.UUID | None:
        with self._lock:
            known = self._subjects.get(subject_id)
        if known is not None:
            return known
        with self._pool.connection() as conn:
            row = conn.execute(
                "select pupil_id from key_subjects where subject_id = %s", (subject_id,)
            ).fetchone()
        if row is None:
            return None
        with self._lock:
            self._subjects[subject_id] = row[0]  # a subject never changes pupil: cached for good
        return row[0]  # type: ignore[no-any-return]

    # --- opening side -------------------------------------------------------------------------

    def key(self, pupil_id: uuid.UUID) -> bytes | None:
        """The pupil's data key, or None once erased. Raises UnknownDataKey if there never was one."""
        return self._entry(pupil_id).key

    def cipher(self, pupil_id: uuid.UUID) -> AESGCM | None:
        """The AES-GCM cipher of the pupil's data key (`key`), or None once erased. Raises
        UnknownDataKey if there never was one."""
        return self._entry(pupil_id).cipher

    def _entry(self, pupil_id: uuid.UUID) -> _Cached:
        now = time.monotonic()
        with self._lock:
            cached = self._keys.get(pupil_id)
        if cached is not None and cached.until > now:
            return cached
        if _CACHE_ONLY.get():
            raise KeyNotCached(pupil_id)
        with self._pool.connection() as conn:
            row = conn.execute(
                "select wrapped_key, erased_with_pupil from pupil_keys where pupil_id = %s", (pupil_id,)
            ).fetchone()
        if row is None:
            raise UnknownDataKey(f"no data key for pupil {pupil_id}")
        key = None if row[0] is None else self._unwrap(pupil_id, bytes(row[0]))
        entry = _Cached(key, now + self._cache_seconds, row[1])
        with self._lock:
            self._keys[pupil_id] = entry
        return entry

    @staticmethod
    @contextlib.contextmanager
    def cache_only() -> Iterator[None]:
        """Within it, `key` answers from the cache only and raises `KeyNotCached` instead of reading
        the key store: for work on the event loop, which must not wait on a blocking query."""
        token = _CACHE_ONLY.set(True)
        try:
            yield
        finally:
            _CACHE_ONLY.reset(token)

    def preload(self, pupil_ids: Iterable[uuid.UUID]) -> None:
        """Cache the keys of `pupil_ids` not cached yet in one statement (a page of messages about to
        be opened) instead of one round trip per pupil in `key`; a pupil without a key is left for
        `key` to report."""
        now = time.monotonic()
        with self._lock:
            missing = [p for p in set(pupil_ids) if (c := self._keys.get(p)) is None or c.until <= now]
        if not missing:
            return
        with self._pool.connection() as conn:
            rows = conn.execute(
                "select pupil_id, wrapped_key, erased_with_pupil from pupil_keys where pupil_id = any(%s)",
                (missing,),
            ).fetchall()
        loaded = {
            row[0]: _Cached(
                None if row[1] is None else self._unwrap(row[0], bytes(row[1])),
                now + self._cache_seconds,
                row[2],
            )
            for row in rows
        }
        with self._lock:
            self._keys.update(loaded)

    def is_erased(self, pupil_id: uuid.UUID) -> bool:
        try:
            return self.key(pupil_id) is None
        except UnknownDataKey:
            return False

    # --- erasure ------------------------------------------------------------------------------

    def shred(self, pupil_id: uuid.UUID, *, tenant: str, reason: str) -> bool:
        """Delete the pupil's data key for good, and the keys of their own that are erased with it
        (anonymous advice requests). True if the pupil's key was there; erasing twice is harmless.
        A pupil that never had a key gets a tombstone, so none is ever made later. (Also erases a
        key of its own alone, by its subject id.)"""
        with self._pool.connection() as conn, conn.transaction():
            # The pupil's row first: it takes the row lock a key being made with it waits for.
            cursor = conn.execute(
                "update pupil_keys set wrapped_key = null, erased_at = now(), erasure_reason = %s "
                "where pupil_id = %s and wrapped_key is not null",
                (reason, pupil_id),
            )
            shredded = cursor.rowcount == 1
            conn.execute(
                "insert into pupil_keys (pupil_id, tenant, wrapped_key, erased_at, erasure_reason) "
                "values (%s, %s, null, now(), %s) on conflict (pupil_id) do nothing",
                (pupil_id, tenant, reason),
            )
            conn.execute(
                "update pupil_keys set wrapped_key = null, erased_at = now(), erasure_reason = %s "
                "where erased_with_pupil = %s and wrapped_key is not null",
                (reason, pupil_id),
            )
        self.forget(pupil_id)
        return shredded

    def subjects_of(self, pupil_id: uuid.UUID) -> list[uuid.UUID]:
        """Every subject (aggregate or Kafka subject: the pupil, their signals, their cases) whose data
        is sealed with the pupil's key: what a read model drops on erasure."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "select subject_id from key_subjects where pupil_id = %s order by subject_id", (pupil_id,)
            ).fetchall()
        return [row[0] for row in rows]

    def forget(self, pupil_id: uuid.UUID) -> None:
        """Drop the cached key (and the cached keys erased with it), so the next use reads the key
        store again."""
        with self._lock:
            self._keys.pop(pupil_id, None)
            for owner in [o for o, c in self._keys.items() if c.erased_with_pupil == pupil_id]:
                del self._keys[owner]

    # --- wrapping -----------------------------------------------------------------------------

    def _wrap(self, pupil_id: uuid.UUID, key: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._master.encrypt(nonce, key, pupil_id.bytes)

    def _unwrap(self, pupil_id: uuid.UUID, wrapped: bytes) -> bytes:
        return self._master.decrypt(wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], pupil_id.bytes)


def _may_create(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute(MAY_CREATE).fetchone()
    return bool(row and row[0])


def connect_key_store(settings: ServiceSettings) -> KeyStore:
    """The key store named by the settings. A service does not start without it: personal data is
    never written or published unsealed."""
    if not settings.keystore_url or settings.master_key is None:
        raise RuntimeError("MELDCODE_KEYSTORE_URL and MELDCODE_MASTER_KEY must be set (ADR 10)")
    master = parse_master_key(settings.master_key.get_secret_value())
    store = KeyStore(
        settings.keystore_url, master, cache_seconds=settings.key_cache_seconds, connections=settings
    )
    store.install()
    return store


def keystore_reachable(store: KeyStore) -> bool:
    try:
        with store._pool.connection() as conn:
            conn.execute("select 1")
        return True
    except psycopg.Error:
        return False
