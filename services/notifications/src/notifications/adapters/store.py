"""The `application.NotificationStore` port on one connection, inside the caller's transaction:
the tasks (`tasks.py`) and what the melding document and the JGZ messages are built from."""

from __future__ import annotations

import uuid
from datetime import datetime

from meldcode_contracts.jgz import PupilReference

from .. import commands
from . import erasure, facts, staff_contacts, zorgteam
from .jgz_webhooks import enqueue_delivery
from .tasks import PostgresTaskStore


class PostgresNotificationStore(PostgresTaskStore):
    async def erase_pupil(self, pupil_id: uuid.UUID, now: datetime) -> None:
        await erasure.erase_pupil(self._conn, pupil_id, now)

    async def remember_identity(self, command: commands.RememberPupilIdentity) -> None:
        await facts.remember_identity(
            self._conn, command.pupil_id, command.tenant, command.school, command.identity
        )

    async def remember_signal(self, command: commands.RememberSignal) -> None:
        await facts.remember_signal(
            self._conn, command.tenant, command.pupil_id, command.fact, command.version_at
        )

    async def remember_consultation(self, command: commands.RememberConsultation) -> None:
        await facts.remember_consultation(
            self._conn, command.tenant, command.consultation_id, command.pupil_id, command.fact
        )

    async def remember_case_fact(self, command: commands.RememberCaseFact) -> None:
        await facts.remember_case_fact(
            self._conn,
            command.event_id,
            command.tenant,
            command.case_id,
            command.kind,
            command.occurred_at,
            command.data,
        )

    async def request_melding_document(self, command: commands.RequestMeldingDocument, now: datetime) -> None:
        await facts.request_melding_document(
            self._conn,
            document_id=command.document_id,
            report_event_id=command.report_event_id,
            tenant=command.tenant,
            school=command.school,
            case_id=command.case_id,
            pupil_id=command.pupil_id,
            reported_on=command.reported_on,
            reported_at=command.reported_at,
            report=command.report,
            now=now,
        )

    async def list_staff_member(self, command: commands.ListStaffMember) -> None:
        await staff_contacts.remember_listing(self._conn, command)

    async def delist_staff_member(self, command: commands.DelistStaffMember) -> None:
        await staff_contacts.remember_delisting(self._conn, command)

    async def email_of(self, user_id: str, school: str) -> str | None:
        return await staff_contacts.email_of(self._conn, user_id, school)

    async def invite(self, case_id: uuid.UUID, member_id: str) -> None:
        await zorgteam.invite(self._conn, case_id, member_id)

    async def withdraw_invitation(self, case_id: uuid.UUID, member_id: str) -> None:
        await zorgteam.withdraw_invitation(self._conn, case_id, member_id)

    async def pupil_reference(self, tenant: str, school: str, pupil_id: uuid.UUID) -> PupilReference:
        return await facts.pupil_reference(self._conn, tenant, school, pupil_id)

    async def enqueue_delivery(
        self,
        delivery_id: uuid.UUID,
        command: commands.DeliverToJgz,
        message: commands.JgzMessage,
        now: datetime,
    ) -> bool:
        return await enqueue_delivery(
            self._conn,
            delivery_id=delivery_id,
            source_event_id=command.source_event_id,
            tenant=command.tenant,
            school=command.school,
            case_id=command.case_id,
            pupil_id=command.pupil_id,
            message_type=message.message_type,
            organisation=command.organisation,
            body=message.model_dump_json().encode(),
            now=now,
        )
