"""The JGZ integration end to end: casework asks, notifications delivers a signed webhook to a JGZ
system (the simulator, its own process, down the first time), the JGZ answers over the signed
inbound endpoint, and every step is in the case and in the pupil's chronology."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from jgz_simulator.results import consultation_result, send_result
from meldcode_testkit import Suite, eventually
from meldcode_testkit.scenario import Staff, bearer, open_case_from_demo_signals

SECRET = "e2e-jgz-secret"
TENANT = "swv-zuid"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def jgz_simulator(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    with (tmp_path / "jgz-simulator.log").open("ab") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jgz_simulator.cli",
                "serve",
                "--port",
                str(port),
                "--secret",
                SECRET,
                "--fail-first",
                "1",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{url}/health/live", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


async def test_a_jgz_consultation_goes_out_signed_comes_back_signed_and_is_in_the_case_history(
    suite: Suite, jgz_simulator: str
) -> None:
    partners = json.dumps(
        {
            TENANT: {
                "organisation": "GGD Zuid JGZ",
                "webhook_url": f"{jgz_simulator}/webhooks/meldcode",
                "secrets": [SECRET],
            }
        }
    )
    for name in ("signals", "casework", "notifications", "reporting"):
        await suite.service(
            name, MELDCODE_JGZ_PARTNERS=partners, NOTIFICATIONS_WEBHOOK_BACKOFF_BASE_SECONDS="0.2"
        )
    casework, reporting = suite.services["casework"].url, suite.services["reporting"].url
    staff = Staff(suite)
    async with httpx.AsyncClient(timeout=15) as http:
        pupil_id, case_id, _ = await open_case_from_demo_signals(http, suite, staff)
        asked = await http.post(
            f"{casework}/cases/{case_id}/jgz-consultation-requests",
            headers=staff.ib,
            json={"question": "Is deze leerling bekend bij de JGZ?"},
        )
        assert asked.status_code == 200, asked.text
        request_id = asked.json()["jgz_consultations"][-1]["request_id"]

        async def delivered() -> list[dict[str, Any]] | None:
            received = (await http.get(f"{jgz_simulator}/received")).json()["received"]
            return [r for r in received if r["message"].get("request_id") == request_id] or None

        [delivery] = await eventually(delivered, timeout=60)
        assert delivery["message_type"] == "jgz.consultation_request.v1"
        assert delivery["attempts"] == 2, "the simulator refused the first attempt"

        result = consultation_result(
            case_id=uuid.UUID(case_id),
            request_id=uuid.UUID(request_id),
            jgz_organisation="GGD Zuid JGZ",
            advice="Bekend bij de JGZ; zorgen over gewicht.",
            professional="Jeugdverpleegkundige",
        )
        for _ in range(2):  # the same message twice is recorded once
            answer = await asyncio.to_thread(send_result, casework, result, SECRET.encode(), TENANT)
            assert answer.status_code == 200, answer.text
        case = (await http.get(f"{casework}/cases/{case_id}", headers=staff.ib)).json()
        assert [c["answered"] for c in case["jgz_consultations"]] == [True]
        assert len(case["jgz_results"]) == 1

        handed = await http.post(
            f"{casework}/cases/{case_id}/jgz-handovers",
            headers=staff.ib,
            json={
                "legal_basis": "toestemming_ouders",
                "legal_basis_explanation": "De ouders gaven schriftelijk toestemming.",
                "summary": "Zorgen over verzorging; school en JGZ trekken samen op.",
            },
        )
        assert handed.status_code == 200, handed.text

        async def handover_delivered() -> bool:
            received = (await http.get(f"{jgz_simulator}/received")).json()["received"]
            return any(r["message_type"] == "jgz.case_handover.v1" for r in received)

        await eventually(handover_delivered, timeout=60)

        wanted = {
            "Consultatie JGZ gevraagd",
            "Bericht aan de JGZ afgeleverd",
            "Advies van de JGZ ontvangen",
            "Zaak overgedragen aan de JGZ",
        }

        async def in_chronology() -> list[str] | None:
            response = await http.get(f"{reporting}/pupils/{pupil_id}/chronology", headers=staff.ib)
            labels = [e["label"] for e in response.json()["entries"]] if response.status_code == 200 else []
            delivered_twice = labels.count("Bericht aan de JGZ afgeleverd") == 2
            return labels if wanted <= set(labels) and delivered_twice else None

        labels = await eventually(in_chronology, timeout=60)
        assert labels.count("Advies van de JGZ ontvangen") == 1

        auditor = bearer(suite.infra.token(sub="auditor-1", role="auditor", tenant=TENANT, schools=()))
        events = (await http.get(f"{casework}/audit/cases/{case_id}/events", headers=auditor)).json()[
            "events"
        ]
        [asked_at] = [e["occurred_at"] for e in events if e["event_type"] == "JgzConsultationRequested"]
        then = (
            await http.get(
                f"{casework}/audit/cases/{case_id}/as-of", params={"at": asked_at}, headers=auditor
            )
        ).json()
        now = (
            await http.get(
                f"{casework}/audit/cases/{case_id}/as-of",
                params={"at": datetime.now(UTC).isoformat()},
                headers=auditor,
            )
        ).json()
        assert ([c["answered"] for c in then["jgz_consultations"]], then["jgz_results"]) == ([False], [])
        assert [c["answered"] for c in now["jgz_consultations"]] == [True]
        assert len(now["jgz_results"]) == 1 and len(now["jgz_handovers"]) == 1

        other_school = bearer(
            suite.infra.token(sub="ib-other", role="intern_begeleider", tenant=TENANT, schools=("34CD",))
        )
        refused = await http.get(f"{casework}/cases/{case_id}", headers=other_school)
        assert refused.status_code == 403
