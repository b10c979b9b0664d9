"""The operator's view of a service's dead-letter topic: list what was parked, and replay it.

`meldcode-<service> dead-letters list [--json]` shows each parked message by its place on the
dead-letter topic (partition, offset), when it was parked, where it came from, its event type and id
when the value is a readable event, and the error; never the value itself (it may hold personal data).

`meldcode-<service> dead-letters replay (--offset N [--partition P] | --all)` publishes the original
value and key again to the original topic, with the header `x-replayed-from` naming the dead letter,
once the cause is fixed. Each replayed dead letter is remembered in the service's own database
(`dead_letter_replays`), so replaying it again does nothing. Consumers deduplicate by event id, so a
replay of a message that was processed meanwhile changes nothing either; an event that was parked is
handled again when it comes back as a replay (see `consuming.py`).
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import typer
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from meldcode_contracts import dead_letter_topic
from meldcode_edge.db import apply_schema, create_pool

from .consuming import REPLAY_HEADER
from .kafka import idempotent_producer
from .kafka_connection import KafkaConnection, connection
from .progress import Report, no_progress, progress
from .settings import ServiceSettings

REPLAY_SCHEMA = [
    """create table if not exists dead_letter_replays (
        dead_letter_topic text not null,
        partition int not null,
        "offset" bigint not null,
        original_topic text not null,
        event_id uuid,
        replayed_at timestamptz not null default now(),
        primary key (dead_letter_topic, partition, "offset")
    )"""
]

_EVENT_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9_.]{0,99}$")
_READ_POLL_MS = 500
_READ_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    parked_at: datetime
    original_topic: str | None
    original_partition: int | None
    original_offset: int | None
    event_type: str | None
    event_id: uuid.UUID | None
    error: str
    key: bytes | None
    value: bytes
    replayed_at: datetime | None = None

    def summary(self) -> dict[str, Any]:
        """What an operator may see: everything but the key and the value."""
        return {
            "partition": self.partition,
            "offset": self.offset,
            "parked_at": self.parked_at.isoformat(),
            "original_topic": self.original_topic,
            "original_partition": self.original_partition,
            "original_offset": self.original_offset,
            "event_type": self.event_type,
            "event_id": str(self.event_id) if self.event_id else None,
            "error": self.error,
            "replayed_at": self.replayed_at.isoformat() if self.replayed_at else None,
        }


@dataclass(frozen=True)
class ReplayOutcome:
    partition: int
    offset: int
    outcome: str
    """`replayed`, `already_replayed` or `no_original_topic`."""


def _header(headers: dict[str, bytes], name: str) -> str | None:
    raw = headers.get(name)
    return raw.decode("utf-8", "replace") if raw is not None else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _identity(value: bytes) -> tuple[str | None, uuid.UUID | None]:
    """Event type and id when the value is a JSON object that names them; nothing else is read."""
    try:
        data = json.loads(value)
    except (ValueError, UnicodeDecodeError):
        return None, None
    if not isinstance(data, dict):
        return None, None
    event_type = data.get("event_type")
    kind = event_type if isinstance(event_type, str) and _EVENT_TYPE.match(event_type) else None
    try:
        event_id = uuid.UUID(data["event_id"]) if isinstance(data.get("event_id"), str) else None
    except ValueError:
        event_id = None
    return kind, event_id


def _dead_letter(record: Any) -> DeadLetter:
    headers = {k: v for k, v in (record.headers or []) if v is not None}
    event_type, event_id = _identity(record.value or b"")
    return DeadLetter(
        partition=record.partition,
        offset=record.offset,
        parked_at=datetime.fromtimestamp(record.timestamp / 1000, UTC),
        original_topic=_header(headers, "x-original-topic"),
        original_partition=_int(_header(headers, "x-original-partition")),
        original_offset=_int(_header(headers, "x-original-offset")),
        event_type=event_type,
        event_id=event_id,
        error=_header(headers, "x-error") or "",
        key=record.key,
        value=record.value or b"",
    )


async def _partitions(kafka: KafkaConnection | str, topic: str) -> list[int]:
    """The topic's partitions; none when it does not exist (a service that never parked anything)."""
    admin = AIOKafkaAdminClient(**connection(kafka).client_options())
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return sorted(p["partition"] for p in described.get("partitions", []))


