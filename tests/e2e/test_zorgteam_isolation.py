"""A zorgteam member (also of a partner organisation) sees a pupil's chronology and the case list
only through the cases the IB'er invited them into, across casework and reporting."""

from typing import Any

import httpx

from meldcode_testkit import Suite, eventually
from meldcode_testkit.demo_case import invite
from meldcode_testkit.scenario import SCHOOL, TENANT, Staff, bearer, open_case_from_demo_signals


def zorgteam_member(suite: Suite, user_id: str) -> dict[str, str]:
    return bearer(suite.infra.token(sub=user_id, role="zorgteam", tenant=TENANT, schools=(SCHOOL,)))


async def test_a_zorgteam_member_sees_only_the_invited_case_in_the_chronology_and_the_case_list(
    suite: Suite,
) -> None:
    for name in ("signals", "casework", "reporting"):
        await suite.service(name)
    staff = Staff(suite)
    casework, reporting = suite.services["casework"].url, suite.services["reporting"].url
    invited, outsider = zorgteam_member(suite, "jgz-arts"), zorgteam_member(suite, "zt-smw")
    async with httpx.AsyncClient(timeout=30) as http:
        pupil_id, case_id, signal_ids = await open_case_from_demo_signals(http, suite, staff)
        other = await http.post(
            f"{casework}/cases", headers=staff.ib, json={"pupil_id": pupil_id, "signal_ids": signal_ids[:1]}
        )
        other_case_id = other.json()["case_id"]
        await invite(http, casework, staff.ib, case_id, invited)

        async def chronology_of_invited() -> dict[str, Any] | None:
            response = await http.get(f"{reporting}/pupils/{pupil_id}/chronology", headers=invited)
            if response.status_code != 200:
                return None
            body: dict[str, Any] = response.json()
            invited_seen = any(e["event_type"] == "ZorgteamMemberInvited" for e in body["entries"])
            return body if invited_seen else None

        chronology = await eventually(chronology_of_invited)
        case_ids = {e.get("case_id") for e in chronology["entries"]}
        assert case_id in case_ids and other_case_id not in case_ids
        assert any(e["event_type"] == "SignalRecorded" for e in chronology["entries"])
        labels = {e["event_type"]: e["label"] for e in chronology["entries"]}
        assert labels["ZorgteamMemberInvited"] == "Zorgteamlid uitgenodigd"

        listed = (await http.get(f"{reporting}/schools/{SCHOOL}/cases", headers=invited)).json()["cases"]
        assert [c["case_id"] for c in listed] == [case_id]
        ib_listed = (await http.get(f"{reporting}/schools/{SCHOOL}/cases", headers=staff.ib)).json()["cases"]
        assert {c["case_id"] for c in ib_listed} >= {case_id, other_case_id}

        outsider_chronology = await http.get(f"{reporting}/pupils/{pupil_id}/chronology", headers=outsider)
        outsider_list = await http.get(f"{reporting}/schools/{SCHOOL}/cases", headers=outsider)
        outsider_case = await http.get(f"{casework}/cases/{case_id}", headers=outsider)
        assert outsider_chronology.status_code == 404
        assert outsider_list.json()["cases"] == []
        assert outsider_case.status_code == 404
        assert (await http.get(f"{casework}/cases/{other_case_id}", headers=invited)).status_code == 404
