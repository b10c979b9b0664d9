"""Who may call which route of the notifications service, and within which scope (`create_app`
enforces it). Whether a task or document lies inside the scope is checked per object."""

from __future__ import annotations

from meldcode_contracts import Role
from meldcode_servicekit.permissions import COMMON, Outside, RoutePolicy, Scope, ServicePolicy, grant

TASKS = grant(Scope.OWN_TASKS, Role.TEACHER, Role.INTERN_BEGELEIDER, Role.ZORGTEAM)
"""The roles that have a task list."""
DOCUMENT_READERS = {
    Role.INTERN_BEGELEIDER: Scope.OWN_SCHOOL,
    Role.ZORGTEAM: Scope.INVITED_CASE,
    Role.AUDITOR: Scope.OWN_TENANT_AUDITOR,
}

POLICY = ServicePolicy(
    "notifications",
    (
        *COMMON,
        RoutePolicy(
            "GET",
            "/tasks",
            TASKS,
            "Your tasks",
            other_school=Outside.FILTERED,
            other_tenant=Outside.FILTERED,
        ),
        RoutePolicy(
            "GET",
            "/tasks/count",
            TASKS,
            "How many of your tasks are open",
            other_school=Outside.FILTERED,
            other_tenant=Outside.FILTERED,
        ),
        RoutePolicy("POST", "/tasks/{task_id}/complete", TASKS, "Mark your task done"),
        RoutePolicy("POST", "/tasks/{task_id}/reopen", TASKS, "Undo completing your task, shortly after"),
        RoutePolicy(
            "GET",
            "/cases/{case_id}/melding-documents",
            DOCUMENT_READERS,
            "The melding documents of a case (metadata)",
            other_school=Outside.FILTERED,
            other_tenant=Outside.FILTERED,
        ),
        RoutePolicy(
            "GET",
            "/melding-documents/{document_id}",
            DOCUMENT_READERS,
            "The melding document as PDF",
            other_tenant=Outside.HIDDEN,
        ),
    ),
)