async def read_dead_letters(kafka: KafkaConnection | str, topic: str) -> list[DeadLetter]:
    """Every message on the dead-letter topic, oldest first per partition (none if it does not exist)."""
    partitions = [TopicPartition(topic, p) for p in await _partitions(kafka, topic)]
    if not partitions:
        return []
    consumer = AIOKafkaConsumer(**connection(kafka).client_options(), enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        letters: list[DeadLetter] = []
        deadline = asyncio.get_running_loop().time() + _READ_TIMEOUT_SECONDS
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"could not read {topic} to its end within {_READ_TIMEOUT_SECONDS}s")
            batch = await consumer.getmany(*partitions, timeout_ms=_READ_POLL_MS)
            for records in batch.values():
                letters.extend(
                    _dead_letter(r) for r in records if r.offset < ends[TopicPartition(topic, r.partition)]
                )
        return sorted(letters, key=lambda d: (d.parked_at, d.partition, d.offset))
    finally:
        await consumer.stop()


class DeadLetters:
    """One service's dead letters: its dead-letter topic and its record of what was replayed."""

    def __init__(self, settings: ServiceSettings, service: str) -> None:
        self.settings = settings
        self.topic = settings.topic(dead_letter_topic(service))

    async def _pool(self) -> asyncpg.Pool:
        pool = await create_pool(self.settings.database_url, max_size=2)
        await apply_schema(pool, REPLAY_SCHEMA)
        return pool

    async def parked(self) -> list[DeadLetter]:
        letters = await read_dead_letters(self.settings.kafka, self.topic)
        pool = await self._pool()
        try:
            rows = await pool.fetch(
                """select partition, "offset", replayed_at from dead_letter_replays
                   where dead_letter_topic = $1""",
                self.topic,
            )
        finally:
            await pool.close()
        replayed = {(r["partition"], r["offset"]): r["replayed_at"] for r in rows}
        return [
            DeadLetter(**{**vars(d), "replayed_at": replayed.get((d.partition, d.offset))}) for d in letters
        ]

    async def replay(
        self,
        *,
        offset: int | None = None,
        partition: int | None = None,
        everything: bool = False,
        progress: Report = no_progress,
    ) -> list[ReplayOutcome]:
        """Replay one dead letter (`offset`, and `partition` when the offset is on several) or all."""
        letters = await read_dead_letters(self.settings.kafka, self.topic)
        chosen = letters if everything else select(letters, offset=offset, partition=partition)
        pool = await self._pool()
        producer = idempotent_producer(self.settings.kafka, "meldcode-dead-letter-replay")
        await producer.start()
        try:
            outcomes: list[ReplayOutcome] = []
            progress(0, len(chosen))
            for letter in chosen:
                outcomes.append(await self._replay_one(pool, producer, letter))
                progress(len(outcomes), len(chosen))
            return outcomes
        finally:
            await producer.stop()
            await pool.close()

    async def _replay_one(self, pool: asyncpg.Pool, producer: Any, letter: DeadLetter) -> ReplayOutcome:
        if not letter.original_topic:
            return ReplayOutcome(letter.partition, letter.offset, "no_original_topic")
        async with pool.acquire() as conn, conn.transaction():
            first_time = await conn.fetchval(
                """insert into dead_letter_replays
                       (dead_letter_topic, partition, "offset", original_topic, event_id)
                   values ($1, $2, $3, $4, $5) on conflict do nothing returning true""",
                self.topic,
                letter.partition,
                letter.offset,
                letter.original_topic,
                letter.event_id,
            )
            if not first_time:
                return ReplayOutcome(letter.partition, letter.offset, "already_replayed")
            # Sent inside the transaction: if the send fails, the replay is not recorded either.
            await producer.send_and_wait(
                letter.original_topic,
                value=letter.value,
                key=letter.key,
                headers=[(REPLAY_HEADER, f"{self.topic}:{letter.partition}:{letter.offset}".encode())],
            )
        return ReplayOutcome(letter.partition, letter.offset, "replayed")


