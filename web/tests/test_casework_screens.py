"""The casework screens against a fake ServiceApi (no network): what they show of the services'
answers, what they send, and how a refused step comes back to the user."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from meldcode_contracts import Role
from meldcode_edge.auth import Principal
from meldcode_web.api import ApiProblem, ServiceUnavailable, api
from meldcode_web.app import create_app
from meldcode_web.settings import PortalSettings

CASE_ID = "3f1c9a52-8e61-4f0e-9d6b-2f4a1c7e0b11"
PUPIL_ID = "9a7d7c1e-5b1f-4f33-8d6e-0c3a7b2e4d55"
SIGNAL_1 = "0b6f2a9e-1c3d-4e5f-8a7b-6c5d4e3f2a10"
SIGNAL_2 = "1c7a3b0f-2d4e-4f60-9b8c-7d6e5f4a3b21"
CSRF = "test-csrf-token"


@dataclass
class FakeServiceApi:
    """Answers per (method, service, path); an ApiProblem answer is raised. Records every call."""

    answers: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    calls: list[tuple[str, str, str, Any]] = field(default_factory=list)
    links: dict[tuple[str, str, str | None], dict[str, str]] = field(default_factory=dict)
    """The `Link` URLs of a paged GET, per (service, path, cursor asked)."""

    def _answer(self, method: str, service: str, path: str, payload: Any) -> Any:
        self.calls.append((method, service, path, payload))
        answer = self.answers.get((method, service, path))
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def get(self, service: str, path: str, params: Any = None) -> Any:
        return self._answer("GET", service, path, params)

    async def get_page(self, service: str, path: str, params: Any = None) -> tuple[Any, dict[str, str]]:
        answer = self._answer("GET", service, path, params)
        return answer, self.links.get((service, path, (params or {}).get("cursor")), {})

    async def get_bytes(self, service: str, path: str, params: Any = None) -> tuple[bytes, str]:
        return b"%PDF", "application/pdf"

    async def post(self, service: str, path: str, json: Any = None) -> Any:
        return self._answer("POST", service, path, json)

    def posted(self, path: str) -> list[Any]:
        return [payload for method, _, p, payload in self.calls if method == "POST" and p == path]


class AnyTokenVerifier:
    def __init__(self, role: Role) -> None:
        self.role = role

    def verify(self, token: str) -> Principal:
        return Principal(user_id=token, role=self.role, tenant="swv-zuid", schools=frozenset({"12AB"}))


def a_case(**changes: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "case_id": CASE_ID,
        "pupil_id": PUPIL_ID,
        "tenant": "swv-zuid",
        "school": "12AB",
        "step": "besluit",
        "case_owner_id": "ib-bram",
        "opened_by": "ib-bram",
        "signal_ids": [SIGNAL_1, SIGNAL_2],
        "opened_at": "2026-11-02T09:00:00Z",
        "version": 4,
        "open_obligations": [],
        "missing_for_report": [],
        "jgz_consultations": [],
        "jgz_results": [],
        "jgz_handovers": [],
    }
    case.update(changes)
    return case


def a_signal(signal_id: str, description: str) -> dict[str, Any]:
    return {
        "signal_id": signal_id,
        "pupil_id": PUPIL_ID,
        "school": "12AB",
        "observer_id": "leerkracht-anna",
        "observed_on": "2026-10-20",
        "description": description,
        "source": {"kind": "own_observation", "name": None},
        "categories": ["physical"],
        "interpretation": None,
        "corrections": 0,
        "version": 1,
    }


def services_for_a_case(case: dict[str, Any] | None = None) -> FakeServiceApi:
    fake = FakeServiceApi()
    fake.answers.update(
        {
            ("GET", "casework", f"/cases/{CASE_ID}"): case or a_case(),
            ("GET", "casework", f"/cases/{CASE_ID}/history"): [],
            ("GET", "signals", f"/pupils/{PUPIL_ID}"): {"given_name": "Sanne", "family_name": "de Vries"},
            ("GET", "notifications", f"/cases/{CASE_ID}/melding-documents"): [],
            ("GET", "signals", f"/signals/{SIGNAL_1}"): a_signal(SIGNAL_1, "Blauwe plek op de bovenarm."),
            ("GET", "signals", f"/signals/{SIGNAL_2}"): a_signal(
                SIGNAL_2, "Komt zonder ontbijt naar school."
            ),
            ("GET", "reporting", f"/cases/{CASE_ID}/signals"): {
                "case_id": CASE_ID,
                "pupil_id": PUPIL_ID,
                "signals": [
                    a_signal(SIGNAL_1, "Blauwe plek op de bovenarm."),
                    a_signal(SIGNAL_2, "Komt zonder ontbijt naar school."),
                ],
            },
        }
    )
    return fake


def portal(fake: FakeServiceApi, role: Role = Role.INTERN_BEGELEIDER, user_id: str = "ib-bram") -> TestClient:
    app = create_app(PortalSettings(), token_verifier=AnyTokenVerifier(role), oidc_client=object())
    app.dependency_overrides[api] = lambda: fake

    @app.get("/test-login")
    async def test_login(request: Request) -> dict[str, str]:
        request.session["user"] = {"name": user_id, "access_token": user_id}
        request.session["csrf"] = CSRF
        return {}

    client = TestClient(app, follow_redirects=False)
    client.get("/test-login")
    return client


@pytest.fixture
def fake() -> FakeServiceApi:
    return services_for_a_case()


@pytest.fixture
def client(fake: FakeServiceApi) -> Iterator[TestClient]:
    with portal(fake) as c:
        yield c


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


REPORT_TYPED = {
    "csrf_token": CSRF,
    "expected_version": "4",
    "veilig_thuis_region": "Zuid-Limburg",
    "veilig_thuis_organisation": "Veilig Thuis Zuid-Limburg",
    "signal_ids": [SIGNAL_2],
    "school_continues": "Dagelijks contact met de leerling en wekelijks met moeder.",
    "anonymity": "op_naam",
}
PARENTS_FIRST = ApiProblem(
    status=409,
    title="Conflict",
    detail="Informeer eerst de ouders over de voorgenomen melding bij Veilig Thuis, of leg vast op welke "
    "grond dat niet gebeurt.",
    rule="rule-8-parents-informed-before-report",
)


def test_a_refused_step_shows_the_rules_dutch_message_beside_the_form_and_keeps_what_was_typed(
    client: TestClient, fake: FakeServiceApi
) -> None:
    fake.answers[("POST", "casework", f"/cases/{CASE_ID}/veilig-thuis-report")] = PARENTS_FIRST

    page = client.post(f"/zaken/{CASE_ID}/stap/melding-veilig-thuis", data=REPORT_TYPED)

    assert page.status_code == 409
    assert 'role="alert"' in page.text
    assert "Informeer eerst de ouders over de voorgenomen melding" in page.text
    assert 'value="Zuid-Limburg"' in page.text
    assert 'value="Veilig Thuis Zuid-Limburg"' in page.text
    assert "Dagelijks contact met de leerling en wekelijks met moeder." in page.text
    assert re.search(rf'value="{SIGNAL_2}"\s+checked', page.text)
    assert not re.search(rf'value="{SIGNAL_1}"\s+checked', page.text)


def test_a_refused_step_is_sent_as_typed_and_a_rule_of_content_answers_422(
    client: TestClient, fake: FakeServiceApi
) -> None:
    fake.answers[("POST", "casework", f"/cases/{CASE_ID}/decision")] = ApiProblem(
        status=422,
        title="Kan niet worden verwerkt",
        detail="Bij acute of structurele onveiligheid is melden bij Veilig Thuis verplicht, ook als er "
        "daarnaast hulp wordt geboden. Alleen hulp is niet toegestaan.",
        rule="rule-7-acute-or-structural-unsafety-requires-report",
    )
    typed = {
        "csrf_token": CSRF,
        "expected_version": "4",
        "q1_suspicion": "ja",
        "q2_acute_or_structural_unsafety": "ja",
        "q3_sufficient_help_possible": "",
        "outcome": "help",
        "reasons": "Hulp via het wijkteam lijkt genoeg.",
        "who_informs_parents": "ib-bram",
    }

    page = client.post(f"/zaken/{CASE_ID}/stap/afwegingskader", data=typed)

    assert page.status_code == 422
    assert "Alleen hulp is niet toegestaan." in page.text
    assert "Hulp via het wijkteam lijkt genoeg." in page.text
    assert re.search(
        r'id="q2_acute_or_structural_unsafety-ja" name="q2_acute_or_structural_unsafety" value="ja" checked',
        page.text,
    )
    assert re.search(r'<option value="help" selected>', page.text)
    [sent] = fake.posted(f"/cases/{CASE_ID}/decision")
    assert sent["q1_suspicion"] is True
    assert sent["q2_acute_or_structural_unsafety"] is True
    assert sent["q3_sufficient_help_possible"] is None
    assert sent["outcome"] == "help"
    assert sent["expected_version"] == 4


def test_a_refused_step_is_shown_again_against_the_case_version_as_it_now_stands(
    fake: FakeServiceApi,
) -> None:
    fake.answers[("GET", "casework", f"/cases/{CASE_ID}")] = a_case(version=7)
    fake.answers[("POST", "casework", f"/cases/{CASE_ID}/veilig-thuis-report")] = PARENTS_FIRST
    with portal(fake) as client:
        page = client.post(f"/zaken/{CASE_ID}/stap/melding-veilig-thuis", data=REPORT_TYPED)

    assert 'name="expected_version" value="7"' in page.text


def test_validation_errors_of_the_service_are_shown_in_dutch_beside_their_fields(
    client: TestClient, fake: FakeServiceApi
) -> None:
    fake.answers[("POST", "casework", f"/cases/{CASE_ID}/parents-conversation")] = ApiProblem(
        status=422,
        title="Ongeldige invoer",
        detail="Controleer deze velden: held_on, summary.",
        rule="request-validation",
        errors=[
            {
                "field": "held_on",
                "message": "Input should be a valid date",
                "type": "date_from_datetime_parsing",
            },
            {
                "field": "summary",
                "message": "String should have at least 1 character",
                "type": "string_too_short",
            },
        ],
    )

    page = client.post(
        f"/zaken/{CASE_ID}/stap/gesprek-ouders",
        data={"csrf_token": CSRF, "held_on": "gisteren", "participants": "moeder\nIB'er Bram", "summary": ""},
    )

    assert page.status_code == 422
    assert "Controleer de gemarkeerde velden" in page.text
    assert 'id="held_on-error">Vul een geldige datum in.' in page.text
    assert 'id="summary-error">Vul dit veld in.' in page.text
    assert 'value="gisteren"' in page.text
    assert "Input should be" not in page.text


def test_the_checklist_shows_what_the_api_says_is_still_needed_with_a_link_to_its_form(
    fake: FakeServiceApi,
) -> None:
    fake.answers[("GET", "casework", f"/cases/{CASE_ID}")] = a_case(
        open_obligations=[
            {"code": "ouders_informeren", "text": "Informeer de ouders over de voorgenomen melding."},
            {"code": "kind_informeren", "text": "Informeer de leerling (12 jaar of ouder)."},
            {"code": "melden_veilig_thuis", "text": "Doe de melding bij Veilig Thuis zoals besloten."},
        ],
        missing_for_report=[
            {"code": "ouders_informeren", "text": "Informeer de ouders over de voorgenomen melding."},
            {"code": "kind_informeren", "text": "Informeer de leerling (12 jaar of ouder)."},
        ],
    )
    with portal(fake) as client:
        page = client.get(f"/zaken/{CASE_ID}")

    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Ouders geïnformeerd?" in shown
    assert "Kind (12+) geïnformeerd?" in shown
    assert "Melding bij Veilig Thuis gedaan?" in shown
    assert "Nog nodig vóór een melding bij Veilig Thuis" in shown
    assert "Weging door twee disciplines" not in shown
    assert f'href="/zaken/{CASE_ID}/stap/ouders-geinformeerd"' in page.text
    assert f'href="/zaken/{CASE_ID}/stap/kind-geinformeerd"' in page.text


def test_the_checklist_shows_the_due_day_casework_published_and_none_where_it_published_none(
    fake: FakeServiceApi,
) -> None:
    fake.answers[("GET", "casework", f"/cases/{CASE_ID}")] = a_case(
        open_obligations=[
            {"code": "gesprek_ouders", "text": "Voer het gesprek met de ouders.", "due_on": "2026-12-24"},
            {"code": "overdracht", "text": "Draag de zaak zo nodig over.", "due_on": None},
        ]
    )
    with portal(fake) as client:
        page = client.get(f"/zaken/{CASE_ID}")

    assert page.status_code == 200
    assert 'data-due-on="2026-12-24"' in page.text
    assert text_of(page.text).count("(uiterlijk ") == 1


def test_a_case_without_open_obligations_shows_no_checklist_items(client: TestClient) -> None:
    page = client.get(f"/zaken/{CASE_ID}")

    assert 'data-testid="checklist"' not in page.text
    assert "Niets openstaand." in page.text


def test_the_case_page_names_the_meldcode_step_and_tells_the_history_in_dutch(fake: FakeServiceApi) -> None:
    fake.answers[("GET", "casework", f"/cases/{CASE_ID}/history")] = [
        {
            "version": 1,
            "event_type": "CaseOpened",
            "occurred_at": "2026-11-02T09:00:00Z",
            "actor_id": "ib-bram",
            "actor_role": "intern_begeleider",
            "details": {"case_owner_id": "ib-bram"},
        },
        {
            "version": 2,
            "event_type": "RiskWeighed",
            "occurred_at": "2026-11-03T10:00:00Z",
            "actor_id": "jgz-arts",
            "actor_role": "zorgteam",
            "details": {
                "participants": [
                    {"name": "Dr. Jeugdarts", "role": "jeugdarts", "discipline": "jeugdgezondheidszorg"}
                ],
                "severity": "ernstig",
                "q1_suspicion": True,
            },
        },
    ]
    with portal(fake) as client:
        shown = text_of(client.get(f"/zaken/{CASE_ID}").text)

    assert "Stap 5: besluit volgens het afwegingskader genomen" in shown
    assert "Zaak: Sanne de Vries" in shown
    assert "Weging in het zorgteam" in shown
    assert "Dr. Jeugdarts — jeugdarts (Jeugdgezondheidszorg (JGZ))" in shown
    assert shown.index("Weging in het zorgteam") < shown.index("Zaak geopend")


def test_an_accepted_step_sends_the_apis_shape_and_returns_to_the_case_with_a_message(
    client: TestClient, fake: FakeServiceApi
) -> None:
    fake.answers[("POST", "casework", f"/cases/{CASE_ID}/risk-weighing")] = a_case(step="weging", version=5)

    answer = client.post(
        f"/zaken/{CASE_ID}/stap/weging",
        data={
            "csrf_token": CSRF,
            "expected_version": "4",
            "participant_name_0": "Bram",
            "participant_role_0": "intern begeleider",
            "participant_discipline_0": "onderwijs",
            "participant_name_1": "Dr. Jeugdarts",
            "participant_role_1": "jeugdarts",
            "participant_discipline_1": "jeugdgezondheidszorg",
            "nature": "Herhaald letsel.",
            "severity": "ernstig",
            "risk_level": "hoog",
            "suspicion": "ja",
            "acute_unsafety": "nee",
            "structural_unsafety": "ja",
            "approach": "",
        },
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == f"/zaken/{CASE_ID}?vastgelegd=weging"
    [sent] = fake.posted(f"/cases/{CASE_ID}/risk-weighing")
    assert sent == {
        "participants": [
            {"name": "Bram", "role": "intern begeleider", "discipline": "onderwijs"},
            {"name": "Dr. Jeugdarts", "role": "jeugdarts", "discipline": "jeugdgezondheidszorg"},
        ],
        "nature": "Herhaald letsel.",
        "severity": "ernstig",
        "risk_level": "hoog",
        "suspicion": True,
        "acute_unsafety": False,
        "structural_unsafety": True,
        "expected_version": 4,
    }
    assert "De weging is vastgelegd." in client.get(answer.headers["location"]).text


def test_a_report_with_anonymity_records_the_anonymity_first_and_reports_on_the_version_after_it(
    client: TestClient, fake: FakeServiceApi
) -> None:
    fake.answers[("POST", "casework", f"/cases/{CASE_ID}/reporter-anonymity")] = a_case(version=5)
    fake.answers[("POST", "casework", f"/cases/{CASE_ID}/veilig-thuis-report")] = a_case(
        step="melding", version=6
    )

    answer = client.post(
        f"/zaken/{CASE_ID}/stap/melding-veilig-thuis",
        data={
            **REPORT_TYPED,
            "anonymity": "anoniem",
            "anonymity_ground": "bedreiging_melder_of_collegas",
            "anonymity_argument": "Vader heeft de leerkracht eerder bedreigd.",
        },
    )

    assert answer.status_code == 303
    [anonymity] = fake.posted(f"/cases/{CASE_ID}/reporter-anonymity")
    assert anonymity == {
        "ground": "bedreiging_melder_of_collegas",
        "argument": "Vader heeft de leerkracht eerder bedreigd.",
        "expected_version": 4,
    }
    [report] = fake.posted(f"/cases/{CASE_ID}/veilig-thuis-report")
    assert report["expected_version"] == 5
    assert report["signal_ids"] == [SIGNAL_2]
    assert "anonymity" not in report


def test_the_afwegingskader_guide_shows_the_next_question_with_the_meldcode_explanation(
    client: TestClient,
) -> None:
    partial = client.post(
        f"/zaken/{CASE_ID}/afwegingskader/vragen",
        data={"q1_suspicion": "ja"},
        headers={"HX-Request": "true", "X-CSRF-Token": CSRF},
    )

    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert 'data-question="1"' in partial.text
    assert 'data-question="2"' in partial.text
    assert 'data-question="3"' not in partial.text
    assert "Er is een vermoeden: ga verder met vraag 2." in partial.text
    assert "acute onveiligheid of van structurele onveiligheid" in partial.text


def test_the_afwegingskader_guide_asks_nothing_after_an_answer_that_ends_the_sequence(
    client: TestClient,
) -> None:
    partial = client.post(
        f"/zaken/{CASE_ID}/afwegingskader/vragen",
        data={"q1_suspicion": "ja", "q2_acute_or_structural_unsafety": "ja"},
        headers={"HX-Request": "true", "X-CSRF-Token": CSRF},
    )

    assert 'data-question="3"' not in partial.text
    assert "Melden bij Veilig Thuis is verplicht" in partial.text


def test_the_afwegingskader_without_javascript_is_one_long_form_with_all_five_questions(
    client: TestClient,
) -> None:
    page = client.get(f"/zaken/{CASE_ID}/stap/afwegingskader")

    assert page.status_code == 200
    for number in range(1, 6):
        assert f'data-question="{number}"' in page.text
    assert 'name="outcome"' in page.text
    assert 'name="expected_version" value="4"' in page.text


def test_the_task_inbox_leads_a_new_signal_to_opening_a_case_and_a_case_task_to_the_case(
    client: TestClient, fake: FakeServiceApi
) -> None:
    task_id = str(uuid.uuid4())
    fake.answers[("GET", "notifications", "/tasks")] = [
        {
            "task_id": task_id,
            "kind": "new_signal",
            "title": "Nieuw signaal over leerling Sanne V.",
            "status": "open",
            "school": "12AB",
            "pupil_id": PUPIL_ID,
            "case_id": None,
            "signal_id": SIGNAL_1,
            "created_at": "2026-11-02T09:00:00Z",
            "due_at": None,
        },
        {
            "task_id": str(uuid.uuid4()),
            "kind": "discuss_in_zorgteam",
            "title": "Bespreek de zaak in het zorgteam (weging)",
            "status": "open",
            "school": "12AB",
            "pupil_id": PUPIL_ID,
            "case_id": CASE_ID,
            "signal_id": None,
            "created_at": "2026-11-02T09:00:00Z",
            "due_at": "2020-01-01T23:00:00Z",
            "due_on": "2020-01-01",
        },
    ]

    page = client.get("/taken")

    assert page.status_code == 200
    assert "uiterlijk 1 januari 2020" in text_of(page.text), "the due day as the case page shows it"
    assert f'href="/leerlingen/{PUPIL_ID}/zaak-openen?signaal={SIGNAL_1}"' in page.text
    assert f'href="/zaken/{CASE_ID}"' in page.text
    assert "(verlopen)" in page.text
    assert f'action="/taken/{task_id}/afronden"' in page.text


def test_the_task_list_pages_with_volgende_and_vorige_through_the_services_cursors(
    client: TestClient, fake: FakeServiceApi
) -> None:
    fake.answers[("GET", "notifications", "/tasks")] = [
        {
            "task_id": str(uuid.uuid4()),
            "kind": "leaving_pupil_notice",
            "status": "open",
            "title": "Een leerling met recente signalen heeft de school verlaten; de IB'er bespreekt dit met het zorgteam",
            "pupil_id": None,
            "case_id": None,
            "created_at": "2026-11-02T09:00:00Z",
            "due_at": None,
        },
    ]
    service = "http://notifications.test/tasks?status=all&limit=50&cursor="
    fake.links[("notifications", "/tasks", None)] = {"next": service + "T2xkZXI"}
    fake.links[("notifications", "/tasks", "T2xkZXI")] = {"prev": service + "TmV3ZXI"}

    first = client.get("/taken?status=all")

    assert first.status_code == 200
    assert ("GET", "notifications", "/tasks", {"status": "all"}) in fake.calls
    assert 'href="/taken?status=all&amp;pagina=T2xkZXI" rel="next"' in first.text
    assert "Volgende" in first.text and "Vorige" not in first.text
    assert '<nav aria-label="Pagina\'s van de takenlijst"' in first.text

    second = client.get("/taken?status=all&pagina=T2xkZXI")

    assert ("GET", "notifications", "/tasks", {"status": "all", "cursor": "T2xkZXI"}) in fake.calls
    assert 'href="/taken?status=all&amp;pagina=TmV3ZXI" rel="prev"' in second.text
    assert "Vorige" in second.text and "Volgende" not in second.text


def test_a_task_list_of_one_page_shows_no_paging(client: TestClient, fake: FakeServiceApi) -> None:
    fake.answers[("GET", "notifications", "/tasks")] = []

    page = client.get("/taken")

    assert page.status_code == 200
    assert 'data-testid="task-pages"' not in page.text
    assert "Er zijn geen taken." in page.text


def test_completing_a_task_with_htmx_replaces_only_its_row(client: TestClient, fake: FakeServiceApi) -> None:
    task_id = str(uuid.uuid4())
    fake.answers[("POST", "notifications", f"/tasks/{task_id}/complete")] = {
        "task_id": task_id,
        "kind": "new_case",
        "title": "Nieuwe zaak: zet de volgende stap van de Meldcode",
        "status": "done",
        "case_id": CASE_ID,
        "created_at": "2026-11-02T09:00:00Z",
        "due_at": None,
    }

    row = client.post(f"/taken/{task_id}/afronden", headers={"HX-Request": "true", "X-CSRF-Token": CSRF})

    assert row.status_code == 200
    assert row.text.lstrip().startswith(f'<li id="taak-{task_id}"')
    assert "Afgerond" in row.text


def test_opening_a_case_sends_the_chosen_signals_and_goes_to_the_new_case(
    client: TestClient, fake: FakeServiceApi
) -> None:
    fake.answers[("POST", "casework", "/cases")] = {"case_id": CASE_ID, "version": 1}

    answer = client.post(
        f"/leerlingen/{PUPIL_ID}/zaak-openen",
        data={"csrf_token": CSRF, "signal_ids": [SIGNAL_1, SIGNAL_2], "case_owner_id": ""},
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == f"/zaken/{CASE_ID}?vastgelegd=zaak-geopend"
    assert fake.posted("/cases") == [{"pupil_id": PUPIL_ID, "signal_ids": [SIGNAL_1, SIGNAL_2]}]


def test_the_open_case_form_lists_the_pupils_signals_with_their_facts(
    client: TestClient, fake: FakeServiceApi
) -> None:
    fake.answers[("GET", "casework", f"/pupils/{PUPIL_ID}/signals")] = [
        {
            "signal_id": SIGNAL_1,
            "observed_on": "2026-10-20",
            "recorded_at": "2026-10-20T10:00:00Z",
            "corrections": 0,
        }
    ]

    page = client.get(f"/leerlingen/{PUPIL_ID}/zaak-openen?signaal={SIGNAL_1}")

    assert page.status_code == 200
    assert "Blauwe plek op de bovenarm." in page.text
    assert re.search(rf'value="{SIGNAL_1}"\s+checked', page.text)


def test_the_chronology_is_a_timeline_in_time_order_with_facts_apart_from_interpretation(
    client: TestClient, fake: FakeServiceApi
) -> None:
    fake.answers[("GET", "reporting", f"/pupils/{PUPIL_ID}/chronology")] = {
        "pupil": {
            "pupil_id": PUPIL_ID,
            "school": "12AB",
            "pupil_number": "demo-0001",
            "display_name": "Sanne de Vries",
        },
        "entries": [
            {
                "event_type": "SignalRecorded",
                "label": "Signaal vastgelegd",
                "occurred_at": "2026-10-20T10:00:00Z",
                "observed_on": "2026-10-20",
                "actor": {"user_id": "leerkracht-anna", "role": "leerkracht"},
                "signal_id": SIGNAL_1,
                "case_id": None,
                "corrected": False,
                "facts": {
                    "description": "Blauwe plek op de bovenarm.",
                    "interpretation": "Mogelijk geslagen.",
                    "source": {"kind": "pupil_said", "name": None},
                },
            },
            {
                "event_type": "CaseOpened",
                "label": "Zaak geopend",
                "occurred_at": "2026-11-02T09:00:00Z",
                "observed_on": None,
                "actor": {"user_id": "ib-bram", "role": "intern_begeleider"},
                "signal_id": None,
                "case_id": CASE_ID,
                "corrected": False,
                "facts": {},
            },
        ],
    }

    page = client.get(f"/leerlingen/{PUPIL_ID}/chronologie")

    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Chronologie: Sanne de Vries" in shown
    assert shown.index("Signaal vastgelegd") < shown.index("Zaak geopend")
    assert "Feiten Blauwe plek op de bovenarm." in shown
    assert "Interpretatie (los van de feiten) Mogelijk geslagen." in shown
    assert "Bron Verteld door de leerling" in shown
    assert f'href="/zaken/{CASE_ID}"' in page.text


def test_a_teacher_does_not_get_the_casework_screens(fake: FakeServiceApi) -> None:
    with portal(fake, role=Role.TEACHER, user_id="leerkracht-anna") as client:
        page = client.get(f"/zaken/{CASE_ID}")

    assert page.status_code == 403
    assert fake.calls == []


def test_a_zorgteam_member_may_not_open_a_case_but_may_record_the_weighing(fake: FakeServiceApi) -> None:
    with portal(fake, role=Role.ZORGTEAM, user_id="zorgteam-zoe") as client:
        assert client.get(f"/leerlingen/{PUPIL_ID}/zaak-openen").status_code == 403
        assert client.get(f"/zaken/{CASE_ID}/stap/weging").status_code == 200


def test_a_zorgteam_members_case_page_shows_the_cases_signals_from_reporting(fake: FakeServiceApi) -> None:
    with portal(fake, role=Role.ZORGTEAM, user_id="zorgteam-zoe") as client:
        page = client.get(f"/zaken/{CASE_ID}")

    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Signalen van de zaak" in shown
    assert "20 oktober 2026: Blauwe plek op de bovenarm." in shown
    assert "20 oktober 2026: Komt zonder ontbijt naar school." in shown
    # one answer from reporting (which knows the invitation), not one refused call per signal
    assert not [c for c in fake.calls if c[1] == "signals" and c[2].startswith("/signals/")]


def test_a_case_signal_reporting_does_not_show_yet_is_still_offered_by_its_id(fake: FakeServiceApi) -> None:
    fake.answers[("GET", "reporting", f"/cases/{CASE_ID}/signals")] = ApiProblem(
        status=404, title="Niet gevonden", detail="Deze zaak is niet bekend.", rule="case-not-found"
    )
    with portal(fake) as client:
        page = client.get(f"/zaken/{CASE_ID}/stap/melding-veilig-thuis")

    assert page.status_code == 200
    assert f'value="{SIGNAL_1}"' in page.text and f'value="{SIGNAL_2}"' in page.text
    assert "Blauwe plek op de bovenarm." not in page.text


def test_the_ib_er_finds_a_pupil_by_name_and_goes_to_the_chronology_or_opens_a_case(
    client: TestClient, fake: FakeServiceApi
) -> None:
    fake.answers[("GET", "reporting", "/schools/12AB/pupils")] = {
        "school": "12AB",
        "query": "Sanne",
        "pupils": [
            {
                "pupil_id": PUPIL_ID,
                "school": "12AB",
                "pupil_number": "demo-0001",
                "display_name": "Sanne de Vries",
            }
        ],
    }

    page = client.get("/leerlingen?q=Sanne")

    assert page.status_code == 200
    assert f'href="/leerlingen/{PUPIL_ID}/chronologie"' in page.text
    assert f'href="/leerlingen/{PUPIL_ID}/zaak-openen"' in page.text
    assert ("GET", "reporting", "/schools/12AB/pupils", {"q": "Sanne"}) in fake.calls


def test_a_search_of_one_character_asks_the_service_nothing(client: TestClient, fake: FakeServiceApi) -> None:
    page = client.get("/leerlingen?q=S")

    assert page.status_code == 200
    assert fake.calls == []


def test_the_case_is_still_shown_when_the_pupils_name_and_the_documents_cannot_be_fetched(
    fake: FakeServiceApi,
) -> None:
    fake.answers[("GET", "signals", f"/pupils/{PUPIL_ID}")] = ServiceUnavailable("signals")
    fake.answers[("GET", "notifications", f"/cases/{CASE_ID}/melding-documents")] = ServiceUnavailable(
        "notifications"
    )
    with portal(fake) as client:
        page = client.get(f"/zaken/{CASE_ID}")

    assert page.status_code == 200
    assert "Stap 5: besluit volgens het afwegingskader genomen" in text_of(page.text)
    assert "Sanne" not in page.text
