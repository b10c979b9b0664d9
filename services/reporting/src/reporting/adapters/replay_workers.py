"""The rebuild's replay split over worker processes, one group of partitions each (ADR 25 part N2).

One process replays at ~100 µs of CPU per sealed event (opening, validating, projecting), so
`Replayer.replay_until` may hand its pending partitions to `ReplayWorkers`: each group of
partitions is replayed in a child process (never forked from the parent, which runs an event loop,
a Kafka client and connection pools: forked from a clean forkserver, or spawned) with its own Kafka
consumer (no group), its own asyncpg pool on the same schema, its own key store, and the same
`Replayer` (pages, lanes, the lock order of ADR 30) inside. A partition is in exactly one group, so
every partition's events are still applied in order; events of one case on two topics may be
written by two processes side by side, as two lanes already do, under the same lock discipline.
Each child returns its partitions' new positions and its event count; progress flows to the parent
over a queue of counts.

Children get only picklable inputs: the settings, the database URL and schema, the partitions'
start and end offsets, and the handlers, which pickle as a reference (module and name) and are
resolved by import inside the child.

Erasure: the replay `forget`s an erased pupil's cached key when it reads `PersonalDataErased`, but
a child forgets only in its own key store. That still holds across processes: the key is deleted
in the key store before the erasure event is published, and every round of the replay starts fresh
children (fresh key caches) after its end offsets were taken. So if the erasure event lies below a
round's end, no child of that round can load the key (every copy opens as erased, as in one
process). An erasure that lands during a round lies beyond that round's end: children may still
open the pupil's earlier events in clear with a key they loaded before the deletion, and the next
round (the catch-up of `compare`, or the one under the lock of `--replace`) replays the erasure
event and erases those rows, as the live consumer does.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from multiprocessing.queues import Queue
from typing import Final

from aiokafka import AIOKafkaConsumer

from meldcode_edge.db import create_pool
from meldcode_edge.logging import configure_logging
from meldcode_servicekit.keystore import connect_key_store
from meldcode_servicekit.outages import is_infrastructure_error
from meldcode_servicekit.settings import ServiceSettings

from .replay import Handler, Offsets, PageHandler, Progress, Replayer

MAX_DEFAULT_WORKERS: Final = 4


def default_workers() -> int:
    """One fewer than the CPUs this process may use, at least 1 and at most `MAX_DEFAULT_WORKERS`:
    the replay's PostgreSQL and Kafka work needs about a core beside it. On two cores one process
    is the fastest (ADR 25 part N2: both cores are busy already)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus - 1, MAX_DEFAULT_WORKERS))


class ReplayWorkerFailed(RuntimeError):
    """A worker's replay failed for a reason that is not an outage (a bug, a dropped schema)."""


@dataclass(frozen=True)
class WorkerSpec:
    """What a child needs to replay into the same schema as the parent (all picklable)."""

    settings: ServiceSettings
    database_url: str
    schema: str
    handle: Handler
    handle_page: PageHandler | None = None
    pool_size: int = 4


def split(end: Offsets, position: Offsets, workers: int) -> list[Offsets]:
    """The partitions of `end` in at most `workers` groups of about equal events to replay (the
    largest partitions first, each to the group with the fewest events so far)."""
    loads = [0] * max(1, workers)
    groups: list[Offsets] = [{} for _ in loads]
    for tp in sorted(end, key=lambda tp: (position.get(tp, 0) - end[tp], tp.topic, tp.partition)):
        lightest = loads.index(min(loads))
        groups[lightest][tp] = end[tp]
        loads[lightest] += end[tp] - position.get(tp, 0)
    return [group for group in groups if group]


_counts: Queue[int] | None = None


def _start_child(counts: Queue[int], settings: ServiceSettings) -> None:
    global _counts  # one per child process, set once by the pool's initializer
    _counts = counts
    configure_logging(settings.service_name, settings.log_level)


@dataclass(frozen=True)
class GroupReplayed:
    """What a child returns: its partitions' new positions, its events, and its CPU seconds (its
    own process, from its start: a forked worker is no child the parent's rusage counts)."""

    position: Offsets
    events: int
    cpu_seconds: float


def replay_group(spec: WorkerSpec, start: Offsets, end: Offsets) -> GroupReplayed:
    """A child's work: its partitions from `start` up to `end`."""
    position, events = asyncio.run(_replay_group(spec, start, end))
    used = resource.getrusage(resource.RUSAGE_SELF)
    return GroupReplayed(position, events, used.ru_utime + used.ru_stime)


