"""HTTP API of the reporting service: read-only views on the read models. Each route checks the
caller's role, hands the question to its use case (`reporting.application`) and shapes the answer."""

from __future__ import annotations

from fastapi import APIRouter

from . import (
    audit_routes,
    case_file_routes,
    case_routes,
    chronology_routes,
    dashboard_routes,
    school_routes,
    teacher_routes,
)

router = APIRouter()
for part in (
    chronology_routes,
    case_routes,
    case_file_routes,
    dashboard_routes,
    audit_routes,
    teacher_routes,
    school_routes,
):
    router.include_router(part.router)
