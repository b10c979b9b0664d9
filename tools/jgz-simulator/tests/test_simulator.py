"""The JGZ simulator's receiver: signature check, failing the first deliveries, de-duplication;
and the signed consultation result it sends."""

from __future__ import annotations

import json
import uuid

from fastapi.testclient import TestClient

from jgz_simulator.app import create_app
from jgz_simulator.results import RESULTS_PATH, consultation_result, signed_request
from meldcode_contracts.jgz import JgzConsultationResult
from meldcode_edge.signing import DELIVERY_HEADER, sign, verify

SECRET = b"geheim"
BODY = json.dumps({"message_type": "jgz.consultation_request.v1"}).encode()


def post(client: TestClient, delivery: str, secret: bytes = SECRET) -> int:
    headers = {DELIVERY_HEADER: delivery, "Content-Type": "application/json", **sign(secret, BODY)}
    return client.post("/webhooks/meldcode", content=BODY, headers=headers).status_code


def test_a_bad_signature_is_refused_with_401_and_not_recorded() -> None:
    client = TestClient(create_app([SECRET]))
    assert post(client, "d-1", secret=b"fout") == 401
    assert client.get("/received").json()["received"] == []


def test_the_first_n_deliveries_fail_with_503_then_each_delivery_is_recorded_once() -> None:
    client = TestClient(create_app([SECRET], fail_first=2))
    assert [post(client, "d-1") for _ in range(4)] == [503, 503, 200, 200]
    received = client.get("/received").json()["received"]
    assert [(r["delivery_id"], r["attempts"]) for r in received] == [("d-1", 3)]


def test_a_consultation_result_is_signed_over_its_exact_body_with_the_tenant_header() -> None:
    result = consultation_result(
        case_id=uuid.uuid4(),
        jgz_organisation="GGD",
        advice="Groei normaal.",
        professional="J. Jansen, jeugdarts",
    )
    body, headers = signed_request(result, SECRET, "swv-zuid")
    verify([SECRET], body, headers["X-Meldcode-Timestamp"], headers["X-Meldcode-Signature"])
    assert headers["X-Meldcode-Tenant"] == "swv-zuid"
    assert JgzConsultationResult.model_validate_json(body) == result
    assert RESULTS_PATH == "/integrations/jgz/consultation-results"


def test_the_published_openapi_document_is_the_one_the_models_give() -> None:
    from pathlib import Path

    from jgz_simulator.spec import integration_spec

    published = Path(__file__).resolve().parents[3] / "docs" / "integration" / "jgz-openapi.json"
    assert json.loads(published.read_text()) == json.loads(json.dumps(integration_spec())), (
        "regenerate: uv run meldcode-jgz-simulator openapi > docs/integration/jgz-openapi.json"
    )
