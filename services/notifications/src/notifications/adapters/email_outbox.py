"""The persistent e-mail outbox: each message is sent, and marked sent, in its own transaction.

A kind of due work (`due_work`): one row at a time is claimed, handed to the SMTP server, and
marked `sent_at` in the same transaction only after the server accepted it. A failure records the
error class and puts the next attempt off with capped exponential backoff; the message stays in
the outbox until it is accepted.

The one window: a crash (or a lost connection to PostgreSQL) after the SMTP server accepted the
message and before the commit leaves the row unsent, so the message is sent again after the
restart. It carries the same `Message-ID` both times, so the receiving side can drop the copy
(mail stores and most MTAs de-duplicate on it; a person sees it once in a threaded client).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from meldcode_edge.logging import get_logger

from ..domain.webhooks import Backoff
from .due_work import Done, DueTable, DueWorkQueue
from .mail import OutgoingMail, SmtpSettings, send_blocking

log = get_logger(__name__)

EMAIL_OUTBOX = DueTable(
    "email_outbox", key="message_id", pending="sent_at is null", failure_log="email_send_failed"
)


@dataclass(frozen=True)
class SendEmail:
    smtp: SmtpSettings

    async def __call__(
        self, conn: asyncpg.Connection, row: asyncpg.Record, attempts: int, now: datetime
    ) -> Done:
        mail = OutgoingMail(
            row["message_id"], row["recipient"], row["subject"], row["body"], row["created_at"]
        )
        await asyncio.to_thread(send_blocking, self.smtp, mail)
        log.info("email_sent", message_id=mail.message_id, attempts=attempts)
        return Done({"sent_at": now})


def email_sender(pool: asyncpg.Pool, smtp: SmtpSettings, backoff: Backoff) -> DueWorkQueue:
    return DueWorkQueue(pool, EMAIL_OUTBOX, SendEmail(smtp), backoff)
