"""The staff directory on real PostgreSQL and Kafka: HTTP, CSV import and SCIM provisioning."""

import httpx

from meldcode_contracts import SIGNALS_EVENTS, StaffMemberDelisted, StaffMemberListed
from meldcode_contracts.staff import staff_member_id
from meldcode_testkit import Suite, read_topic

BEHEERDER = {"sub": "coordinator-carla", "role": "beheerder", "schools": ()}
IB = {"sub": "ib-bram", "role": "intern_begeleider", "schools": ("12AB",)}
TEACHER = {"sub": "leerkracht-anna", "role": "leerkracht", "schools": ("12AB",)}
EXTENSION = "urn:meldcode:params:scim:schemas:extension:school:2.0:User"


def auth(suite: Suite, **claims: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {suite.infra.token(**claims)}"}  # type: ignore[arg-type]


def scim_user(user_name: str, name: str, school: str = "12AB", role: str = "leerkracht") -> dict[str, object]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", EXTENSION],
        "userName": user_name,
        "name": {"formatted": name},
        "emails": [{"value": f"{user_name}@school.example", "primary": True}],
        "active": True,
        EXTENSION: {"school": school, "role": role},
    }


CSV = (
    "gebruikersnaam;naam;rol;e-mail\n"
    "ib-bram;Bram Bakker;intern_begeleider;bram@school.example\n"
    "leerkracht-anna;Anna de Leerkracht;leerkracht;\n"
)


async def test_an_import_lists_each_person_once_on_the_topic_and_in_the_directory(suite: Suite) -> None:
    svc = await suite.service("signals")
    async with httpx.AsyncClient(base_url=svc.url) as http:
        first = await http.post("/schools/12AB/staff/import", content=CSV, headers=auth(suite, **IB))
        assert first.status_code == 200, first.text
        assert [r["outcome"] for r in first.json()["rows"]] == ["listed", "listed"]
        again = await http.post("/schools/12AB/staff/import", content=CSV, headers=auth(suite, **BEHEERDER))
        assert [r["outcome"] for r in again.json()["rows"]] == ["unchanged", "unchanged"]

        staff = (await http.get("/schools/12AB/staff", headers=auth(suite, **TEACHER))).json()["items"]
        assert staff == [
            {"user_id": "leerkracht-anna", "name": "Anna de Leerkracht", "role": "leerkracht", "email": None},
            {
                "user_id": "ib-bram",
                "name": "Bram Bakker",
                "role": "intern_begeleider",
                "email": "bram@school.example",
            },
        ]
        ibers = await http.get(
            "/schools/12AB/staff", params={"role": "intern_begeleider"}, headers=auth(suite, **TEACHER)
        )
        assert [p["user_id"] for p in ibers.json()["items"]] == ["ib-bram"]

    messages = await read_topic(suite.infra.kafka, suite.topic(SIGNALS_EVENTS), expected=2)
    events = [suite.open_event(m["value"]) for m in messages]
    assert all(isinstance(e, StaffMemberListed) for e in events)
    assert {m["key"] for m in messages} == {
        str(staff_member_id("12AB", "ib-bram")).encode(),
        str(staff_member_id("12AB", "leerkracht-anna")).encode(),
    }
    bram = next(e for e in events if e.payload.user_id == "ib-bram")
    assert isinstance(bram, StaffMemberListed)
    assert (bram.school, bram.payload.name, bram.payload.email) == (
        "12AB",
        "Bram Bakker",
        "bram@school.example",
    )


async def test_a_malformed_import_names_its_rows_and_lists_nobody(suite: Suite) -> None:
    svc = await suite.service("signals")
    bad = "naam,gebruikersnaam,rol\nAnna,leerkracht-anna,leerkracht\nKees,kees,auditor\n"
    async with httpx.AsyncClient(base_url=svc.url) as http:
        refused = await http.post("/schools/12AB/staff/import", content=bad, headers=auth(suite, **IB))
        assert refused.status_code == 422, refused.text
        assert [r["row"] for r in refused.json()["rows"]] == [3]
        staff = await http.get("/schools/12AB/staff", headers=auth(suite, **IB))
        assert staff.json()["items"] == []


