"""Erasures that a restore undid: `backup.sh erasures check|apply` (docs/operations.md).

Crypto-shredding (ADR 10) erases a pupil by destroying the pupil's data key in the key store. A
restore of the key store to a point before that brings the key back, and with it every sealed copy
of the pupil's personal data. The signals topic keeps every `PersonalDataErased` for good, so it is
the record to check against: each pupil erased on the topic must have no key in the key store.

check: names (by pupil id only) every erased pupil whose key is back; exit code 4 if there is one.
apply: destroys those keys again (the tombstone of the erasure, with its reason and time). The
signals service then still lacks the `PersonalDataErased` event in its store: erase the pupil again
through its API (an erasure request, `POST /pupils/{id}/erasure-requests`, approved by a second
person of the other role), which records it (the key is gone already); an erasure after the
retention term is recorded again by the retention job's next run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition

from meldcode_contracts.topics import SIGNALS_EVENTS
from meldcode_servicekit.kafka_connection import KafkaConnection

RESURRECTED = 4


@dataclass(frozen=True)
class Erasure:
    pupil_id: uuid.UUID
    tenant: str
    reason: str
    occurred_at: datetime


def kafka_login(bootstrap: str) -> KafkaConnection:
    """The broker, with the SASL principal and TLS the environment names (as for the services)."""
    cafile = os.environ.get("KAFKA_SSL_CAFILE")
    return KafkaConnection(
        bootstrap_servers=bootstrap,
        security_protocol=os.environ.get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT"),
        username=os.environ.get("KAFKA_SASL_USERNAME"),
        password=os.environ.get("KAFKA_SASL_PASSWORD"),
        ssl_cafile=Path(cafile) if cafile else None,
    )


async def erasures_on_topic(bootstrap: str, topic: str) -> dict[uuid.UUID, Erasure]:
    """Every `PersonalDataErased` on the topic, read from the beginning to the end it has now."""
    options = kafka_login(bootstrap).client_options()
    admin = AIOKafkaAdminClient(**options)
    await admin.start()
    try:
        if topic not in await admin.list_topics():
            raise SystemExit(f"erasures: topic {topic} not found")
        [described] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    partitions = [TopicPartition(topic, p["partition"]) for p in described["partitions"]]
    consumer = AIOKafkaConsumer(**options, enable_auto_commit=False, group_id=None)
    await consumer.start()
    found: dict[uuid.UUID, Erasure] = {}
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for record in records:
                    _collect(record.value, found)
    finally:
        await consumer.stop()
    return found


def _collect(value: bytes | None, found: dict[uuid.UUID, Erasure]) -> None:
    # The pupil id, reason and times of this event are not sealed: no key is needed to read them.
    try:
        event = json.loads(value or b"")
    except ValueError:
        return
    if not isinstance(event, dict) or event.get("event_type") != "PersonalDataErased":
        return
    payload = event["payload"]
    pupil_id = uuid.UUID(payload["pupil_id"])
    found.setdefault(
        pupil_id,
        Erasure(pupil_id, event["tenant"], payload["reason"], datetime.fromisoformat(event["occurred_at"])),
    )


async def resurrected(keystore: str, erased: dict[uuid.UUID, Erasure]) -> list[Erasure]:
    """The erased pupils whose wrapped key is in the key store again."""
    conn = await asyncpg.connect(keystore)
    try:
        rows = await conn.fetch(
            "select pupil_id from pupil_keys where pupil_id = any($1::uuid[]) and wrapped_key is not null",
            list(erased),
        )
    finally:
        await conn.close()
    return sorted((erased[r["pupil_id"]] for r in rows), key=lambda e: e.occurred_at)


async def destroy_again(keystore: str, erasures: list[Erasure]) -> None:
    conn = await asyncpg.connect(keystore)
    try:
        async with conn.transaction():
            for e in erasures:
                await conn.execute(
                    "update pupil_keys set wrapped_key = null, erased_at = $2, erasure_reason = $3 "
                    "where pupil_id = $1 and wrapped_key is not null",
                    e.pupil_id,
                    e.occurred_at,
                    e.reason,
                )
    finally:
        await conn.close()


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="backup.sh erasures", description=__doc__)
    parser.add_argument("mode", choices=["check", "apply"])
    parser.add_argument("--keystore", required=True, help="URL of the restored key store database")
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic-prefix", default="")
    args = parser.parse_args(argv)
    erased = await erasures_on_topic(args.bootstrap, f"{args.topic_prefix}{SIGNALS_EVENTS}")
    back = await resurrected(args.keystore, erased)
    print(f"erasures: {len(erased)} on the signals topic, {len(back)} with their key back in the key store")
    for e in back:
        print(f"  pupil {e.pupil_id} (tenant {e.tenant}) erased at {e.occurred_at.isoformat()}: key is back")
    if not back:
        return 0
    if args.mode == "check":
        print(
            "erasures: REFUSED: the restore brought back erased pupils' keys. Do not start the services; "
            "run 'backup.sh erasures apply' first (docs/operations.md)."
        )
        return RESURRECTED
    await destroy_again(args.keystore, back)
    print(
        f"erasures: destroyed {len(back)} keys again; after the services start, erase each pupil again "
        "through the signals API so its store records the erasure"
    )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
