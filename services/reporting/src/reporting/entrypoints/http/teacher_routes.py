"""For the portal's teacher screens: find a pupil of your school, your own signals."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from meldcode_edge.auth import CurrentPrincipal
from meldcode_vocabulary import SignalStatus

from ...application.pupils import find_pupils as find_pupils_of_school
from ...application.pupils import my_signals as signals_recorded_by_me
from .edges import Access, BrinPath, Pupils

router = APIRouter()

"""The school's own people (the zorgteam reaches a pupil only through a case it is invited into)."""


class PupilFoundOut(BaseModel):
    pupil_id: uuid.UUID
    school: str
    pupil_number: str = Field(description="The school's own leerlingnummer")
    display_name: str = Field(description="Roepnaam and achternaam, for screens")
    birth_year: int | None = Field(description="Tells pupils of the same name apart, beside the number")


class PupilSearchOut(BaseModel):
    school: str
    query: str
    pupils: list[PupilFoundOut]


@router.get(
    "/schools/{brin}/pupils",
    response_model=PupilSearchOut,
    tags=["pupils"],
    summary="Find pupils of your school by (part of) their name or leerlingnummer",
)
async def find_pupils(
    brin: BrinPath,
    principal: CurrentPrincipal,
    pupils: Pupils,
    access: Access,
    q: Annotated[str, Query(max_length=100, description="At least 2 characters; fewer finds nobody")] = "",
) -> PupilSearchOut:
    query = q.strip()
    rows = await find_pupils_of_school(principal, brin, query, pupils=pupils, access=access)
    return PupilSearchOut(
        school=brin,
        query=query,
        pupils=[
            PupilFoundOut(
                pupil_id=r.pupil_id,
                school=r.school,
                pupil_number=r.pupil_number,
                display_name=r.display_name,
                birth_year=r.date_of_birth.year if r.date_of_birth is not None else None,
            )
            for r in rows
        ],
    )


class MySignalOut(BaseModel):
    signal_id: uuid.UUID
    pupil_id: uuid.UUID
    pupil_display_name: str | None
    pupil_number: str | None
    pupil_birth_year: int | None = Field(description="Tells pupils of the same name apart")
    observed_on: date | None
    recorded_at: datetime
    description: str
    categories: list[str]
    source_kind: str | None
    corrected: bool
    status: SignalStatus = Field(
        description="received: with the IB'er; in_case: a case cites it (nothing more of the case is told)"
    )
    teacher_advice: list[str] = Field(
        description="The handelingsgerichte adviezen for the teacher recorded by the cases citing it"
    )


class MySignalsOut(BaseModel):
    school: str
    signals: list[MySignalOut]


@router.get(
    "/schools/{brin}/my-signals",
    response_model=MySignalsOut,
    tags=["signals"],
    summary="The signals you recorded at a school of yours, the latest observation first, with what became of them",
)
async def my_signals(
    brin: BrinPath, principal: CurrentPrincipal, pupils: Pupils, access: Access
) -> MySignalsOut:
    rows = await signals_recorded_by_me(principal, brin, pupils=pupils, access=access)
    signals = []
    for r in rows:
        source = r.facts.get("source")
        categories = r.facts.get("categories")
        signals.append(
            MySignalOut(
                signal_id=r.signal_id,
                pupil_id=r.pupil_id,
                pupil_display_name=r.pupil_display_name,
                pupil_number=r.pupil_number,
                pupil_birth_year=r.pupil_birth_year,
                observed_on=r.observed_on,
                recorded_at=r.occurred_at,
                description=str(r.facts.get("description", "")),
                categories=[str(c) for c in categories] if isinstance(categories, list) else [],
                source_kind=str(source.get("kind")) if isinstance(source, dict) else None,
                corrected=r.corrections > 0,
                status=r.status,
                teacher_advice=list(r.teacher_advice),
            )
        )
    return MySignalsOut(school=brin, signals=signals)
