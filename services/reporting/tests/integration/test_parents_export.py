"""The parents' inspection export on the real service: no trace of an anonymous reporter (rule 10),
while the auditor's chronology still has it."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import httpx
from pypdf import PdfReader

from meldcode_contracts import (
    Actor,
    AmkNotified,
    Envelope,
    ReporterAnonymityAgreed,
    Role,
    StaffMemberListed,
    StaffMemberListedPayload,
    staff_member_id,
)
from meldcode_testkit import Suite, eventually
from meldcode_testkit.builders import CaseFile, Events, at, envelope
from meldcode_testkit.people import IB, auth
from meldcode_testkit.publishing import publish_as_owners as publish

from .reading import chronology_with

AUDITOR = {"sub": "audit-1", "role": "auditor", "schools": ()}
REPORTER = Actor(user_id="lk-7", role=Role.TEACHER)
REPORTER_NAME = "Meester Bram"


def a_reported_case(events: Events, *, anonymous: bool) -> tuple[uuid.UUID, list[Envelope]]:
    """A pupil, a signal the reporter observed, a case, the parents informed by the reporter, maybe
    anonymity agreed, and the report to Veilig Thuis made by the reporter."""
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    signal = events.signal(pupil_id, when=at(10))
    opened = events.case(pupil_id, [signal.payload.signal_id], when=at(20))
    file = CaseFile(events, opened)
    stream: list[Envelope] = [registered, signal, opened, file.decision(at(30))]
    stream.append(file.parents_informed(at(40)))
    if anonymous:
        stream.append(
            file._event(
                ReporterAnonymityAgreed,
                at(50),
                agreed_on=at(50).date(),
                reporter_id=REPORTER.user_id,
                ground="bedreiging_melder_of_collegas",
                argument=f"Vader heeft {REPORTER_NAME} bedreigd.",
            )
        )
    stream.append(
        file._event(
            AmkNotified,
            at(60),
            actor=REPORTER,
            reported_on=at(60).date(),
            veilig_thuis_region="Zuid-Holland Zuid",
            veilig_thuis_organisation="Veilig Thuis Zuid-Holland Zuid",
            reporter_id=REPORTER.user_id,
            reporter_anonymous_to_family=anonymous,
            signal_ids=[signal.payload.signal_id],
            school_continues=f"{REPORTER_NAME} ({REPORTER.user_id}) houdt dagelijks contact.",
            parents_informed=True,
            pupil_age_on_report=12,
            child_informed=True,
        )
    )
    return pupil_id, stream


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


async def exports_of(
    http: httpx.AsyncClient, suite: Suite, pupil_id: uuid.UUID, count: int
) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """JSON export, PDF text and the auditor's chronology, once the chronology holds `count` entries."""
    await eventually(lambda: chronology_with(http, suite, pupil_id, count))
    as_json = await http.get(f"/pupils/{pupil_id}/parents-export", headers=auth(suite, **IB))
    as_pdf = await http.get(
        f"/pupils/{pupil_id}/parents-export", params={"format": "pdf"}, headers=auth(suite, **IB)
    )
    audited = await http.get(f"/pupils/{pupil_id}/chronology", headers=auth(suite, **AUDITOR))
    assert as_json.status_code == 200, as_json.text
    assert as_pdf.status_code == 200 and as_pdf.headers["content-type"] == "application/pdf"
    assert audited.status_code == 200, audited.text
    return as_json.json(), pdf_text(as_pdf.content), audited.json()


