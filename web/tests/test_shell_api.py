"""Calling the services: problem bodies become ApiProblem, outages ServiceUnavailable."""

from __future__ import annotations

import httpx
import pytest

from meldcode_web.api import ApiProblem, ServiceApi, ServiceUnavailable
from meldcode_web.settings import PortalSettings


def api_answering(response: httpx.Response | Exception) -> ServiceApi:
    def handle(request: httpx.Request) -> httpx.Response:
        if isinstance(response, Exception):
            raise response
        return response

    client = httpx.AsyncClient(transport=httpx.MockTransport(handle))
    return ServiceApi(PortalSettings(), client, "token")


async def test_a_rule_refusal_becomes_an_api_problem_with_the_dutch_message_and_the_rule() -> None:
    body = {
        "type": "urn:meldcode:rule:rule-1-source-named",
        "title": "Niet toegestaan volgens de Meldcode",
        "status": 422,
        "detail": "Noem de derde van wie de informatie komt.",
        "rule": "rule-1-source-named",
    }
    api = api_answering(httpx.Response(422, json=body, headers={"content-type": "application/problem+json"}))
    with pytest.raises(ApiProblem) as refused:
        await api.post("signals", "/pupils/x/signals", json={})
    assert (refused.value.status, refused.value.rule) == (422, "rule-1-source-named")
    assert refused.value.detail == "Noem de derde van wie de informatie komt."
    assert refused.value.title == "Niet toegestaan volgens de Meldcode"


async def test_validation_errors_are_kept_per_field() -> None:
    body = {
        "title": "Ongeldige invoer",
        "status": 422,
        "detail": "Controleer deze velden: observed_on.",
        "rule": "request-validation",
        "errors": [
            {"field": "observed_on", "message": "Input should be a valid date", "type": "date"},
            "junk",
        ],
    }
    api = api_answering(httpx.Response(422, json=body))
    with pytest.raises(ApiProblem) as refused:
        await api.post("signals", "/pupils/x/signals", json={})
    assert refused.value.field_errors() == {"observed_on": "Input should be a valid date"}


async def test_a_refusal_without_a_problem_body_still_has_a_dutch_message() -> None:
    api = api_answering(httpx.Response(403, text="<html>forbidden</html>"))
    with pytest.raises(ApiProblem) as refused:
        await api.get("casework", "/cases/1")
    assert refused.value.status == 403
    assert refused.value.detail == "De dienst heeft dit verzoek geweigerd."


@pytest.mark.parametrize(
    "answer",
    [httpx.Response(503, json={"detail": "weg"}), httpx.ConnectError("refused")],
    ids=["5xx", "no answer"],
)
async def test_a_service_that_fails_or_is_away_is_unavailable(answer: httpx.Response | Exception) -> None:
    with pytest.raises(ServiceUnavailable):
        await api_answering(answer).get("reporting", "/tenants/swv-zuid/dashboard")


async def test_bytes_come_with_their_content_type() -> None:
    api = api_answering(httpx.Response(200, content=b"%PDF-1.7", headers={"content-type": "application/pdf"}))
    assert await api.get_bytes("notifications", "/melding-documents/1") == (b"%PDF-1.7", "application/pdf")
