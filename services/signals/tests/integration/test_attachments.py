"""Attachments to a signal (issue 17) through the real signals process: sealed bytes in its
database, checked by content, readable by the school, logged, and gone with the pupil's key."""

import uuid

import asyncpg
import httpx

from meldcode_contracts import ACCESS_LOG_EVENTS, DataAccessed
from meldcode_testkit import Suite, read_topic
from meldcode_vocabulary.dutch_days import dutch_today

IB = {"sub": "ib-1", "role": "intern_begeleider", "schools": ("12AB",)}
TEACHER = {"sub": "leerkracht-1", "role": "leerkracht", "schools": ("12AB",)}
OTHER_TEACHER = {"sub": "leerkracht-2", "role": "leerkracht", "schools": ("12AB",)}
ADMIN = {"sub": "beheerder-1", "role": "beheerder", "schools": ("12AB",)}
OTHER_SCHOOL_IB = {"sub": "ib-9", "role": "intern_begeleider", "schools": ("99ZZ",)}

PNG = b"\x89PNG\r\n\x1a\n" + uuid.uuid4().bytes * 64
PDF = b"%PDF-1.7\n" + uuid.uuid4().bytes * 64


def auth(suite: Suite, **claims: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {suite.infra.token(**claims)}"}  # type: ignore[arg-type]


async def recorded_signal(http: httpx.AsyncClient, suite: Suite) -> tuple[str, str]:
    pupil_id = (
        await http.post(
            "/pupils",
            json={
                "school": "12AB",
                "pupil_number": f"B-{uuid.uuid4().hex[:8]}",
                "given_name": "Bo",
                "family_name": "Bijlage",
                "date_of_birth": "2015-04-01",
            },
            headers=auth(suite, **IB),
        )
    ).json()["pupil_id"]
    recorded = await http.post(
        f"/pupils/{pupil_id}/signals",
        json={
            "observed_on": dutch_today().isoformat(),
            "description": "Blauwe plekken op beide bovenarmen gezien bij de gymles.",
            "source": {"kind": "own_observation"},
        },
        headers=auth(suite, **TEACHER),
    )
    assert recorded.status_code == 201, recorded.text
    return pupil_id, recorded.json()["signal_id"]


async def test_an_attachment_is_stored_sealed_listed_and_downloaded_by_the_school(suite: Suite) -> None:
    svc = await suite.service("signals")
    async with httpx.AsyncClient(base_url=svc.url) as http:
        pupil_id, signal_id = await recorded_signal(http, suite)
        added = await http.post(
            f"/signals/{signal_id}/attachments",
            files={"file": ("lichaamskaart.png", PNG, "image/png")},
            data={"kind": "lichaamskaart"},
            headers=auth(suite, **TEACHER),
        )
        assert added.status_code == 201, added.text
        by_ib = await http.post(
            f"/signals/{signal_id}/attachments",
            files={"file": ("briefje.pdf", PDF, "application/pdf")},
            data={"kind": "document"},
            headers=auth(suite, **IB),
        )
        assert by_ib.status_code == 201, by_ib.text

        listed = await http.get(f"/signals/{signal_id}/attachments", headers=auth(suite, **IB))
        assert listed.status_code == 200
        items = listed.json()["items"]
        assert [(i["kind"], i["content_type"], i["size"], i["added_by"]) for i in items] == [
            ("lichaamskaart", "image/png", len(PNG), "leerkracht-1"),
            ("document", "application/pdf", len(PDF), "ib-1"),
        ]

        download = await http.get(
            f"/signals/{signal_id}/attachments/{added.json()['id']}", headers=auth(suite, **OTHER_TEACHER)
        )
        assert download.status_code == 200
        assert download.content == PNG
        assert download.headers["content-type"] == "image/png"
        assert download.headers["content-disposition"].startswith("attachment;")
        assert download.headers["x-content-type-options"] == "nosniff"
        assert download.headers["cache-control"] == "no-store"

        unknown = await http.get(
            f"/signals/{signal_id}/attachments/{uuid.uuid4()}", headers=auth(suite, **IB)
        )
        assert unknown.status_code == 404
        assert unknown.json()["rule"] == "attachment-not-found"

    conn = await asyncpg.connect(svc.env["SIGNALS_DATABASE_URL"])
    try:
        stored = [bytes(r["sealed"]) for r in await conn.fetch("select sealed from signal_attachments")]
    finally:
        await conn.close()
    assert len(stored) == 2
    assert all(PNG[16:80] not in s and PDF[16:80] not in s for s in stored), "stored only sealed"

    accesses = [
        suite.open_event(m["value"])
        for m in await read_topic(suite.infra.kafka, suite.topic(ACCESS_LOG_EVENTS), expected=2, timeout=10)
    ]
    assert all(isinstance(e, DataAccessed) for e in accesses)
    assert sorted(e.payload.action for e in accesses) == ["signal.attachment.read", "signal.attachments"]
    assert {str(e.payload.pupil_id) for e in accesses} == {pupil_id}


async def test_a_file_that_is_no_photo_or_pdf_by_its_content_or_too_large_is_refused(suite: Suite) -> None:
    svc = await suite.service("signals", SIGNALS_ATTACHMENT_MAX_BYTES="4096")
    async with httpx.AsyncClient(base_url=svc.url) as http:
        _, signal_id = await recorded_signal(http, suite)
        disguised = await http.post(
            f"/signals/{signal_id}/attachments",
            files={
                "file": ("foto.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "image/png")
            },
            headers=auth(suite, **TEACHER),
        )
        assert disguised.status_code == 415, disguised.text
        assert disguised.json()["rule"] == "attachment-type"
        assert "geen foto" in disguised.json()["detail"]

        too_large = await http.post(
            f"/signals/{signal_id}/attachments",
            files={"file": ("groot.png", PNG + b"\x00" * 5000, "image/png")},
            headers=auth(suite, **TEACHER),
        )
        assert too_large.status_code == 413, too_large.text
        assert too_large.json()["rule"] == "attachment-too-large"

        not_the_observer = await http.post(
            f"/signals/{signal_id}/attachments",
            files={"file": ("foto.png", PNG[:1000], "image/png")},
            headers=auth(suite, **OTHER_TEACHER),
        )
        assert not_the_observer.status_code == 422
        assert not_the_observer.json()["rule"] == "rule-1-attachment-by-observer"

        listed = await http.get(f"/signals/{signal_id}/attachments", headers=auth(suite, **TEACHER))
        assert listed.json()["items"] == []


async def test_another_school_neither_attaches_nor_reads(suite: Suite) -> None:
    svc = await suite.service("signals")
    async with httpx.AsyncClient(base_url=svc.url) as http:
        _, signal_id = await recorded_signal(http, suite)
        added = await http.post(
            f"/signals/{signal_id}/attachments",
            files={"file": ("foto.png", PNG, "image/png")},
            headers=auth(suite, **TEACHER),
        )
        assert added.status_code == 201
        path = f"/signals/{signal_id}/attachments"
        headers = auth(suite, **OTHER_SCHOOL_IB)
        assert (await http.get(path, headers=headers)).status_code == 403
        assert (await http.get(f"{path}/{added.json()['id']}", headers=headers)).status_code == 403
        other = await http.post(path, files={"file": ("foto.png", PNG, "image/png")}, headers=headers)
        assert other.status_code == 403


async def test_after_the_pupil_is_erased_the_attachment_no_longer_opens(suite: Suite) -> None:
    svc = await suite.service("signals")
    async with httpx.AsyncClient(base_url=svc.url) as http:
        pupil_id, signal_id = await recorded_signal(http, suite)
        added = await http.post(
            f"/signals/{signal_id}/attachments",
            files={"file": ("foto.png", PNG, "image/png")},
            headers=auth(suite, **TEACHER),
        )
        download = f"/signals/{signal_id}/attachments/{added.json()['id']}"
        assert (await http.get(download, headers=auth(suite, **IB))).status_code == 200

        asked = await http.post(
            f"/pupils/{pupil_id}/erasure-requests",
            json={"reason": "verzoek_betrokkene"},
            headers=auth(suite, **IB),
        )
        assert asked.status_code == 201, asked.text
        approval = f"/pupils/{pupil_id}/erasure-requests/{asked.json()['request_id']}/approval"
        assert (await http.post(approval, headers=auth(suite, **ADMIN))).status_code == 200

        gone = await http.get(download, headers=auth(suite, **IB))
        assert gone.status_code == 410, gone.text
        assert gone.json()["rule"] == "personal-data-erased"
        assert "gewist" in gone.json()["detail"]
        again = await http.post(
            f"/signals/{signal_id}/attachments",
            files={"file": ("foto.png", PNG, "image/png")},
            headers=auth(suite, **TEACHER),
        )
        assert again.status_code == 410
