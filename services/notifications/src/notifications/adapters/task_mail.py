"""Where the mails of new tasks go: the e-mail outbox (sent by `email_outbox`), and the address
each person has (`StaffEmails`, here the configured `user_directory`)."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from ..domain.task_mail import TaskMail, message_id_for_task
from . import staff_contacts
from .mail import render_reminder


class ConfiguredStaffEmails:
    """The e-mail address of a person from the school's staff directory (issue 17, fed by
    `StaffMemberListed`); for a person the directory does not know (yet), the settings'
    `user_directory` that reminders have always used."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def email_of(self, user_id: str, school: str) -> str | None:
        listed = await staff_contacts.email_of(self._conn, user_id, school)
        if listed is not None:
            return listed
        address: str | None = await self._conn.fetchval(
            "select email from user_directory where user_id = $1", user_id
        )
        return address


class OutboxTaskMailbox:
    """Puts a task's mail in the e-mail outbox, once per (task, person)."""

    def __init__(self, conn: asyncpg.Connection, mail_domain: str) -> None:
        self._conn = conn
        self._domain = mail_domain

    async def enqueue_task_mail(self, mail: TaskMail, address: str, now: datetime) -> bool:
        rendered = render_reminder(mail)
        inserted = await self._conn.fetchval(
            """insert into email_outbox (message_id, recipient_user_id, recipient, subject, body,
                   created_at, next_attempt_at)
               values ($1, $2, $3, $4, $5, $6, $6) on conflict (message_id) do nothing returning true""",
            message_id_for_task(mail.task_id, mail.user_id, self._domain),
            mail.user_id,
            address,
            rendered.subject,
            rendered.body,
            now,
        )
        return bool(inserted)
