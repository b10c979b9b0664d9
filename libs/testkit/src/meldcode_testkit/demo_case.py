"""The demo cases of the Meldcode, walked through the casework HTTP API.

Used by `make run` (deploy/local/demo.py) and by the end-to-end tests, so the demo that people see
is the one the tests check. Each step is one POST; every response is the case as it then stands.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import jwt

from meldcode_vocabulary.dutch_days import dutch_today

Say = Callable[[str], None]


def _today() -> str:
    return dutch_today().isoformat()


async def step(
    http: httpx.AsyncClient,
    casework: str,
    headers: dict[str, str],
    case_id: str,
    path: str,
    body: dict[str, Any],
) -> dict[str, Any]:
    response = await http.post(f"{casework}/cases/{case_id}/{path}", headers=headers, json=body)
    if response.status_code != 200:
        raise AssertionError(f"{path} refused ({response.status_code}): {response.text}")
    result: dict[str, Any] = response.json()
    return result


def user_of(headers: dict[str, str]) -> str:
    """The user id (`sub`) of the demo's own bearer token."""
    token = headers["Authorization"].removeprefix("Bearer ")
    return str(jwt.decode(token, options={"verify_signature": False})["sub"])


async def invite(
    http: httpx.AsyncClient, casework: str, ib: dict[str, str], case_id: str, member: dict[str, str]
) -> dict[str, Any]:
    """The IB'er invites the zorgteam member into the case: only then do they see it."""
    return await step(http, casework, ib, case_id, "zorgteam-invitations", {"member_id": user_of(member)})


ZORGTEAM_WEIGHING = [
    {"name": "Bram (IB'er)", "role": "intern begeleider", "discipline": "onderwijs"},
    {"name": "Dr. Jeugdarts", "role": "jeugdarts", "discipline": "jeugdgezondheidszorg"},
    {
        "name": "Carla (SMW)",
        "role": "schoolmaatschappelijk werker",
        "discipline": "schoolmaatschappelijk_werk",
    },
]


