"""The portal names steps and outcomes in the words of the shared vocabulary: one truth for every
screen, the services and the documents."""

from __future__ import annotations

from meldcode_contracts.vocabulary import OUTCOME_LABELS, STEP_LABELS, CaseStep, Outcome
from meldcode_web.pages.casework_forms import OUTCOMES as OUTCOME_OPTIONS
from meldcode_web.pages.casework_labels import CHOICE_LABELS, step_view
from meldcode_web.pages.oversight_labels import OPEN_STEPS, OUTCOMES, STEPS, label


def test_the_oversight_and_casework_screens_use_the_vocabularys_step_labels() -> None:
    assert dict(STEPS) == dict(STEP_LABELS)
    assert tuple(s.value for s in CaseStep if s is not CaseStep.CLOSED) == OPEN_STEPS
    for step in CaseStep:
        assert step_view(step).label == STEP_LABELS[step]


def test_the_outcomes_have_one_dutch_label_on_every_screen_and_in_the_decision_form() -> None:
    assert dict(OUTCOMES) == dict(OUTCOME_LABELS)
    assert {o: CHOICE_LABELS[o] for o in Outcome} == dict(OUTCOME_LABELS)
    assert tuple((o.value, OUTCOME_LABELS[o]) for o in Outcome) == OUTCOME_OPTIONS


def test_a_step_or_outcome_of_a_newer_casework_is_shown_as_its_code() -> None:
    assert label(STEPS, "stap_van_morgen") == "stap_van_morgen"
    assert label(OUTCOMES, "uitkomst_van_morgen") == "uitkomst_van_morgen"
    assert step_view("stap_van_morgen").label == "stap_van_morgen"
