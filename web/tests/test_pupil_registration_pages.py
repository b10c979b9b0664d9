"""The IB'er registers pupils by form and by importing the pupil administration's export, against
fakes of the services (shell_fakes)."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from .shell_fakes import FakeLoginClient, FakeServices, csrf_of, log_in, portal

PUPIL_ID = "9a7d7c1e-5b1f-4f33-8d6e-0c3a7b2e4d55"
EXPORT = (
    "Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;Groep\n1001;Sanne;;Jansen;02-03-2016;4\n"
)


def ib_portal(services: FakeServices) -> TestClient:
    client, _, _ = portal(FakeLoginClient(token="token-bram", name="Bram de IB'er"), services)
    log_in(client)
    return client


def test_a_search_that_finds_nobody_offers_to_register_the_pupil_with_the_name_typed() -> None:
    services = FakeServices()
    services.on("GET", "/schools/12AB/pupils", body={"pupils": []})
    client = ib_portal(services)

    page = client.get("/leerlingen", params={"q": "Zoë Visser"})
    form = client.get("/leerlingen/inschrijven", params={"naam": "Zoë Visser"})

    assert "Geen leerling gevonden" in page.text
    assert 'href="/leerlingen/inschrijven?naam=Zo%C3%AB+Visser"' in page.text
    assert 'href="/leerlingen/inlezen"' in page.text
    assert 'name="given_name" value="Zoë"' in form.text
    assert 'name="family_name" value="Visser"' in form.text


def test_the_form_registers_the_pupil_with_signals_and_says_so() -> None:
    services = FakeServices()
    services.on("POST", "/pupils", status=201, body={"pupil_id": PUPIL_ID})
    client = ib_portal(services)

    answer = client.post(
        "/leerlingen/inschrijven",
        data={
            "school": "12AB",
            "pupil_number": "1001",
            "given_name": "Zoë",
            "family_name": "Visser",
            "date_of_birth": "2016-03-02",
            "csrf_token": csrf_of(client, "/leerlingen/inschrijven"),
        },
    )

    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/leerlingen?q=1001&ingeschreven=")
    sent = [r for r in services.requests if r.url.path == "/pupils"]
    assert json.loads(sent[0].content) == {
        "school": "12AB",
        "pupil_number": "1001",
        "given_name": "Zoë",
        "family_name": "Visser",
        "date_of_birth": "2016-03-02",
    }
    services.on("GET", "/schools/12AB/pupils", body={"pupils": []})
    assert "Zoë Visser is ingeschreven" in client.get(answer.headers["location"]).text


def test_a_refused_registration_shows_why_and_keeps_the_input() -> None:
    services = FakeServices()
    services.on(
        "POST",
        "/pupils",
        status=409,
        body={
            "status": 409,
            "title": "Conflict",
            "detail": "Deze leerling is al geregistreerd.",
            "rule": "x",
        },
    )
    client = ib_portal(services)
    token = csrf_of(client, "/leerlingen/inschrijven")
    data = {"pupil_number": "1001", "given_name": "Zoë", "family_name": "Visser", "csrf_token": token}

    missing_birth = client.post("/leerlingen/inschrijven", data=data)
    refused = client.post("/leerlingen/inschrijven", data={**data, "date_of_birth": "2016-03-02"})

    assert missing_birth.status_code == 422
    assert "Vul de geboortedatum in." in missing_birth.text
    assert not [r for r in services.requests if r.url.path == "/pupils" and r.content == b""]
    assert refused.status_code == 409
    assert "Deze leerling is al geregistreerd." in refused.text
    assert 'name="family_name" value="Visser"' in refused.text


def test_an_uploaded_export_goes_to_signals_as_it_is_and_the_outcome_is_shown_per_row() -> None:
    services = FakeServices()
    services.on(
        "POST",
        "/schools/12AB/pupils/import",
        body={
            "school": "12AB",
            "registered": 1,
            "already_known": 1,
            "refused": 1,
            "rows": [
                {
                    "row": 2,
                    "pupil_number": "1001",
                    "outcome": "registered",
                    "pupil_id": PUPIL_ID,
                    "reason": None,
                },
                {
                    "row": 3,
                    "pupil_number": "1002",
                    "outcome": "already_known",
                    "pupil_id": PUPIL_ID,
                    "reason": None,
                },
                {
                    "row": 4,
                    "pupil_number": "1003",
                    "outcome": "refused",
                    "pupil_id": PUPIL_ID,
                    "reason": "Anders.",
                },
            ],
        },
    )
    client = ib_portal(services)
    content = EXPORT.encode("cp1252")

    page = client.post(
        "/leerlingen/inlezen",
        data={"school": "12AB", "csrf_token": csrf_of(client, "/leerlingen/inlezen")},
        files={"bestand": ("leerlingen.csv", content, "text/csv")},
    )

    assert page.status_code == 200, page.text
    sent = next(r for r in services.requests if r.url.path == "/schools/12AB/pupils/import")
    assert sent.content == content
    assert sent.headers["content-type"] == "text/csv"
    assert "1 leerling ingeschreven, 1 al bekend, 1 niet ingeschreven" in page.text
    assert "Was al bekend" in page.text
    assert "Niet ingeschreven: Anders." in page.text


def test_a_refused_file_shows_the_rows_that_are_wrong() -> None:
    services = FakeServices()
    services.on(
        "POST",
        "/schools/12AB/pupils/import",
        status=422,
        body={
            "status": 422,
            "title": "Kan niet worden verwerkt",
            "detail": "Het bestand is niet ingelezen: 1 regel(s) kloppen niet (regel 3).",
            "rule": "pupil-import-invalid-rows",
            "errors": [{"row": 3, "message": "Geboortedatum ‘31-02-2017’ is geen datum (dd-mm-jjjj)."}],
        },
    )
    client = ib_portal(services)
    token = csrf_of(client, "/leerlingen/inlezen")

    refused = client.post(
        "/leerlingen/inlezen",
        data={"csrf_token": token},
        files={"bestand": ("l.csv", EXPORT.encode(), "text/csv")},
    )
    no_file = client.post(
        "/leerlingen/inlezen", data={"csrf_token": token}, files={"bestand": ("l.csv", b"", "text/csv")}
    )

    assert refused.status_code == 422
    assert "Regel 3: Geboortedatum ‘31-02-2017’ is geen datum" in refused.text
    assert no_file.status_code == 422
    assert "Kies het CSV-bestand" in no_file.text


def test_a_teacher_cannot_open_the_registration_pages_and_is_told_who_registers_pupils() -> None:
    services = FakeServices()
    services.on("GET", "/schools/12AB/pupils", body={"pupils": []})
    client, _, _ = portal(services=services)
    log_in(client)

    refused = client.get("/leerlingen/inschrijven")
    search = client.get("/leerkracht/leerlingen", params={"q": "Zoë"})

    assert refused.status_code == 403
    assert "De IB'er schrijft leerlingen in" in search.text


PUPIL = {
    "pupil_id": PUPIL_ID,
    "school": "12AB",
    "pupil_number": "1001",
    "given_name": "Zoë",
    "family_name": "Visser",
    "date_of_birth": "2016-03-02",
}


def test_the_ib_er_records_a_signal_from_the_pupils_chronology_with_the_teachers_form() -> None:
    services = FakeServices()
    services.on("GET", f"/pupils/{PUPIL_ID}", body=PUPIL)
    services.on(
        "POST", f"/pupils/{PUPIL_ID}/signals", status=201, body={"signal_id": PUPIL_ID, "pupil_id": PUPIL_ID}
    )
    services.on(
        "GET",
        f"/pupils/{PUPIL_ID}/chronology",
        body={
            "pupil": {"display_name": "Zoë Visser", "school": "12AB", "pupil_number": "1001"},
            "entries": [],
        },
    )
    client = ib_portal(services)

    chronology = client.get(f"/leerlingen/{PUPIL_ID}/chronologie")
    form = client.get(f"/leerlingen/{PUPIL_ID}/signaal")
    answer = client.post(
        f"/leerlingen/{PUPIL_ID}/signaal",
        data={
            "observed_on": "2026-11-02",
            "description": "Vertelde dat er thuis hard geschreeuwd wordt.",
            "source_kind": "pupil_said",
            "csrf_token": csrf_of(client, f"/leerlingen/{PUPIL_ID}/signaal"),
        },
    )

    assert f'href="/leerlingen/{PUPIL_ID}/signaal"' in chronology.text
    assert "Wat heeft u gezien of gehoord? (feiten)" in form.text, "the teacher's fields"
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/leerlingen/{PUPIL_ID}/chronologie?vastgelegd=signaal"
    sent = next(r for r in services.requests if r.method == "POST" and r.url.path.endswith("/signals"))
    assert json.loads(sent.content)["source"] == {"kind": "pupil_said", "name": None}
    assert "Het signaal is vastgelegd." in client.get(answer.headers["location"]).text


def test_the_case_list_asks_reporting_for_the_filters_chosen_and_keeps_them_in_the_form() -> None:
    services = FakeServices()
    services.on("GET", "/schools/12AB/cases", body={"cases": []})
    client = ib_portal(services)

    unfiltered = client.get("/zaken")
    page = client.get(
        "/zaken", params={"leerling": "Zoë", "stap": "weging", "casushouder": "ib-eva", "over_tijd": "1"}
    )

    asked = [r.url.params for r in services.requests if r.url.path == "/schools/12AB/cases"]
    assert dict(asked[0]) == {}
    assert dict(asked[1]) == {"pupil": "Zoë", "step": "weging", "case_owner_id": "ib-eva", "overdue": "true"}
    assert "Geen zaken." in unfiltered.text
    assert "Geen zaken die aan de zoekvragen voldoen." in page.text
    assert 'name="leerling" value="Zoë"' in page.text
    assert '<option value="weging" selected>' in page.text
    assert 'name="over_tijd" value="1" checked' in page.text
