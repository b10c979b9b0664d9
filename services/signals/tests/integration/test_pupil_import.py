"""Importing a school's pupil administration export, on the real service, PostgreSQL and Kafka."""

import httpx

from meldcode_contracts import SIGNALS_EVENTS
from meldcode_testkit import Suite, read_topic

IB = {"sub": "ib-1", "role": "intern_begeleider", "schools": ("12AB",)}
TEACHER = {"sub": "leerkracht-1", "role": "leerkracht", "schools": ("12AB",)}
CSV = {"Content-Type": "text/csv"}

EXPORT = (
    "Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;Groep\r\n"
    "1001;Sanne;;Jansen;02-03-2016;4\r\n"
    "1002;Daan;van der;Berg;17-09-2015;5\r\n"
    "1003;Zoë;;Visser;30-01-2017;3\r\n"
)


def auth(suite: Suite, **claims: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {suite.infra.token(**claims)}", **CSV}  # type: ignore[arg-type]


async def test_an_export_registers_each_new_pupil_once_and_a_reimport_registers_nothing(suite: Suite) -> None:
    svc = await suite.service("signals")
    async with httpx.AsyncClient(base_url=svc.url) as http:
        first = await http.post(
            "/schools/12AB/pupils/import", content=("\ufeff" + EXPORT).encode(), headers=auth(suite, **IB)
        )
        again = await http.post(
            "/schools/12AB/pupils/import", content=EXPORT.encode(), headers=auth(suite, **IB)
        )
        # The same pupils as an older Windows-1252 export, with one pupil more and one changed.
        cp1252 = (EXPORT.replace("Sanne", "Sanna") + "1004;Jeroen;;de Wit;05-05-2016;4\r\n").encode("cp1252")
        third = await http.post("/schools/12AB/pupils/import", content=cp1252, headers=auth(suite, **IB))
        registered_id = first.json()["rows"][1]["pupil_id"]
        pupil = (await http.get(f"/pupils/{registered_id}", headers=auth(suite, **IB))).json()

    assert first.status_code == 200, first.text
    assert (first.json()["registered"], first.json()["already_known"]) == (3, 0)
    assert [r["row"] for r in first.json()["rows"]] == [2, 3, 4]
    assert again.status_code == 200, again.text
    assert (again.json()["registered"], again.json()["already_known"], again.json()["refused"]) == (0, 3, 0)
    assert [r["pupil_id"] for r in again.json()["rows"]] == [r["pupil_id"] for r in first.json()["rows"]]
    assert third.status_code == 200, third.text
    outcomes = {r["pupil_number"]: r["outcome"] for r in third.json()["rows"]}
    assert outcomes == {
        "1001": "refused",
        "1002": "already_known",
        "1003": "already_known",
        "1004": "registered",
    }
    assert "andere naam" in third.json()["rows"][0]["reason"]
    assert (pupil["given_name"], pupil["family_name"], pupil["date_of_birth"]) == (
        "Daan",
        "van der Berg",
        "2015-09-17",
    )

    messages = await read_topic(suite.infra.kafka, suite.topic(SIGNALS_EVENTS), expected=4)
    events = [suite.open_event(m["value"]) for m in messages]
    assert [e.event_type for e in events] == ["PupilRegistered"] * 4


async def test_a_file_with_bad_rows_is_refused_whole_with_their_row_numbers(suite: Suite) -> None:
    svc = await suite.service("signals")
    bad = (
        "Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;Groep\n"
        "2001;Sanne;;Jansen;02-03-2016;4\n"
        "2002;Daan;;;17-09-2015;5\n"
        "2003;Zoë;;Visser;31-02-2017;3\n"
        "2004;Noor;;Bakker;01-01-1950;8\n"
        "2001;Sanne;;Jansen;02-03-2016;4\n"
    )
    async with httpx.AsyncClient(base_url=svc.url) as http:
        refused = await http.post(
            "/schools/12AB/pupils/import", content=bad.encode(), headers=auth(suite, **IB)
        )
        no_header = await http.post(
            "/schools/12AB/pupils/import", content=b"1001;Sanne;Jansen\n", headers=auth(suite, **IB)
        )
        good_rows_only = "\n".join(bad.splitlines()[:2]) + "\n"
        afterwards = await http.post(
            "/schools/12AB/pupils/import", content=good_rows_only.encode(), headers=auth(suite, **IB)
        )
        teacher = await http.post(
            "/schools/12AB/pupils/import", content=good_rows_only.encode(), headers=auth(suite, **TEACHER)
        )
        other_school = await http.post(
            "/schools/34CD/pupils/import", content=good_rows_only.encode(), headers=auth(suite, **IB)
        )

    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["rule"] == "pupil-import-invalid-rows"
    assert [e["row"] for e in refused.json()["errors"]] == [3, 4, 5, 6]
    assert "Jansen" not in refused.text and "Visser" not in refused.text, "no personal data in the refusal"
    assert no_header.status_code == 422
    assert no_header.json()["rule"] == "pupil-import-unreadable"
    assert "Leerlingnummer" in no_header.json()["detail"]
    assert afterwards.status_code == 200, afterwards.text
    assert afterwards.json()["registered"] == 1, "nothing of the refused file was registered"
    assert teacher.status_code == 403
    assert other_school.status_code == 403
