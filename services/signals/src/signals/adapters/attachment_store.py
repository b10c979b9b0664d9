"""The sealed bytes of signals' attachments in signals' own database (`signal_attachments`)."""

from __future__ import annotations

import uuid

import asyncpg


class PostgresAttachmentStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def put(
        self,
        *,
        attachment_id: uuid.UUID,
        signal_id: uuid.UUID,
        pupil_id: uuid.UUID,
        tenant: str,
        school: str,
        sealed: bytes,
    ) -> None:
        await self._pool.execute(
            """insert into signal_attachments (attachment_id, signal_id, pupil_id, tenant, school, sealed)
               values ($1, $2, $3, $4, $5, $6)""",
            attachment_id,
            signal_id,
            pupil_id,
            tenant,
            school,
            sealed,
        )

    async def sealed(self, attachment_id: uuid.UUID) -> bytes | None:
        row = await self._pool.fetchval(
            "select sealed from signal_attachments where attachment_id = $1", attachment_id
        )
        return None if row is None else bytes(row)
