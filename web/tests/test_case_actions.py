"""The case page offers what casework allows (issue 17, items 4, 5, 7 and people by name): the
allowed actions as links, the next step's greyed with casework's reason, nothing the role never may
do; the stepper from the records; the decision form without asking the weighing's questions again;
people chosen from the staff directory and shown by name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from .shell_fakes import (
    CASE_ID,
    PUPIL_ID,
    FakeLoginClient,
    FakeServices,
    a_case,
    case_services,
    csrf_of,
    log_in,
    portal,
    staff_directory,
    staff_names,
)


@contextmanager
def logged_in(services: FakeServices, login_as: str = "token-bram") -> Iterator[TestClient]:
    client, _, _ = portal(FakeLoginClient(token=login_as), services)
    with client:
        log_in(client)
        yield client


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


COMMANDS = [
    "signals",
    "owner",
    "zorgteam-invitations",
    "zorgteam-invitation-withdrawals",
    "parents-conversation",
    "parents-conversation-skip",
    "risk-weighing",
    "decision",
    "help",
    "parents-informed",
    "parents-informing-exception",
    "child-informed",
    "child-informing-exception",
    "reporter-anonymity",
    "veilig-thuis-report",
    "veilig-thuis-feedback",
    "care-coordinator",
    "follow-up",
    "follow-up-evaluation",
    "close",
    "reopen",
    "pupil-left-school",
    "transfer",
    "jgz-consultation-requests",
    "jgz-handovers",
]


def allowed_actions(
    allowed: set[str], reasons: dict[str, str], for_role: set[str] = frozenset()
) -> list[Any]:
    """As casework answers `allowed_actions`: every command, allowed or with its reason."""
    return [
        {"command": c, "allowed": True}
        if c in allowed
        else {
            "command": c,
            "allowed": False,
            "rule": "role" if c in for_role else "some-rule",
            "reason": reasons.get(
                c, "Uw rol mag dit niet doen in deze zaak." if c in for_role else "Nog niet."
            ),
            "for_role": c in for_role,
        }
        for c in COMMANDS
    ]


def actions_on(html: str) -> tuple[set[str], set[str]]:
    """(the actions shown as links, the actions shown greyed) on a case page."""
    shown = set(re.findall(r'<li data-action="([a-z-]+)">', html))
    greyed = set(re.findall(r'<li data-action="([a-z-]+)" data-disabled="true"', html))
    return shown, greyed


JUST_OPENED = a_case(
    step="geopend",
    open_obligations=[{"code": "gesprek_ouders", "text": "Voer het gesprek met de ouders.", "due_on": None}],
    allowed_actions=allowed_actions(
        {
            "parents-conversation",
            "parents-conversation-skip",
            "owner",
            "zorgteam-invitations",
            "close",
            "signals",
        },
        {"risk-weighing": "Voer eerst het gesprek met de ouders, of leg vast waarom dat niet kan."},
        for_role=set(),
    ),
)


def test_a_just_opened_case_offers_the_parents_conversation_and_greys_the_weighing_with_casework_reason() -> (
    None
):
    fake = case_services(JUST_OPENED)
    with logged_in(fake) as client:
        html = client.get(f"/zaken/{CASE_ID}").text
    shown, greyed = actions_on(html)
    assert {"gesprek-ouders", "gesprek-ouders-overslaan", "zorgteam-uitnodigen", "afsluiten"} <= shown
    assert greyed == {"weging"}
    assert "Voer eerst het gesprek met de ouders, of leg vast waarom dat niet kan." in text_of(html)
    assert not {"heropenen", "terugkoppeling-veilig-thuis", "afwegingskader", "melding-veilig-thuis"} & (
        shown | greyed
    )


def test_actions_the_role_never_may_do_are_not_shown_at_all() -> None:
    case = a_case(
        step="geopend",
        allowed_actions=allowed_actions(
            {"parents-conversation"},
            {},
            for_role={"zorgteam-invitations", "zorgteam-invitation-withdrawals", "jgz-consultation-requests"},
        ),
    )
    fake = case_services(case)
    with logged_in(fake, "token-jet") as client:
        html = client.get(f"/zaken/{CASE_ID}").text
    shown, greyed = actions_on(html)
    assert "gesprek-ouders" in shown
    assert not {"zorgteam-uitnodigen", "zorgteam-uitnodiging-intrekken", "jgz-consultatie"} & (shown | greyed)


def test_a_report_waiting_for_the_parents_is_greyed_with_the_reason_and_the_button_says_it_records() -> None:
    case = a_case(
        step="besluit",
        open_obligations=[
            {"code": "ouders_informeren", "text": "Informeer de ouders.", "due_on": None},
            {"code": "melden_veilig_thuis", "text": "Meld bij Veilig Thuis.", "due_on": None},
        ],
        allowed_actions=allowed_actions(
            {"parents-informed", "parents-informing-exception", "reporter-anonymity", "help"},
            {
                "veilig-thuis-report": "Informeer eerst de ouders over de voorgenomen melding bij Veilig Thuis."
            },
        ),
    )
    fake = case_services(case)
    with logged_in(fake) as client:
        html = client.get(f"/zaken/{CASE_ID}").text
        form = client.get(f"/zaken/{CASE_ID}/stap/melding-veilig-thuis").text
    shown, greyed = actions_on(html)
    assert "melding-veilig-thuis" in greyed and "ouders-geinformeerd" in shown
    assert "Informeer eerst de ouders over de voorgenomen melding" in html
    assert "Melding bij Veilig Thuis vastleggen" in form and "Melding doen" not in form


def test_a_closed_case_offers_reopening_only() -> None:
    case = a_case(step="gesloten", allowed_actions=allowed_actions({"reopen", "pupil-left-school"}, {}))
    fake = case_services(case)
    with logged_in(fake) as client:
        html = client.get(f"/zaken/{CASE_ID}").text
    shown, greyed = actions_on(html)
    assert shown == {"heropenen", "leerling-vertrokken"}
    assert not greyed
    assert "Collegiale consultatie vastleggen" not in html


def test_step_5_has_one_heading_and_the_footer_counts_six_steps() -> None:
    fake = case_services(a_case(allowed_actions=allowed_actions(set(COMMANDS), {})))
    with logged_in(fake) as client:
        html = client.get(f"/zaken/{CASE_ID}").text
    assert html.count('<h3 class="utrecht-heading-4">Stap 5') == 1
    assert "vijf stappen" not in html and "zes stappen" in html


def test_step_2_is_not_done_without_a_recorded_consultation_and_done_with_one() -> None:
    fake = case_services(a_case(step="weging"))
    fake.on(
        "GET",
        f"/cases/{CASE_ID}/history",
        body=[
            {
                "event_type": "ParentsConversationHeld",
                "actor_id": "ib-bram",
                "actor_role": "intern_begeleider",
                "occurred_at": "2026-11-03T09:00:00Z",
                "version": 2,
                "details": {},
            },
        ],
    )
    with logged_in(fake) as client:
        html = client.get(f"/zaken/{CASE_ID}").text
        assert 'data-state="not_recorded">Stap 2: Collegiale consultatie' in html
        assert "geen consultatie vastgelegd" in html
        assert 'data-state="done">Stap 3: Gesprek met ouders' in html
        fake.on(
            "GET",
            f"/pupils/{PUPIL_ID}/chronology",
            body={
                "pupil": {},
                "entries": [{"event_type": "ColleagueConsulted"}],
            },
        )
        html = client.get(f"/zaken/{CASE_ID}").text
        assert 'data-state="done">Stap 2: Collegiale consultatie' in html


def test_the_consultation_opened_from_a_case_returns_to_the_case() -> None:
    fake = case_services(a_case(step="geopend"))
    fake.on("POST", f"/pupils/{PUPIL_ID}/consultations", body={})
    with logged_in(fake) as client:
        case_page = client.get(f"/zaken/{CASE_ID}").text
        link = f"/leerlingen/{PUPIL_ID}/stap/consultatie?zaak={CASE_ID}"
        assert link in case_page
        form = client.get(link).text
        assert f'href="/zaken/{CASE_ID}">Annuleren' in form.replace("\n", "")
        done = client.post(
            link,
            data={
                "csrf_token": csrf_of(client, link),
                "consulted_on": "2026-11-02",
                "consulted_name": "Jet",
                "consulted_role": "jgz",
                "organisation": "JGZ",
                "advice": "Gesprek met ouders.",
            },
        )
    assert done.status_code == 303
    assert done.headers["location"] == f"/zaken/{CASE_ID}?vastgelegd=consultatie"


def test_the_decision_form_takes_questions_1_and_2_from_the_weighing_and_offers_only_possible_outcomes() -> (
    None
):
    case = a_case(
        step="weging",
        weighing={
            "q1_suspicion": True,
            "q2_acute_unsafety": False,
            "q2_structural_unsafety": True,
            "q2_acute_or_structural_unsafety": True,
        },
        possible_outcomes=["report", "report_and_help"],
    )
    fake = case_services(case)
    with logged_in(fake) as client:
        html = client.get(f"/zaken/{CASE_ID}/stap/afwegingskader").text
    assert html.count('data-from-weighing="true"') == 2
    assert '<input type="hidden" name="q1_suspicion" value="ja">' in html
    assert '<input type="hidden" name="q2_acute_or_structural_unsafety" value="ja">' in html
    assert 'value="help"' not in html and 'value="no_suspicion_close"' not in html
    assert 'value="report_and_help"' in html


def test_the_two_required_participants_of_the_weighing_are_not_labelled_optional() -> None:
    fake = case_services(a_case(step="gesprek_ouders"))
    with logged_in(fake) as client:
        html = client.get(f"/zaken/{CASE_ID}/stap/weging").text
    label = '<label class="utrecht-form-label" for="participant_name_{}">Naam deelnemer {}'
    assert label.format(0, 1) + "</label>" in html
    assert label.format(2, 3) + ' <span class="portal-optional">(niet verplicht)</span>' in html


def test_a_zorgteam_member_is_chosen_from_the_staff_directory_by_name() -> None:
    fake = case_services(a_case())
    fake.on("GET", "/schools/12AB/staff", body=staff_directory(("zorgteam",)))
    with logged_in(fake) as client:
        html = client.get(f"/zaken/{CASE_ID}/stap/zorgteam-uitnodigen").text
    assert '<select class="utrecht-select' in html and '<option value="jgz-jet"' in html
    assert "Jet de Jong" in html and "(gebruikers-id)" not in html
    (asked,) = [r for r in fake.requests if r.url.path == "/schools/12AB/staff"]
    assert asked.url.params.get_list("role") == ["zorgteam"]


def test_without_the_directory_a_person_is_typed_as_a_user_id_with_a_hint() -> None:
    for status, answer in (
        (503, {"title": "Niet beschikbaar"}),
        (500, {"title": "Fout"}),
        (200, {"items": []}),
    ):
        fake = case_services(a_case())
        fake.on("GET", "/schools/12AB/staff", status=status, body=answer)
        with logged_in(fake) as client:
            html = client.get(f"/zaken/{CASE_ID}/stap/zorgcoordinator").text
        assert 'name="coordinator_id"' in html and "Zorgcoördinator (gebruikers-id)" in html
        assert "De medewerkerslijst van de school is nu niet beschikbaar" in html


def test_the_case_page_shows_people_by_name_in_one_call_and_an_unknown_one_as_such() -> None:
    case = a_case(
        case_owner_id="ib-bram",
        zorgteam_members=[{"member_id": "jgz-jet", "organisation": "JGZ"}],
        care_coordinator_id="gone-gerda",
    )
    fake = case_services(case)
    fake.on(
        "GET",
        f"/cases/{CASE_ID}/history",
        body=[
            {
                "event_type": "ZorgteamMemberInvited",
                "actor_id": "ib-bram",
                "actor_role": "intern_begeleider",
                "occurred_at": "2026-11-03T09:00:00Z",
                "version": 2,
                "details": {"member_id": "jgz-jet"},
            },
        ],
    )
    fake.on("GET", "/staff", body=staff_names(["ib-bram", "jgz-jet"]))
    with logged_in(fake) as client:
        html = client.get(f"/zaken/{CASE_ID}").text
    shown = text_of(html)
    assert "Casushouder: Bram Bakker" in shown
    assert "Zorgteam: Jet de Jong (JGZ)" in shown and "Zorgcoördinator: Onbekende medewerker" in shown
    assert "jgz-jet" not in shown and "gone-gerda" not in shown  # (the header names the logged-in user)
    assert "Bram Bakker (Intern begeleider" in shown or "Bram Bakker (IB" in shown
    assert "Zorgteamlid Jet de Jong" in shown
    (asked,) = [r for r in fake.requests if r.url.path == "/staff"]
    assert asked.url.params.get_list("user_id") == ["gone-gerda", "ib-bram", "jgz-jet"]


def test_the_casushouder_of_a_new_case_is_chosen_among_the_schools_ib_ers_with_oneself_chosen() -> None:
    signal = "0b6f2a9e-1c3d-4e5f-8a7b-6c5d4e3f2a10"
    fake = case_services(a_case())
    fake.on("GET", f"/pupils/{PUPIL_ID}/signals", body=[{"signal_id": signal, "observed_on": "2026-10-20"}])
    fake.on("GET", "/schools/12AB/staff", body=staff_directory(("intern_begeleider",)))
    with logged_in(fake) as client:
        html = client.get(f"/leerlingen/{PUPIL_ID}/zaak-openen").text
    assert '<select class="utrecht-select' in html
    assert re.search(r'<option value="ib-bram"\s+selected', html), html
    assert "Bram Bakker" in html and "casus-eigenaar" not in html.lower()
