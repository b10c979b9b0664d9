"""Benchmark: rebuilding reporting's read models from Kafka, against a raw paged read from PostgreSQL.

    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 MELDCODE_DATABASE_URL=postgresql://postgres@127.0.0.1:15432/postgres \\
        uv run python bench/reporting_rebuild.py [--events 100000]

Generates contract events (pupils, signals, corrections, whole cases through every step, notices
and access-log entries, in the proportions of the reporting tests), publishes them to fresh topics
(own prefix) and stores the same serialized events in a PostgreSQL table of a fresh database. Then:

- raw read: the table read in pages of 1 000 (keyset on a bigserial), the fastest of three reads:
  the floor of what reading the stored events costs on this machine;
- rebuild: every topic replayed from offset 0 to its end into fresh read models (a new schema)
  with reporting's own projection code (`reporting.adapters.rebuild.Replayer`, opening messages
  with a key store in a database of its own and a fresh master key, as the service does), page
  by page as `meldcode-reporting rebuild` does (`--per-event`: one event at a time, the live
  consumer's way, to compare), then checksummed;

- rebuild workers (`--workers N`, default `REPORTING_REBUILD_WORKERS`'s: one fewer than the CPUs, 1 to 4): the
  partitions replayed in N worker processes, one group each (`reporting.adapters.replay_workers`);
  1 replays in this process; the CPU per event is summed over this process and its children;
- the floor of the same run, in one process: every topic read with aiokafka's `getmany` without
  parsing (`kafka_read_per_s`), and the same plus `orjson.loads` of each value
  (`kafka_parse_per_s`), each the fastest of three reads; `parse_floor_ratio` = kafka_parse_per_s / raw_read_per_s, the most a
  one-process rebuild could reach of `rebuild_ratio`;

and prints events/s of both, their ratio (`rebuild_ratio`, target >= 0.25), and the rebuild time
extrapolated (not measured) to 1 000 000 events from the measured rate;
the last line is one JSON object with every figure. The topics and the databases are removed
afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import cast

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from anchors import kafka_options

from meldcode_contracts import EVENTS_BY_TOPIC, CaseOpened, Envelope, serialize_event
from meldcode_edge.db import apply_schema
from meldcode_edge.logging import configure_logging
from meldcode_edge.migrations import migrate_pool
from meldcode_servicekit.consuming import CONSUMER_SCHEMA
from meldcode_servicekit.kafka import ensure_topics
from meldcode_servicekit.keystore import connect_key_store, new_master_key
from meldcode_servicekit.sealing import seal_event
from meldcode_servicekit.settings import ServiceSettings
from meldcode_testkit.builders import Events, Notices, a_whole_case, at
from reporting.adapters.migrations import MIGRATIONS
from reporting.adapters.rebuild import checksums, topic_partitions
from reporting.adapters.replay import Replayer
from reporting.adapters.replay_workers import ReplayWorkers, WorkerSpec, default_workers
from reporting.entrypoints.consumer import handle_event, handle_page

ROOT = Path(__file__).resolve().parents[1]
TOPIC_OF = {event_type: topic for topic, types in EVENTS_BY_TOPIC.items() for event_type in types}
PAGE = 1000
FLOOR_RUNS = 3


def generate(count: int) -> list[Envelope]:
    out: list[Envelope] = []
    schools = ["01AB", "02CD", "03EF", "04GH"]
    n = 0
    while len(out) < count:
        events, notices = Events(school=schools[n % 4]), Notices(school=schools[n % 4])
        registered = events.pupil()
        pupil_id = registered.payload.pupil_id
        start = n * 5
        signals = [events.signal(pupil_id, when=at(start + k)) for k in range(3)]
        case = a_whole_case(events, pupil_id, [s.payload.signal_id for s in signals], start + 10)
        case_id = cast(CaseOpened, case[0]).payload.case_id
        out += [
            registered,
            *signals,
            events.correction(signals[0], when=at(start + 5)),
            *case,
            notices.document(case_id, pupil_id, when=at(start + 900)),
            notices.reminder(case_id, None, when=at(start + 910)),
            notices.access(when=at(start + 920), pupil_id=pupil_id, case_id=case_id),
        ]
        n += 1
    return out[:count]


def sealed_values(settings: ServiceSettings, events: list[Envelope]) -> list[bytes]:
    """The events as the relay publishes them: personal fields sealed with their pupil's key."""
    keystore = connect_key_store(settings)
    try:
        return [seal_event(e, keystore) for e in events]
    finally:
        keystore.close()


async def publish(
    bootstrap: str, prefix: str, events: list[Envelope], values: list[bytes] | None = None
) -> float:
    producer = AIOKafkaProducer(
        **{**kafka_options(), "bootstrap_servers": bootstrap},
        acks="all",
        linger_ms=20,
        max_batch_size=512 * 1024,
    )
    await producer.start()
    started = time.perf_counter()
    try:
        pending = []
        for n, e in enumerate(events):
            value = serialize_event(e) if values is None else values[n]
            pending.append(
                await producer.send(f"{prefix}{TOPIC_OF[type(e)]}", value, key=str(e.subject_id).encode())
            )
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending = []
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return time.perf_counter() - started


