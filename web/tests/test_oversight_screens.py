"""The oversight screens against a fake of the services (no network): what the pages send to the
services, and how they show the answers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi import Request
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient

from meldcode_contracts import Role
from meldcode_edge.auth import Principal
from meldcode_edge.problems import Unauthorized
from meldcode_web.api import ApiProblem, api
from meldcode_web.app import create_app
from meldcode_web.session import PortalUser, store_user
from meldcode_web.settings import PortalSettings

CASE = "3f2b8c1e-5d4a-4b7e-9c1f-2a6d8e0b4c3a"
PUPIL = "0b5c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4"
HASH = "ab" * 32

Answer = Any | Callable[[Any], Any]


@dataclass
class FakeServices:
    """Answers per (service, path) like the services would; remembers every call."""

    answers: dict[tuple[str, str], Answer] = field(default_factory=dict)
    calls: list[tuple[str, str, Any]] = field(default_factory=list)

    async def get(self, service: str, path: str, params: Any = None) -> Any:
        self.calls.append((service, path, params))
        answer = self.answers[(service, path)]
        if callable(answer):
            answer = answer(params)
        if isinstance(answer, ApiProblem):
            raise answer
        return answer

    def params_of(self, service: str, path: str) -> list[Any]:
        return [p for s, q, p in self.calls if (s, q) == (service, path)]


class FakeVerifier:
    """The session's token is the role name."""

    def verify(self, token: str) -> Principal:
        try:
            role = Role(token)
        except ValueError:
            raise Unauthorized("Onbekend token.") from None
        return Principal(user_id=f"test-{token}", role=role, tenant="swv-zuid", schools=frozenset({"12AB"}))


SCHOOLS = {"items": [{"brin": "12AB", "name": "Basisschool De Regenboog"}]}
STAFF = (
    {
        "user_id": "ib-bram",
        "name": "Bram Bakker",
        "role": "intern_begeleider",
        "email": None,
        "school": "12AB",
    },
)


def staff_named(params: Any) -> dict[str, Any]:
    """Signals' `GET /staff?user_id=...`: the listed people among the ids asked."""
    asked = set((params or {}).get("user_id", []))
    return {"items": [p for p in STAFF if p["user_id"] in asked]}


@pytest.fixture
def services() -> FakeServices:
    return FakeServices(answers={("reporting", "/schools"): SCHOOLS, ("signals", "/staff"): staff_named})


@pytest.fixture
def portal(services: FakeServices) -> Iterator[Callable[[str], TestClient]]:
    app = create_app(PortalSettings(), token_verifier=FakeVerifier(), oidc_client=object())
    app.dependency_overrides[api] = lambda: services

    @app.get("/_test/login/{role}")
    async def login(request: Request, role: str) -> PlainTextResponse:
        store_user(
            request,
            PortalUser(
                user_id=f"test-{role}",
                role=Role(role),
                tenant="swv-zuid",
                schools=("12AB",),
                name=f"Test {role}",
                access_token=role,
            ),
        )
        return PlainTextResponse("ok")

    clients: list[TestClient] = []

    def logged_in(role: str) -> TestClient:
        client = TestClient(app, follow_redirects=False)
        assert client.get(f"/_test/login/{role}").status_code == 200
        clients.append(client)
        return client

    yield logged_in
    for client in clients:
        client.close()


