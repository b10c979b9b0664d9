"""The floor: the platform's signal path built bare, measured at a fixed offered rate.

asyncpg insert of an events-shaped row (one transaction) -> aiokafka produce (acks=all) ->
aiokafka consume (what one fetch brings, in one transaction, as the consumers do) -> asyncpg insert
into a read table -> an HTTP read of that row (uvicorn +
starlette, as the services serve). Per message, from before the first insert until the HTTP read
returns the row. No framework, no outbox, no sealing: what the machine itself does, so
`e2e_p50_vs_floor` says how much the platform adds. Uses the PostgreSQL of --database-url (a
scratch database, dropped after) and the Kafka of KAFKA_BOOTSTRAP_SERVERS (with KAFKA_SECURITY_PROTOCOL
/ KAFKA_SASL_* / KAFKA_SSL_CAFILE if set; a topic of its own, deleted after).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import sys
import time
import uuid

import asyncpg
import httpx
import uvicorn
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from anchors import EVENT_STATE, EVENTS_TABLE, INSERT_EVENT, kafka_options, percentile, scratch_database
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

READ_TABLE = (
    "create table if not exists floor_read (id uuid primary key, version integer not null, body bytea)"
)


def listening_socket() -> socket.socket:
    """Bound and listening before the server runs, so a read never races the server's start.

    TCP_NODELAY as uvicorn sets it on a socket it binds itself: without it (a socket handed to
    uvicorn), an answer's body waits for the delayed ACK of its headers, 40 ms on Linux, and the
    floor measured that instead of the path."""
    sock = socket.socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def read_app(pool: asyncpg.Pool) -> Starlette:
    async def row(request: Request) -> Response:
        found = await pool.fetchrow(
            "select id, version from floor_read where id = $1", uuid.UUID(request.path_params["id"])
        )
        if found is None:
            return JSONResponse({"detail": "not found"}, status_code=404)
        return JSONResponse({"id": str(found["id"]), "version": found["version"]})

    return Starlette(routes=[Route("/rows/{id}", row)])


async def measure_floor(database_url: str, *, rate: float, duration: float) -> dict[str, float]:
    """p50/p99 (ms) of the bare path at `rate` messages per second for `duration` seconds."""
    count = max(1, round(rate * duration))
    topic = f"bench-floor-{uuid.uuid4().hex[:10]}"
    options = kafka_options()
    admin = AIOKafkaAdminClient(**options)
    await admin.start()
    # replication factor -1: the cluster's default, as the platform's own topics (kafka.ensure_topics):
    # one copy on one node, three (min.insync.replicas 2) on the replicated cluster of make bench's
    # second half; with a fixed 1 there, acks=all met min.insync.replicas 2 with one copy
    await admin.create_topics(
        [NewTopic(topic, num_partitions=1, replication_factor=-1, replica_assignments={})]
    )
    try:
        async with scratch_database(database_url, "floor") as url:
            pool = await asyncpg.create_pool(url, min_size=2, max_size=10)
            assert pool is not None
            await pool.execute(EVENTS_TABLE)
            await pool.execute(READ_TABLE)
            sock = listening_socket()
            port = sock.getsockname()[1]
            server = uvicorn.Server(uvicorn.Config(read_app(pool), log_level="warning", lifespan="off"))
            serving = asyncio.create_task(server.serve(sockets=[sock]))
            producer = AIOKafkaProducer(acks="all", linger_ms=0, **options)
            consumer = AIOKafkaConsumer(enable_auto_commit=False, **options)
            await producer.start()
            await consumer.start()
            consumer.assign([TopicPartition(topic, 0)])
            await consumer.seek_to_beginning(TopicPartition(topic, 0))
            started_at: dict[str, float] = {}
            lags_ms: list[float] = []
            all_seen = asyncio.Event()
            try:
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:

                    async def read(key: str) -> None:
                        response = await http.get(f"/rows/{key}")
                        response.raise_for_status()
                        lags_ms.append((time.perf_counter() - started_at[key]) * 1000)

                    reads: list[asyncio.Task[None]] = []

                    async def consume() -> None:
                        # as a consumer does: what one fetch brought, in one transaction
                        while len(reads) < count:
                            batches = await consumer.getmany(timeout_ms=1000)
                            records = [record for batch in batches.values() for record in batch]
                            if not records:
                                continue
                            keys = [record.key.decode() if record.key else "" for record in records]
                            async with pool.acquire() as conn, conn.transaction():
                                await conn.executemany(
                                    "insert into floor_read (id, version, body) values ($1, 1, $2)"
                                    " on conflict (id) do nothing",
                                    [(uuid.UUID(k), r.value) for k, r in zip(keys, records, strict=True)],
                                )
                            # the reads go on while the next fetch is under way, as a reader would
                            reads.extend(asyncio.create_task(read(key)) for key in keys)
                        await asyncio.gather(*reads)
                        all_seen.set()

                    consuming = asyncio.create_task(consume())

                    async def send(n: int) -> None:
                        key = uuid.uuid4()
                        started_at[str(key)] = time.perf_counter()
                        await pool.execute(INSERT_EVENT, key, 0, "floor.Recorded", EVENT_STATE)
                        await producer.send_and_wait(topic, EVENT_STATE, key=str(key).encode())

                    begin = time.perf_counter()
                    sends = []
                    for n in range(count):
                        delay = begin + n / rate - time.perf_counter()
                        if delay > 0:
                            await asyncio.sleep(delay)
                        sends.append(asyncio.create_task(send(n)))
                    await asyncio.gather(*sends)
                    await asyncio.wait_for(all_seen.wait(), timeout=60)
                    await consuming
            finally:
                await consumer.stop()
                await producer.stop()
                server.should_exit = True
                await serving
                await pool.close()
    finally:
        with contextlib.suppress(Exception):
            await admin.delete_topics([topic])
        await admin.close()
    return {
        "floor_messages": count,
        "floor_rate_per_s": rate,
        "floor_p50_ms": round(percentile(lags_ms, 0.5), 2),
        "floor_p99_ms": round(percentile(lags_ms, 0.99), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("MELDCODE_DATABASE_URL"))
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url or MELDCODE_DATABASE_URL is needed")
    figures = asyncio.run(measure_floor(args.database_url, rate=args.rate, duration=args.duration))
    print(f"floor at {args.rate}/s: p50 {figures['floor_p50_ms']} ms, p99 {figures['floor_p99_ms']} ms")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
