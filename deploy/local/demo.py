"""The demo scenario of `make run`, played through the real HTTP APIs.

A teacher (leerkracht) records three signals about a pupil; the IB'er opens a case from them, asks
the JGZ partner for a consultation (a signed webhook to the JGZ simulator, whose signed answer
comes back into the case), and walks the case, with the zorgteam, through every step of the
Meldcode up to a report to Veilig Thuis (the melding document is made), follow-up and closing; a
second case ends after the weighing with "no suspicion". Then it shows where to look: the pupil's
chronology (reporting), the IB'er's tasks (notifications), the content-free e-mails in the mail
catcher, the auditor's command line and each service's OpenAPI page.
"""

from __future__ import annotations

import argparse
import asyncio
import mailbox
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from jgz_simulator.results import consultation_result, signed_request
from meldcode_devauth.tokens import mint_token
from meldcode_testkit.demo_case import step, walk_no_suspicion_case, walk_reported_case

TENANT, SCHOOL = "swv-zuid", "12AB"
CASELOAD = [
    ("Daan", "Bakker"),
    ("Emma", "Visser"),
    ("Noah", "Smit"),
    ("Julia", "Meijer"),
    ("Liam", "de Boer"),
    ("Mila", "Mulder"),
    ("Sem", "de Groot"),
    ("Tess", "Bos"),
    ("Finn", "Vos"),
    ("Saar", "Peters"),
]
"""The school's other open cases, so the coordinator's dashboard has something to show: counts of 1-4
are never shown (small-number suppression), and a median needs 5 cases that left a step. Half wait
for the parents conversation, half for the weighing."""
SIGNALS = [
    (21, "Blauwe plek op de bovenarm, zichtbaar bij de gymles.", ["physical"]),
    (10, "Komt drie dagen achter elkaar zonder ontbijt en zonder jas naar school.", ["neglect"]),
    (2, "Schrikt hevig wanneer een volwassene onverwacht de klas binnenkomt.", ["emotional"]),
]


