"""Kafka consumer of casework: keeps the per-pupil signal history and the schools' staff directories
(rule 17) from the signals events, and drops a pupil's personal values when their data is erased
(ADR 10)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio
import asyncpg

from meldcode_contracts import (
    Envelope,
    PersonalDataErased,
    PupilRegistered,
    SignalCorrected,
    SignalRecorded,
    StaffMemberDelisted,
    StaffMemberListed,
)
from meldcode_edge.logging import get_logger
from meldcode_servicekit.keystore import KeyStore

from ..adapters import signal_history, staff_directory
from ..adapters.snapshots import drop_snapshots

log = get_logger(__name__)

Handler = Callable[[asyncpg.Connection, Envelope], Awaitable[None]]


def make_handler(keystore: KeyStore | None = None, snapshots_table: str | None = None) -> Handler:
    """The consumer's handler, wired with the key store (whose cases a pupil has) and the table of
    the case snapshots (sealed with the pupil's key: dropped on erasure)."""

    async def handle(conn: asyncpg.Connection, event: Envelope) -> None:
        await handle_event(conn, event, keystore=keystore, snapshots_table=snapshots_table)

    return handle


async def handle_event(
    conn: asyncpg.Connection,
    event: Envelope,
    *,
    keystore: KeyStore | None = None,
    snapshots_table: str | None = None,
) -> None:
    if isinstance(event, PupilRegistered):
        await signal_history.remember_pupil(conn, event)
    elif isinstance(event, SignalRecorded):
        await signal_history.remember_signal(conn, event)
    elif isinstance(event, SignalCorrected):
        await signal_history.remember_correction(conn, event)
    elif isinstance(event, StaffMemberListed):
        await staff_directory.remember_listing(conn, event)
    elif isinstance(event, StaffMemberDelisted):
        await staff_directory.remember_delisting(conn, event)
    elif isinstance(event, PersonalDataErased):
        await personal_data_erased(conn, event, keystore, snapshots_table)


async def personal_data_erased(
    conn: asyncpg.Connection,
    event: PersonalDataErased,
    keystore: KeyStore | None,
    snapshots_table: str | None,
) -> None:
    """Idempotent: the date of birth goes, and the snapshots of the pupil's cases (their state sealed
    with the erased key) are deleted, so the cases replay from their events, whose personal fields
    now read as "[gewist]"."""
    pupil_id = event.payload.pupil_id
    await signal_history.forget_pupil(conn, pupil_id)
    dropped = 0
    if keystore is not None:
        keystore.forget(pupil_id)
        if snapshots_table is not None:
            subjects = await anyio.to_thread.run_sync(keystore.subjects_of, pupil_id)
            dropped = await drop_snapshots(conn, snapshots_table, subjects)
    log.info("personal_data_erased", pupil_id=str(pupil_id), snapshots_dropped=dropped)
