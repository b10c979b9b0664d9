"""The printable case file (dossier) on the real service fed through Kafka: people by the names of the
staff directory, the school by the register's name, Dutch labels, only for the school's IB'er and the
auditor, and every print logged as access (NEN 7513)."""

from __future__ import annotations

import io
import json
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
from pypdf import PdfReader

from meldcode_contracts import (
    Envelope,
    Role,
    StaffMemberDelisted,
    StaffMemberDelistedPayload,
    StaffMemberListed,
    StaffMemberListedPayload,
    staff_member_id,
)
from meldcode_testkit import Suite, eventually
from meldcode_testkit.builders import CaseFile, Events, at, envelope
from meldcode_testkit.people import IB, IB_OTHER_SCHOOL, TEACHER, ZORGTEAM, auth
from meldcode_testkit.publishing import publish_as_owners as publish

AUDITOR = {"sub": "audit-1", "role": "auditor", "schools": ()}
OTHER_TENANT_AUDITOR = {"sub": "audit-9", "role": "auditor", "schools": (), "tenant": "swv-noord"}
STAFF = {"ib-1": ("Ineke Bakker", Role.INTERN_BEGELEIDER), "zt-1": ("Joke de Wit", Role.ZORGTEAM)}


def listed(user_id: str, name: str, role: Role, minutes: int) -> StaffMemberListed:
    return StaffMemberListed(
        **envelope(staff_member_id("12AB", user_id), at=at(minutes)),
        payload=StaffMemberListedPayload(user_id=user_id, name=name, role=role, email=None),
    )


def a_walked_case(events: Events) -> tuple[uuid.UUID, list[Envelope]]:
    """The directory, a pupil, a signal, a case walked to the decision, and the zorgteam member
    delisted afterwards (history keeps naming her)."""
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    signal = events.signal(pupil_id, when=at(10))
    case = CaseFile(events, events.case(pupil_id, [signal.payload.signal_id], when=at(20)))
    delisted = StaffMemberDelisted(
        **envelope(staff_member_id("12AB", "zt-1"), at=at(80)),
        payload=StaffMemberDelistedPayload(user_id="zt-1"),
    )
    stream: list[Envelope] = [
        *(listed(user_id, name, role, 1) for user_id, (name, role) in STAFF.items()),
        registered,
        signal,
        case.opened,
        case.invited(at(25)),
        case.conversation_held(at(30)),
        case.risk_weighed(at(40)),
        case.decision(at(50)),
        case.published(at(50), "besluit", "ouders_informeren", "melden_veilig_thuis"),
        case.parents_informed(at(60)),
        delisted,
    ]
    return case.case_id, stream


def pdf_text(data: bytes) -> str:
    return " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


async def test_the_case_file_names_people_has_dutch_labels_is_refused_outside_and_logged(
    suite: Suite, events: Events, tmp_path: Path
) -> None:
    register = tmp_path / "schools.json"
    register.write_text(json.dumps({"swv-zuid": [{"brin": "12AB", "name": "Basisschool De Regenboog"}]}))
    svc = await suite.service("reporting", REPORTING_SCHOOLS_FILE=str(register))
    case_id, stream = a_walked_case(events)
    await publish(suite, *stream)
    url = f"/cases/{case_id}/case-file.pdf"

    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def complete() -> str | None:
            response = await http.get(url, headers=auth(suite, **IB))
            if response.status_code != 200:
                return None
            text = pdf_text(response.content)
            return text if "Ouders geïnformeerd" in text and "Joke de Wit" in text else None

        by_ib = await eventually(complete)
        by_auditor = await http.get(url, headers=auth(suite, **AUDITOR))
        refused = {
            "teacher": await http.get(url, headers=auth(suite, **TEACHER)),
            "zorgteam": await http.get(url, headers=auth(suite, **ZORGTEAM)),
            "other school": await http.get(url, headers=auth(suite, **IB_OTHER_SCHOOL)),
            "other tenant": await http.get(url, headers=auth(suite, **OTHER_TENANT_AUDITOR)),
        }
        unknown = await http.get(f"/cases/{uuid.uuid4()}/case-file.pdf", headers=auth(suite, **IB))

        async def logged() -> list[dict[str, Any]] | None:
            response = await http.get(
                "/audit/access-log", params={"user_id": "audit-1"}, headers=auth(suite, **AUDITOR)
            )
            entries = [e for e in response.json()["entries"] if e["action"] == "case.file"]
            return entries or None

        [printed] = await eventually(logged)

    assert "Dossier van Sanne Jansen" in by_ib
    assert "School: Basisschool De Regenboog (12AB)" in by_ib
    assert "Casushouder: Ineke Bakker" in by_ib
    assert "Zorgteam: Joke de Wit" in by_ib, "a delisted member keeps her name in the file"
    assert "door Joke de Wit (zorgteam)" in by_ib and "Wie informeert de ouders: Ineke Bakker" in by_ib
    assert "Geboortedatum: 02-03-2014" in by_ib
    for label in (
        "Signaal vastgelegd",
        "Zaak geopend",
        "Weging in het zorgteam",
        "Besluit volgens het afwegingskader",
    ):
        assert label in by_ib
    assert "Vraag 1: vermoeden: ja" in by_ib
    assert "Informeer de ouders over de voorgenomen melding" in by_ib
    assert not re.search(r"\b(ib|zt)-1\b", by_ib), "no user id in the file"
    assert not re.search(r"\b(CaseOpened|RiskWeighed|DecisionMade|SignalRecorded)\b", by_ib)
    assert by_auditor.status_code == 200 and by_auditor.headers["content-type"] == "application/pdf"
    assert "Casushouder: Ineke Bakker" in pdf_text(by_auditor.content)
    assert {who: r.status_code for who, r in refused.items()} == {
        "teacher": 403,
        "zorgteam": 403,
        "other school": 403,
        "other tenant": 403,
    }
    assert unknown.status_code == 404
    assert printed["case_id"] == str(case_id) and printed["school"] == "12AB"
