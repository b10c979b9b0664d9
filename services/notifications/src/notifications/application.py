"""Use cases of notifications, written against the `NotificationStore` port (implemented in
adapters): the task rules' facts (`domain.decisions`) and the commands (`commands.py`) that the
consumer translates each incoming event into, and the task list and completion of the HTTP API.

Each use case runs inside one transaction that the caller opened (the EventConsumer's, or the
HTTP request's), so a failure leaves nothing half done.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from meldcode_contracts.jgz import PupilReference
from meldcode_edge.logging import get_logger

from . import commands
from .domain.access import Viewer, complete_by, reopen_by
from .domain.added_signals import SignalsAddedNoticed, on_signals_added
from .domain.cases import CaseEvent, CaseState
from .domain.decisions import (
    DEFAULT_TERMS,
    CaseNoticed,
    Coverage,
    Decision,
    PupilLeft,
    SignalNoticed,
    Terms,
    on_case_event,
    on_case_opened,
    on_pupil_deregistered,
    on_signal_recorded,
)
from .domain.errors import TaskNotFound
from .domain.pupils import KnownPupil, PupilName
from .domain.task_mail import TaskMail, task_mails
from .domain.task_pages import Page, PageRequest
from .domain.tasks import Task, TaskStatus
from .domain.webhooks import delivery_id_for, has_legal_basis

log = get_logger(__name__)


class TaskStore(Protocol):
    async def remember_pupil(self, pupil: KnownPupil) -> None: ...

    async def coverage_of(self, tenant: str, signal_id: uuid.UUID) -> Coverage | None: ...

    async def case_state(self, tenant: str, case_id: uuid.UUID) -> CaseState | None: ...

    async def open_cases_of(self, tenant: str, pupil_id: uuid.UUID) -> list[uuid.UUID]: ...

    async def signals_since(self, tenant: str, pupil_id: uuid.UUID, since: datetime) -> int:
        """How many signals about the pupil were recorded at or after `since`."""
        ...

    async def apply_decision(self, decision: Decision) -> list[uuid.UUID]:
        """Store the decision idempotently, in the order `Decision` names; the ids of the tasks
        that were new (an obligation task only when no task of its kind was open for the case)."""
        ...

    async def visible_tasks(
        self, viewer: Viewer, status: TaskStatus | None, page: PageRequest
    ) -> Page[tuple[Task, PupilName | None]]:
        """The viewer's tasks, newest first, one page of them (see `domain.task_pages`)."""
        ...

    async def task_for_update(self, task_id: uuid.UUID) -> Task | None: ...

    async def save_completion(self, task: Task) -> bool: ...

    async def count_visible(self, viewer: Viewer, status: TaskStatus | None) -> int: ...

    async def save_reopening(self, task: Task, completed_by: str) -> bool:
        """The task open again if it is still done by `completed_by`; False when it was not."""
        ...


class NotificationStore(TaskStore, Protocol):
    """Besides the tasks: the facts the melding document and the JGZ messages are built from, the
    zorgteam's invitations, and the due work (documents, webhook deliveries) they lead to."""

    async def erase_pupil(self, pupil_id: uuid.UUID, now: datetime) -> None: ...

    async def remember_identity(self, command: commands.RememberPupilIdentity) -> None: ...

    async def remember_signal(self, command: commands.RememberSignal) -> None: ...

    async def remember_consultation(self, command: commands.RememberConsultation) -> None: ...

    async def remember_case_fact(self, command: commands.RememberCaseFact) -> None: ...

    async def request_melding_document(
        self, command: commands.RequestMeldingDocument, now: datetime
    ) -> None: ...

    async def list_staff_member(self, command: commands.ListStaffMember) -> None: ...

    async def delist_staff_member(self, command: commands.DelistStaffMember) -> None: ...

    async def email_of(self, user_id: str, school: str) -> str | None:
        """The work e-mail address of `user_id` while listed at `school`; None when unknown, not
        listed (any more) or without an address."""
        ...

    async def invite(self, case_id: uuid.UUID, member_id: str) -> None: ...

    async def withdraw_invitation(self, case_id: uuid.UUID, member_id: str) -> None: ...

    async def pupil_reference(self, tenant: str, school: str, pupil_id: uuid.UUID) -> PupilReference:
        """What the JGZ partner gets to find the child; only the ids when the pupil is not known."""
        ...

    async def enqueue_delivery(
        self,
        delivery_id: uuid.UUID,
        command: commands.DeliverToJgz,
        message: commands.JgzMessage,
        now: datetime,
    ) -> bool:
        """A pending webhook delivery; False when it was enqueued before (the same source event)."""
        ...


