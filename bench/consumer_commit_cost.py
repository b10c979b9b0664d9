"""What committing consumer offsets after every batch costs at a low rate, against `DeferredOffsetCommits`.

A broker of its own is NOT started: pass its address and pid (e.g. one started with deploy/local/kafka.sh on
your own ports). Three consumer groups read one topic fed at ~50 messages/s (batches of one, as on an idle
machine); windows of 10 s alternate between a commit per batch and the deferred commits. Prints the
broker's and this process's CPU per message, and their medians.

    python bench/consumer_commit_cost.py BOOTSTRAP KAFKA_PID ROUNDS
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time

import psutil
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from meldcode_servicekit.consuming import DeferredOffsetCommits

boot, pid, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
kafka = psutil.Process(pid)
me = psutil.Process()


def cpu(p: psutil.Process) -> float:
    t = p.cpu_times()
    return float(t.user + t.system)


async def main() -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=boot)
    await admin.start()
    try:
        await admin.create_topics([NewTopic("ab", 3, 1)])
    except Exception:  # noqa: S110 - the topic of an earlier run
        pass
    await admin.close()
    p = AIOKafkaProducer(bootstrap_servers=boot, acks="all", enable_idempotence=True, linger_ms=0)
    await p.start()
    mode = {"deferred": False}
    handled = [0]

    async def consume(g: str) -> None:
        c = AIOKafkaConsumer(
            "ab", bootstrap_servers=boot, group_id=g, enable_auto_commit=False, auto_offset_reset="latest"
        )
        await c.start()
        d = DeferredOffsetCommits(c, 1.0)
        while True:
            m = await c.getmany(timeout_ms=500)
            if m:
                handled[0] += sum(map(len, m.values()))
                await (d.commit() if mode["deferred"] else c.commit())

    tasks = [asyncio.create_task(consume(f"ab{i}")) for i in range(3)]
    await asyncio.sleep(5)
    res: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for r in range(rounds):
        for deferred in (False, True):
            mode["deferred"] = deferred
            await asyncio.sleep(1)
            k0, m0, h0, t0 = cpu(kafka), cpu(me), handled[0], time.time()
            n = 0
            while time.time() - t0 < 10:
                await p.send("ab", b"x" * 600)
                n += 1
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.5)
            k, m = (cpu(kafka) - k0) * 1000 / n, (cpu(me) - m0) * 1000 / n
            res[deferred].append((k, m))
            print(
                f"round {r} {'deferred' if deferred else 'per-batch'}: {n} msgs, batches handled {handled[0] - h0}, kafka {k:.2f} ms/msg, client {m:.2f} ms/msg",
                flush=True,
            )
    for d in (False, True):
        print(
            "median",
            "deferred" if d else "per-batch",
            "kafka",
            round(statistics.median(x[0] for x in res[d]), 2),
            "client(3 consumers+producer)",
            round(statistics.median(x[1] for x in res[d]), 2),
        )
    for t in tasks:
        t.cancel()
    await p.stop()


if __name__ == "__main__":
    asyncio.run(main())
