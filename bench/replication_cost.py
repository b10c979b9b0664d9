"""Benchmark: what a replicated Kafka (three nodes, RF 3, min.insync.replicas 2, acks=all) costs.

    python bench/replication_cost.py --rf1 <signal_latency.out> <bench/signal_latency.py's arguments>

`make bench` runs it last, after deploy/local/run.sh has moved the same suite (same services, same
databases, same PostgreSQL) from its one-node Kafka onto a three-node cluster of its own (ADR 27),
with KAFKA_BOOTSTRAP_SERVERS and the admin login of that cluster in the environment. It runs
bench/signal_latency.py's workload unchanged (its `run`: the floor, the open loop at --rate, the
closed loop) and sets every figure beside the one-node figure of the same run, read from the last
JSON line of --rf1 (what bench/signal_latency.py printed on one node):
- `rf3_<figure>` for each of signal_latency's figures (e.g. `rf3_e2e_p99_ms_at_50`,
  `rf3_e2e_saturation_per_s`, `rf3_floor_p50_ms`, `rf3_e2e_p50_vs_floor`);
- `rf3_over_rf1_<figure>` their ratios three nodes / one node, and the short names the summary
  line carries: `rf3_over_rf1_p50`, `rf3_over_rf1_p99` (e2e at --rate),
  `rf3_over_rf1_saturation`, `rf3_over_rf1_floor_p50` (the bare path: what replication itself
  costs on this machine, with no platform on it) and `rf3_over_rf1_cpu` (CPU per signal, closed loop).
The floor is the bare-machine anchor of each side: `rf3_e2e_p50_vs_floor` beside `e2e_p50_vs_floor`
says whether the platform adds more on top of a replicated Kafka than on one node.
Before measuring it checks that the signals topic really has three in-sync copies and
min.insync.replicas=2; otherwise it fails and prints no figure.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import uvloop
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from anchors import kafka_options
from signal_latency import argument_parser, print_figures, run
from summary import last_json

from meldcode_contracts import SIGNALS_EVENTS

SHORT_RATIOS = {  # the summary line's names for the ratios bench/RESULTS.md explains
    "p50": "e2e_p50_ms_at_{rate}",
    "p99": "e2e_p99_ms_at_{rate}",
    "saturation": "e2e_saturation_per_s",
    "floor_p50": "floor_p50_ms",
    "cpu": "cpu_ms_per_signal",
}


async def replication_of(topic: str) -> dict[str, int]:
    """Copies, in-sync copies (the fewest over the topic's partitions) and min.insync.replicas."""
    admin = AIOKafkaAdminClient(**kafka_options())
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
        partitions = described["partitions"]
        if not partitions:
            raise RuntimeError(f"topic {topic} has no partitions (error {described.get('error_code')})")
        (configs,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        entries = {name: value for name, value, *_ in configs.resources[0][4]}
    finally:
        await admin.close()
    return {
        "replicas": min(len(p["replicas"]) for p in partitions),
        "in_sync": min(len(p["isr"]) for p in partitions),
        "min_insync_replicas": int(entries["min.insync.replicas"]),
    }


def compare(rf1: dict[str, Any], rf3: dict[str, Any], rate: float) -> dict[str, Any]:
    """The three-node figures under `rf3_` and their ratios to the one-node ones of the same run."""
    scalars = {k: v for k, v in rf3.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    ratios = {
        k: round(v / rf1[k], 2)
        for k, v in scalars.items()
        if isinstance(rf1.get(k), int | float) and rf1[k] and k != "e2e_p50_vs_floor"
    }
    flat: dict[str, Any] = {f"rf3_{k}": v for k, v in scalars.items()}
    flat |= {f"rf3_over_rf1_{k}": v for k, v in ratios.items()}
    for short, name in SHORT_RATIOS.items():
        if name.format(rate=f"{rate:g}") in ratios:
            flat[f"rf3_over_rf1_{short}"] = ratios[name.format(rate=f"{rate:g}")]
    return flat


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    replication = await replication_of(SIGNALS_EVENTS)
    if replication["in_sync"] < 3 or replication["min_insync_replicas"] != 2:
        raise RuntimeError(f"not a replicated cluster (want 3 in-sync copies, min ISR 2): {replication}")
    figures: dict[str, Any] = await run(args)
    return {"replication": replication} | figures


def main() -> int:
    parser = argument_parser(__doc__)
    parser.add_argument(
        "--rf1", type=Path, required=True, help="bench/signal_latency.py's output on one node, same run"
    )
    args = parser.parse_args()
    if not args.reporting_database_url:
        parser.error("--reporting-database-url or REPORTING_DATABASE_URL is needed")
    rf1 = last_json(args.rf1)
    if rf1 is None:
        parser.error(f"{args.rf1} does not end with bench/signal_latency.py's JSON line")
    rf3 = uvloop.run(measure(args))
    print("three Kafka nodes (RF 3, min.insync.replicas 2, acks=all):", json.dumps(rf3["replication"]))
    print_figures(rf3, args.rate)
    flat = compare(rf1, rf3, args.rate)
    for short in SHORT_RATIOS:
        if f"rf3_over_rf1_{short}" in flat:
            print(f"three nodes / one node, {short}: {flat[f'rf3_over_rf1_{short}']}")
    print(json.dumps(flat | {"kafka_nodes": 3, "rf3": rf3}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