class StaffEmails(Protocol):
    """The staff directory's e-mail address of a person at a school; None when none is known."""

    async def email_of(self, user_id: str, school: str) -> str | None: ...


class TaskMailbox(Protocol):
    async def enqueue_task_mail(self, mail: TaskMail, address: str, now: datetime) -> bool:
        """Put the mail in the outbox; False when it was there already (the same task and person)."""
        ...


@dataclass(frozen=True)
class Mailing:
    """Where task mails go: the directory to find addresses in, the outbox, the portal's URL."""

    emails: StaffEmails
    mailbox: TaskMailbox
    portal_url: str


async def tell_assignees(decided: Decided, mailing: Mailing, now: datetime) -> int:
    """Each new open task for one person is mailed to them (without pupil data, `domain.task_mail`);
    a person without a known address gets none, logged without personal data. Returns how many
    mails were put in the outbox."""
    decision, created = decided
    new = [t for t in (*decision.new_tasks, *decision.obligation_tasks) if t.task_id in created]
    sent = 0
    for mail in task_mails(new, mailing.portal_url):
        address = await mailing.emails.email_of(mail.user_id, mail.school)
        if address is None:
            log.info("task_mail_without_address", task_id=str(mail.task_id), kind=mail.kind)
            continue
        sent += await mailing.mailbox.enqueue_task_mail(mail, address, now)
    return sent


async def pupil_registered(store: TaskStore, pupil: KnownPupil) -> None:
    await store.remember_pupil(pupil)


async def signal_recorded(store: TaskStore, fact: SignalNoticed) -> tuple[Decision, list[uuid.UUID]]:
    decision = on_signal_recorded(fact, await store.coverage_of(fact.tenant, fact.signal_id))
    return decision, await store.apply_decision(decision)


async def case_opened(store: TaskStore, fact: CaseNoticed) -> tuple[Decision, list[uuid.UUID]]:
    decision = on_case_opened(fact)
    return decision, await store.apply_decision(decision)


async def signals_added(store: TaskStore, fact: SignalsAddedNoticed) -> tuple[Decision, list[uuid.UUID]]:
    decision = on_signals_added(fact)
    return decision, await store.apply_decision(decision)


async def case_event(store: TaskStore, fact: CaseEvent) -> tuple[Decision, list[uuid.UUID]]:
    decision = on_case_event(fact, await store.case_state(fact.tenant, fact.case_id))
    return decision, await store.apply_decision(decision)


async def pupil_deregistered(
    store: TaskStore, fact: PupilLeft, terms: Terms = DEFAULT_TERMS
) -> tuple[Decision, list[uuid.UUID]]:
    since = fact.occurred_at - timedelta(days=terms.recent_signals_days)
    decision = on_pupil_deregistered(
        fact,
        await store.open_cases_of(fact.tenant, fact.pupil_id),
        await store.signals_since(fact.tenant, fact.pupil_id, since),
    )
    return decision, await store.apply_decision(decision)


async def tasks_of(
    store: TaskStore, viewer: Viewer, status: TaskStatus | None, page: PageRequest
) -> Page[tuple[Task, PupilName | None]]:
    return await store.visible_tasks(viewer, status, page)


async def complete_task(store: TaskStore, viewer: Viewer, task_id: uuid.UUID, now: datetime) -> Task:
    """404 when unknown, 403 when not the viewer's, 409 when done already (see domain.errors).

    The completed task is answered without the pupil's name: completing is a write, not a read,
    so it reads no pupil data (the name was shown, and logged, with the task list)."""
    task = await store.task_for_update(task_id)
    if task is None:
        raise TaskNotFound()
    completed = complete_by(viewer, task, now)
    await store.save_completion(completed)
    return completed


async def count_tasks(store: TaskStore, viewer: Viewer, status: TaskStatus | None) -> int:
    """How many of the viewer's tasks there are (the portal's badge counts the open ones)."""
    return await store.count_visible(viewer, status)


