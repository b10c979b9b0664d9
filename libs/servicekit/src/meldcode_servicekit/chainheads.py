"""Chain heads recorded outside the database on a schedule (ADR 7), so that a rewrite of the event
store by a database superuser, who can recompute every hash, is still caught.

Every `MELDCODE_CHAIN_HEAD_INTERVAL_SECONDS` a service reads the head of its store's log chain
(`notification_id`, `log_hash` of the newest row) and appends it, signed with its Ed25519 key, as one
line to `<MELDCODE_CHAIN_HEADS_DIR>/<service>-chain-heads.jsonl` (format: `meldcode_contracts.
chain_heads`). The file is meant to be shipped off the host to a place the auditor keeps; the
public key is served at `GET /audit/chain-heads`. `GET /audit/verify` checks the store against every
correctly signed record of the file (`head_missing`) and names a record whose signature does not
hold (`bad_signature`); `meldcode-audit verify --heads FILE` does the same with the auditor's copy.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import fcntl
import hashlib
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import anyio
import asyncpg
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from fastapi import FastAPI

from meldcode_contracts.chain_heads import ChainHeadRecord
from meldcode_edge.logging import get_logger

from .hashchain import Anchor, Finding, _checked
from .settings import ServiceSettings

log = get_logger(__name__)


def parse_signing_key(value: str) -> Ed25519PrivateKey:
    """Base64 of the 32-byte Ed25519 private key (`MELDCODE_CHAIN_HEAD_SIGNING_KEY`)."""
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("MELDCODE_CHAIN_HEAD_SIGNING_KEY must be base64") from exc
    if len(raw) != 32:
        raise ValueError("MELDCODE_CHAIN_HEAD_SIGNING_KEY must hold 32 bytes (an Ed25519 private key)")
    return Ed25519PrivateKey.from_private_bytes(raw)


def new_signing_key() -> str:
    """A fresh key in the form `parse_signing_key` reads (for the secret store)."""
    key = Ed25519PrivateKey.generate()
    return base64.b64encode(key.private_bytes_raw()).decode()


def public_key_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def key_id(public_key: str) -> str:
    """A short fingerprint of a public key (what an auditor compares by eye)."""
    return hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:16]


def _development_key(path: Path) -> Ed25519PrivateKey:
    """A key kept next to the heads when none is configured: for local use only (see operations.md)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(new_signing_key() + "\n")
        log.warning("chain_head_development_key_generated", path=str(path))
    return parse_signing_key(path.read_text())


def signature_holds(record: ChainHeadRecord, trusted_keys: Sequence[str]) -> bool:
    """The record is signed by its `public_key`, and that key is one of `trusted_keys`."""
    if record.public_key not in trusted_keys:
        return False
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(record.public_key, validate=True))
        public.verify(base64.b64decode(record.signature, validate=True), record.signed_bytes())
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


@dataclass
class RecordedHeads:
    """What a heads file says about one store: the heads to check, and the lines that do not hold."""

    anchors: list[Anchor] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    records: int = 0


def check_records(lines: Sequence[str], table: str, trusted_keys: Sequence[str]) -> RecordedHeads:
    """The correctly signed records of `table` as anchors; a finding for every line that is not."""
    result = RecordedHeads()
    seen: set[Anchor] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = ChainHeadRecord.from_line(line)
        except ValueError:
            result.findings.append(
                Finding(
                    "bad_signature",
                    f"Regel {number} van de vastgelegde ketenkoppen is geen leesbare ketenkop.",
                )
            )
            continue
        if record.table != table:
            continue
        result.records += 1
        if not signature_holds(record, trusted_keys):
            result.findings.append(
                Finding(
                    "bad_signature",
                    f"De vastgelegde ketenkop op regel {number} ({record.anchor[:24]}…, "
                    f"{record.recorded_at}) heeft geen geldige handtekening van de sleutel van de "
                    "dienst: de regel is vervalst of gewijzigd.",
                    notification_id=record.notification_id,
                )
            )
            continue
        anchor = Anchor(record.notification_id, record.log_hash)
        if anchor not in seen:
            seen.add(anchor)
            result.anchors.append(anchor)
    return result