async def _replay_group(spec: WorkerSpec, start: Offsets, end: Offsets) -> tuple[Offsets, int]:
    pool = await create_pool(
        spec.database_url,
        max_size=spec.pool_size,
        command_timeout=300,
        server_settings={"search_path": spec.schema, "timezone": "UTC"},
    )
    consumer = AIOKafkaConsumer(
        **spec.settings.kafka.client_options(),
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    keystore = None
    try:
        await consumer.start()
        keystore = await asyncio.to_thread(connect_key_store, spec.settings)
        replayer = Replayer(
            consumer, pool, spec.handle, keystore, handle_page=spec.handle_page, progress=_CountsSent()
        )
        replayer.resume(start)
        await replayer.replay_until(end)
        return replayer.position, replayer.events
    finally:
        await consumer.stop()
        await pool.close()
        if keystore is not None:
            await asyncio.to_thread(keystore.close)


class _CountsSent:
    """The child's `Progress`: sends the events replayed since the last call to the parent."""

    def __init__(self) -> None:
        self.sent = 0

    def __call__(self, done: int, total: int) -> None:
        if _counts is not None and done > self.sent:
            _counts.put(done - self.sent)
            self.sent = done


class ReplayWorkers:
    """Replays groups of partitions in child processes, one group each; fresh children every round."""

    def __init__(self, spec: WorkerSpec, workers: int, *, start_method: str | None = None) -> None:
        self.spec = spec
        self.workers = workers
        self.cpu_seconds = 0.0
        """The workers' CPU seconds over every round so far."""
        self.start_method = start_method or (
            "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        )

    def _context(self) -> BaseContext:
        """Never `fork` (the parent runs an event loop, threads and connections). `forkserver`
        where there is one: a clean server process imports the service once (seconds of CPU) and
        every worker of every round is forked from it; `spawn` imports it again in each worker."""
        context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            handlers = {self.spec.handle.__module__}
            if self.spec.handle_page is not None:
                handlers.add(self.spec.handle_page.__module__)
            context.set_forkserver_preload([__name__, *sorted(handlers)])
        return context

    async def replay(
        self, position: Offsets, end: Offsets, *, done: int, total: int, progress: Progress | None
    ) -> tuple[Offsets, int]:
        """Every pending partition from `position` up to `end`; (new positions, events replayed).
        A child's error fails the replay: an outage as itself, anything else as `ReplayWorkerFailed`."""
        groups = split(end, position, self.workers)
        context = self._context()
        counts: Queue[int] = context.Queue()
        loop = asyncio.get_running_loop()
        drained = loop.run_in_executor(None, _drain, counts, done, total, progress, loop)
        try:
            with ProcessPoolExecutor(
                max_workers=len(groups),
                mp_context=context,
                initializer=_start_child,
                initargs=(counts, self.spec.settings),
            ) as executor:
                results = await asyncio.gather(
                    *(
                        loop.run_in_executor(
                            executor, replay_group, self.spec, {tp: position.get(tp, 0) for tp in g}, g
                        )
                        for g in groups
                    ),
                    return_exceptions=True,
                )
        finally:
            counts.put(-1)
            await drained
            counts.close()
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            raise _failure(failures[0], groups[results.index(failures[0])])
        moved: Offsets = {}
        events = 0
        for result in results:
            assert not isinstance(result, BaseException)
            moved.update(result.position)
            events += result.events
            self.cpu_seconds += result.cpu_seconds
        return moved, events


def _failure(error: BaseException, group: Offsets) -> BaseException:
    if is_infrastructure_error(error):
        return error
    partitions = ", ".join(f"{tp.topic}[{tp.partition}]" for tp in sorted(group))
    # the error's type here, its text (which may quote a row's values) only in the cause
    failed = ReplayWorkerFailed(
        f"the replay of partitions {partitions} failed in its worker process: {type(error).__name__}"
    )
    failed.__cause__ = error
    return failed


def _drain(
    counts: Queue[int],
    done: int,
    total: int,
    progress: Progress | None,
    loop: asyncio.AbstractEventLoop,
) -> None:
    """Adds the children's counts up until the parent's end mark (-1), reporting on the loop."""
    while (count := counts.get()) >= 0:
        done += count
        if progress is not None:
            loop.call_soon_threadsafe(progress, done, total)
