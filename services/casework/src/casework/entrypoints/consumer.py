"""Kafka consumer of casework: keeps the per-pupil signal history from the signals events."""

from __future__ import annotations

import asyncpg

from meldcode_contracts import Envelope, PupilRegistered, SignalCorrected, SignalRecorded

from ..adapters import signal_history


async def handle_event(conn: asyncpg.Connection, event: Envelope) -> None:
    if isinstance(event, PupilRegistered):
        await signal_history.remember_pupil(conn, event)
    elif isinstance(event, SignalRecorded):
        await signal_history.remember_signal(conn, event)
    elif isinstance(event, SignalCorrected):
        await signal_history.remember_correction(conn, event)
