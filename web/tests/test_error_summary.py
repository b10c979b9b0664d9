"""The error summary of a refused form (NL Design System / GOV.UK pattern): at the top, before the
fields, with the heading "Er is een probleem", the rule's message and a link to every field in
error; it takes focus on load (tabindex=-1 and the static script), the message also at the field."""

from __future__ import annotations

import re
from dataclasses import dataclass

from meldcode_web.templating import templates

from .shell_fakes import FakeServices, csrf_of, log_in, portal

PUPIL = "0b6a7f52-8c4e-4a57-9d2c-2d6f8f7b0a11"
PUPIL_BODY = {"pupil_id": PUPIL, "given_name": "Sanne", "family_name": "Jansen", "pupil_number": "123",
              "school": "12AB", "date_of_birth": "2014-03-09"}  # fmt: skip
FORM = {
    "observed_on": "2026-01-05",
    "description": "Kwam zonder jas naar school.",
    "interpretation": "",
    "source_kind": "own_observation",
    "source_name": "",
    "categories": ["neglect"],
}


def teacher_with(services: FakeServices):  # type: ignore[no-untyped-def]
    services.on("GET", f"/pupils/{PUPIL}", body=PUPIL_BODY)
    client, _, _ = portal(services=services)
    log_in(client)
    return client


@dataclass(frozen=True)
class Refusal:
    title: str
    detail: str


@dataclass(frozen=True)
class Field:
    name: str
    label: str


def render(source: str, **context: object) -> str:
    return templates.env.from_string(
        '{% from "macros/forms.html" import error_summary, problem %}' + source
    ).render(**context)


def test_nothing_is_shown_without_a_refusal_or_a_field_error() -> None:
    assert render("{{ error_summary(None, {}) }}").strip() == ""


def test_the_summary_has_the_heading_the_rule_and_a_link_per_field_with_its_label() -> None:
    html = render(
        "{{ problem(p, errors, fields=fields) }}",
        p=Refusal("Deze stap kan nog niet", "Informeer eerst de ouders."),
        errors={"summary": "Vul dit veld in.", "signal_ids": "Vul minstens één in."},
        fields=[Field("summary", "Samenvatting"), Field("signal_ids", "Signalen")],
    )
    assert 'tabindex="-1"' in html and "data-error-summary" in html
    assert "Er is een probleem" in html and "Informeer eerst de ouders." in html
    assert '<a class="utrecht-link" href="#summary">Samenvatting: Vul dit veld in.</a>' in html
    assert '<a class="utrecht-link" href="#signal_ids">Signalen: Vul minstens één in.</a>' in html


def test_a_group_of_choices_can_be_linked_to_by_its_name() -> None:
    html = render(
        '{% from "macros/forms.html" import checkboxes %}{{ checkboxes("source_kind", "Van wie?", '
        '[("own", "Eigen waarneming")], error="Kies er een.", type="radio", required=True) }}'
    )
    assert re.search(r'<fieldset id="source_kind"', html)


def test_the_teachers_form_shows_the_summary_before_the_fields_with_links_that_find_their_field() -> None:
    client = teacher_with(FakeServices())
    response = client.post(
        f"/leerkracht/leerlingen/{PUPIL}/signaal",
        data={**FORM, "description": "", "observed_on": "", "source_kind": "", "csrf_token": csrf_of(client)},
    )
    html = response.text
    assert response.status_code == 422
    summary_at, form_at = (
        html.index("data-error-summary"),
        html.index(f'action="/leerkracht/leerlingen/{PUPIL}/signaal"'),
    )
    assert summary_at < form_at, "the summary comes before the form's fields"
    links = re.findall(r'<a class="utrecht-link" href="#([a-z_]+)">', html[summary_at:form_at])
    assert links == ["observed_on", "description", "source_kind"]
    for field_id in links:
        assert f'id="{field_id}"' in html[form_at:], f"#{field_id} leads to a field"
    # the message also at the field, tied to it
    assert 'id="description-error"' in html and re.search(r'aria-describedby="[^"]*description-error"', html)
    assert '<script src="/static/js/error-summary.js" defer></script>' in html


def test_a_rule_refusal_is_at_the_top_of_the_teachers_form_not_in_the_side_column() -> None:
    services = FakeServices()
    services.on(
        "POST",
        f"/pupils/{PUPIL}/signals",
        status=422,
        body={"title": "Niet toegestaan volgens de Meldcode", "status": 422,
              "detail": "Noem de derde van wie de informatie komt.", "rule": "rule-1-source-named"},
    )  # fmt: skip
    client = teacher_with(services)
    html = client.post(
        f"/leerkracht/leerlingen/{PUPIL}/signaal", data={**FORM, "csrf_token": csrf_of(client)}
    ).text
    detail_at = html.index("Noem de derde van wie de informatie komt.")
    assert detail_at < html.index(f'action="/leerkracht/leerlingen/{PUPIL}/signaal"')
    assert detail_at > html.index("Er is een probleem")
    aside = html[html.index("<aside") :]
    assert "Noem de derde" not in aside