async def walk_reported_case(
    http: httpx.AsyncClient,
    casework: str,
    ib: dict[str, str],
    zorgteam: dict[str, str],
    case_id: str,
    signal_ids: list[str],
    say: Say = lambda _: None,
) -> list[dict[str, Any]]:
    """Signals → parents → weighing (structural unsafety) → decision to report and help → parents and
    pupil (13) informed → report to Veilig Thuis → feedback → help → care coordinator → follow-up →
    evaluation → closed with aftercare. Returns the case after every step."""
    today = _today()
    states = [await invite(http, casework, ib, case_id, zorgteam)]
    say("Zorgteamlid uitgenodigd voor de zaak")

    async def do(who: dict[str, str], path: str, body: dict[str, Any], text: str) -> None:
        states.append(await step(http, casework, who, case_id, path, body))
        say(f"{text}  [stap: {states[-1]['step']}]")

    await do(
        ib,
        "parents-conversation",
        {
            "held_on": today,
            "participants": ["leerkracht Anna", "IB'er Bram", "moeder"],
            "summary": "Signalen besproken; moeder herkent de zorgen deels.",
        },
        "Gesprek met de ouders gevoerd",
    )
    await do(
        zorgteam,
        "risk-weighing",
        {
            "participants": ZORGTEAM_WEIGHING,
            "nature": "Herhaald letsel, verwaarlozing en schrikreacties.",
            "severity": "ernstig",
            "risk_level": "hoog",
            "suspicion": True,
            "acute_unsafety": False,
            "structural_unsafety": True,
            "approach": "Melden bij Veilig Thuis en hulp via het wijkteam.",
        },
        "Weging in het zorgteam: structurele onveiligheid",
    )
    await do(
        zorgteam,
        "decision",
        {
            "q1_suspicion": True,
            "q2_acute_or_structural_unsafety": True,
            "outcome": "report_and_help",
            "reasons": "Structurele onveiligheid: melden is verplicht, hulp loopt daarnaast.",
            "who_reports": "ib-bram",
            "who_informs_parents": "ib-bram",
        },
        "Besluit volgens het afwegingskader: melden en hulp (melder en wie de ouders informeert vastgelegd)",
    )
    await do(
        ib,
        "parents-informed",
        {
            "informed_on": today,
            "informed_by": "ib-bram",
            "summary": "Voornemen tot melding aan moeder verteld.",
        },
        "Ouders geïnformeerd over de voorgenomen melding",
    )
    await do(
        ib,
        "child-informed",
        {
            "informed_on": today,
            "informed_by": "ib-bram",
            "summary": "Met de leerling (13) besproken wat er gaat gebeuren.",
        },
        "Leerling (13) geïnformeerd",
    )
    await do(
        ib,
        "veilig-thuis-report",
        {
            "veilig_thuis_region": "Zuid",
            "veilig_thuis_organisation": "Veilig Thuis Zuid",
            "signal_ids": signal_ids,
            "school_continues": "Dagelijks contact met de leerling en wekelijks met moeder.",
        },
        "Melding gedaan bij Veilig Thuis",
    )
    await do(
        ib,
        "veilig-thuis-feedback",
        {
            "received_on": today,
            "steps_taken": "Veilig Thuis start een onderzoek en neemt contact op met het gezin.",
        },
        "Terugkoppeling van Veilig Thuis ontvangen",
    )
    await do(
        zorgteam,
        "help",
        {
            "help_description": "Gezinscoach via het wijkteam.",
            "providers": ["wijkteam"],
            "teacher_advice": "Let op verzuim en meld nieuwe signalen.",
        },
        "Hulp georganiseerd",
    )
    await do(
        zorgteam,
        "care-coordinator",
        {
            "coordinator_id": "smw-carla",
            "organisation": "Schoolmaatschappelijk werk",
        },
        "Zorgcoördinator aangewezen",
    )
    evaluation_on = (dutch_today() + timedelta(weeks=6)).isoformat()
    await do(
        zorgteam,
        "follow-up",
        {
            "evaluation_on": evaluation_on,
            "agreements": "Elke twee weken contact met de gezinscoach.",
        },
        f"Evaluatie gepland op {evaluation_on}",
    )
    await do(
        zorgteam,
        "follow-up-evaluation",
        {
            "lasting_safety": True,
            "findings": "De situatie thuis is stabiel en veilig.",
        },
        "Hulp geëvalueerd: blijvende veiligheid",
    )
    await do(
        ib,
        "close",
        {
            "reason": "Blijvende veiligheid vastgesteld na hulp en melding.",
            "aftercare": "De IB'er volgt de leerling tot het einde van het schooljaar.",
        },
        "Zaak gesloten met nazorg",
    )
    return states


async def walk_no_suspicion_case(
    http: httpx.AsyncClient,
    casework: str,
    ib: dict[str, str],
    zorgteam: dict[str, str],
    case_id: str,
    say: Say = lambda _: None,
) -> list[dict[str, Any]]:
    """A shorter case: after the weighing there is no suspicion; closed with its reasons recorded."""
    today = _today()
    states = [
        await invite(http, casework, ib, case_id, zorgteam),
        await step(
            http,
            casework,
            ib,
            case_id,
            "parents-conversation",
            {
                "held_on": today,
                "participants": ["IB'er Bram", "vader"],
                "summary": "Vader legt uit: de blauwe plek komt van een val bij voetbal, bevestigd door de trainer.",
            },
        ),
        await step(
            http,
            casework,
            zorgteam,
            case_id,
            "risk-weighing",
            {
                "participants": ZORGTEAM_WEIGHING[:2],
                "nature": "Eenmalig letsel met een verklaring.",
                "severity": "licht",
                "risk_level": "laag",
                "suspicion": False,
                "acute_unsafety": False,
                "structural_unsafety": False,
            },
        ),
        await step(
            http,
            casework,
            zorgteam,
            case_id,
            "decision",
            {
                "q1_suspicion": False,
                "outcome": "no_suspicion_close",
                "reasons": "De verklaring van vader is bevestigd; geen vermoeden van kindermishandeling.",
            },
        ),
        await step(
            http,
            casework,
            ib,
            case_id,
            "close",
            {
                "reason": "Geen vermoeden na weging; besluit en redenen vastgelegd.",
            },
        ),
    ]
    say(f"Tweede zaak: geen vermoeden na weging, gesloten met redenen  [stap: {states[-1]['step']}]")
    return states