async def raw_read(url: str, events: list[Envelope]) -> tuple[float, int]:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "create table stored_events (position bigserial primary key, event_id uuid not null, body jsonb not null)"
        )
        await conn.copy_records_to_table(
            "stored_events",
            records=[(e.event_id, serialize_event(e).decode()) for e in events],
            columns=["event_id", "body"],
        )
        await conn.execute("analyze stored_events")
        # The fastest of three reads: the first read of freshly copied rows also sets their hint
        # bits (writing the pages again, and WAL on a durable server), which made the anchor swing
        # between 60 000 and 320 000 events/s from run to run.
        best: tuple[float, int] | None = None
        for _ in range(3):
            started = time.perf_counter()
            position, read = 0, 0
            while True:
                rows = await conn.fetch(
                    "select position, event_id, body from stored_events where position > $1 order by position limit $2",
                    position,
                    PAGE,
                )
                if not rows:
                    break
                read += len(rows)
                position = rows[-1]["position"]
            took = time.perf_counter() - started
            if best is None or took < best[0]:
                best = (took, read)
        assert best is not None
        return best
    finally:
        await conn.close()


def _consumer(settings: ServiceSettings) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        **settings.kafka.client_options(),
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )


async def kafka_floor(settings: ServiceSettings, *, parse: bool) -> tuple[float, int]:
    """Seconds and records reading every partition from offset 0 to its end in one consumer
    (`getmany`, as the replay fetches), with `parse` also `orjson.loads` of each value."""
    consumer = _consumer(settings)
    partitions = await topic_partitions(settings)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        pending = {tp for tp in partitions if end[tp] > 0}
        started, read = time.perf_counter(), 0
        while pending:
            fetched = await consumer.getmany(*pending, timeout_ms=500, max_records=6000)
            for batch in fetched.values():
                read += len(batch)
                if parse:
                    for record in batch:
                        orjson.loads(record.value or b"null")
            for tp in list(pending):
                if await consumer.position(tp) >= end[tp]:
                    pending.discard(tp)
        return time.perf_counter() - started, read
    finally:
        await consumer.stop()


async def best_of(runs: int, settings: ServiceSettings, *, parse: bool) -> float:
    """The fastest of `runs` reads, records/s: a fresh consumer's read now and then stalls for
    about half a second (seen with any `fetch_max_wait_ms`), which is not the machine's floor."""
    rates = []
    for _ in range(runs):
        seconds, count = await kafka_floor(settings, parse=parse)
        rates.append(count / seconds)
    return max(rates)


