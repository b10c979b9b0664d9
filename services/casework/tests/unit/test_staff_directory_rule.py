"""Rule 17 without I/O: a command naming a person who is not listed in the school's staff directory
is refused (once the school keeps one), and a leerkracht is not invited into the zorgteam. The use
cases run over the in-memory event store with a fake of the directory (`CaseFacts.staff_directory`)."""

from __future__ import annotations

import re
import types
import typing
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

import pytest

from casework import commands
from casework.application import CaseworkApplication
from casework.domain.case import Case, KnownSignal
from casework.domain.errors import PersonNotInStaffDirectory, ZorgteamMemberNotCareStaff
from casework.domain.staff_directory import NamedPerson, StaffDirectory, check_people_named
from meldcode_edge.acting import Acting

TENANT = "swv-zuid"
SCHOOL = "12AB"
OTHER_SCHOOL = "34CD"
IB = Acting(user_id="ib-1", role="intern_begeleider", tenant=TENANT, correlation_id="corr-1")


@dataclass
class FakeDirectories:
    """The schools' staff directories as a test sets them: school -> {user id: role or None}, None
    for a delisted person; a school absent keeps no directory."""

    listings: dict[str, dict[str, str | None]] = field(default_factory=dict)
    known: list[KnownSignal] = field(default_factory=list)
    asked: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)

    async def date_of_birth(self, pupil_id: uuid.UUID) -> date | None:
        return None

    async def signals(self, signal_ids: Sequence[uuid.UUID]) -> list[KnownSignal]:
        return [s for s in self.known if s.signal_id in signal_ids]

    async def tenant_of_school(self, school: str, case_tenant: str) -> str | None:
        return TENANT

    async def jgz_organisation(self, tenant: str) -> str | None:
        return None

    async def staff_directory(self, tenant: str, school: str, user_ids: Collection[str]) -> StaffDirectory:
        self.asked.append((tenant, school, tuple(user_ids)))
        listed = self.listings.get(school)
        if listed is None:
            return StaffDirectory(school=school, kept=False, roles={})
        roles = {u: r for u, r in listed.items() if u in user_ids and r is not None}
        return StaffDirectory(school=school, kept=True, roles=roles)


class AnySchool:
    def require_school(self, tenant: str, school: str) -> None:
        return None


STAFF = {"ib-1": "intern_begeleider", "jgz-arts": "zorgteam", "lk-anna": "leerkracht", "ib-weg": None}


async def opened(directories: FakeDirectories) -> tuple[CaseworkApplication, Case]:
    app = CaseworkApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, facts=directories)
    pupil = uuid.uuid4()
    signal = KnownSignal(uuid.uuid4(), pupil, TENANT, SCHOOL)
    directories.known.append(signal)
    case = await app.open_case(
        commands.OpenCase(pupil_id=pupil, signal_ids=[signal.signal_id]), IB, access=AnySchool()
    )
    return app, case


# --- the rule, in the domain -----------------------------------------------------------------------


def test_a_school_without_a_directory_is_not_checked() -> None:
    check_people_named(
        [NamedPerson("wie-dan-ook", in_zorgteam=True)],
        SCHOOL,
        {SCHOOL: StaffDirectory(school=SCHOOL, kept=False, roles={})},
    )


def test_a_person_not_listed_now_is_refused_with_the_school_named() -> None:
    directory = StaffDirectory(school=SCHOOL, kept=True, roles={"ib-1": "intern_begeleider"})
    with pytest.raises(PersonNotInStaffDirectory) as refused:
        directory.check(NamedPerson("Zoë Visser"))
    assert refused.value.rule == "rule-17-person-in-staff-directory"
    assert refused.value.status == 409
    assert "staat niet in het personeelsoverzicht van school 12AB" in refused.value.message
    assert refused.value.details == {"user_id": "Zoë Visser", "school": SCHOOL}


@pytest.mark.parametrize("role", ["leerkracht", "beheerder", "auditor"])
def test_only_care_staff_is_invited_into_the_zorgteam(role: str) -> None:
    directory = StaffDirectory(school=SCHOOL, kept=True, roles={"x": role})
    directory.check(NamedPerson("x"))  # named elsewhere: fine
    with pytest.raises(ZorgteamMemberNotCareStaff) as refused:
        directory.check(NamedPerson("x", in_zorgteam=True))
    assert refused.value.rule == "rule-17-zorgteam-member-is-care-staff"


@pytest.mark.parametrize("role", ["zorgteam", "intern_begeleider"])
def test_care_staff_is_invited_into_the_zorgteam(role: str) -> None:
    StaffDirectory(school=SCHOOL, kept=True, roles={"x": role}).check(NamedPerson("x", in_zorgteam=True))