async def test_scim_creates_filters_and_deactivates_a_user(suite: Suite) -> None:
    svc = await suite.service("signals")
    headers = {**auth(suite, **BEHEERDER), "Content-Type": "application/scim+json"}
    async with httpx.AsyncClient(base_url=svc.url) as http:
        created = await http.post(
            "/scim/v2/Users", json=scim_user("leerkracht-kees", "Kees van Dijk"), headers=headers
        )
        assert created.status_code == 201, created.text
        assert created.headers["content-type"].startswith("application/scim+json")
        user_id = created.json()["id"]
        assert user_id == str(staff_member_id("12AB", "leerkracht-kees"))

        found = await http.get(
            "/scim/v2/Users", params={"filter": 'userName eq "leerkracht-kees"'}, headers=headers
        )
        assert found.json()["totalResults"] == 1
        assert found.json()["Resources"][0][EXTENSION] == {"school": "12AB", "role": "leerkracht"}
        other_filter = await http.get(
            "/scim/v2/Users", params={"filter": 'displayName eq "x"'}, headers=headers
        )
        assert other_filter.status_code == 400
        assert other_filter.json()["scimType"] == "invalidFilter"

        patch = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "value": {"active": False}}],
        }
        deactivated = await http.patch(f"/scim/v2/Users/{user_id}", json=patch, headers=headers)
        assert deactivated.status_code == 200, deactivated.text
        assert deactivated.json()["active"] is False
        deleted = await http.delete(f"/scim/v2/Users/{user_id}", headers=headers)
        assert deleted.status_code == 204

        at_school = await http.get("/schools/12AB/staff", headers=auth(suite, **IB))
        assert at_school.json()["items"] == []
        names = await http.get("/staff", params={"user_id": "leerkracht-kees"}, headers=auth(suite, **IB))
        assert names.json()["items"][0]["name"] == "Kees van Dijk"

    messages = await read_topic(suite.infra.kafka, suite.topic(SIGNALS_EVENTS), expected=2)
    events = [suite.open_event(m["value"]) for m in messages]
    assert [type(e) for e in events] == [StaffMemberListed, StaffMemberDelisted]  # delisted once


async def test_a_teacher_or_another_samenwerkingsverband_is_refused(suite: Suite) -> None:
    svc = await suite.service("signals")
    async with httpx.AsyncClient(base_url=svc.url) as http:
        created = await http.post(
            "/scim/v2/Users", json=scim_user("ib-bram", "Bram Bakker"), headers=auth(suite, **BEHEERDER)
        )
        assert created.status_code == 201
        by_teacher = await http.post(
            "/scim/v2/Users", json=scim_user("x", "X"), headers=auth(suite, **TEACHER)
        )
        assert by_teacher.status_code == 403
        teacher_import = await http.post(
            "/schools/12AB/staff/import", content=CSV, headers=auth(suite, **TEACHER)
        )
        assert teacher_import.status_code == 403
        other_school = await http.get("/schools/34CD/staff", headers=auth(suite, **TEACHER))
        assert other_school.status_code == 403

        north = {**BEHEERDER, "tenant": "swv-noord"}
        assert (
            await http.get(f"/scim/v2/Users/{created.json()['id']}", headers=auth(suite, **north))
        ).status_code == 404
        listing = await http.get(
            "/scim/v2/Users", params={"filter": 'userName eq "ib-bram"'}, headers=auth(suite, **north)
        )
        assert listing.json()["totalResults"] == 0
        names = await http.get("/staff", params={"user_id": "ib-bram"}, headers=auth(suite, **north))
        assert names.json()["items"] == []
        taken = await http.post("/schools/12AB/staff/import", content=CSV, headers=auth(suite, **north))
        assert taken.status_code == 403
