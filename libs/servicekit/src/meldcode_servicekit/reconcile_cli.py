"""`meldcode-<service> reconcile [--republish] [--replay-missing] [--json]` (see `reconcile`).

Exit code 0 when store, topics and read model agree, 1 when a difference remains (after the
repairs, when they were asked for). The table (or, with `--json`, one line of JSON) is the last
thing on stdout; the command logs warnings only.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import anyio
import typer

from meldcode_edge.db import apply_schema, create_pool
from meldcode_edge.logging import configure_logging

from .consuming import CONSUMER_SCHEMA, EventConsumer
from .kafka import idempotent_producer
from .keystore import KeyStore, connect_key_store
from .outbox import RELAY_SCHEMA
from .reconcile import (
    EventStoreOutbox,
    Findings,
    ReconcileTargets,
    Report,
    TableOutbox,
    reconcile,
    replay_missing,
    republish,
)
from .settings import ServiceSettings
from .table_outbox import TABLE_OUTBOX_SCHEMA

TargetsFactory = Callable[[Any, KeyStore], ReconcileTargets]
"""Builds what a service holds (its application, topics, consumer handler) from its settings and
the key store; blocking, run in a worker thread."""


async def run_reconcile(
    settings: ServiceSettings, factory: TargetsFactory, *, repair_topic: bool, repair_read_model: bool
) -> tuple[Report, Report | None]:
    """Compare; when asked and needed, repair and compare again. Returns (first, after repairs)."""
    keystore = await anyio.to_thread.run_sync(connect_key_store, settings)
    targets = await anyio.to_thread.run_sync(factory, settings, keystore)
    pool = await create_pool(settings.database_url, max_size=4)
    try:
        schema = [*RELAY_SCHEMA, *CONSUMER_SCHEMA]
        if isinstance(targets.outbox, TableOutbox):
            schema += TABLE_OUTBOX_SCHEMA
        await apply_schema(pool, schema)
        found = await reconcile(settings, targets, pool)
        repairs = await _repair(
            settings,
            targets,
            found,
            keystore,
            pool,
            repair_topic=repair_topic,
            repair_read_model=repair_read_model,
        )
        if not repairs:
            return found.report, None
        after = (await reconcile(settings, targets, pool)).report
        after.repairs = repairs
        return found.report, after
    finally:
        await pool.close()
        if isinstance(targets.outbox, EventStoreOutbox):
            await anyio.to_thread.run_sync(targets.outbox.application.close)
        await anyio.to_thread.run_sync(keystore.close)


async def _repair(
    settings: ServiceSettings,
    targets: ReconcileTargets,
    found: Findings,
    keystore: KeyStore,
    pool: Any,
    *,
    repair_topic: bool,
    repair_read_model: bool,
) -> dict[str, int]:
    repairs: dict[str, int] = {}
    do_topic = repair_topic and targets.outbox is not None and found.republish
    do_read_model = repair_read_model and targets.read_model is not None and found.replay
    if not (do_topic or do_read_model):
        return repairs
    producer = idempotent_producer(settings.kafka, f"meldcode-{targets.service}-reconcile")
    await producer.start()
    try:
        if do_topic and targets.outbox is not None:
            repairs["republished"] = await republish(
                settings, targets.outbox, found.republish, keystore, producer
            )
        if do_read_model and targets.read_model is not None:
            consumer = EventConsumer(
                settings=settings,
                service=targets.service,
                topics=targets.read_model.topics,
                handle=targets.read_model.handle,
                pool=pool,
                dlq_producer=producer,
                keystore=keystore,
            )
            outcomes = await replay_missing(consumer, found.replay)
            repairs.update({f"replayed_{outcome}": n for outcome, n in outcomes.items()})
    finally:
        await producer.stop()
    return repairs


COLUMNS = ("KIND", "EVENT ID", "EVENT TYPE", "AGGREGATE", "STORE POS", "TOPIC[PARTITION]@OFFSET")


def render(report: Report, title: str) -> str:
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in report.counts.items())
    n = len(report.differences)
    lines = [f"{title}: " + ("agree" if report.agree else f"{n} difference{'' if n == 1 else 's'}")]
    if counts:
        lines.append(f"  ({counts})")
    if report.repairs:
        lines.append(
            "  repaired: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in report.repairs.items())
        )
    if report.differences:
        rows = [COLUMNS]
        for d in report.differences:
            place = f"{d.topic}[{d.partition}]@{d.offset}" if d.topic is not None else "-"
            rows.append(
                (
                    d.kind,
                    str(d.event_id or "-"),
                    d.event_type or "-",
                    str(d.aggregate or "-"),
                    str(d.store_position if d.store_position is not None else "-"),
                    place,
                )
            )
        widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
        lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def add_reconcile_command(
    cli: typer.Typer, name: str, settings_type: Callable[[], ServiceSettings], factory: TargetsFactory
) -> None:
    @cli.command("reconcile")
    def reconcile_command(
        republish_missing: bool = typer.Option(
            False,
            "--republish",
            help="Publish the stored events the topic lacks (same event ids: consumers de-duplicate)",
        ),
        replay: bool = typer.Option(
            False,
            "--replay-missing",
            help="Apply the events the consumer skipped, through its own idempotent code path",
        ),
        as_json: bool = typer.Option(False, "--json", help="One line of JSON instead of the table"),
    ) -> None:
        """Compare the event store with its topic and the read model with the topics it consumes;
        name every difference (event id, aggregate, position). Exit code 1 when one remains."""
        settings = settings_type()
        configure_logging(settings.service_name, "WARNING")
        first, after = asyncio.run(
            run_reconcile(settings, factory, repair_topic=republish_missing, repair_read_model=replay)
        )
        final = after or first
        if as_json:
            out = final.as_json()
            if after is not None:
                out["before_repair"] = first.as_json()
            typer.echo(json.dumps(out, separators=(",", ":")))
        else:
            if after is not None:
                typer.echo(render(first, f"{name} before repair"))
            typer.echo(render(final, name))
        raise typer.Exit(0 if final.agree else 1)
