"""The persistent e-mail outbox: each message is sent, and marked sent, in its own transaction.

One row at a time is claimed (`for update skip locked`), handed to the SMTP server, and marked
`sent_at` in the same transaction only after the server accepted it. A failure records the error
class and schedules the next attempt with capped exponential backoff; the message stays in the
outbox until it is accepted.

The one window: a crash (or a lost connection to PostgreSQL) after the SMTP server accepted the
message and before the commit leaves the row unsent, so the message is sent again after the
restart. It carries the same `Message-ID` both times, so the receiving side can drop the copy
(mail stores and most MTAs de-duplicate on it; a person sees it once in a threaded client).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import asyncpg

from meldcode_servicekit.logging import get_logger

from ..domain.webhooks import Backoff
from .mail import OutgoingMail, SmtpSettings, send_blocking

log = get_logger(__name__)


@dataclass
class EmailSender:
    pool: asyncpg.Pool
    smtp: SmtpSettings
    backoff: Backoff

    async def send_due(self, now: datetime, limit: int = 100) -> int:
        """Send what is due at `now`, one message per transaction; returns how many were sent."""
        sent = 0
        for _ in range(limit):
            outcome = await self._send_one(now)
            if outcome is None:
                break
            sent += int(outcome)
        return sent

    async def _send_one(self, now: datetime) -> bool | None:
        async with self.pool.acquire() as proxy, proxy.transaction():
            conn = cast(asyncpg.Connection, proxy)
            row = await conn.fetchrow(
                """select message_id, recipient, subject, body, created_at, attempts from email_outbox
                   where sent_at is null and next_attempt_at <= $1
                   order by next_attempt_at, message_id limit 1 for update skip locked""",
                now,
            )
            if row is None:
                return None
            mail = OutgoingMail(
                row["message_id"], row["recipient"], row["subject"], row["body"], row["created_at"]
            )
            attempts = row["attempts"] + 1
            try:
                await asyncio.to_thread(send_blocking, self.smtp, mail)
            except Exception as exc:
                retry_at = self.backoff.next_attempt(now, attempts)
                await conn.execute(
                    """update email_outbox set attempts = $2, next_attempt_at = $3, last_error = $4
                       where message_id = $1""",
                    mail.message_id,
                    attempts,
                    retry_at,
                    type(exc).__name__,
                )
                log.warning(
                    "email_send_failed",
                    message_id=mail.message_id,
                    attempts=attempts,
                    error_type=type(exc).__name__,
                )
                return False
            await conn.execute(
                "update email_outbox set attempts = $2, sent_at = $3, last_error = null where message_id = $1",
                mail.message_id,
                attempts,
                now,
            )
            log.info("email_sent", message_id=mail.message_id, attempts=attempts)
            return True
