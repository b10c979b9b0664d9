"""The casework application: the use cases of steps 3-6 over the case state machine.

`CaseworkApplication` (an eventsourcing Application) is the repository, and it handles each command
(`casework.commands`) in a method of its own: gather the facts the command needs from outside the
case through the `CaseFacts` port, then, in a worker thread (the event store is synchronous; ADR
19), take the case (the version the caller saw, or loaded when the caller expects another), change
it (`case_changes`: the aggregate checks the Meldcode's rules) and save. The pupil's date of birth
is asked from that thread, and only when the rules need it (rule 8; `Day`).
Two people changing one case at once never lose an update: the second save fails on the version
(optimistic concurrency) and the caller gets the current version back.

After every command the case settles its published step and open obligations, with the due days
of its samenwerkingsverband's terms (ADR 18): an `ObligationsChanged` saved with the command's own
event, after it, or nothing when they did not change.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import TypeVar

import anyio
from eventsourcing.persistence import IntegrityError

from meldcode_edge.acting import Acting
from meldcode_servicekit.eventstore import MeldcodeApplication
from meldcode_servicekit.keystore import KeyStore
from meldcode_vocabulary.dutch_days import dutch_today

from .. import commands
from ..domain.case import Case
from ..domain.errors import CaseNotFound, StateConflict
from ..domain.staff_directory import NamedPerson, check_people_named, schools_of
from ..domain.terms import TermsBook
from . import case_changes as changes
from .case_changes import ActorArguments, Day, by
from .ports import CaseFacts, SchoolAccess

C = TypeVar("C")
T = TypeVar("T")
CommandT = TypeVar("CommandT", bound=commands.CaseCommand)
Change = Callable[[Case, Day, C, ActorArguments], T]
"""How a command changes a case (one of `case_changes`), given the day and who gives it."""

JGZ_SAVE_ATTEMPTS = 3


class CaseChangedConcurrently(StateConflict):
    rule = "concurrency"

    def __init__(self, current_version: int) -> None:
        super().__init__(
            f"De zaak is intussen door iemand anders gewijzigd (nu versie {current_version}); "
            "laad de zaak opnieuw en probeer het nog eens."
        )
        self.details = {"current_version": current_version}


class CaseworkApplication(MeldcodeApplication):
    name = "casework"
    snapshotting_intervals = {Case: 5}  # noqa: RUF012 - the library's configuration attribute

    def __init__(
        self,
        database_url: str | None = None,
        env: dict[str, str] | None = None,
        *,
        keystore: KeyStore | None = None,
        terms: TermsBook | None = None,
        facts: CaseFacts | None = None,
        today: Callable[[], date] = dutch_today,
    ) -> None:
        """`facts` are needed by the commands only: a process that only reads or stores cases (the
        CLI, the migration) goes without."""
        self.terms = terms or TermsBook()
        self._facts = facts
        self.today = today
        super().__init__(database_url, env, keystore=keystore)

    @property
    def facts(self) -> CaseFacts:
        if self._facts is None:
            raise RuntimeError("This CaseworkApplication was built without CaseFacts; commands need them.")
        return self._facts

    # --- queries ----------------------------------------------------------------------------------

    def get_case(self, case_id: uuid.UUID) -> Case:
        return self.get_or_raise(case_id, Case, CaseNotFound("Deze zaak is niet bekend."))

    def case_history(self, case_id: uuid.UUID) -> list[object]:
        """What happened in the case, in order (for the case page's history): every stored domain
        event but the bookkeeping of its published obligations, which the case view shows (the
        auditor's event list has every event)."""
        self.get_case(case_id)
        return [e for e in self.events.get(case_id) if not isinstance(e, Case.ObligationsChanged)]

    # --- how a command changes a case -------------------------------------------------------------

    async def _require_staff(self, tenant: str, case_school: str, people: Sequence[NamedPerson]) -> None:
        """Rule 17: the people a command names are listed at their school (a fact from the staff
        directory, awaited before the case is loaded; the caller's expected version still guards
        a case moved to another school meanwhile)."""
        if not people:
            return
        directories = {
            school: await self.facts.staff_directory(tenant, school, user_ids)
            for school, user_ids in schools_of(people, case_school).items()
        }
        check_people_named(people, case_school, directories)

    async def _change(
        self,
        seen: Case,
        command: C,
        acting: Acting,
        change: Change[C, T],
        *,
        expected_version: int | None,
        attempts: int = 1,
    ) -> tuple[Case, T]:
        """Change the case `seen` by `command` and save it, trying up to `attempts` times when
        someone else changed it meanwhile; `expected_version` (the version the caller saw) turns a
        stale screen into a 409 instead of a decision taken on outdated facts."""
        facts, pupil_id = self.facts, seen.pupil_id
        # Asked from the worker thread, on the event loop, only when the rules need it (rule 8).
        day = Day(self.today(), lambda: anyio.from_thread.run(facts.date_of_birth, pupil_id))
        attempt = 1
        while True:
            try:
                return await anyio.to_thread.run_sync(
                    lambda: self._save_change(seen, command, by(acting), change, day, expected_version)
                )
            except CaseChangedConcurrently:
                if attempt >= attempts:
                    raise
                attempt += 1

    def _save_change(
        self,
        seen: Case,
        command: C,
        actor: ActorArguments,
        change: Change[C, T],
        day: Day,
        expected_version: int | None,
    ) -> tuple[Case, T]:
        case = self._case_to_change(seen, expected_version)
        result = change(case, day, command, actor)
        born = day.pupil_date_of_birth if case.obligations_depend_on_date_of_birth(day.today) else None
        case.settle_obligations(terms=self.terms.of(case.tenant), on=day.today, pupil_date_of_birth=born)
        try:
            self.save(case)
        except IntegrityError:
            raise CaseChangedConcurrently(self.get_case(seen.id).version) from None
        return case, result

    def _case_to_change(self, seen: Case, expected_version: int | None) -> Case:
        """The case the command changes. When the caller expects the very version it holds in
        `seen` (loaded for its access check, or returned by its last command), that version is
        changed as it is (a copy, so a refused command leaves `seen` untouched: `Case.copy_to_change`): loading it again
        would give the same case, one round trip later. If someone saved a later version
        meanwhile, the save's insert of the next version conflicts and the caller gets the
        current version back, as when the load had shown it. Otherwise the case is loaded."""
        if expected_version is not None and expected_version == seen.version and not seen.pending_events:
            return seen.copy_to_change()
        case = self.get_case(seen.id)
        if expected_version is not None and expected_version != case.version:
            raise CaseChangedConcurrently(case.version)
        return case

    async def _command(
        self, seen: Case, command: CommandT, acting: Acting, change: Change[CommandT, object]
    ) -> Case:
        """A caller's command on the case as they saw it (`seen`, whose school they were allowed):
        a change in between (e.g. a transfer to another school) makes it fail, not slip through."""
        await self._require_staff(seen.tenant, seen.school, command.people_named())
        case, _ = await self._change(
            seen, command, acting, change, expected_version=command.expected_version or seen.version
        )
        return case

    # --- the use cases ------------------------------------------------------------------------------

    async def open_case(self, command: commands.OpenCase, acting: Acting, *, access: SchoolAccess) -> Case:
        found = await self.facts.signals(command.signal_ids)
        for signal in found:
            access.require_school(signal.tenant, signal.school)
        known = [s for s in found if s.tenant == acting.tenant]
        if known:  # without, opening is refused by rule 4
            await self._require_staff(known[0].tenant, known[0].school, command.people_named())
        today = self.today()

        def open_and_save() -> Case:
            case = changes.open_case(command, known, acting)
            case.settle_obligations(terms=self.terms.of(case.tenant), on=today)
            self.save(case)
            return case

        return await anyio.to_thread.run_sync(open_and_save)

    async def add_signals(
        self, seen: Case, command: commands.AddSignals, acting: Acting, *, access: SchoolAccess
    ) -> Case:
        """Signals of another samenwerkingsverband stay unknown; one of a school not the caller's
        is refused as when opening a case (rule 9)."""
        found = await self.facts.signals(command.signal_ids)
        known = [s for s in found if s.tenant == seen.tenant]
        for signal in known:
            access.require_school(signal.tenant, signal.school)
        return await self._command(seen, command, acting, partial(changes.add_signals, known_signals=known))

    async def change_owner(self, seen: Case, command: commands.ChangeOwner, acting: Acting) -> Case:
        return await self._command(seen, command, acting, changes.change_owner)

    async def invite_to_zorgteam(
        self, seen: Case, command: commands.InviteToZorgteam, acting: Acting
    ) -> Case:
        return await self._command(seen, command, acting, changes.invite_to_zorgteam)

    async def withdraw_zorgteam_invitation(
        self, seen: Case, command: commands.WithdrawZorgteamInvitation, acting: Acting
    ) -> Case:
        return await self._command(seen, command, acting, changes.withdraw_zorgteam_invitation)

    async def hold_parents_conversation(
        self, seen: Case, command: commands.HoldParentsConversation, acting: Acting
    ) -> Case:
        return await self._command(seen, command, acting, changes.hold_parents_conversation)

    async def skip_parents_conversation(
        self, seen: Case, command: commands.SkipParentsConversation, acting: Acting
    ) -> Case:
        return await self._command(seen, command, acting, changes.skip_parents_conversation)

    async def weigh_risk(self, seen: Case, command: commands.WeighRisk, acting: Acting) -> Case:
        return await self._command(seen, command, acting, changes.weigh_risk)

    async def make_decision(self, seen: Case, command: commands.MakeDecision, acting: Acting) -> Case:
        return await self._command(seen, command, acting, changes.make_decision)

    async def organise_help(self, seen: Case, command: commands.OrganiseHelp, acting: Acting) -> Case:
        return await self._command(seen, command, acting, changes.organise_help)

    async def inform_parents(self, seen: Case, command: commands.InformParents, acting: Acting) -> Case:
        return await self._command(seen, command, acting, changes.inform_parents)

    async def record_parents_informing_exception(
        self, seen: Case, command: commands.RecordParentsInformingException, acting: Acting
    ) -> Case:
        return await self._command(seen, command, acting, changes.record_parents_informing_exception)

    async def inform_child(self, seen: Case, command: commands.InformChild, acting: Acting) -> Case:
        return await self._command(seen, command, acting, changes.inform_child)

    async def record_child_informing_exception(
        self, seen: Case, command: commands.RecordChildInformingException, acting: Acting
    ) -> Case:
        return await self._command(seen, command, acting, changes.record_child_informing_exception)

    async def agree_reporter_anonymity(
        self, seen: Case, command: commands.AgreeReporterAnonymity, acting: Acting
    ) -> Case:
        return await self._command(seen, command, acting, changes.agree_reporter_anonymity)

    async def notify_veilig_thuis(
        self, seen: Case, command: commands.NotifyVeiligThuis, acting: Acting
    ) -> Case:
        return await self._command(seen, command, acting, changes.notify_veilig_thuis)

    async def receive_veilig_thuis_feedback(
        self, seen: Case, command: commands.ReceiveVeiligThuisFeedback, acting: Acting
    ) -> Case:
        return await self._command(seen, command, acting, changes.receive_veilig_thuis_feedback)

    async def assign_care_coordinator(
        self, seen: Case, command: commands.AssignCareCoordinator, acting: Acting
    ) -> Case:
        return await self._command(seen, command, acting, changes.assign_care_coordinator)

    async def schedule_follow_up(
        self, seen: Case, command: commands.ScheduleFollowUp, acting: Acting
    ) -> Case:
        return await self._command(seen, command, acting, changes.schedule_follow_up)

    async def evaluate_follow_up(
        self, seen: Case, command: commands.EvaluateFollowUp, acting: Acting
    ) -> Case:
        return await self._command(seen, command, acting, changes.evaluate_follow_up)

    async def close_case(self, seen: Case, command: commands.CloseCase, acting: Acting) -> Case:
        return await self._command(seen, command, acting, changes.close_case)

    async def reopen_case(self, seen: Case, command: commands.ReopenCase, acting: Acting) -> Case:
        return await self._command(seen, command, acting, changes.reopen_case)

    async def record_pupil_left_school(
        self, seen: Case, command: commands.RecordPupilLeftSchool, acting: Acting
    ) -> Case:
        return await self._command(seen, command, acting, changes.record_pupil_left_school)

    async def transfer_case(self, seen: Case, command: commands.TransferCase, acting: Acting) -> Case:
        """Rule 14: only to a school of the case's samenwerkingsverband, as the school registry knows."""
        tenant = await self.facts.tenant_of_school(command.to_school, seen.tenant)
        return await self._command(
            seen, command, acting, partial(changes.transfer_case, to_school_tenant=tenant)
        )

    async def request_jgz_consultation(
        self, seen: Case, command: commands.RequestJgzConsultation, acting: Acting
    ) -> Case:
        organisation = await self.facts.jgz_organisation(seen.tenant)
        return await self._command(
            seen, command, acting, partial(changes.request_jgz_consultation, jgz_organisation=organisation)
        )

    async def hand_over_to_jgz(self, seen: Case, command: commands.HandOverToJgz, acting: Acting) -> Case:
        organisation = await self.facts.jgz_organisation(seen.tenant)
        return await self._command(
            seen, command, acting, partial(changes.hand_over_to_jgz, jgz_organisation=organisation)
        )

    async def record_jgz_consultation_result(
        self, command: commands.RecordJgzConsultationResult, acting: Acting
    ) -> bool:
        """Record it on the case, if that is of the partner's own samenwerkingsverband
        (`acting.tenant`); False: the same message was recorded before. A case changed meanwhile
        (perhaps by this very message, sent twice) is loaded again."""
        seen = await anyio.to_thread.run_sync(self.get_case, command.case_id)
        _, recorded = await self._change(
            seen,
            command,
            acting,
            partial(changes.record_jgz_consultation_result, tenant=acting.tenant),
            expected_version=None,
            attempts=JGZ_SAVE_ATTEMPTS,
        )
        return recorded
