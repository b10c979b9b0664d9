"""The shared vocabulary: every term has its Dutch, and a code this version does not know is shown as it is."""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import meldcode_vocabulary as vocabulary
from meldcode_vocabulary import (
    OBLIGATION_TEXTS,
    OUTCOME_LABELS,
    REPORTING_OUTCOMES,
    STEP_LABELS,
    CaseStep,
    ObligationKind,
    Outcome,
    event_label,
    obligation_text,
    outcome_label,
    step_label,
)

PACKAGE = Path(vocabulary.__file__).parent


def test_every_step_outcome_and_obligation_has_its_own_dutch() -> None:
    assert set(STEP_LABELS) == set(CaseStep)
    assert set(OUTCOME_LABELS) == set(Outcome)
    assert set(OBLIGATION_TEXTS) == set(ObligationKind)
    for table in (STEP_LABELS, OUTCOME_LABELS, OBLIGATION_TEXTS):
        assert len(set(table.values())) == len(table)


@pytest.mark.parametrize("describe", [step_label, outcome_label, obligation_text])
def test_a_code_this_version_does_not_know_is_shown_as_it_is(describe: Callable[[str], str]) -> None:
    assert describe("nieuwe_code_van_later") == "nieuwe_code_van_later"


def test_a_known_code_reads_in_dutch() -> None:
    assert step_label("gesloten") == "Zaak gesloten"
    assert outcome_label(Outcome.REPORT) == "Melden bij Veilig Thuis"
    assert obligation_text("zorgcoordinator_aanwijzen") == "Wijs een zorgcoördinator aan."


def test_an_event_type_this_version_does_not_know_reads_as_an_event() -> None:
    assert event_label("CaseOpened") == "Zaak geopend"
    assert event_label("SomethingNew") == "Gebeurtenis"


def test_exactly_the_outcomes_that_report_are_the_reporting_outcomes() -> None:
    assert {o for o in Outcome if o.reports} == REPORTING_OUTCOMES
    assert {o for o in Outcome if o.helps} == {Outcome.HELP, Outcome.REPORT_AND_HELP}


def test_the_vocabulary_imports_only_the_standard_library() -> None:
    imported: set[str] = set()
    for module in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}


REPOSITORY = Path(__file__).resolve().parents[3]


def _logged_purposes() -> set[str]:
    """Every purpose a service logs a read under: the `action=` keyword given as a literal."""
    found: set[str] = set()
    for source in (REPOSITORY / "services").glob("*/src/**/*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                        found.add(str(keyword.value.value))
    return found


def test_every_purpose_a_service_logs_a_read_under_has_its_dutch_description() -> None:
    logged = _logged_purposes()
    assert {"pupil.search", "case.read", "signal.list"} <= logged, "the scan finds the services' reads"
    assert logged <= set(vocabulary.ACCESS_PURPOSES), logged - set(vocabulary.ACCESS_PURPOSES)
    assert len(set(vocabulary.ACCESS_PURPOSES.values())) == len(vocabulary.ACCESS_PURPOSES)


def test_a_purpose_this_version_does_not_know_is_described_without_its_code() -> None:
    assert vocabulary.access_purpose_label("pupil.search") == "Leerling gezocht (zoekresultaat)"
    assert "nieuw.doel" not in vocabulary.access_purpose_label("nieuw.doel")


def test_a_signal_status_reads_in_dutch() -> None:
    assert vocabulary.signal_status_label(vocabulary.SignalStatus.IN_CASE) == "Opgenomen in een zaak"
    assert set(vocabulary.SIGNAL_STATUS_LABELS) == set(vocabulary.SignalStatus)
