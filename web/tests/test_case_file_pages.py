"""The printable case file (dossier) through the portal (issue 17, "Also expected"): a link on the
IB'er's case page and on the auditor's case history, the PDF reporting makes served as it is, and
nobody else offered it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient

from .shell_fakes import (
    CASE_ID,
    PUPIL_ID,
    FakeLoginClient,
    FakeServices,
    a_case,
    case_services,
    log_in,
    portal,
)

PDF = b"%PDF-1.7 dossier"
REPORTING_PATH = f"/cases/{CASE_ID}/case-file.pdf"
LINK = "Dossier afdrukken (PDF)"


@contextmanager
def logged_in(services: FakeServices, token: str) -> Iterator[TestClient]:
    client, _, _ = portal(FakeLoginClient(token=token), services)
    with client:
        log_in(client)
        yield client


def with_case_file(services: FakeServices) -> FakeServices:
    services.on_bytes("GET", REPORTING_PATH, PDF, "application/pdf")
    return services


def test_the_ib_er_prints_the_case_file_from_the_case_page() -> None:
    services = with_case_file(case_services(a_case()))
    with logged_in(services, "token-bram") as client:
        page = client.get(f"/zaken/{CASE_ID}")
        download = client.get(f"/zaken/{CASE_ID}/dossier.pdf")

    assert page.status_code == 200
    assert f'href="/zaken/{CASE_ID}/dossier.pdf"' in page.text and LINK in page.text
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["cache-control"] == "no-store"
    assert [r.url.path for r in services.requests if r.url.path == REPORTING_PATH] == [REPORTING_PATH]


def test_a_zorgteam_member_is_not_offered_the_case_file_and_cannot_fetch_it() -> None:
    services = with_case_file(case_services(a_case(zorgteam_members=["zt-zoe"])))
    with logged_in(services, "token-zoe") as client:
        page = client.get(f"/zaken/{CASE_ID}")
        download = client.get(f"/zaken/{CASE_ID}/dossier.pdf")

    assert page.status_code == 200 and LINK not in page.text
    assert download.status_code == 403
    assert all(r.url.path != REPORTING_PATH for r in services.requests)


def test_the_auditor_prints_the_case_file_beside_the_json_lines_export() -> None:
    services = with_case_file(FakeServices())
    services.on(
        "GET",
        f"/audit/cases/{CASE_ID}/events",
        body={"case_id": CASE_ID, "pupil_id": PUPIL_ID, "tenant": "swv-zuid", "school": "12AB", "events": []},
    )
    with logged_in(services, "token-ada") as client:
        page = client.get(f"/audit/zaken/{CASE_ID}")
        download = client.get(f"/audit/zaken/{CASE_ID}/dossier.pdf")

    assert page.status_code == 200, page.text
    assert f'href="/audit/zaken/{CASE_ID}/dossier.pdf"' in page.text and LINK in page.text
    assert "Export downloaden (JSON Lines)" in page.text
    assert download.status_code == 200 and download.content == PDF


def test_a_refusal_of_reporting_is_passed_on_not_served_as_a_file() -> None:
    services = case_services(a_case())
    services.on(
        "GET",
        REPORTING_PATH,
        status=403,
        body={"title": "Geen toegang", "status": 403, "detail": "Deze zaak is van een andere school."},
    )
    with logged_in(services, "token-bram") as client:
        download = client.get(f"/zaken/{CASE_ID}/dossier.pdf")

    assert download.status_code == 403
    assert download.headers["content-type"].startswith("text/html")