def machine_cpu() -> tuple[float, float]:
    """(busy, all) jiffies of every core since boot, any process (/proc/stat)."""
    fields = [float(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


async def rebuild(
    settings: ServiceSettings, url: str, *, per_event: bool, workers: int, start_method: str | None = None
) -> tuple[float, float, int, float]:
    """Seconds replaying, seconds checksumming, events replayed, and the CPU seconds of this
    process while replaying plus its worker processes' own (less dependent on what else the machine
    runs than the wall time; not counted: a forkserver's one start, PostgreSQL's and Kafka's work)."""
    schema = "rebuild_bench"
    conn = await asyncpg.connect(url)
    await conn.execute(f"create schema {schema}")
    await conn.close()
    pool = await asyncpg.create_pool(url, min_size=1, max_size=4, server_settings={"search_path": schema})
    assert pool is not None
    keystore = None
    consumer = _consumer(settings)
    page_handler = None if per_event else handle_page
    workers_of = (
        ReplayWorkers(
            WorkerSpec(settings, url, schema, handle_event, page_handler), workers, start_method=start_method
        )
        if workers > 1
        else None
    )
    try:
        await apply_schema(pool, CONSUMER_SCHEMA)
        await migrate_pool(pool, MIGRATIONS)
        partitions = await topic_partitions(settings)
        await consumer.start()
        keystore = await asyncio.to_thread(connect_key_store, settings)
        started, cpu_started, machine_started = time.perf_counter(), time.process_time(), machine_cpu()
        replayer = Replayer(
            consumer,
            pool,
            handle_event,
            keystore,
            handle_page=page_handler,
            workers=workers_of,
            in_process_below=0,  # the workers also for a small --events, to measure them
        )
        await replayer.start(partitions)
        await replayer.replay_until(await consumer.end_offsets(partitions))
        replayed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started + (workers_of.cpu_seconds if workers_of else 0.0)
        busy, every = (now - then for now, then in zip(machine_cpu(), machine_started, strict=True))
        print(f"  every core of the machine busy {busy / every:.0%} of the replay (any process)")
        async with pool.acquire() as c, c.transaction():
            sums = await checksums(c, schema)
        checksummed = time.perf_counter() - started - replayed
        print("  rebuilt rows:", {t: n for t, (_, n) in sums.items()})
        return replayed, checksummed, replayer.events, cpu
    finally:
        await consumer.stop()
        await pool.close()
        if keystore is not None:
            await asyncio.to_thread(keystore.close)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument(
        "--per-event",
        action="store_true",
        help="replay event by event (the live consumer's way) instead of page by page, to compare",
    )
    parser.add_argument(
        "--sealed",
        action="store_true",
        help="publish the events with their personal fields sealed, as the relay does",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("REPORTING_REBUILD_WORKERS", default_workers())),
        help="worker processes of the replay, one group of partitions each (1: in this process)",
    )
    parser.add_argument(
        "--start-method",
        choices=["forkserver", "spawn"],
        default=None,
        help="how the workers start (default as the rebuild: forkserver where there is one)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("MELDCODE_DATABASE_URL", "postgresql://postgres@127.0.0.1:15432/postgres"),
    )
    parser.add_argument("--kafka", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092"))
    args = parser.parse_args()
    configure_logging("bench", "WARNING")

    prefix = f"bench{uuid.uuid4().hex[:8]}."
    database = f"bench_reporting_{uuid.uuid4().hex[:8]}"
    keys_database = f"{database}_keys"
    admin_conn = await asyncpg.connect(args.database_url)
    await admin_conn.execute(f'create database "{database}"')
    await admin_conn.execute(f'create database "{keys_database}"')
    url = args.database_url.rsplit("/", 1)[0] + f"/{database}"
    settings = ServiceSettings(
        kafka_bootstrap_servers=args.kafka,
        topic_prefix=prefix,
        keystore_url=args.database_url.rsplit("/", 1)[0] + f"/{keys_database}",
        master_key=new_master_key(),
    )
    topics = [f"{prefix}{t}" for t in EVENTS_BY_TOPIC]
    try:
        print(f"generating {args.events} contract events ...")
        started = time.perf_counter()
        events = generate(args.events)
        print(f"  {len(events)} events in {time.perf_counter() - started:.1f} s")
        await ensure_topics(settings.kafka, topics)
        values = await asyncio.to_thread(sealed_values, settings, events) if args.sealed else None
        published = await publish(args.kafka, prefix, events, values)
        print(
            f"published to Kafka (3 partitions per topic): {published:.1f} s, {len(events) / published:,.0f} events/s"
        )

        raw_seconds, raw_count = await raw_read(url, events)
        raw_rate = raw_count / raw_seconds
        print(
            f"raw paged read from PostgreSQL ({PAGE} per page): {raw_count} events in {raw_seconds:.2f} s = {raw_rate:,.0f} events/s"
        )

        read_rate = await best_of(FLOOR_RUNS, settings, parse=False)
        parse_rate = await best_of(FLOOR_RUNS, settings, parse=True)
        print(
            f"floor, one process: Kafka read {read_rate:,.0f} events/s, read + orjson.loads {parse_rate:,.0f} events/s"
            f" ({parse_rate / raw_rate:.3f} of the raw read: the most one process could reach)"
        )

        replayed, checksummed, count, cpu = await rebuild(
            settings, url, per_event=args.per_event, workers=args.workers, start_method=args.start_method
        )
        rate = count / replayed
        print(
            f"rebuild from Kafka into fresh read models ({args.workers} worker(s)): "
            f"{count} events in {replayed:.1f} s = {rate:,.0f} events/s, {cpu / count * 1e6:.0f} us CPU per event"
        )
        print(f"  checksums of the rebuilt tables: {checksummed:.2f} s")
        print(
            f"rebuild / raw read: {rate / raw_rate:.3f} (target >= 0.25; the raw read is {raw_rate / rate:.1f}x faster)"
        )
        print(
            f"rebuild of 1 000 000 events, extrapolated from this rate (not measured): "
            f"{1_000_000 / rate:.0f} s ({1_000_000 / rate / 60:.1f} min)"
        )
        print(
            json.dumps(
                {
                    "events": count,
                    "mode": "per_event" if args.per_event else "paged",
                    "workers": args.workers,
                    "rebuild_workers": args.workers,
                    "sealed": args.sealed,
                    "publish_per_s": round(len(events) / published, 1),
                    "raw_read_per_s": round(raw_rate, 1),
                    "rebuild_per_s": round(rate, 1),
                    "rebuild_ratio": round(rate / raw_rate, 4),
                    "checksum_s": round(checksummed, 3),
                    "rebuild_cpu_us_per_event": round(cpu / count * 1e6, 1),
                    "kafka_read_per_s": round(read_rate, 1),
                    "kafka_parse_per_s": round(parse_rate, 1),
                    "parse_floor_ratio": round(parse_rate / raw_rate, 4),
                    "rebuild_1m_minutes": round(1_000_000 / rate / 60, 1),
                    "rebuild_1m_extrapolated": True,
                }
            )
        )
    finally:
        admin = AIOKafkaAdminClient(**{**kafka_options(), "bootstrap_servers": args.kafka})
        await admin.start()
        try:
            await admin.delete_topics(topics)
        finally:
            await admin.close()
        await admin_conn.execute(f'drop database if exists "{database}" with (force)')
        await admin_conn.execute(f'drop database if exists "{keys_database}" with (force)')
        await admin_conn.close()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
