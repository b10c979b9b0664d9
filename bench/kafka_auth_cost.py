"""Benchmark: what Kafka authentication and authorisation (SASL/SCRAM-SHA-512 + ACLs) and TLS cost.

    uv run python bench/kafka_auth_cost.py [--messages 5000] [--round-trips 300] [--connects 20]

Starts (or reuses) three local brokers of its own through deploy/local/kafka.sh, the same version and
settings apart from security: one without authentication (the anchor: this machine's bare Kafka),
one with MELDCODE_KAFKA_AUTH=scram as `make run` uses, and one with SCRAM over TLS (SASL_SSL,
MELDCODE_KAFKA_TLS=1, a P-256 certificate of kafka.sh's local CA). Runs the same workload on each, as the
signals service's principal on its own topic, with the services' idempotent producer (acks=all):
- connect: start a producer (TCP, TLS and SASL handshakes, metadata) and stop it, `--connects` times;
- round trip: `--round-trips` sequential send-and-wait of one 1 KiB message (a relay's latency);
- throughput: `--messages` 1 KiB messages sent pipelined, then one consumer reads them back.
Alternates the three `--repeats` times; prints the medians and the ratios scram / anchor and
tls / anchor; the last line is one JSON object with every figure.
Other ports: MELDCODE_BENCH_KAFKA_PORT (plain; +1 controller), MELDCODE_BENCH_SCRAM_KAFKA_PORT and
MELDCODE_BENCH_TLS_KAFKA_PORT.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from meldcode_contracts import SIGNALS_EVENTS
from meldcode_servicekit.kafka import ensure_topics, idempotent_producer
from meldcode_servicekit.kafka_connection import KafkaConnection
from meldcode_testkit.scram_kafka import own_kafka

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD = b"x" * 1024


def broker_settings(auth: str, port_variable: str, default_port: int, *, tls: bool = False) -> dict[str, str]:
    port = int(os.environ.get(port_variable, default_port))
    return {
        "MELDCODE_RUN_DIR": str(ROOT / ".run" / f"bench-kafka-{'tls' if tls else auth}"),
        "MELDCODE_KAFKA_PORT": str(port),
        "MELDCODE_KAFKA_CONTROLLER_PORT": str(port + 1),
        "MELDCODE_KAFKA_AUTH": auth,
        "MELDCODE_KAFKA_TLS": "1" if tls else "0",
    }


async def connects(kafka: KafkaConnection, n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        producer = idempotent_producer(kafka, "bench-connect")
        await producer.start()
        await producer.stop()
        times.append(time.perf_counter() - started)
    return times


async def round_trips(kafka: KafkaConnection, topic: str, n: int) -> list[float]:
    producer = idempotent_producer(kafka, "bench-round-trip")
    await producer.start()
    try:
        await producer.send_and_wait(topic, PAYLOAD)  # metadata and first batch out of the way
        times = []
        for _ in range(n):
            started = time.perf_counter()
            await producer.send_and_wait(topic, PAYLOAD)
            times.append(time.perf_counter() - started)
        return times
    finally:
        await producer.stop()


async def throughput(kafka: KafkaConnection, topic: str, n: int) -> tuple[float, float]:
    """Messages per second produced, and consumed back from where this run began (no group)."""
    producer = idempotent_producer(kafka, "bench-throughput")
    await producer.start()
    partitions = [TopicPartition(topic, p) for p in sorted(await producer.partitions_for(topic))]
    consumer = AIOKafkaConsumer(**kafka.client_options(), group_id=None, enable_auto_commit=False)
    await consumer.start()
    consumer.assign(partitions)
    begin = await consumer.end_offsets(partitions)
    try:
        started = time.perf_counter()
        futures = [await producer.send(topic, PAYLOAD) for _ in range(n)]
        await asyncio.gather(*futures)
        produced = n / (time.perf_counter() - started)
    finally:
        await producer.stop()
    try:
        for tp, offset in begin.items():
            consumer.seek(tp, offset)
        started = time.perf_counter()
        seen = 0
        deadline = time.monotonic() + 120
        while seen < n:
            if time.monotonic() > deadline:
                raise TimeoutError(f"read {seen} of the {n} messages back within 120 s")
            batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
            seen += sum(len(records) for records in batch.values())
        consumed = n / (time.perf_counter() - started)
    finally:
        await consumer.stop()
    return produced, consumed


async def workload(
    kafka: KafkaConnection, admin: KafkaConnection, args: argparse.Namespace
) -> dict[str, float]:
    # The signals principal on its own topic, as its relay writes; only what this run wrote is read.
    topic = SIGNALS_EVENTS
    await ensure_topics(admin, [topic])
    connect = await connects(kafka, args.connects)
    trips = await round_trips(kafka, topic, args.round_trips)
    produced, consumed = await throughput(kafka, topic, args.messages)
    return {
        "connect_ms_median": round(statistics.median(connect) * 1000, 2),
        "round_trip_ms_median": round(statistics.median(trips) * 1000, 3),
        "round_trip_ms_p95": round(statistics.quantiles(trips, n=20)[18] * 1000, 3),
        "produce_msgs_per_s": round(produced),
        "consume_msgs_per_s": round(consumed),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--round-trips", type=int, default=300)
    parser.add_argument("--connects", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3, help="alternating runs; the median is shown")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "messages": args.messages,
        "round_trips": args.round_trips,
        "repeats": args.repeats,
    }
    with (
        own_kafka(broker_settings("none", "MELDCODE_BENCH_KAFKA_PORT", 19122)) as plain,
        own_kafka(broker_settings("scram", "MELDCODE_BENCH_SCRAM_KAFKA_PORT", 19132)) as scram,
        own_kafka(broker_settings("scram", "MELDCODE_BENCH_TLS_KAFKA_PORT", 19142, tls=True)) as tls,
    ):
        anchor = plain.connection("signals")
        runs: dict[str, list[dict[str, float]]] = {"anchor": [], "scram": [], "tls": []}
        for _ in range(args.repeats):  # alternated, so a slow moment of the machine hits all three
            runs["anchor"].append(await workload(anchor, anchor, args))
            runs["scram"].append(await workload(scram.connection("signals"), scram.connection("admin"), args))
            runs["tls"].append(await workload(tls.connection("signals"), tls.connection("admin"), args))
    for kind, measured in runs.items():
        results[kind] = {name: statistics.median(run[name] for run in measured) for name in measured[0]}
    for kind in ("scram", "tls"):
        results[f"{kind}_vs_anchor"] = {
            name: round(results[kind][name] / value, 2) if value else None
            for name, value in results["anchor"].items()
        }
    print(
        f"{'':24}{'anchor (no auth)':>18}{'SCRAM + ACLs':>14}{'ratio':>7}{'SCRAM+ACLs+TLS':>16}{'ratio':>7}"
    )
    for name, value in results["anchor"].items():
        print(
            f"{name:24}{value:>18}{results['scram'][name]:>14}{results['scram_vs_anchor'][name]!s:>7}"
            f"{results['tls'][name]:>16}{results['tls_vs_anchor'][name]!s:>7}"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    asyncio.run(main())