# --- the rule in the use cases -----------------------------------------------------------------------


async def test_an_invitation_of_someone_not_listed_is_refused_and_nothing_is_saved() -> None:
    directories = FakeDirectories({SCHOOL: dict(STAFF)})
    app, case = await opened(directories)
    for nobody in ("Zoë Visser", "ib-weg"):  # never listed; delisted
        with pytest.raises(PersonNotInStaffDirectory):
            await app.invite_to_zorgteam(case, commands.InviteToZorgteam(member_id=nobody), IB)
    with pytest.raises(ZorgteamMemberNotCareStaff):
        await app.invite_to_zorgteam(case, commands.InviteToZorgteam(member_id="lk-anna"), IB)
    assert app.get_case(case.id).version == case.version
    invited = await app.invite_to_zorgteam(case, commands.InviteToZorgteam(member_id="jgz-arts"), IB)
    assert invited.zorgteam_members == {"jgz-arts": None}
    assert (TENANT, SCHOOL, ("jgz-arts",)) in directories.asked


async def test_without_a_directory_the_school_is_not_checked() -> None:
    app, case = await opened(FakeDirectories({OTHER_SCHOOL: dict(STAFF)}))
    invited = await app.invite_to_zorgteam(case, commands.InviteToZorgteam(member_id="Zoë Visser"), IB)
    assert "Zoë Visser" in invited.zorgteam_members


async def test_a_case_owner_named_at_opening_is_checked() -> None:
    directories = FakeDirectories({SCHOOL: dict(STAFF)})
    pupil = uuid.uuid4()
    signal = KnownSignal(uuid.uuid4(), pupil, TENANT, SCHOOL)
    directories.known.append(signal)
    app = CaseworkApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, facts=directories)
    with pytest.raises(PersonNotInStaffDirectory):
        await app.open_case(
            commands.OpenCase(pupil_id=pupil, signal_ids=[signal.signal_id], case_owner_id="ib-weg"),
            IB,
            access=AnySchool(),
        )


async def test_a_transfer_names_the_new_owner_at_the_school_the_case_goes_to() -> None:
    directories = FakeDirectories({SCHOOL: dict(STAFF), OTHER_SCHOOL: {"ib-nieuw": "intern_begeleider"}})
    app, case = await opened(directories)
    transfer = {"to_school": OTHER_SCHOOL, "legal_basis": "", "legal_basis_explanation": "Verhuisd."}
    with pytest.raises(PersonNotInStaffDirectory) as refused:
        await app.transfer_case(case, commands.TransferCase(**transfer, new_case_owner_id="ib-1"), IB)
    assert refused.value.details["school"] == OTHER_SCHOOL


async def test_withdrawing_the_invitation_of_someone_who_left_stays_possible() -> None:
    directories = FakeDirectories({SCHOOL: dict(STAFF)})
    app, case = await opened(directories)
    case = await app.invite_to_zorgteam(case, commands.InviteToZorgteam(member_id="jgz-arts"), IB)
    directories.listings[SCHOOL]["jgz-arts"] = None  # delisted
    case = await app.withdraw_zorgteam_invitation(
        case, commands.WithdrawZorgteamInvitation(member_id="jgz-arts"), IB
    )
    assert case.zorgteam_members == {}


# --- which fields name a person ---------------------------------------------------------------------

PERSON_FIELD = re.compile(r"(_id|_by|^who_\w+|_owner_id)$")
NOT_CHECKED = {
    ("WithdrawZorgteamInvitation", "member_id"): "a delisted member's invitation must be withdrawable",
}


def _command_types() -> list[type]:
    return [
        c
        for c in vars(commands).values()
        if isinstance(c, type) and c.__module__ == commands.__name__ and hasattr(c, "model_fields")
    ]


def _is_text(annotation: object) -> bool:
    args = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else (annotation,)
    return str in args


def test_every_field_holding_a_user_id_is_checked_or_says_why_not() -> None:
    """A new field naming a person must be added to its command's `people_named` (or here)."""
    for command in _command_types():
        for name, info in command.model_fields.items():
            if not PERSON_FIELD.search(name) or not _is_text(info.annotation):
                continue
            if (command.__name__, name) in NOT_CHECKED:
                continue
            instance = command.model_construct(
                **{n: ("persoon-x" if n == name else None) for n in command.model_fields}
            )
            named = [p.user_id for p in instance.people_named()]
            assert "persoon-x" in named, f"{command.__name__}.{name} names a person but is not checked"
