"""The casework forms as data: from typed text to the API's body, the service's validation errors
in Dutch, and which afwegingskader question the guide shows next."""

from __future__ import annotations

from meldcode_web.pages.casework_afwegingskader import guided
from meldcode_web.pages.casework_forms import FORMS, body_of, field_errors, initial_values
from meldcode_web.pages.casework_labels import fact_lines
from meldcode_web.pages.casework_views import checklist


def shown_numbers(values: dict[str, str]) -> list[int]:
    return [s.question.number for s in guided(values)]


def test_the_guide_starts_with_question_1_only() -> None:
    assert shown_numbers({}) == [1]


def test_the_guide_asks_nothing_more_after_no_suspicion() -> None:
    assert shown_numbers({"q1_suspicion": "nee", "q2_acute_or_structural_unsafety": "ja"}) == [1]


def test_the_guide_stops_at_acute_or_structural_unsafety_and_at_a_no_to_question_3_or_4() -> None:
    assert shown_numbers({"q1_suspicion": "ja", "q2_acute_or_structural_unsafety": "ja"}) == [1, 2]
    assert shown_numbers(
        {"q1_suspicion": "ja", "q2_acute_or_structural_unsafety": "nee", "q3_sufficient_help_possible": "nee"}
    ) == [1, 2, 3]
    assert shown_numbers(
        {
            "q1_suspicion": "ja",
            "q2_acute_or_structural_unsafety": "nee",
            "q3_sufficient_help_possible": "ja",
            "q4_help_accepted": "ja",
        }
    ) == [1, 2, 3, 4, 5]


def test_lines_become_a_list_and_empty_optional_fields_are_left_out() -> None:
    values = initial_values(FORMS["hulp"], today="2026-11-29", user_id="ib-bram", version=6)
    values.update({"help_description": "Gezinscoach.", "providers": "wijkteam\n\n  GGD  \n"})

    assert body_of(FORMS["hulp"], values) == {
        "help_description": "Gezinscoach.",
        "providers": ["wijkteam", "GGD"],
        "expected_version": 6,
    }


def test_empty_required_fields_are_still_sent_so_the_service_names_what_is_missing() -> None:
    values = initial_values(FORMS["afsluiten"], today="2026-11-29", user_id="ib-bram")

    assert body_of(FORMS["afsluiten"], values) == {"reason": ""}


def test_defaults_fill_in_today_and_the_user() -> None:
    values = initial_values(FORMS["ouders-geinformeerd"], today="2026-11-29", user_id="ib-bram")

    assert values["informed_on"] == "2026-11-29"
    assert values["informed_by"] == "ib-bram"


def test_validation_errors_are_named_per_field_in_dutch() -> None:
    errors = field_errors(
        [
            {"field": "participants.1.discipline", "message": "Input should be ...", "type": "enum"},
            {"field": "evaluation_on", "message": "Field required", "type": "missing"},
            {"field": "severity", "message": "?", "type": "something_new"},
        ]
    )

    assert errors == {
        "participants": "Kies een van de mogelijkheden.",
        "evaluation_on": "Vul dit veld in.",
        "severity": "Controleer dit veld.",
    }


def test_an_unknown_obligation_is_still_shown_with_the_services_text() -> None:
    [entry] = checklist([{"code": "iets_nieuws", "text": "Doe iets nieuws."}])

    assert (entry.question, entry.text, entry.form) == ("iets_nieuws", "Doe iets nieuws.", None)


def test_facts_show_choices_and_days_in_dutch_and_leave_ids_out() -> None:
    lines = fact_lines(
        {"outcome": "report_and_help", "informed_on": "2026-03-04", "case_id": "x", "q1_suspicion": True}
    )

    assert ("Uitkomst", "Melden bij Veilig Thuis én hulp bieden") in lines
    assert ("Geïnformeerd op", "4 maart 2026") in lines
    assert ("Vraag 1: vermoeden", "ja") in lines
    assert all(label != "case_id" for label, _ in lines)