class DeadLetterNotFound(Exception):
    pass


def select(letters: Sequence[DeadLetter], *, offset: int | None, partition: int | None) -> list[DeadLetter]:
    """The dead letter at `offset` (in `partition`, which is needed when several partitions have it)."""
    matching = [d for d in letters if d.offset == offset and (partition is None or d.partition == partition)]
    if not matching:
        raise DeadLetterNotFound(
            f"no dead letter at offset {offset}"
            + (f" in partition {partition}" if partition is not None else "")
        )
    if len(matching) > 1:
        partitions = ", ".join(str(d.partition) for d in matching)
        raise DeadLetterNotFound(
            f"offset {offset} is on partitions {partitions}: choose one with --partition"
        )
    return matching


def _table(letters: Sequence[DeadLetter]) -> str:
    if not letters:
        return "no dead letters"
    lines = []
    for d in letters:
        origin = f"{d.original_topic}[{d.original_partition}]@{d.original_offset}"
        replayed = f"  replayed {d.replayed_at.isoformat()}" if d.replayed_at else ""
        lines.append(
            f"{d.partition}:{d.offset}  {d.parked_at.isoformat()}  {origin}  "
            f"{d.event_type or '-'} {d.event_id or '-'}{replayed}\n    error: {d.error}"
        )
    return "\n".join(lines)


# The operator's summary after a replay (the per-letter lines above it keep the outcome codes).
REPLAY_OUTCOME_LABELS = {
    "replayed": "opnieuw aangeboden",
    "already_replayed": "al eerder aangeboden",
    "no_original_topic": "zonder oorspronkelijk topic",
}


def dead_letters_cli(service: str, settings_type: Callable[[], ServiceSettings]) -> typer.Typer:
    """`meldcode-<service> dead-letters list|replay` (added to every service by `service_cli`)."""
    cli = typer.Typer(
        help=f"Messages the {service} consumer parked on {dead_letter_topic(service)}: list and replay them.",
        no_args_is_help=True,
    )

    @cli.command("list")
    def list_command(
        as_json: bool = typer.Option(False, "--json", help="One JSON object per dead letter, in a list"),
    ) -> None:
        """Show every dead letter: place, time, original topic/partition/offset, event type and id, error."""
        letters = asyncio.run(DeadLetters(settings_type(), service).parked())
        if as_json:
            typer.echo(json.dumps([d.summary() for d in letters], indent=2))
        else:
            typer.echo(_table(letters))

    @cli.command("replay")
    def replay_command(
        offset: int | None = typer.Option(None, "--offset", help="The dead letter's offset (see `list`)"),
        partition: int | None = typer.Option(
            None, "--partition", help="Its partition on the dead-letter topic, when the offset is on several"
        ),
        everything: bool = typer.Option(False, "--all", help="Replay every dead letter not replayed yet"),
    ) -> None:
        """Publish a dead letter's value and key again to its original topic (once; marked as a replay)."""
        if (offset is None) == (not everything):
            typer.echo("give either --offset N or --all", err=True)
            raise typer.Exit(2)
        try:
            with progress("Geparkeerde berichten opnieuw aanbieden", "berichten") as show:
                outcomes = asyncio.run(
                    DeadLetters(settings_type(), service).replay(
                        offset=offset, partition=partition, everything=everything, progress=show
                    )
                )
        except DeadLetterNotFound as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
        for o in outcomes:
            typer.echo(f"{o.partition}:{o.offset}  {o.outcome}")
        if not outcomes:
            typer.echo("no dead letters")
        else:
            tally = Counter(o.outcome for o in outcomes)
            typer.echo(
                f"Klaar: {len(outcomes)} berichten; "
                + ", ".join(
                    f"{n} {REPLAY_OUTCOME_LABELS.get(what, what)}" for what, n in sorted(tally.items())
                ),
                err=True,
            )

    return cli
