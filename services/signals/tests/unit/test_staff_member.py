"""The staff directory's listing of one person at one school: no I/O."""

import pytest

from meldcode_contracts.staff import staff_member_id
from signals.application.staff_import import read_staff_csv
from signals.domain.errors import StaffEmailInvalid, StaffImportMalformed, StaffRoleNotListable
from signals.domain.staff import StaffMember

BY = {"actor_id": "coordinator-carla", "actor_role": "beheerder", "correlation_id": "c-1"}


def listed(**overrides: object) -> StaffMember:
    details = {"name": "Bram  Bakker", "role": "intern_begeleider", "email": "Bram@School.example"}
    return StaffMember.first_listing(
        member_id=staff_member_id("12AB", "ib-bram"),
        tenant="swv-zuid",
        school="12AB",
        user_id="ib-bram",
        **{**details, **overrides},
        **BY,  # type: ignore[arg-type]
    )


def test_a_listing_is_the_contract_subject_and_tidies_name_and_email() -> None:
    member = listed()
    assert member.id == staff_member_id("12AB", "ib-bram")
    assert (member.name, member.email, member.listed) == ("Bram Bakker", "bram@school.example", True)


def test_listing_the_same_details_again_records_nothing() -> None:
    member = listed()
    member.collect_events()
    assert (
        member.list(name="Bram Bakker ", role="intern_begeleider", email="bram@school.example", **BY) is False
    )
    assert member.collect_events() == []


def test_a_changed_role_is_listed_again() -> None:
    member = listed()
    member.collect_events()
    assert member.list(name="Bram Bakker", role="leerkracht", email=None, **BY) is True
    events = member.collect_events()
    assert [type(e) for e in events] == [StaffMember.Listed]
    assert (member.role, member.email) == ("leerkracht", None)


def test_delisting_is_recorded_once_and_relisting_works() -> None:
    member = listed()
    member.collect_events()
    assert member.delist(**BY) is True
    assert member.delist(**BY) is False
    assert [type(e) for e in member.collect_events()] == [StaffMember.Delisted]
    assert member.list(name="Bram Bakker", role="intern_begeleider", email="bram@school.example", **BY)
    assert member.listed


def test_an_auditor_or_unknown_role_is_not_listed_at_a_school() -> None:
    with pytest.raises(StaffRoleNotListable):
        listed(role="auditor")
    with pytest.raises(StaffRoleNotListable):
        listed(role="conciërge")


def test_an_impossible_email_is_refused() -> None:
    with pytest.raises(StaffEmailInvalid):
        listed(email="bram at school")


def test_a_csv_with_semicolons_and_a_dutch_header_is_read() -> None:
    data = "Gebruikersnaam;Naam;Rol;E-mail\nib-bram;Bram Bakker;IB'er;bram@school.example\nleerkracht-anna;Anna de Leerkracht;leerkracht;\n"
    rows = read_staff_csv(data.encode(), school="12AB")
    assert [(r.row, r.command.user_id, r.command.role, r.command.email) for r in rows] == [
        (2, "ib-bram", "intern_begeleider", "bram@school.example"),
        (3, "leerkracht-anna", "leerkracht", None),
    ]


def test_a_csv_with_commas_and_an_english_header_is_read() -> None:
    rows = read_staff_csv(b"\xef\xbb\xbfname,user_id,role\nAnna,leerkracht-anna,leerkracht\n", school="12AB")
    assert [r.command.name for r in rows] == ["Anna"]


def test_a_csv_names_every_bad_row_and_reads_nothing() -> None:
    data = "naam;gebruikersnaam;rol\nAnna;leerkracht-anna;leerkracht\n;x;leerkracht\nKees;kees;auditor\nTe;veel;leerkracht;kolommen\n"
    with pytest.raises(StaffImportMalformed) as refused:
        read_staff_csv(data.encode(), school="12AB")
    assert [r["row"] for r in refused.value.rows] == [3, 4, 5]
    assert refused.value.rows[1]["rule"] == "staff-role"


def test_a_csv_without_the_needed_columns_is_refused() -> None:
    with pytest.raises(StaffImportMalformed, match="rol"):
        read_staff_csv(b"naam;gebruikersnaam\nAnna;anna\n", school="12AB")