class Tables(HTMLParser):
    """The text of every cell (th and td) per row, per table id, and the attributes of each cell."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.cells: dict[str, list[dict[str, str | None]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self._table = found.get("id") or found.get("data-testid") or f"table-{len(self.tables)}"
            self.tables[self._table] = []
            self.cells[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
            self.cells[self._table].append(found)
        elif tag == "span" and "oversight-sr-only" in (found.get("class") or ""):
            self._hidden += 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "span" and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._hidden:
            self._cell.append(data)


def tables_of(html: str) -> Tables:
    parser = Tables()
    parser.feed(html)
    return parser


# --- the dashboard ---------------------------------------------------------------------------------


def figures(signals: Any, open_by_step: dict[str, Any], open_total: Any, **extra: Any) -> dict[str, Any]:
    return {
        "signals_recorded": signals,
        "open_cases": {"total": open_total, "by_step": open_by_step},
        "decisions": {
            "total": extra.get("decisions_total", 0),
            "by_outcome": extra.get(
                "by_outcome", {"no_suspicion_close": 0, "help": 0, "report": 0, "report_and_help": 0}
            ),
        },
        "reports_to_veilig_thuis": extra.get("reports", 0),
        "cases_pupil_left_school": 0,
        "median_days_per_step": extra.get(
            "medians", dict.fromkeys(["geopend", "gesprek_ouders", "weging", "besluit", "melding", "volgen"])
        ),
    }


STEPS_ZERO = dict.fromkeys(["geopend", "gesprek_ouders", "weging", "besluit", "melding", "volgen"], 0)

TENANT_DASHBOARD = {
    "tenant": "swv-zuid",
    "period_from": None,
    "period_until": None,
    "schools": [
        {"school": "12AB", **figures("<5", {**STEPS_ZERO, "weging": "<5"}, "<5")},
        {
            "school": "34CD",
            **figures(
                "x", {**STEPS_ZERO, "weging": "x"}, "x", medians={**dict.fromkeys(STEPS_ZERO), "weging": 12.5}
            ),
        },
        {"school": "56EF", **figures(20, {**STEPS_ZERO, "weging": 7}, 7)},
    ],
    "total": figures(30, {**STEPS_ZERO, "weging": 15}, 15),
    "suppression": "Aantallen van 1 tot en met 4 staan als '<5'.",
}

EMPTY_MONTH = {**TENANT_DASHBOARD, "schools": [], "total": figures(0, STEPS_ZERO, 0)}


def test_suppressed_counts_are_rendered_exactly_as_reporting_gives_them(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    services.answers[("reporting", "/tenants/swv-zuid/dashboard")] = lambda params: (
        TENANT_DASHBOARD if not params else EMPTY_MONTH
    )

    page = portal("beheerder").get("/dashboard")

    assert page.status_code == 200
    rows = tables_of(page.text).tables["overzicht-tabel"]
    assert rows[1][:2] == ["Basisschool De Regenboog (12AB)", "<5"]
    assert rows[2][:2] == ["School 34CD", "x"]
    assert rows[3][:2] == ["School 56EF", "20"]
    assert rows[4][:2] == ["Totaal samenwerkingsverband", "30"]
    open_cases = tables_of(page.text).tables["open-zaken-tabel"]
    assert open_cases[1] == ["Basisschool De Regenboog (12AB)", "0", "0", "<5", "0", "0", "0", "<5"]
    assert open_cases[2] == ["School 34CD", "0", "0", "x", "0", "0", "0", "x"]
    assert "Aantallen van 1 tot en met 4 staan als" in page.text


def test_a_chart_draws_only_shown_numbers_and_is_hidden_from_assistive_technology(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    services.answers[("reporting", "/tenants/swv-zuid/dashboard")] = lambda params: (
        TENANT_DASHBOARD if not params else EMPTY_MONTH
    )

    page = portal("auditor").get("/dashboard")

    cells = tables_of(page.text).cells["overzicht-tabel"]
    suppressed = [c for c in cells if c.get("data-suppressed")]
    assert {c["data-suppressed"] for c in suppressed} == {"<5", "x"}
    assert all("data-value" not in c for c in suppressed)
    assert any(c.get("data-value") == "20.0" for c in cells)
    assert '<div class="oversight-chart" aria-hidden="true">' in page.text
    assert 'src="/oversight/charts.js"' in page.text
    assert "<script>" not in page.text  # the CSP allows no inline script


def test_a_median_over_fewer_than_five_cases_is_a_dash_and_a_shown_one_uses_a_decimal_comma(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    services.answers[("reporting", "/tenants/swv-zuid/dashboard")] = lambda params: (
        TENANT_DASHBOARD if not params else EMPTY_MONTH
    )

    page = portal("beheerder").get("/dashboard")

    medians = tables_of(page.text).tables["tijd-per-stap-tabel"]
    assert medians[2] == ["School 34CD", "—", "—", "12,5", "—", "—", "—"]


def test_the_months_are_asked_one_by_one_and_shown_as_each_month_answered(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    def answer(params: Any) -> Any:
        if params and params.get("from", "").endswith("-01") and params["from"] == "2026-11-01":
            return {**EMPTY_MONTH, "total": figures("<5", STEPS_ZERO, 0)}
        return TENANT_DASHBOARD if not params else EMPTY_MONTH

    services.answers[("reporting", "/tenants/swv-zuid/dashboard")] = answer

    page = portal("beheerder").get("/dashboard", params={"tot": "2026-11-30"})

    asked = [p for p in services.params_of("reporting", "/tenants/swv-zuid/dashboard")]
    assert {"until": "2026-11-30"} in asked
    assert {"from": "2026-06-01", "until": "2026-06-30"} in asked
    assert {"from": "2026-11-01", "until": "2026-11-30"} in asked
    months = tables_of(page.text).tables["verloop-tabel"]
    assert [row[0] for row in months[1:]] == [
        "juni 2026",
        "juli 2026",
        "augustus 2026",
        "september 2026",
        "oktober 2026",
        "november 2026",
    ]
    assert months[-1][1] == "<5"


def test_a_school_link_opens_that_schools_own_dashboard(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    school = {
        **TENANT_DASHBOARD,
        "schools": [TENANT_DASHBOARD["schools"][2]],
        "total": TENANT_DASHBOARD["schools"][2],
    }
    services.answers[("reporting", "/schools/56EF/dashboard")] = school

    page = portal("beheerder").get("/dashboard", params={"school": "56ef"})

    assert page.status_code == 200
    assert "Dashboard School 56EF" in page.text
    rows = tables_of(page.text).tables["overzicht-tabel"]
    assert [row[0] for row in rows[1:]] == ["School 56EF"]


def test_a_malformed_period_is_shown_beside_the_form_without_asking_reporting(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    page = portal("beheerder").get("/dashboard", params={"van": "morgen"})

    assert page.status_code == 422
    assert 'id="van-error"' in page.text
    assert 'value="morgen"' in page.text
    assert services.calls == []


def test_a_period_reporting_refuses_shows_its_dutch_message(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    services.answers[("reporting", "/tenants/swv-zuid/dashboard")] = ApiProblem(
        status=422, title="Onverwerkbaar", detail="De periode begint na het einde.", rule="period"
    )

    page = portal("beheerder").get("/dashboard", params={"van": "2026-12-01", "tot": "2026-11-01"})

    assert page.status_code == 422
    assert "De periode begint na het einde." in page.text
    assert 'value="2026-12-01"' in page.text


@pytest.mark.parametrize("role", ["leerkracht", "intern_begeleider", "zorgteam"])
def test_only_the_coordinator_and_the_auditor_see_the_dashboard(
    portal: Callable[[str], TestClient], services: FakeServices, role: str
) -> None:
    page = portal(role).get("/dashboard")

    assert page.status_code == 403
    assert "Geen toegang" in page.text
    assert services.calls == []


# --- the auditor's screens -------------------------------------------------------------------------


def audit_event(
    version: int, event_type: str, at: str, actor: str, role: str, **payload: Any
) -> dict[str, Any]:
    return {
        "notification_id": version + 10,
        "aggregate_id": CASE,
        "version": version,
        "event_type": event_type,
        "occurred_at": at,
        "recorded_at": at,
        "actor_id": actor,
        "actor_role": role,
        "payload": {"actor_id": actor, "actor_role": role, **payload},
        "event_hash": f"{version:02d}" * 32,
        "log_hash": HASH,
    }


CASE_EVENTS = {
    "case_id": CASE,
    "pupil_id": PUPIL,
    "tenant": "swv-zuid",
    "school": "12AB",
    "events": [
        audit_event(1, "CaseOpened", "2026-11-29T09:00:00.250000Z", "ib-bram", "intern_begeleider"),
        audit_event(
            2,
            "ParentsConversationHeld",
            "2026-11-29T09:05:00Z",
            "ib-bram",
            "intern_begeleider",
            summary="Besproken",
        ),
    ],
}


@pytest.mark.parametrize("role", ["leerkracht", "intern_begeleider", "zorgteam", "beheerder"])
@pytest.mark.parametrize(
    "url",
    [
        "/audit",
        f"/audit/zaken/{CASE}",
        f"/audit/zaken/{CASE}/stand",
        f"/audit/zaken/{CASE}/export.jsonl",
        "/audit/verificatie",
        "/audit/toegangslog",
    ],
)
def test_every_auditor_screen_refuses_other_roles(
    portal: Callable[[str], TestClient], services: FakeServices, role: str, url: str
) -> None:
    page = portal(role).get(url)

    assert page.status_code == 403
    assert "niet bedoeld voor de rol" in page.text
    assert services.calls == []


def test_the_history_lists_every_event_with_actor_role_and_hash(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    services.answers[("casework", f"/audit/cases/{CASE}/events")] = CASE_EVENTS

    page = portal("auditor").get(f"/audit/zaken/{CASE}")

    assert page.status_code == 200
    assert services.params_of("casework", f"/audit/cases/{CASE}/events") == [{"purpose": "history"}]
    rows = tables_of(page.text).tables["geschiedenis"]
    assert rows[1][:6] == [
        "1",
        "29 november 2026 10:00:00 29-11-2026 09:00:00 UTC",
        "Zaak geopend",
        "Bram Bakker (ib-bram)",
        "IB'er / aandachtsfunctionaris",
        "01" * 8,
    ]
    assert rows[2][2] == "Gesprek met ouders gevoerd"
    assert "Besproken" in page.text
    assert "02" * 32 in page.text  # the full hash in the details
    assert f"/audit/toegangslog?leerling={PUPIL}" in page.text
    assert f"/audit/zaken/{CASE}/stand?tijdstip=2026-11-29T09%3A00%3A00.250000Z" in page.text


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """What a reader sees of the page: the text, not the attributes."""
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def test_the_history_names_fields_values_and_the_platform_in_dutch_and_no_event_type_in_english(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    decided = audit_event(
        3, "DecisionMade", "2026-11-30T09:00:00Z", "ib-bram", "intern_begeleider",
        decided_on="2026-11-30", outcome="report_and_help", q1_suspicion=True,
    )  # fmt: skip
    reminder = audit_event(4, "AmkNotified", "2026-12-01T09:00:00Z", "notifications", "system")
    services.answers[("casework", f"/audit/cases/{CASE}/events")] = {
        **CASE_EVENTS,
        "events": [*CASE_EVENTS["events"], decided, reminder],  # type: ignore[misc]
    }

    page = portal("auditor").get(f"/audit/zaken/{CASE}")

    text = visible_text(page.text)
    assert "Besloten op" in text and "Melden bij Veilig Thuis én hulp bieden" in text
    assert "Meldcode-platform (automatisch)" in text and "Melding bij Veilig Thuis" in text
    for english in ("decided_on", "report_and_help", "q1_suspicion", "DecisionMade", "AmkNotified",
                    "CaseOpened", "notifications", "Systeem"):  # fmt: skip
        assert english not in text, english


AS_OF = {
    "as_of": "2026-11-29T10:00:00Z",
    "version": 1,
    "case_id": CASE,
    "pupil_id": PUPIL,
    "tenant": "swv-zuid",
    "school": "12AB",
    "step": "geopend",
    "case_owner_id": "ib-bram",
    "opened_by": "ib-bram",
    "signal_ids": [],
    "opened_at": "2026-11-29T09:00:00Z",
    "last_event_type": "CaseOpened",
    "last_event_at": "2026-11-29T09:00:00Z",
    "open_obligations": [{"code": "gesprek_ouders", "text": "Gesprek met de ouders voeren"}],
    "missing_for_report": [],
    "known_signals": [],
    "jgz_consultations": [],
    "jgz_results": [],
    "jgz_handovers": [],
}


@pytest.mark.parametrize(
    ("typed", "sent", "shown"),
    [
        ("2026-11-29T11:00", "2026-11-29T10:00:00+00:00", "29 november 2026 11:00:00 (wintertijd)"),
        ("2026-07-01T09:30:15", "2026-07-01T07:30:15+00:00", "1 juli 2026 09:30:15 (zomertijd)"),
    ],
)
def test_the_as_of_view_sends_the_typed_dutch_time_as_utc_and_shows_it_back_in_dutch_time(
    portal: Callable[[str], TestClient], services: FakeServices, typed: str, sent: str, shown: str
) -> None:
    services.answers[("casework", f"/audit/cases/{CASE}/as-of")] = AS_OF

    page = portal("auditor").get(f"/audit/zaken/{CASE}/stand", params={"moment": typed})

    assert page.status_code == 200
    assert services.params_of("casework", f"/audit/cases/{CASE}/as-of") == [{"at": sent}]
    assert f"Stand op {shown}" in page.text
    assert "Stap 2: zaak geopend" in page.text
    assert "Gesprek met de ouders voeren" in page.text
    assert f'value="{typed}"' in page.text
    assert 'step="1"' in page.text  # the field takes seconds


def test_a_dutch_time_that_does_not_exist_is_refused_beside_the_form_without_asking_casework(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    page = portal("auditor").get(f"/audit/zaken/{CASE}/stand", params={"moment": "2026-03-29T02:30"})

    assert page.status_code == 422
    assert "bestaat niet in Nederland" in page.text
    assert 'value="2026-03-29T02:30"' in page.text
    assert 'aria-invalid="true"' in page.text
    assert services.calls == []


def test_an_ambiguous_fall_back_time_says_which_of_the_two_was_taken(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    services.answers[("casework", f"/audit/cases/{CASE}/as-of")] = AS_OF

    page = portal("auditor").get(f"/audit/zaken/{CASE}/stand", params={"moment": "2026-10-25T02:30"})

    assert services.params_of("casework", f"/audit/cases/{CASE}/as-of") == [
        {"at": "2026-10-25T00:30:00+00:00"}
    ]
    assert "twee keer voor; de eerste keer (zomertijd) is genomen" in page.text


def test_a_moment_before_the_case_existed_shows_caseworks_message(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    services.answers[("casework", f"/audit/cases/{CASE}/as-of")] = ApiProblem(
        status=404,
        title="Niet gevonden",
        detail="Deze zaak bestond op dat moment nog niet.",
        rule="case-not-yet-opened",
    )

    page = portal("auditor").get(f"/audit/zaken/{CASE}/stand", params={"moment": "2020-01-01T10:00"})

    assert page.status_code == 422
    assert "Deze zaak bestond op dat moment nog niet." in page.text
    assert 'value="2020-01-01T10:00"' in page.text


def test_the_link_from_the_history_asks_the_exact_instant_and_fills_the_form_in_dutch_time(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    services.answers[("casework", f"/audit/cases/{CASE}/as-of")] = AS_OF

    page = portal("auditor").get(
        f"/audit/zaken/{CASE}/stand", params={"tijdstip": "2026-11-29T09:00:00.250000Z"}
    )

    assert services.params_of("casework", f"/audit/cases/{CASE}/as-of") == [
        {"at": "2026-11-29T09:00:00.250000+00:00"}
    ]
    assert 'value="2026-11-29T10:00:01"' in page.text


def test_the_export_downloads_case_and_signal_events_as_json_lines_in_recorded_order(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    services.answers[("casework", f"/audit/cases/{CASE}/events")] = CASE_EVENTS
    signal = {
        **audit_event(1, "SignalRecorded", "2026-11-29T08:00:00Z", "leerkracht-anna", "leerkracht"),
        "aggregate_id": "9" * 8 + "-0000-4000-8000-" + "0" * 12,
    }
    services.answers[("signals", f"/audit/pupils/{PUPIL}/events")] = {
        "pupil_id": PUPIL,
        "tenant": "swv-zuid",
        "school": "12AB",
        "events": [signal],
    }

    download = portal("auditor").get(f"/audit/zaken/{CASE}/export.jsonl")

    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/x-ndjson")
    assert download.headers["content-disposition"] == f'attachment; filename="zaak-{CASE}.jsonl"'
    assert services.params_of("casework", f"/audit/cases/{CASE}/events") == [{"purpose": "export"}]
    lines = [json.loads(line) for line in download.text.splitlines()]
    assert [(line["service"], line["event_type"]) for line in lines] == [
        ("signals", "SignalRecorded"),
        ("casework", "CaseOpened"),
        ("casework", "ParentsConversationHeld"),
    ]
    assert lines[1]["event_hash"] == "01" * 32
    assert lines[1]["label"] == "Zaak geopend"


def test_an_intact_chain_is_shown_as_keten_intact_with_the_heads_to_record(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    for service in ("casework", "signals"):
        services.answers[(service, "/audit/verify")] = {
            "table": "stored_events",
            "ok": True,
            "events_checked": 14,
            "aggregates_checked": 2,
            "head": {"notification_id": 14, "log_hash": HASH},
            "problems": [],
            "problems_total": 0,
        }

    page = portal("auditor").get("/audit/verificatie")

    assert page.status_code == 200
    assert "Keten intact" in page.text
    assert "Keten niet intact" not in page.text
    assert f"14:{HASH}" in page.text
    assert services.params_of("casework", "/audit/verify") == [None]


def test_verification_findings_are_rendered_with_their_dutch_kind_and_details(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    services.answers[("casework", "/audit/verify")] = {
        "table": "stored_events",
        "ok": False,
        "events_checked": 14,
        "aggregates_checked": 2,
        "head": {"notification_id": 14, "log_hash": HASH},
        "problems": [
            {
                "kind": "altered",
                "detail": "De inhoud van versie 3 past niet meer bij zijn hash.",
                "aggregate_id": CASE,
                "version": 3,
                "notification_id": 7,
            },
            {
                "kind": "head_missing",
                "detail": "Ketenkop 20 ontbreekt.",
                "aggregate_id": None,
                "version": None,
                "notification_id": 20,
            },
        ],
        "problems_total": 2,
    }
    services.answers[("signals", "/audit/verify")] = {
        "table": "stored_events",
        "ok": True,
        "events_checked": 3,
        "aggregates_checked": 1,
        "head": None,
        "problems": [],
        "problems_total": 0,
    }

    page = portal("auditor").get("/audit/verificatie")

    assert "Keten niet intact" in page.text
    assert "Niet intact: 2 afwijkingen" in page.text
    findings = next(rows for rows in tables_of(page.text).tables.values() if rows and rows[0][0] == "Soort")
    assert findings[1] == [
        "Gewijzigd na vastleggen",
        "De inhoud van versie 3 past niet meer bij zijn hash.",
        CASE,
        "3",
        "7",
    ]
    assert findings[2] == ["Eerder vastgelegde ketenkop ontbreekt", "Ketenkop 20 ontbreekt.", "—", "—", "20"]


def test_a_recorded_chain_head_is_passed_on_and_a_malformed_one_is_refused_beside_the_form(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    ok = {
        "ok": True,
        "events_checked": 1,
        "aggregates_checked": 1,
        "head": None,
        "problems": [],
        "problems_total": 0,
    }
    services.answers[("casework", "/audit/verify")] = ok
    services.answers[("signals", "/audit/verify")] = ok
    client = portal("auditor")

    refused = client.get("/audit/verificatie", params={"casework": "14:kort"})
    assert refused.status_code == 422
    assert 'id="casework-error"' in refused.text
    assert services.calls == []

    client.get("/audit/verificatie", params={"casework": f"14:{HASH}"})
    assert services.params_of("casework", "/audit/verify") == [{"anchor": [f"14:{HASH}"]}]
    assert services.params_of("signals", "/audit/verify") == [None]


ACCESS_ENTRY = {
    "access_id": "11111111-2222-4333-8444-555555555555",
    "occurred_at": "2026-11-29T09:10:00Z",
    "user_id": "ib-bram",
    "role": "intern_begeleider",
    "on_behalf_of": None,
    "service": "reporting",
    "action": "pupil.chronology",
    "resource": "GET /pupils/{pupil_id}/chronology",
    "pupil_id": PUPIL,
    "case_id": None,
    "school": "12AB",
    "client_address": "127.0.0.1",
    "client_application": "meldcode-web",
}


def test_the_access_log_of_a_pupil_lists_who_read_what(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    services.answers[("reporting", "/audit/access-log")] = {"entries": [ACCESS_ENTRY]}

    page = portal("auditor").get("/audit/toegangslog", params={"leerling": PUPIL})

    assert page.status_code == 200
    assert services.params_of("reporting", "/audit/access-log") == [
        {"pupil_id": PUPIL, "limit": 100, "offset": 0}
    ]
    rows = tables_of(page.text).tables["toegangslog"]
    assert rows[1][:5] == [
        "29 november 2026 10:10:00",
        "Bram Bakker (ib-bram)",
        "IB'er / aandachtsfunctionaris",
        "—",
        "Chronologie van de leerling gelezen",
    ]
    assert "GET /" not in page.text and "pupil.chronology" not in page.text.replace(
        'data-action="pupil.chronology"', ""
    )


@pytest.mark.parametrize(
    ("query", "field_in_error"),
    [
        ({"leerling": PUPIL, "dag": "2026-11-29"}, "leerling"),
        ({"leerling": "sanne"}, "leerling"),
        ({"dag": "gisteren"}, "dag"),
    ],
)
def test_the_access_log_needs_exactly_one_valid_filter(
    portal: Callable[[str], TestClient], services: FakeServices, query: dict[str, str], field_in_error: str
) -> None:
    page = portal("auditor").get("/audit/toegangslog", params=query)

    assert page.status_code == 422
    assert f'id="{field_in_error}-error"' in page.text
    assert services.calls == []


def test_the_access_log_by_day_and_by_employee_ask_reporting_for_that_filter(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    services.answers[("reporting", "/audit/access-log")] = {"entries": [ACCESS_ENTRY] * 100}
    client = portal("auditor")

    by_day = client.get("/audit/toegangslog", params={"dag": "2026-11-29", "pagina": "2"})
    client.get("/audit/toegangslog", params={"medewerker": "ib-bram"})

    assert services.params_of("reporting", "/audit/access-log") == [
        {"day": "2026-11-29", "limit": 100, "offset": 100},
        {"user_id": "ib-bram", "limit": 100, "offset": 0},
    ]
    assert "/audit/toegangslog?dag=2026-11-29&amp;pagina=3" in by_day.text
    assert "/audit/toegangslog?dag=2026-11-29&amp;pagina=1" in by_day.text


def test_a_case_number_opens_the_history_and_a_malformed_one_is_refused_beside_the_form(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    services.answers[("reporting", "/tenants/swv-zuid/dashboard")] = TENANT_DASHBOARD
    client = portal("auditor")

    found = client.get("/audit", params={"zaaknummer": f" {CASE} "})
    assert found.status_code == 303
    assert found.headers["location"] == f"/audit/zaken/{CASE}"

    refused = client.get("/audit", params={"zaaknummer": "zaak van Sanne"})
    assert refused.status_code == 422
    assert 'id="zaaknummer-error"' in refused.text
    assert 'value="zaak van Sanne"' in refused.text


def test_the_auditor_picks_a_school_and_sees_its_cases(
    portal: Callable[[str], TestClient], services: FakeServices
) -> None:
    services.answers[("reporting", "/tenants/swv-zuid/dashboard")] = TENANT_DASHBOARD
    services.answers[("reporting", "/schools/34CD/cases")] = {
        "tenant": "swv-zuid",
        "school": "34CD",
        "cases": [
            {
                "case_id": CASE,
                "pupil_id": PUPIL,
                "pupil_display_name": "Sanne de Vries",
                "step": "weging",
                "step_label": "Stap 4: weging en risicotaxatie in het zorgteam; besluit volgt",
                "outcome": None,
                "opened_at": "2026-11-29T09:00:00Z",
                "last_event_at": "2026-11-29T09:05:00Z",
            }
        ],
    }

    page = portal("auditor").get("/audit", params={"school": "34CD"})

    assert page.status_code == 200
    assert '<option value="56EF">School 56EF</option>' in page.text
    assert f'href="/audit/zaken/{CASE}"' in page.text
    assert "Sanne de Vries" in page.text
