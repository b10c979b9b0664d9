"""The case snapshots of the eventsourcing store (`casework_snapshots`), as far as erasure needs them.

A snapshot holds a case's whole state sealed with its pupil's data key (`SealingMapper`); once the
key is erased it cannot be opened, so the snapshots of the pupil's cases are deleted and the cases
are rebuilt from their events (complete and replayable, personal fields read as "[gewist]").
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

import asyncpg

_TABLE = re.compile(r"[a-z_][a-z0-9_]*")


async def drop_snapshots(conn: asyncpg.Connection, table: str, aggregate_ids: Sequence[uuid.UUID]) -> int:
    """Delete every snapshot of the given aggregates; the number of rows deleted."""
    if not _TABLE.fullmatch(table):
        raise ValueError(f"not a plain table name: {table!r}")
    exists = await conn.fetchval("select to_regclass($1) is not null", table)
    if not exists or not aggregate_ids:
        return 0
    status = await conn.execute(
        f"delete from {table} where originator_id = any($1::uuid[])",  # noqa: S608 - checked name
        list(aggregate_ids),
    )
    return int(status.split()[-1])
