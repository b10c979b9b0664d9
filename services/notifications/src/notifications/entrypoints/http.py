"""HTTP API of the notifications service: a person's task list."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, cast

import asyncpg
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from meldcode_contracts import Role
from meldcode_edge.auth import CurrentPrincipal, Principal
from meldcode_edge.inputs import PageLimit
from meldcode_edge.logging import get_logger
from meldcode_edge.problems import Conflict, Forbidden, InvalidInput, NotFound, Problem
from meldcode_servicekit.access import AccessLogger
from meldcode_vocabulary.dutch_days import day_due

from .. import application
from ..adapters import zorgteam
from ..adapters.melding_documents import StoredDocument, documents_of_case, stored_document
from ..adapters.tasks import PostgresTaskStore
from ..domain.access import Viewer
from ..domain.errors import DomainError
from ..domain.pupils import PupilName
from ..domain.task_pages import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, InvalidCursor, page_request_of
from ..domain.tasks import Task, TaskKind, TaskStatus

router = APIRouter()
log = get_logger(__name__)


class Gone(Problem):
    status = 410
    title = "Niet meer beschikbaar"


class StatusFilter(StrEnum):
    OPEN = "open"
    DONE = "done"
    ALL = "all"


class TaskOut(BaseModel):
    task_id: uuid.UUID = Field(description="Stable id of the task (derived from the event that caused it)")
    kind: TaskKind = Field(
        description=(
            "What kind of task: new_signal (look at a new signal), new_case (set the next step of a "
            "new case), discuss_in_zorgteam (bring the case to the zorgteam for the weighing), "
            "inform_parents_before_report (inform the parents of the intended report), "
            "veilig_thuis_feedback_expected (the reporter expects feedback of Veilig Thuis by due_at), "
            "evaluate_follow_up (the care coordinator evaluates the help on due_at), "
            "pupil_left_school (alert: a pupil with an open case left the school, for the zorgteam of "
            "the case; or a pupil with recent signals and no case, for the IB'er), "
            "leaving_pupil_notice (alert for the school's zorgteam, naming no pupil: a pupil with "
            "recent signals and no case left; the IB'er discusses it with the zorgteam) or "
            "case_transferred_in (a case handed over to this school: set the next step)"
        )
    )
    title: str = Field(description="What to do, in Dutch, with the pupil shown as briefly as possible")
    status: TaskStatus = Field(description="open or done")
    school: str = Field(description="BRIN of the school the task belongs to")
    assignee_role: str | None = Field(description="The role at the school the task is for, if any")
    assignee_user_id: str | None = Field(description="The user the task is for, if any")
    pupil_id: uuid.UUID | None = Field(description="Pseudonymous id of the pupil it is about")
    case_id: uuid.UUID | None = Field(description="The case it is about, if any")
    signal_id: uuid.UUID | None = Field(description="The signal it is about, if any")
    created_at: datetime = Field(description="When the cause happened (UTC)")
    due_at: datetime | None = Field(
        description=(
            "Deadline (UTC), when the task has one: the end of the due day in the Netherlands, "
            "the due day casework published for the obligation (new_case, discuss_in_zorgteam, veilig_thuis_feedback_expected, evaluate_follow_up); a reminder e-mail goes out when it passes"
        )
    )
    due_on: date | None = Field(
        default=None,
        description="The last Dutch day on which the task is on time: for a case obligation, the due "
        "day casework published (what the case page and the case list show)",
    )
    completed_at: datetime | None = Field(description="When it was done (UTC)")
    completed_by: str | None = Field(description="User id of who completed it, or 'system'")
    fulfilled_by_event_id: uuid.UUID | None = Field(
        description="The event that made the task unnecessary, when the system completed it"
    )

    @classmethod
    def of(cls, task: Task, pupil: PupilName | None) -> TaskOut:
        done = task.completion
        return cls(
            task_id=task.task_id,
            kind=task.kind,
            title=task.title(pupil),
            status=task.status,
            school=task.school,
            assignee_role=task.assignee.role.value if task.assignee.role else None,
            assignee_user_id=task.assignee.user_id,
            pupil_id=task.pupil_id,
            case_id=task.case_id,
            signal_id=task.signal_id,
            created_at=task.created_at,
            due_at=task.due_at,
            due_on=day_due(task.due_at) if task.due_at else None,
            completed_at=done.completed_at if done else None,
            completed_by=done.completed_by if done else None,
            fulfilled_by_event_id=done.fulfilled_by_event_id if done else None,
        )


def pool(request: Request) -> asyncpg.Pool:
    p: asyncpg.Pool = request.app.state.pool
    return p


Pool = Annotated[asyncpg.Pool, Depends(pool)]


async def viewer_of(principal: Principal, db: asyncpg.Pool) -> Viewer:
    invited = await invited_cases_of(principal, db)
    return Viewer(
        user_id=principal.user_id,
        role=principal.role,
        tenant=principal.tenant,
        schools=principal.schools,
        invited_cases=frozenset(invited or ()),
    )


def as_problem(error: DomainError) -> Problem:
    kind = {403: Forbidden, 404: NotFound, 409: Conflict}.get(error.status, Problem)
    return kind(str(error), rule=error.rule)


@router.get(
    "/tasks",
    response_model=list[TaskOut],
    tags=["tasks"],
    summary="Your tasks, newest first, one page",
    responses={
        200: {
            "description": "One page of your tasks, newest first. The header `Link` points to the "
            'next page (`rel="next"`, older tasks) and the previous one (`rel="prev"`, newer tasks) '
            "when there is one (RFC 8288)"
        },
        422: {"description": "A cursor this service did not write (rule `task-cursor`)"},
    },
)
async def list_tasks(
    principal: CurrentPrincipal,
    db: Pool,
    access: AccessLogger,
    request: Request,
    response: Response,
    status: Annotated[StatusFilter, Query(description="open (default), done or all")] = StatusFilter.OPEN,
    limit: Annotated[
        PageLimit, Query(le=MAX_PAGE_SIZE, description="At most this many tasks on the page")
    ] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[
        str | None,
        Query(max_length=200, description="Where the page starts: from a `Link` of an earlier page"),
    ] = None,
) -> list[TaskOut]:
    viewer = await viewer_of(principal, db)
    wanted = None if status is StatusFilter.ALL else TaskStatus(status.value)
    try:
        asked = page_request_of(cursor, limit)
    except InvalidCursor as error:
        raise InvalidInput(
            "Deze verwijzing naar een pagina van de takenlijst is ongeldig; begin opnieuw bij de eerste pagina.",
            rule="task-cursor",
        ) from error
    async with db.acquire() as proxy:
        page = await application.tasks_of(
            PostgresTaskStore(cast(asyncpg.Connection, proxy)), viewer, wanted, asked
        )
    found = list(page.items)
    links = [
        f'<{request.url.include_query_params(cursor=token)}>; rel="{rel}"'
        for rel, token in (("next", page.older), ("prev", page.newer))
        if token is not None
    ]
    if links:
        response.headers["Link"] = ", ".join(links)
    # A task names its pupil (a new signal) or its case: each pupil shown is an access (NEN 7513).
    shown: dict[uuid.UUID, tuple[str, str, uuid.UUID | None]] = {}
    for task, _ in found:
        if task.pupil_id is not None:
            shown.setdefault(task.pupil_id, (task.tenant, task.school, task.case_id))
    await asyncio.gather(
        *(
            access.record(
                principal,
                request,
                action="tasks.list",
                tenant=tenant,
                school=school,
                pupil_id=pupil,
                case_id=case,
            )
            for pupil, (tenant, school, case) in shown.items()
        )
    )
    return [TaskOut.of(task, pupil) for task, pupil in found]


async def _change_task(
    use_case: Callable[[PostgresTaskStore, Viewer, uuid.UUID, datetime], Awaitable[Task]],
    task_id: uuid.UUID,
    principal: Principal,
    db: asyncpg.Pool,
) -> Task:
    """One of the caller's tasks changed by `use_case` in one transaction; a refusal as its problem."""
    viewer = await viewer_of(principal, db)
    try:
        async with db.acquire() as proxy, proxy.transaction():
            return await use_case(
                PostgresTaskStore(cast(asyncpg.Connection, proxy)), viewer, task_id, datetime.now(UTC)
            )
    except DomainError as error:
        raise as_problem(error) from error


