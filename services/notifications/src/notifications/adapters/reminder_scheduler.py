"""Fires due reminders exactly once.

Each due reminder row is claimed with `select ... for update skip locked` (so two replicas never
take the same one) and, in that same transaction, marked `sent`, its e-mails put in the e-mail
outbox and its `ReminderSent` event in the event outbox. A crash before the commit leaves the row
pending (fired again later, nothing was sent); after the commit the row is `sent` for good, also
across a restart. A redelivered event cannot bring it back: the row's id is (task, deadline).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

import asyncpg

from meldcode_contracts import ReminderSent
from meldcode_contracts.notices import ReminderSentPayload
from meldcode_edge.logging import get_logger

from ..domain.reminders import ReminderMail, ReminderStatus, message_id_for
from ..domain.tasks import Task
from .mail import render_reminder
from .notices import enqueue_notice
from .tasks import TASK_COLUMNS, task_from_row

log = get_logger(__name__)


@dataclass
class ReminderScheduler:
    pool: asyncpg.Pool
    topic: str
    portal_url: str
    mail_domain: str
    batch_size: int = 50

    async def fire_due(self, now: datetime) -> int:
        """Fire every reminder due at `now`; returns how many rows it settled."""
        settled = 0
        while True:
            async with self.pool.acquire() as proxy, proxy.transaction():
                conn = cast(asyncpg.Connection, proxy)
                rows = await conn.fetch(
                    f"""select r.reminder_id, r.due_at as reminder_due_at, {TASK_COLUMNS}
                        from reminders r join tasks t on t.task_id = r.task_id
                        where r.status = 'pending' and r.due_at <= $1
                        order by r.due_at, r.reminder_id
                        limit $2
                        for update of r skip locked""",  # noqa: S608 - constant fragments only
                    now,
                    self.batch_size,
                )
                for row in rows:
                    await self._settle(conn, row, now)
            settled += len(rows)
            if len(rows) < self.batch_size:
                return settled

    async def _settle(self, conn: asyncpg.Connection, row: asyncpg.Record, now: datetime) -> None:
        task = task_from_row(row)
        reminder_id = row["reminder_id"]
        status = ReminderStatus.SENT
        if task.completion is not None:
            status = ReminderStatus.CANCELLED
        else:
            user_id = task.assignee.user_id
            address = (
                await conn.fetchval("select email from user_directory where user_id = $1", user_id)
                if user_id
                else None
            )
            if user_id is None or address is None:
                status = ReminderStatus.NO_RECIPIENT
                log.warning(
                    "reminder_without_recipient", reminder_id=str(reminder_id), task_id=str(task.task_id)
                )
            else:
                await self._send(conn, task, row, user_id, address, now)
        await conn.execute(
            "update reminders set status = $2, fired_at = $3 where reminder_id = $1",
            reminder_id,
            status.value,
            now,
        )
        log.info(
            "reminder_settled", reminder_id=str(reminder_id), task_id=str(task.task_id), status=status.value
        )

    async def _send(
        self,
        conn: asyncpg.Connection,
        task: Task,
        row: asyncpg.Record,
        user_id: str,
        address: str,
        now: datetime,
    ) -> None:
        """Put the reminder's e-mail in the e-mail outbox and its `ReminderSent` in the event outbox."""
        reminder_id = row["reminder_id"]
        mail = render_reminder(ReminderMail.of(task, self.portal_url))
        await conn.execute(
            """insert into email_outbox (message_id, reminder_id, recipient_user_id, recipient, subject,
                   body, created_at, next_attempt_at)
               values ($1, $2, $3, $4, $5, $6, $7, $7) on conflict (message_id) do nothing""",
            message_id_for(reminder_id, user_id, self.mail_domain),
            reminder_id,
            user_id,
            address,
            mail.subject,
            mail.body,
            now,
        )
        await enqueue_notice(
            conn,
            self.topic,
            ReminderSent,
            natural_key=reminder_id,
            at=now,
            tenant=task.tenant,
            school=task.school,
            subject_id=task.case_id or task.pupil_id or task.task_id,
            causation_id=str(task.source_event_id),
            payload=ReminderSentPayload(
                case_id=task.case_id,
                pupil_id=task.pupil_id,
                task_id=task.task_id,
                task_kind=task.kind.value,
                recipient_user_id=user_id,
                due_at=row["reminder_due_at"],
            ),
        )