async def test_an_anonymous_reporter_is_absent_from_the_parents_export_but_seen_by_the_auditor(
    suite: Suite, events: Events
) -> None:
    svc = await suite.service("reporting")
    pupil_id, stream = a_reported_case(events, anonymous=True)
    await publish(suite, *stream)

    async with httpx.AsyncClient(base_url=svc.url) as http:
        export, pdf, audited = await exports_of(http, suite, pupil_id, len(stream) - 1)

    exported = json.dumps(export, ensure_ascii=False)
    assert export["reporter_anonymous"] is True
    for text in (exported, pdf):
        assert REPORTER.user_id not in text
        assert "Bram" not in text
        assert "leerkracht" not in text.lower() and "teacher" not in text.lower()
        assert "bedreig" not in text
    assert "Inzage in het dossier van Sanne Jansen" in pdf
    assert "Melding bij Veilig Thuis" in pdf and "Anonimiteit melder afgesproken" in pdf
    assert "Komt al een week zonder jas naar school." in pdf
    report = next(e for e in export["entries"] if e["label"] == "Melding bij Veilig Thuis")
    assert report["actor"] is None and "reporter_id" not in report["facts"]
    assert REPORTER.user_id in json.dumps(audited), "the auditor still sees who reported"
    audited_report = next(e for e in audited["entries"] if e["event_type"] == "AmkNotified")
    assert audited_report["actor"] == {"user_id": "lk-7", "role": "leerkracht"}
    assert audited_report["facts"]["reporter_id"] == "lk-7"


async def test_a_reporter_on_name_is_named_in_the_parents_export(suite: Suite, events: Events) -> None:
    svc = await suite.service("reporting")
    pupil_id, stream = a_reported_case(events, anonymous=False)
    listing = StaffMemberListed(
        **envelope(staff_member_id("12AB", REPORTER.user_id), at=at(1)),
        payload=StaffMemberListedPayload(user_id=REPORTER.user_id, name=REPORTER_NAME, role=Role.TEACHER),
    )
    await publish(suite, listing, *stream)

    async with httpx.AsyncClient(base_url=svc.url) as http:
        export, pdf, _ = await exports_of(http, suite, pupil_id, len(stream) - 1)

    assert export["reporter_anonymous"] is False
    report = next(e for e in export["entries"] if e["label"] == "Melding bij Veilig Thuis")
    assert report["actor"] == {"user_id": "lk-7", "role": "leerkracht"}
    assert report["facts"]["reporter_id"] == "lk-7"
    assert f"Vastgelegd door: {REPORTER_NAME} (leerkracht)" in pdf, "the PDF names the staff who acted"
    assert f"Melder: {REPORTER_NAME}" in pdf


async def test_only_the_intern_begeleider_of_the_pupils_school_gets_the_export_and_it_is_logged(
    suite: Suite, events: Events
) -> None:
    svc = await suite.service("reporting")
    pupil_id, stream = a_reported_case(events, anonymous=True)
    await publish(suite, *stream)
    url = f"/pupils/{pupil_id}/parents-export"

    async with httpx.AsyncClient(base_url=svc.url) as http:
        await eventually(lambda: chronology_with(http, suite, pupil_id, len(stream) - 1))
        refused = [
            await http.get(url),
            await http.get(url, headers=auth(suite, sub="zt-1", role="zorgteam", schools=("12AB",))),
            await http.get(url, headers=auth(suite, **AUDITOR)),
            await http.get(url, headers=auth(suite, sub="ib-2", role="intern_begeleider", schools=("34CD",))),
            await http.get(url, headers=auth(suite, tenant="swv-noord", **IB)),
            await http.get(url, params={"format": "docx"}, headers=auth(suite, **IB)),
        ]
        unknown = await http.get(f"/pupils/{uuid.uuid4()}/parents-export", headers=auth(suite, **IB))
        assert (await http.get(url, headers=auth(suite, **IB))).status_code == 200

        async def logged() -> list[dict[str, Any]]:
            response = await http.get(
                "/audit/access-log", params={"pupil_id": str(pupil_id)}, headers=auth(suite, **AUDITOR)
            )
            return [e for e in response.json()["entries"] if e["action"] == "pupil.parents_export"]

        [entry] = await eventually(logged)

    assert [r.status_code for r in refused] == [401, 403, 403, 403, 403, 422]
    assert unknown.status_code == 404
    assert entry["user_id"] == "ib-1" and entry["service"] == "reporting"
