"""The names of the schools of the caller's samenwerkingsverband, for every screen that shows a BRIN."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from meldcode_edge.auth import CurrentPrincipal

from ...domain.schools import SchoolRegister, schools_of

router = APIRouter()


class SchoolOut(BaseModel):
    brin: str
    name: str


class SchoolsOut(BaseModel):
    items: list[SchoolOut]


def register_of(request: Request) -> SchoolRegister:
    """Read at start-up (`reporting.bootstrap`); an app without it knows no names."""
    register: SchoolRegister = getattr(request.app.state, "school_register", {})
    return register


@router.get(
    "/schools",
    response_model=SchoolsOut,
    tags=["schools"],
    summary="The schools of your samenwerkingsverband with their names, sorted by name",
)
async def schools(request: Request, principal: CurrentPrincipal) -> SchoolsOut:
    return SchoolsOut(
        items=[
            SchoolOut(brin=s.brin, name=s.name) for s in schools_of(register_of(request), principal.tenant)
        ]
    )