async def reopen_task(store: TaskStore, viewer: Viewer, task_id: uuid.UUID, now: datetime) -> Task:
    """Undo the viewer's own completion shortly after it (`access.UNDO_WINDOW`): 404 when unknown,
    403 when not the viewer's, 409 when open or no longer to be undone (see domain.errors)."""
    task = await store.task_for_update(task_id)
    if task is None:
        raise TaskNotFound()
    reopened = reopen_by(viewer, task, now)
    await store.save_reopening(reopened, viewer.user_id)
    return reopened


async def deliver_to_jgz(
    store: NotificationStore, command: commands.DeliverToJgz, jgz_tenants: Collection[str], now: datetime
) -> None:
    """A consultation request or a hand-over becomes one signed webhook delivery, when the
    samenwerkingsverband has a JGZ partner (rule 14: a hand-over only with a recorded legal basis)."""
    if command.tenant not in jgz_tenants:
        log.warning(
            "jgz_webhook_without_partner",
            event_id=str(command.source_event_id),
            case_id=str(command.case_id),
        )
        return
    if command.needs_legal_basis and not has_legal_basis(command.legal_basis):
        log.error(
            "jgz_handover_refused",
            rule="handover-needs-legal-basis",
            event_id=str(command.source_event_id),
            case_id=str(command.case_id),
        )
        return
    delivery_id = delivery_id_for(command.source_event_id)
    pupil = await store.pupil_reference(command.tenant, command.school, command.pupil_id)
    message = command.compose(pupil, delivery_id)
    if await store.enqueue_delivery(delivery_id, command, message, now):
        log.info("jgz_webhook_enqueued", delivery_id=str(delivery_id), message_type=message.message_type)


async def erase_personal_data(
    store: NotificationStore, command: commands.ErasePersonalData, now: datetime
) -> None:
    await store.erase_pupil(command.pupil_id, now)
    log.info("personal_data_erased", pupil_id=str(command.pupil_id))


@dataclass(frozen=True)
class Circumstances:
    """What an incoming event is handled with besides itself: the service's settings and the time
    (for bookkeeping only; deadlines come from the events)."""

    terms: Terms
    jgz_tenants: Collection[str]
    now: datetime


Decided = tuple[Decision, list[uuid.UUID]]
UseCase = Callable[[NotificationStore, Any, Circumstances], Awaitable[Decided | None]]

USE_CASES: dict[type[Any], UseCase] = {
    KnownPupil: lambda store, pupil, _: pupil_registered(store, pupil),
    SignalNoticed: lambda store, fact, _: signal_recorded(store, fact),
    PupilLeft: lambda store, fact, at: pupil_deregistered(store, fact, at.terms),
    CaseNoticed: lambda store, fact, _: case_opened(store, fact),
    SignalsAddedNoticed: lambda store, fact, _: signals_added(store, fact),
    CaseEvent: lambda store, fact, _: case_event(store, fact),
    commands.ErasePersonalData: lambda store, command, at: erase_personal_data(store, command, at.now),
    commands.RememberPupilIdentity: lambda store, command, _: store.remember_identity(command),
    commands.RememberSignal: lambda store, command, _: store.remember_signal(command),
    commands.RememberConsultation: lambda store, command, _: store.remember_consultation(command),
    commands.RememberCaseFact: lambda store, command, _: store.remember_case_fact(command),
    commands.RequestMeldingDocument: lambda store, command, at: store.request_melding_document(
        command, at.now
    ),
    commands.ListStaffMember: lambda store, command, _: store.list_staff_member(command),
    commands.DelistStaffMember: lambda store, command, _: store.delist_staff_member(command),
    commands.InviteZorgteamMember: lambda store, command, _: store.invite(command.case_id, command.member_id),
    commands.WithdrawZorgteamInvitation: lambda store, command, _: store.withdraw_invitation(
        command.case_id, command.member_id
    ),
    commands.DeliverToJgz: lambda store, command, at: deliver_to_jgz(store, command, at.jgz_tenants, at.now),
}


async def handle(store: NotificationStore, message: object, at: Circumstances) -> Decided | None:
    """One fact or command of an incoming event; the task decision when it was one for the rules."""
    return await USE_CASES[type(message)](store, message, at)