@router.post(
    "/tasks/{task_id}/complete",
    response_model=TaskOut,
    tags=["tasks"],
    summary="Mark one of your tasks as done (answered without the pupil's name)",
    responses={
        403: {"description": "Not your task"},
        404: {"description": "No such task"},
        409: {"description": "Already done"},
    },
)
async def complete_task(task_id: uuid.UUID, principal: CurrentPrincipal, db: Pool) -> TaskOut:
    completed = await _change_task(application.complete_task, task_id, principal, db)
    log.info("task_completed", task_id=str(task_id), kind=completed.kind.value)
    # without the pupil's name (a short reference instead): the answer to a write reads no pupil data
    return TaskOut.of(completed, None)


class TaskCountOut(BaseModel):
    open: int = Field(description="How many of your tasks are open (the number on the portal's badge)")


@router.get(
    "/tasks/count",
    response_model=TaskCountOut,
    tags=["tasks"],
    summary="How many of your tasks are open (reads no pupil data)",
)
async def count_tasks(principal: CurrentPrincipal, db: Pool) -> TaskCountOut:
    viewer = await viewer_of(principal, db)
    async with db.acquire() as proxy:
        count = await application.count_tasks(
            PostgresTaskStore(cast(asyncpg.Connection, proxy)), viewer, TaskStatus.OPEN
        )
    return TaskCountOut(open=count)


