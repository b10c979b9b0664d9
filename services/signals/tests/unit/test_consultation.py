"""Step 2, collegiale consultatie (rule 3), without any I/O."""

import uuid
from datetime import date

import pytest

from signals.domain.anonymity import RegisteredPupil
from signals.domain.consultation import AdviceRequest, Consultation
from signals.domain.errors import AdviceRequestIdentifiesPupil, ConsultationNeedsContent
from signals.translation import to_contract_event

TODAY = date(2026, 11, 29)
ACT = {"actor_id": "ib-1", "actor_role": "intern_begeleider", "correlation_id": "c"}
PUPIL = uuid.uuid4()
REGISTERED = RegisteredPupil(
    given_name="Sanne", family_name="de Vries", pupil_number="L-1001", date_of_birth=date(2013, 5, 14)
)


def consult(**changes: object) -> Consultation:
    fields: dict[str, object] = {
        "consulted_on": TODAY,
        "consulted_name": "Jeugdverpleegkundige Petra",
        "consulted_role": "jeugdverpleegkundige",
        "organisation": "JGZ",
        "advice": "Breng de signalen in het zorgteam.",
        "signal_ids": [],
    }
    fields.update(changes)
    return Consultation.record(tenant="swv-zuid", school="12AB", pupil_id=PUPIL, today=TODAY, **fields, **ACT)  # type: ignore[arg-type]


def ask(question: str, advice: str = "Bespreek het met de ouders.") -> AdviceRequest:
    return AdviceRequest.request(
        tenant="swv-zuid",
        school="12AB",
        pupil_id=PUPIL,
        pupil=REGISTERED,
        requested_on=TODAY,
        veilig_thuis_region="Zuid",
        question=question,
        advice=advice,
        today=TODAY,
        **ACT,
    )


def test_a_consultation_records_who_was_consulted_in_which_role_and_organisation_and_the_advice() -> None:
    consultation = consult()
    assert (consultation.consulted_role, consultation.organisation) == ("jeugdverpleegkundige", "JGZ")
    event = to_contract_event(consultation.collect_events()[0])
    assert event is not None and event.event_type == "ColleagueConsulted"
    assert event.subject_id == PUPIL


@pytest.mark.parametrize("missing", ["consulted_name", "consulted_role", "organisation", "advice"])
def test_a_consultation_without_who_role_organisation_or_advice_is_refused(missing: str) -> None:
    with pytest.raises(ConsultationNeedsContent):
        consult(**{missing: "  "})


def test_an_anonymous_advice_request_goes_out_without_anything_that_identifies_the_pupil() -> None:
    request = ask("Meisje van 13 met herhaald letsel en angst om naar huis te gaan. Wat adviseert u?")
    event = to_contract_event(request.collect_events()[0])
    assert event is not None and event.event_type == "VeiligThuisAdviceRequested"
    wire = event.model_dump_json()
    assert str(PUPIL) not in wire
    assert event.subject_id == request.id


@pytest.mark.parametrize(
    "question",
    [
        "Sanne komt met blauwe plekken op school.",
        "Leerling de vries heeft letsel.",
        "Leerling L-1001 heeft letsel.",
        "Geboren 14-05-2013, letsel gezien.",
        "Geboren 14 mei 2013, letsel gezien.",
        "Geboren 14-5-2013, letsel gezien.",
        "Geboren 2013/05/14, letsel gezien.",
        "S. de Vries heeft letsel.",
    ],
)
def test_an_advice_request_that_names_the_pupil_is_refused(question: str) -> None:
    with pytest.raises(AdviceRequestIdentifiesPupil):
        ask(question)


def test_advice_from_veilig_thuis_that_names_the_pupil_is_refused_too() -> None:
    with pytest.raises(AdviceRequestIdentifiesPupil):
        ask("Meisje met letsel.", advice="Voer een gesprek met Sanne en haar moeder.")
