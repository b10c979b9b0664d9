"""A zorgteam member (also one of a partner organisation such as the JGZ) sees and works on only the
cases the IB'er invited them into; to everyone else of the zorgteam the case does not exist."""

import httpx

from meldcode_contracts import CASEWORK_EVENTS, ZorgteamInvitationWithdrawn, ZorgteamMemberInvited
from meldcode_testkit import Suite, eventually, read_topic
from meldcode_testkit.people import IB, TEACHER, auth

from .world import has_all, pupil_with_signals

INVITED = {"sub": "jgz-arts", "role": "zorgteam", "schools": ("12AB",)}
NOT_INVITED = {"sub": "zt-smw", "role": "zorgteam", "schools": ("12AB",)}
WEIGHING = {
    "participants": [
        {"name": "Bram", "role": "intern begeleider", "discipline": "onderwijs"},
        {"name": "Dr. Jeugdarts", "role": "jeugdarts", "discipline": "jeugdgezondheidszorg"},
    ],
    "nature": "Herhaald zonder jas en ontbijt.",
    "severity": "licht",
    "risk_level": "laag",
    "suspicion": True,
    "acute_unsafety": False,
    "structural_unsafety": False,
    "approach": "Hulp bespreken met de ouders.",
}


async def test_only_the_invited_zorgteam_member_sees_and_weighs_the_case_until_the_invitation_is_withdrawn(
    suite: Suite,
) -> None:
    signals, casework = await suite.service("signals"), await suite.service("casework")
    pupil_id, signal_ids = await pupil_with_signals(suite, signals.url, 1)
    async with httpx.AsyncClient(base_url=casework.url) as http:
        await eventually(lambda: has_all(http, suite, pupil_id, signal_ids))
        case_id = (
            await http.post(
                "/cases", json={"pupil_id": pupil_id, "signal_ids": signal_ids}, headers=auth(suite, **IB)
            )
        ).json()["case_id"]
        before = await http.get(f"/cases/{case_id}", headers=auth(suite, **INVITED))
        assert before.status_code == 404  # not yet invited: the case does not exist for them

        by_teacher = await http.post(
            f"/cases/{case_id}/zorgteam-invitations",
            json={"member_id": "jgz-arts"},
            headers=auth(suite, **TEACHER),
        )
        by_zorgteam = await http.post(
            f"/cases/{case_id}/zorgteam-invitations",
            json={"member_id": "zt-smw"},
            headers=auth(suite, **INVITED),
        )
        assert (by_teacher.status_code, by_zorgteam.status_code) == (403, 403)
        invited = await http.post(
            f"/cases/{case_id}/zorgteam-invitations",
            json={"member_id": "jgz-arts", "organisation": "GGD Zuid JGZ"},
            headers=auth(suite, **IB),
        )
        assert invited.status_code == 200, invited.text
        again = await http.post(
            f"/cases/{case_id}/zorgteam-invitations",
            json={"member_id": "jgz-arts"},
            headers=auth(suite, **IB),
        )
        assert again.status_code == 409 and again.json()["rule"] == "zorgteam-already-invited"

        seen = await http.get(f"/cases/{case_id}", headers=auth(suite, **INVITED))
        hidden = await http.get(f"/cases/{case_id}", headers=auth(suite, **NOT_INVITED))
        history_hidden = await http.get(f"/cases/{case_id}/history", headers=auth(suite, **NOT_INVITED))
        weighed_by_outsider = await http.post(
            f"/cases/{case_id}/risk-weighing", json=WEIGHING, headers=auth(suite, **NOT_INVITED)
        )
        assert seen.status_code == 200
        assert (hidden.status_code, history_hidden.status_code, weighed_by_outsider.status_code) == (
            404,
            404,
            404,
        )
        talked = await http.post(
            f"/cases/{case_id}/parents-conversation",
            json={"held_on": "2026-11-03", "participants": ["moeder"], "summary": "Zorgen besproken."},
            headers=auth(suite, **IB),
        )
        assert talked.status_code == 200, talked.text
        weighed = await http.post(
            f"/cases/{case_id}/risk-weighing", json=WEIGHING, headers=auth(suite, **INVITED)
        )
        assert weighed.status_code == 200, weighed.text

        withdrawn = await http.post(
            f"/cases/{case_id}/zorgteam-invitation-withdrawals",
            json={"member_id": "jgz-arts"},
            headers=auth(suite, **IB),
        )
        assert withdrawn.status_code == 200, withdrawn.text
        after = await http.get(f"/cases/{case_id}", headers=auth(suite, **INVITED))
        assert after.status_code == 404

    # The case's whole stream (one message per version), not its first few: the relay publishes while
    # the test reads, so a shorter read may or may not reach the withdrawal.
    messages = await read_topic(
        suite.infra.kafka, suite.topic(CASEWORK_EVENTS), expected=withdrawn.json()["version"]
    )
    events = [suite.open_event(m["value"]) for m in messages]
    [invitation] = [e for e in events if isinstance(e, ZorgteamMemberInvited)]
    assert (invitation.payload.member_id, invitation.payload.organisation) == ("jgz-arts", "GGD Zuid JGZ")
    assert any(isinstance(e, ZorgteamInvitationWithdrawn) for e in events)