@router.post(
    "/tasks/{task_id}/reopen",
    response_model=TaskOut,
    tags=["tasks"],
    summary="Undo completing one of your tasks, within 10 minutes (answered without the pupil's name)",
    responses={
        403: {"description": "Not your task"},
        404: {"description": "No such task"},
        409: {
            "description": "Open already (rule `task-reopen-only-done`), or not yours to undo any more: "
            "completed by someone else, by a step in the case, or more than 10 minutes ago "
            "(rule `task-undo-window`)"
        },
    },
)
async def reopen_task(task_id: uuid.UUID, principal: CurrentPrincipal, db: Pool) -> TaskOut:
    reopened = await _change_task(application.reopen_task, task_id, principal, db)
    log.info("task_reopened", task_id=str(task_id), kind=reopened.kind.value)
    return TaskOut.of(reopened, None)


"""Who may read a melding document: the IB'er and zorgteam of the school, and auditors of the
samenwerkingsverband."""


class MeldingDocumentOut(BaseModel):
    document_id: uuid.UUID
    case_id: uuid.UUID
    pupil_id: uuid.UUID
    school: str
    reported_on: date
    status: str = Field(description="pending (being built) or issued")
    sha256: str | None = Field(description="Hash of the PDF as kept by the school")
    pages: int | None
    issued_at: datetime | None
    erased_at: datetime | None = Field(
        default=None,
        description="When the pupil's personal data was erased: the PDF is gone (410), its sha256 stays",
    )
    href: str = Field(description="Where the PDF is")


def _may_read(principal: Principal, document: StoredDocument, invited: set[uuid.UUID] | None) -> None:
    """`invited`: for a zorgteam member, the cases they are invited into (None for other roles)."""
    if document.tenant != principal.tenant:
        raise NotFound("Dit document bestaat niet.", rule="document-not-found")
    if principal.role is not Role.AUDITOR and document.school not in principal.schools:
        raise Forbidden("Dit document hoort bij een andere school.", rule="school")
    if invited is not None and document.case_id not in invited:
        raise NotFound("Dit document bestaat niet.", rule="document-not-found")


async def invited_cases_of(principal: Principal, db: asyncpg.Pool) -> set[uuid.UUID] | None:
    """A zorgteam member's cases (those they are invited into); None for roles not limited so."""
    return await zorgteam.invited_cases(db, principal.user_id) if principal.role is Role.ZORGTEAM else None


@router.get(
    "/cases/{case_id}/melding-documents",
    response_model=list[MeldingDocumentOut],
    tags=["melding documents"],
    summary="The melding documents of a case (metadata)",
)
async def list_melding_documents(
    case_id: uuid.UUID, principal: CurrentPrincipal, db: Pool, access: AccessLogger, request: Request
) -> list[MeldingDocumentOut]:
    async with db.acquire() as proxy:
        documents = await documents_of_case(cast(asyncpg.Connection, proxy), case_id)
    visible = []
    invited = await invited_cases_of(principal, db)
    for document in documents:
        try:
            _may_read(principal, document, invited)
        except (Forbidden, NotFound):
            continue
        visible.append(document)
    if visible:
        await access.record(
            principal,
            request,
            action="melding_document.list",
            tenant=visible[0].tenant,
            school=visible[0].school,
            case_id=case_id,
            pupil_id=visible[0].pupil_id,
        )
    return [
        MeldingDocumentOut(
            document_id=d.document_id,
            case_id=d.case_id,
            pupil_id=d.pupil_id,
            school=d.school,
            reported_on=d.reported_on,
            status=d.status,
            sha256=d.sha256,
            pages=d.pages,
            issued_at=d.issued_at,
            erased_at=d.erased_at,
            href=f"/melding-documents/{d.document_id}",
        )
        for d in visible
    ]


@router.get(
    "/melding-documents/{document_id}",
    tags=["melding documents"],
    summary="The melding document as PDF",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The PDF"},
        403: {"description": "Another school, or a role that may not read it"},
        404: {"description": "No such document (or not built yet)"},
        410: {"description": "The pupil's personal data was erased: the PDF is gone for good"},
    },
)
async def get_melding_document(
    document_id: uuid.UUID, principal: CurrentPrincipal, db: Pool, access: AccessLogger, request: Request
) -> Response:
    async with db.acquire() as proxy:
        document = await stored_document(cast(asyncpg.Connection, proxy), document_id)
    if document is None:
        raise NotFound("Dit document bestaat niet.", rule="document-not-found")
    _may_read(principal, document, await invited_cases_of(principal, db))
    if document.erased_at is not None:
        raise Gone(
            "De persoonsgegevens van deze leerling zijn gewist; het meldingsdocument is daarom niet "
            "meer beschikbaar. De vingerafdruk (sha256) en de datum blijven bewaard.",
            rule="personal-data-erased",
        )
    if document.pdf is None:
        raise NotFound("Dit document wordt nog opgesteld; probeer het zo opnieuw.", rule="document-pending")
    await access.record(
        principal,
        request,
        action="melding_document.read",
        tenant=document.tenant,
        school=document.school,
        case_id=document.case_id,
        pupil_id=document.pupil_id,
        resource=f"melding_document:{document.document_id}",
    )
    log.info("melding_document_read", document_id=str(document_id))
    return Response(
        content=document.pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="melding-{document.document_id}.pdf"',
            "X-Content-SHA256": document.sha256 or "",
            "Cache-Control": "no-store",
        },
    )