class ChainHeadRecorder:
    """Reads the head of one store and appends it, signed, to the service's heads file."""

    def __init__(
        self, pool: asyncpg.Pool, table: str, service: str, key: Ed25519PrivateKey, directory: Path
    ) -> None:
        self._pool = pool
        self.table = _checked(table)
        self.service = service
        self._key = key
        self.public_key = public_key_text(key.public_key())
        self.path = directory / f"{service}-chain-heads.jsonl"

    async def record(self) -> ChainHeadRecord | None:
        """Record the current head; None while the store is empty (nothing to anchor yet)."""
        row = await self._pool.fetchrow(
            f"select notification_id, log_hash from {self.table} "  # noqa: S608 - a checked table name
            "where log_hash is not null order by notification_id desc limit 1"
        )
        if row is None:
            return None
        unsigned = ChainHeadRecord(
            service=self.service,
            table=self.table,
            notification_id=row["notification_id"],
            log_hash=bytes(row["log_hash"]).hex(),
            recorded_at=datetime.now(UTC).isoformat(),
            public_key=self.public_key,
        )
        record = unsigned.signed(base64.b64encode(self._key.sign(unsigned.signed_bytes())).decode())
        await anyio.to_thread.run_sync(self._append, record.to_line())
        log.info("chain_head_recorded", table=self.table, notification_id=record.notification_id)
        return record

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="ascii") as handle:
            # replicas sharing the directory append whole lines, one at a time
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.write(line + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def lines(self) -> list[str]:
        return self.path.read_text(encoding="ascii").splitlines() if self.path.exists() else []

    async def recorded(self) -> RecordedHeads:
        """The file's records checked against this service's own key."""
        lines = await anyio.to_thread.run_sync(self.lines)
        return check_records(lines, self.table, [self.public_key])


def recorder_for(pool: asyncpg.Pool, table: str, settings: ServiceSettings) -> ChainHeadRecorder | None:
    directory = settings.chain_heads_dir
    if directory is None:
        return None
    configured = settings.chain_head_signing_key
    key = (
        parse_signing_key(configured.get_secret_value())
        if configured is not None
        else _development_key(directory / f"{settings.service_name}-chain-head-signing.key")
    )
    return ChainHeadRecorder(pool, table, settings.service_name, key, directory)


async def _schedule(recorder: ChainHeadRecorder, interval: float, stop: asyncio.Event) -> None:
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
        if stop.is_set():
            return
        try:
            await recorder.record()
        except Exception as exc:
            log.warning("chain_head_recording_failed", table=recorder.table, error_type=type(exc).__name__)


@asynccontextmanager
async def chain_head_recording(
    app: FastAPI, settings: ServiceSettings, table: str
) -> AsyncIterator[ChainHeadRecorder | None]:
    """`app.state.chain_heads`: records the store's head every interval (after `runtime.database`
    and `install_hash_chain`). Without `MELDCODE_CHAIN_HEADS_DIR` nothing is recorded."""
    recorder = recorder_for(app.state.pool, table, settings)
    app.state.chain_heads = recorder
    if recorder is None:
        log.warning("chain_heads_not_recorded", table=table, reason="MELDCODE_CHAIN_HEADS_DIR unset")
        yield None
        return
    log.info(
        "chain_head_recording_started",
        table=table,
        path=str(recorder.path),
        key_id=key_id(recorder.public_key),
        interval_seconds=settings.chain_head_interval_seconds,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(
        _schedule(recorder, settings.chain_head_interval_seconds, stop), name=f"{table}-chain-heads"
    )
    try:
        yield recorder
    finally:
        stop.set()
        await task