async def until(what: str, probe: Callable[[], Awaitable[Any]], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await probe()
        if result:
            return result
        await asyncio.sleep(0.3)
    raise SystemExit(f"demo: timed out waiting for {what}")


async def play(args: argparse.Namespace) -> None:
    key = Path(args.issuer_key).read_text()
    teacher = {
        "Authorization": "Bearer "
        + mint_token(
            key, sub="leerkracht-anna", role="leerkracht", samenwerkingsverband=TENANT, schools=[SCHOOL]
        )
    }
    ib_token = mint_token(
        key, sub="ib-bram", role="intern_begeleider", samenwerkingsverband=TENANT, schools=[SCHOOL]
    )
    ib = {"Authorization": f"Bearer {ib_token}"}
    token_file = Path(args.issuer_key).with_name("ib-bram.token")
    token_file.write_text(ib_token)

    async with httpx.AsyncClient(timeout=10) as http:
        registered = await http.post(
            f"{args.signals}/pupils",
            headers=ib,
            json={
                "school": SCHOOL,
                "pupil_number": "demo-0001",
                "given_name": "Sanne",
                "family_name": "de Vries",
                "date_of_birth": "2013-05-14",
            },
        )
        if registered.status_code not in (201, 409):
            raise SystemExit(f"demo: registering the pupil failed: {registered.text}")
        pupil_id = registered.json()["pupil_id"]
        print(f"1. De IB'er registreerde leerling Sanne de Vries (groep 8): leerling-id {pupil_id}")

        signal_ids = []
        for days_ago, description, categories in SIGNALS:
            observed = (datetime.now(UTC) - timedelta(days=days_ago)).date().isoformat()
            response = await http.post(
                f"{args.signals}/pupils/{pupil_id}/signals",
                headers=teacher,
                json={
                    "observed_on": observed,
                    "description": description,
                    "source": {"kind": "own_observation"},
                    "categories": categories,
                },
            )
            response.raise_for_status()
            signal_ids.append(response.json()["signal_id"])
            print(f"2. Leerkracht Anna legde een signaal vast ({observed}): {description}")

        async def casework_knows_signals() -> bool:
            known = await http.get(f"{args.casework}/pupils/{pupil_id}/signals", headers=ib)
            return known.status_code == 200 and set(signal_ids) <= {s["signal_id"] for s in known.json()}

        await until("casework to learn the signals", casework_knows_signals)
        opened = await http.post(
            f"{args.casework}/cases", headers=ib, json={"pupil_id": pupil_id, "signal_ids": signal_ids}
        )
        opened.raise_for_status()
        case_id = opened.json()["case_id"]
        print(f"3. IB'er Bram opende een zaak uit de drie signalen: zaak-id {case_id}")

        zorgteam = {
            "Authorization": "Bearer "
            + mint_token(key, sub="jgz-arts", role="zorgteam", samenwerkingsverband=TENANT, schools=[SCHOOL])
        }
        await consult_jgz(http, args, ib, case_id)
        print("\nDe zaak doorloopt alle stappen van de Meldcode:")
        await walk_reported_case(
            http, args.casework, ib, zorgteam, case_id, signal_ids, say=lambda text: print(f"   - {text}")
        )
        second = await http.post(
            f"{args.casework}/cases", headers=ib, json={"pupil_id": pupil_id, "signal_ids": signal_ids[:1]}
        )
        second.raise_for_status()
        await walk_no_suspicion_case(
            http,
            args.casework,
            ib,
            zorgteam,
            second.json()["case_id"],
            say=lambda text: print(f"   - {text}"),
        )

        await open_caseload(http, args, teacher, ib)

        chronology_url = f"{args.reporting}/pupils/{pupil_id}/chronology"

        async def chronology_complete() -> Any:
            response = await http.get(chronology_url, headers=ib)
            if response.status_code != 200:
                return None
            body = response.json()
            types = [e.get("event_type") for e in body.get("entries", [])]
            return (
                body
                if types.count("CaseClosed") >= 2 and types.count("SignalRecorded") >= len(SIGNALS)
                else None
            )

        chronology = await until("the chronology in reporting", chronology_complete)
        tasks_url = f"{args.notifications}/tasks?status=all"

        async def tasks_present() -> Any:
            response = await http.get(tasks_url, headers=ib)
            tasks = response.json() if response.status_code == 200 else []
            tasks = tasks.get("tasks", tasks) if isinstance(tasks, dict) else tasks
            return tasks if any(t.get("kind") == "new_case" for t in tasks) else None

        tasks = await until("the IB'er's tasks in notifications", tasks_present)

        async def melding_document() -> Any:
            response = await http.get(f"{args.notifications}/cases/{case_id}/melding-documents", headers=ib)
            return response.json() if response.status_code == 200 and response.json() else None

        documents = await until("the melding document in notifications", melding_document)

    print("\nChronologie van de leerling (reporting):")
    for entry in chronology["entries"]:
        print(f"  {entry['occurred_at'][:19]}  {entry['label']}")
    print("\nTaken van de IB'er bij deze zaak (notifications):")
    for task in tasks:
        if task.get("case_id") != case_id and task.get("signal_id") not in signal_ids:
            continue
        print(f"  [{task.get('status')}] {task.get('title')}")
    print(
        "\nMeldingsdocument (notifications): "
        + ", ".join(f"{args.notifications}/melding-documents/{d['document_id']}" for d in documents)
    )
    mails = list(mailbox.Maildir(args.maildir, create=True))
    print(
        f"\nE-mails in de mail-catcher {args.maildir}: {len(mails)}. Alleen een gemiste termijn geeft een"
        " herinnering per e-mail, zonder namen of details: het soort taak en een link."
    )
    for message in mails[:5]:
        print(f"  aan {message['To']}: {message['Subject']}")
    auditor_token = mint_token(
        key, sub="auditor-inspectie", role="auditor", samenwerkingsverband=TENANT, schools=[]
    )
    auditor_file = Path(args.issuer_key).with_name("auditor.token")
    auditor_file.write_text(auditor_token)
    print("\nAuditor (meldcode-audit, alleen-lezen; elke inzage komt in het toegangslogboek):")
    print(f"  export MELDCODE_TOKEN=$(cat {auditor_file})")
    print(f"  uv run meldcode-audit history {case_id}")
    print(
        f"  uv run meldcode-audit as-of {case_id} <tijdstip in UTC, bv. {datetime.now(UTC).isoformat(timespec='seconds')}>"
    )
    print("  uv run meldcode-audit verify")
    print(f"  uv run meldcode-audit export {case_id} --out ./dossier")
    print(f"  uv run meldcode-audit access-log --pupil {pupil_id}")
    print("\nWaar kijken:")
    print(f"  zaak:         GET {args.casework}/cases/{case_id}  (en /history)")
    print(f"  chronologie:  GET {chronology_url}")
    print(f"  takenlijst:   GET {tasks_url}")
    print(f"  token van IB'er Bram (Authorization: Bearer ...): {token_file}")
    print(f'    curl -H "Authorization: Bearer $(cat {token_file})" {chronology_url}')
    for name in ("signals", "casework", "notifications", "reporting"):
        print(f"  OpenAPI {name:<13} {getattr(args, name)}/docs")
    print("  AsyncAPI (Kafka events): contracts/asyncapi.json")


async def open_caseload(
    http: httpx.AsyncClient, args: argparse.Namespace, teacher: dict[str, str], ib: dict[str, str]
) -> None:
    """Ten more pupils with a signal and an open case; the first five had the parents conversation."""
    signal_of: dict[str, str] = {}
    for number, (given_name, family_name) in enumerate(CASELOAD, start=2):
        registered = await http.post(
            f"{args.signals}/pupils",
            headers=ib,
            json={
                "school": SCHOOL,
                "pupil_number": f"demo-{number:04d}",
                "given_name": given_name,
                "family_name": family_name,
                "date_of_birth": f"{2013 + number % 4}-0{1 + number % 9}-1{number % 10}",
            },
        )
        if registered.status_code != 201:
            return  # played before: the caseload is there
        pupil_id = registered.json()["pupil_id"]
        recorded = await http.post(
            f"{args.signals}/pupils/{pupil_id}/signals",
            headers=teacher,
            json={
                "observed_on": (datetime.now(UTC) - timedelta(days=number)).date().isoformat(),
                "description": "Komt vaker te laat en oogt moe; vertelt dat het thuis onrustig is.",
                "source": {"kind": "own_observation"},
                "categories": ["emotional"],
            },
        )
        recorded.raise_for_status()
        signal_of[pupil_id] = recorded.json()["signal_id"]

    async def casework_knows(pupil_id: str) -> bool:
        known = await http.get(f"{args.casework}/pupils/{pupil_id}/signals", headers=ib)
        return known.status_code == 200 and signal_of[pupil_id] in {s["signal_id"] for s in known.json()}

    for index, (pupil_id, signal_id) in enumerate(signal_of.items()):
        await until(
            "casework to learn the caseload's signals", lambda pupil_id=pupil_id: casework_knows(pupil_id)
        )
        opened = await http.post(
            f"{args.casework}/cases", headers=ib, json={"pupil_id": pupil_id, "signal_ids": [signal_id]}
        )
        opened.raise_for_status()
        if index < len(CASELOAD) // 2:
            await step(
                http,
                args.casework,
                ib,
                opened.json()["case_id"],
                "parents-conversation",
                {
                    "held_on": datetime.now(UTC).date().isoformat(),
                    "participants": ["IB'er Bram", "ouder"],
                    "summary": "Zorgen besproken; de ouder herkent ze.",
                },
            )
    print(f"\nNog {len(signal_of)} open zaken op school {SCHOOL}, voor het dashboard van de coördinator.")


async def consult_jgz(
    http: httpx.AsyncClient, args: argparse.Namespace, ib: dict[str, str], case_id: str
) -> None:
    """The IB'er asks the JGZ partner; the JGZ simulator gets the signed webhook and answers."""
    asked = await http.post(
        f"{args.casework}/cases/{case_id}/jgz-consultation-requests",
        headers=ib,
        json={"question": "Is Sanne bekend bij de JGZ, en zijn er zorgen over groei of verzorging?"},
    )
    if asked.status_code != 200:
        raise SystemExit(f"demo: the JGZ consultation request was refused: {asked.text}")
    request_id = asked.json()["jgz_consultations"][-1]["request_id"]
    print("   De IB'er vroeg de JGZ om consultatie (ondertekende webhook naar de JGZ-simulator).")

    async def delivered() -> Any:
        received = (await http.get(f"{args.jgz}/received")).json()["received"]
        return [r for r in received if r["message"].get("request_id") == request_id] or None

    [delivery] = await until("the webhook at the JGZ simulator", delivered)
    print(f"   De JGZ ontving het verzoek na {delivery['attempts']} poging(en).")
    result = consultation_result(
        case_id=uuid.UUID(case_id),
        request_id=uuid.UUID(request_id),
        jgz_organisation="GGD Zuid JGZ",
        advice="Bekend bij de JGZ; bij het laatste contactmoment zorgen over gewicht. Graag samen optrekken.",
        professional="Jeugdverpleegkundige, GGD Zuid JGZ",
    )
    body, headers = signed_request(result, args.jgz_secret.encode(), TENANT)
    answered = await http.post(
        f"{args.casework}/integrations/jgz/consultation-results", content=body, headers=headers
    )
    if answered.status_code >= 300:
        raise SystemExit(f"demo: the JGZ result was refused: {answered.text}")
    print("   Het ondertekende advies van de JGZ staat in de zaak.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    for name in (
        "signals",
        "casework",
        "notifications",
        "reporting",
        "issuer-key",
        "jgz",
        "jgz-secret",
        "maildir",
    ):
        parser.add_argument(f"--{name}", required=True)
    asyncio.run(play(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
