"""Nothing accepted is lost and nothing is counted twice when services stop mid-stream."""

from __future__ import annotations

import asyncio
import signal

import httpx

from meldcode_contracts import SIGNALS_EVENTS, SignalRecorded
from meldcode_testkit import Suite, eventually, read_topic
from meldcode_testkit.scenario import Staff, chronology_signal_ids, register_pupil, signal_body

STREAM = 200


async def record_many(
    http: httpx.AsyncClient, url: str, staff: Staff, pupil_id: str, count: int, start: int
) -> list[str]:
    """Record `count` signals, eight at a time; returns the ids the API accepted with a 2xx."""
    gate = asyncio.Semaphore(8)

    async def one(n: int) -> str:
        async with gate:
            response = await http.post(
                f"{url}/pupils/{pupil_id}/signals",
                headers=staff.teacher,
                json=signal_body(1, f"Signaal nummer {n}: kwam te laat en had geen lunch bij zich."),
            )
            assert response.status_code == 201, response.text
            return str(response.json()["signal_id"])

    return list(await asyncio.gather(*(one(n) for n in range(start, start + count))))


async def test_a_consumer_killed_mid_stream_has_every_signal_exactly_once_after_restart(suite: Suite) -> None:
    signals, reporting = await suite.service("signals"), await suite.service("reporting")
    staff = Staff(suite)
    async with httpx.AsyncClient(timeout=30) as http:
        pupil_id = await register_pupil(http, signals.url, staff)
        accepted = await record_many(http, signals.url, staff, pupil_id, STREAM // 2, 0)
        await eventually(lambda: _at_least(http, reporting.url, staff, pupil_id, 10))
        reporting.stop(signal.SIGKILL)  # no graceful shutdown: uncommitted offsets are delivered again
        accepted += await record_many(http, signals.url, staff, pupil_id, STREAM // 2, STREAM // 2)
        await suite.service("reporting")

        async def all_there() -> list[str] | None:
            ids = await chronology_signal_ids(http, reporting.url, staff, pupil_id)
            return ids if len(ids) >= STREAM else None

        seen = await eventually(all_there, timeout=90)
        await asyncio.sleep(2)  # let any redelivery land before the final count
        seen = await chronology_signal_ids(http, reporting.url, staff, pupil_id)
    assert len(accepted) == STREAM
    assert sorted(seen) == sorted(accepted), "every accepted signal exactly once"


async def _at_least(http: httpx.AsyncClient, url: str, staff: Staff, pupil_id: str, n: int) -> bool:
    return len(await chronology_signal_ids(http, url, staff, pupil_id)) >= n


async def test_an_outbox_relay_killed_mid_stream_loses_nothing_and_consumers_count_each_signal_once(
    suite: Suite,
) -> None:
    signals, reporting = await suite.service("signals"), await suite.service("reporting")
    staff = Staff(suite)
    async with httpx.AsyncClient(timeout=30) as http:
        pupil_id = await register_pupil(http, signals.url, staff)
        accepted = await record_many(http, signals.url, staff, pupil_id, STREAM // 2, 0)
        signals.stop(signal.SIGKILL)  # the relay dies with whatever it had not yet published
        await suite.service("signals")
        accepted += await record_many(http, signals.url, staff, pupil_id, STREAM // 2, STREAM // 2)

        async def all_there() -> list[str] | None:
            ids = await chronology_signal_ids(http, reporting.url, staff, pupil_id)
            return ids if len(ids) >= STREAM else None

        await eventually(all_there, timeout=90)
        await asyncio.sleep(2)
        seen = await chronology_signal_ids(http, reporting.url, staff, pupil_id)
    assert sorted(seen) == sorted(accepted)
    messages = await read_topic(
        suite.infra.kafka, suite.topic(SIGNALS_EVENTS), expected=STREAM + 1, timeout=30
    )
    published = [suite.open_event(m["value"]) for m in messages]
    published_signals = {str(e.payload.signal_id) for e in published if isinstance(e, SignalRecorded)}
    assert published_signals == set(accepted), "every accepted signal reached the topic"
