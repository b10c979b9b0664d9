"""Who sees what of a pupil's chronology and parents' export, on the real service fed through Kafka
(docs/security.md, "A pupil's chronology"): each school its own time with the pupil and what a
transfer handed over to it; a zorgteam member the invited case and what it is built on; the parents
no third party's identity, the auditor everything."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import httpx
from pypdf import PdfReader

from meldcode_contracts import Envelope, SignalSource, SourceKind
from meldcode_testkit import Suite, eventually
from meldcode_testkit.builders import CaseFile, Events, Notices, at
from meldcode_testkit.people import IB, auth
from meldcode_testkit.publishing import publish_as_owners as publish

AUDITOR = {"sub": "audit-1", "role": "auditor", "schools": ()}
NEW_IB = {"sub": "ib-9", "role": "intern_begeleider", "schools": ("34CD",)}
NEW_ZORGTEAM = {"sub": "zt-9", "role": "zorgteam", "schools": ("34CD",)}
ZORGTEAM = {"sub": "zt-1", "role": "zorgteam", "schools": ("12AB",)}


async def read(http: httpx.AsyncClient, suite: Suite, path: str, **claims: Any) -> httpx.Response:
    return await http.get(path, headers=auth(suite, **claims))


async def all_projected(http: httpx.AsyncClient, suite: Suite, pupil_id: uuid.UUID, count: int) -> None:
    """Wait until the auditor (who sees everything) sees `count` entries."""

    async def enough() -> bool:
        response = await read(http, suite, f"/pupils/{pupil_id}/chronology", **AUDITOR)
        return response.status_code == 200 and len(response.json()["entries"]) >= count

    await eventually(enough)


def event_ids(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {e["event_id"] for e in response.json()["entries"]}


def ids(events: list[Envelope]) -> set[str]:
    return {str(e.event_id) for e in events}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


async def test_after_a_transfer_each_school_sees_its_own_time_and_the_new_one_what_was_handed_over(
    suite: Suite, events: Events
) -> None:
    svc = await suite.service("reporting")
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    signal = events.signal(pupil_id, when=at(10))
    other_signal = events.signal(pupil_id, when=at(11), description="Alleen voor de oude school.")
    built_on = [
        signal,
        events.correction(signal, when=at(12)),
        events.consultation(pupil_id, [signal.payload.signal_id], when=at(13)),
    ]
    case_a = events.case(pupil_id, [signal.payload.signal_id], when=at(20))
    case_b = events.case(pupil_id, [other_signal.payload.signal_id], when=at(21))
    old_only = [other_signal, case_b]
    file = CaseFile(events, case_a)
    handed_over = [
        case_a,
        file.conversation_held(at(30)),
        file.pupil_left(at(40)),
        file.transferred(at(50), to_school="34CD", new_owner="ib-9"),
    ]
    decision = file.decision(at(70))
    decision = decision.model_copy(
        update={"payload": decision.payload.model_copy(update={"reasons": "Besluit van de nieuwe school."})}
    )
    new_school = Notices(school="34CD")
    after = [
        file.invited(at(55), member_id="zt-9"),
        file.risk_weighed(at(60)),
        decision,
        new_school.document(file.case_id, pupil_id, when=at(75)),
    ]
    stream = [*built_on, *old_only, *handed_over, *after]
    await publish(suite, registered, *stream)

    async with httpx.AsyncClient(base_url=svc.url) as http:
        await all_projected(http, suite, pupil_id, len(stream))
        chronology, export = f"/pupils/{pupil_id}/chronology", f"/pupils/{pupil_id}/parents-export"
        old_chronology = await read(http, suite, chronology, **IB)
        old_export = await read(http, suite, export, **IB)
        old_pdf = await http.get(export, params={"format": "pdf"}, headers=auth(suite, **IB))
        new_chronology = await read(http, suite, chronology, **NEW_IB)
        new_export = await read(http, suite, export, **NEW_IB)
        new_zorgteam = await read(http, suite, chronology, **NEW_ZORGTEAM)
        audited = await read(http, suite, chronology, **AUDITOR)
        elsewhere = await read(
            http, suite, chronology, sub="ib-5", role="intern_begeleider", schools=("56EF",)
        )

    assert event_ids(old_chronology) == ids(built_on) | ids(old_only) | ids(handed_over)
    for text in (old_chronology.text, old_export.text, pdf_text(old_pdf.content)):
        assert "Besluit van de nieuwe school." not in text
        assert "Lichamelijk letsel en verwaarlozing" not in text  # the new school's weighing
    assert event_ids(new_chronology) == ids(built_on) | ids(handed_over) | ids(after)
    assert "Alleen voor de oude school." not in new_chronology.text + new_export.text
    assert new_export.status_code == 200 and "Besluit van de nieuwe school." in new_export.text
    assert event_ids(new_zorgteam) == ids(built_on) | ids(handed_over) | ids(after)
    assert event_ids(audited) == ids(stream)
    assert (elsewhere.status_code, elsewhere.json()["rule"]) == (403, "school")


async def test_a_zorgteam_member_invited_into_one_case_sees_that_case_and_what_it_is_built_on_only(
    suite: Suite, events: Events
) -> None:
    svc = await suite.service("reporting")
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    signal = events.signal(pupil_id, when=at(10))
    unrelated = events.signal(pupil_id, when=at(11), description="Los signaal zonder zaak.")
    other_case_signal = events.signal(pupil_id, when=at(12), description="Signaal van de andere zaak.")
    case_a = events.case(pupil_id, [signal.payload.signal_id], when=at(20))
    case_b = events.case(pupil_id, [other_case_signal.payload.signal_id], when=at(21))
    file = CaseFile(events, case_a)
    invited_material = [
        signal,
        events.correction(signal, when=at(13)),
        events.consultation(pupil_id, [signal.payload.signal_id], when=at(14)),
        case_a,
        file.invited(at(22), member_id="zt-1"),
        file.conversation_held(at(30)),
    ]
    outside = [
        unrelated,
        other_case_signal,
        events.consultation(pupil_id, [unrelated.payload.signal_id], when=at(15)),
        case_b,
        CaseFile(events, case_b).conversation_held(at(31)),
    ]
    await publish(suite, registered, *invited_material, *outside)

    async with httpx.AsyncClient(base_url=svc.url) as http:
        await all_projected(http, suite, pupil_id, len(invited_material) + len(outside))
        seen = await read(http, suite, f"/pupils/{pupil_id}/chronology", **ZORGTEAM)
        not_invited = await read(
            http, suite, f"/pupils/{pupil_id}/chronology", sub="zt-2", role="zorgteam", schools=("12AB",)
        )

    assert event_ids(seen) == ids(invited_material)
    assert "Los signaal zonder zaak." not in seen.text and "Signaal van de andere zaak." not in seen.text
    assert (not_invited.status_code, not_invited.json()["rule"]) == (404, "pupil-not-found")


async def test_the_parents_export_names_no_third_party_while_the_auditor_sees_every_one(
    suite: Suite, events: Events
) -> None:
    svc = await suite.service("reporting")
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    told = events.signal(pupil_id, when=at(10))
    told = told.model_copy(
        update={
            "payload": told.payload.model_copy(
                update={"source": SignalSource(kind=SourceKind.THIRD_PARTY, name="buurvrouw Els Visser")}
            )
        }
    )
    file = CaseFile(events, events.case(pupil_id, [told.payload.signal_id], when=at(20)))
    stream: list[Envelope] = [
        told,
        events.consultation(pupil_id, [told.payload.signal_id], when=at(15)),
        file.opened,
        file.risk_weighed(at(30)),
        file.jgz_result_received(at(40)),
    ]
    await publish(suite, registered, *stream)
    names = ("Els Visser", "Joke de Wit", "Ineke Bakker")

    async with httpx.AsyncClient(base_url=svc.url) as http:
        await all_projected(http, suite, pupil_id, len(stream))
        url = f"/pupils/{pupil_id}/parents-export"
        export = await read(http, suite, url, **IB)
        pdf = await http.get(url, params={"format": "pdf"}, headers=auth(suite, **IB))
        audited = await read(http, suite, f"/pupils/{pupil_id}/chronology", **AUDITOR)

    assert export.status_code == 200 and pdf.status_code == 200
    exported = json.dumps(export.json(), ensure_ascii=False)
    for text in (exported, pdf_text(pdf.content)):
        for name in names:
            assert name not in text
    signal = next(e for e in export.json()["entries"] if e["label"] == "Signaal vastgelegd")
    assert signal["facts"]["source"] == {"kind": "third_party"}
    for name in names:
        assert name in audited.text, "the auditor's chronology keeps every third party"
