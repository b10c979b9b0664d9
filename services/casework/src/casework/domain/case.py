"""A Meldcode case about one pupil, from opening (step 2) to follow-up (step 6).

State machine (`Case.step`; every command on a closed case is refused with `CaseClosedAlready`,
except `reopen`, `record_pupil_left_school` and `receive_jgz_consultation_result`):

    geopend ──conversation held / skipped──▶ gesprek_ouders ──RiskWeighed──▶ weging
    weging ──RiskWeighed (again)──▶ weging ──DecisionMade──▶ besluit
    besluit ──AmkNotified (decision says report; parents + child 12+ informed or excepted)──▶ melding
    besluit | melding ──CareCoordinatorAssigned (report made if decided, help organised if decided)──▶ volgen
    volgen ──FollowUpScheduled──▶ volgen ──FollowUpEvaluated(lasting safety: yes)──▶ volgen
    volgen ──FollowUpEvaluated(lasting safety: no)──▶ weging   (decision reopened; the next one must report)
    any open step ──CaseClosed (reason; see below)──▶ gesloten ──CaseReopened──▶ weging
                                                      (or the step before closing, if never weighed)

Recorded in any open step, without changing it: SignalsAdded (rule 9: signals recorded after opening),
ParentsConversationHeld (step 3 recurs at every step), ParentsConversationSkipped, CaseOwnerChanged, PupilLeftSchool, CaseTransferred (after PupilLeftSchool),
HelpOrganised (when the decision includes help), VeiligThuisFeedbackReceived (after a report),
JgzConsultationRequested and CaseHandedOverToJgz (the samenwerkingsverband has a JGZ partner; a
hand-over needs a legal basis). JgzConsultationResultReceived is recorded in any step, once per message.
In `besluit` before the report: ParentsInformed / ParentsInformingExceptionRecorded, ChildInformed /
ChildInformingExceptionRecorded, ReporterAnonymityAgreed. A new DecisionMade starts these afresh: every
report has its own preparation (rule 8).

Closing (rule 13) needs a reason; before any weighing it is allowed (e.g. worries taken away in the
parents conversation); after a weighing it needs a decision; with acute or structural unsafety, or a
decision to report, it needs the report; after a decision with help it needs an evaluation that found
lasting safety.

Commands validate and then trigger an event; each event's `apply` only mutates state, because it runs
again when the case is rebuilt from its events.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from eventsourcing.domain import Aggregate, event
from eventsourcing.domain import Snapshot as LibrarySnapshot

from . import events, jgz
from .actor import Actor
from .case_base import CASE_OPENER_ROLES
from .case_obligations import CaseObligations
from .deciding import Deciding
from .decision_round import DecisionRound
from .errors import (
    AddedSignalsOfAnotherPupil,
    AlreadyInvited,
    CaseNeedsSignals,
    CaseOwnerUnchanged,
    InvitationNeedsMember,
    NotInvited,
    OnlyCareStaffOpensCases,
    SignalsAlreadyInCase,
    SignalsOfAnotherPupil,
    SignalsToAddNeeded,
    UnknownSignals,
    UnknownSignalsToAdd,
)
from .following_up import FollowingUp
from .jgz import JgzCollaboration, JgzConsultation, JgzHandover, JgzResult
from .moving_school import MovingSchool
from .obligations import Obligation
from .parents import SafetyGround
from .reporting import Reporting
from .snapshot import from_plain, to_plain
from .steps import Step
from .values import text
from .weighing import Weighing


@dataclass(frozen=True)
class KnownSignal:
    """A signal as casework learned it from the signals service's events."""

    signal_id: uuid.UUID
    pupil_id: uuid.UUID
    tenant: str
    school: str


class Case(CaseObligations, Deciding, Reporting, FollowingUp, MovingSchool, JgzCollaboration, Aggregate):
    """The aggregate; its commands are written in parts, one per stretch of the Meldcode (see
    case_base.py); this module holds its events, its state, its opening and the facts of the case
    (signals, owner, zorgteam)."""

    # The events, defined in events.py and jgz.py. Listed here, they are also reachable as
    # `Case.<Name>`: events stored before they moved out of Case's body carry the topic
    # `casework.domain.case:Case.<Name>`, which the library resolves through these names.
    Event = events.CaseEvent
    Opened = events.Opened
    SignalsAdded = events.SignalsAdded
    CaseOwnerChanged = events.CaseOwnerChanged
    ZorgteamMemberInvited = events.ZorgteamMemberInvited
    ZorgteamInvitationWithdrawn = events.ZorgteamInvitationWithdrawn
    ParentsConversationHeld = events.ParentsConversationHeld
    ParentsConversationSkipped = events.ParentsConversationSkipped
    RiskWeighed = events.RiskWeighed
    DecisionMade = events.DecisionMade
    HelpOrganised = events.HelpOrganised
    ParentsInformed = events.ParentsInformed
    ParentsInformingExceptionRecorded = events.ParentsInformingExceptionRecorded
    ChildInformed = events.ChildInformed
    ChildInformingExceptionRecorded = events.ChildInformingExceptionRecorded
    ReporterAnonymityAgreed = events.ReporterAnonymityAgreed
    AmkNotified = events.AmkNotified
    VeiligThuisFeedbackReceived = events.VeiligThuisFeedbackReceived
    CareCoordinatorAssigned = events.CareCoordinatorAssigned
    FollowUpScheduled = events.FollowUpScheduled
    FollowUpEvaluated = events.FollowUpEvaluated
    CaseClosed = events.CaseClosed
    CaseReopened = events.CaseReopened
    PupilLeftSchool = events.PupilLeftSchool
    CaseTransferred = events.CaseTransferred
    JgzConsultationRequested = jgz.JgzConsultationRequested
    JgzConsultationResultReceived = jgz.JgzConsultationResultReceived
    CaseHandedOverToJgz = jgz.CaseHandedOverToJgz
    ObligationsChanged = events.ObligationsChanged

    class Snapshot(LibrarySnapshot):
        """A long case's state, stored as plain data and restored exactly (see snapshot.py)."""

        @classmethod
        def take(cls, aggregate: Any) -> Any:
            snapshot = super().take(aggregate)
            plain = to_plain(snapshot.state)
            snapshot.state.clear()
            snapshot.state.update(plain)
            return snapshot

        def mutate(self, _: None) -> Any:
            case = super().mutate(None)
            restored = from_plain(vars(case))
            vars(case).clear()  # from_plain also drops fields an old snapshot kept elsewhere
            vars(case).update(restored)
            return case

    def copy_to_change(self) -> Case:
        """A copy for a command to change, leaving this case as it is (a refused command changes
        nothing its caller holds). The state holds only immutable values (frozen dataclasses, enums,
        tuples, dates, ...) and flat lists and dicts of them (`test_case_copy` checks every attribute
        of cases through all steps), so a copy of those containers is a full copy: a tenth of the
        cost of `copy.deepcopy`, paid on every command."""
        copied = object.__new__(type(self))
        vars(copied).update(
            {
                name: value.copy() if type(value) in (list, dict, set) else value
                for name, value in vars(self).items()
            }
        )
        return copied

    @event(Opened)
    def __init__(
        self,
        *,
        tenant: str,
        school: str,
        pupil_id: uuid.UUID,
        signal_ids: list[uuid.UUID],
        case_owner_id: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.tenant = tenant
        self.school = school
        self.pupil_id = pupil_id
        self.signal_ids = list(signal_ids)
        self.case_owner_id = case_owner_id
        self.zorgteam_members: dict[str, str | None] = {}
        """The zorgteam members invited into the case (user id -> partner organisation or None)."""
        self.opened_by = actor_id
        self.step = Step.OPENED
        self.parents_conversations = 0
        self.parents_conversation_skip: SafetyGround | None = None
        self.weighing: Weighing | None = None
        self.decision_round = DecisionRound()
        """The current decision and what hangs on it; a new decision starts a new round."""
        self.decisions_made = 0
        self.must_report_again = False
        """A follow-up evaluation found no lasting safety: the next decision must report (rule 12)."""
        self.reports = 0
        self.reported_on: date | None = None
        """The day of the latest report (its feedback is due from then)."""
        self.feedback_received = False
        """Veilig Thuis gave feedback on the latest report."""
        self.care_coordinator_id: str | None = None
        self.close_reason: str | None = None
        self.step_before_close = Step.OPENED
        self.left_school_on: date | None = None
        self.transfers = 0
        self.jgz_consultations: list[JgzConsultation] = []
        self.jgz_results: list[JgzResult] = []
        """Consultation results received; their message ids make the inbound endpoint idempotent."""
        self.jgz_handovers: list[JgzHandover] = []
        self.published_step: Step | None = None
        self.obligations: tuple[Obligation, ...] | None = None
        """The open obligations with their due days as last published (`ObligationsChanged`); None
        for a case stored before casework published them, until its next command."""
        self.fresh_obligations: tuple[str, ...] = ()
        """Kinds whose due day starts afresh at the next `settle_obligations` (a new report)."""

    @classmethod
    def open(
        cls,
        *,
        pupil_id: uuid.UUID,
        signal_ids: Sequence[uuid.UUID],
        known_signals: Sequence[KnownSignal],
        case_owner_id: str,
        by: Actor,
    ) -> Case:
        """Rule 4: an IB'er opens a case from one or more recorded signals of one pupil."""
        if by.role not in CASE_OPENER_ROLES:
            raise OnlyCareStaffOpensCases(
                "Alleen de intern begeleider of aandachtsfunctionaris opent een zaak."
            )
        wanted = list(dict.fromkeys(signal_ids))
        if not wanted:
            raise CaseNeedsSignals("Open een zaak vanuit minstens één vastgelegd signaal.")
        by_id = {s.signal_id: s for s in known_signals}
        missing = [str(s) for s in wanted if s not in by_id]
        if missing:
            raise UnknownSignals(missing)
        found = [by_id[s] for s in wanted]
        if any(s.pupil_id != pupil_id for s in found) or len({(s.tenant, s.school) for s in found}) != 1:
            raise SignalsOfAnotherPupil("Alle signalen van een zaak gaan over dezelfde leerling en school.")
        return cls(
            tenant=found[0].tenant,
            school=found[0].school,
            pupil_id=pupil_id,
            signal_ids=wanted,
            case_owner_id=case_owner_id,
            **by.event_fields(),
        )

    # --- rule 9: the facts of the case ----------------------------------------------------------------

    def add_signals(
        self,
        *,
        signal_ids: Sequence[uuid.UUID],
        known_signals: Sequence[KnownSignal],
        today: date,
        by: Actor,
    ) -> None:
        """Rule 9: add signals of the pupil recorded after opening (at the case's school), so that a
        report can cite them; `known_signals` are those casework knows among `signal_ids`."""
        self._require_open()
        wanted = list(dict.fromkeys(signal_ids))
        if not wanted:
            raise SignalsToAddNeeded("Noem minstens één vastgelegd signaal om aan de zaak toe te voegen.")
        by_id = {s.signal_id: s for s in known_signals}
        missing = [str(s) for s in wanted if s not in by_id]
        if missing:
            raise UnknownSignalsToAdd(missing)
        if any(
            (s.pupil_id, s.tenant, s.school) != (self.pupil_id, self.tenant, self.school)
            for s in (by_id[w] for w in wanted)
        ):
            raise AddedSignalsOfAnotherPupil(
                "Alleen signalen over de leerling van deze zaak, vastgelegd op de school van de zaak, "
                "worden aan de zaak toegevoegd."
            )
        present = [str(s) for s in wanted if s in self.signal_ids]
        if present:
            raise SignalsAlreadyInCase(present)
        self.trigger_event(
            events.SignalsAdded,
            **self._context(by),
            signal_ids=wanted,
            added_on=today,
        )

    # --- rule 4: one case owner ------------------------------------------------------------------------

    def change_owner(self, *, new_owner_id: str, by: Actor) -> None:
        self._require_open()
        if not text(new_owner_id) or text(new_owner_id) == self.case_owner_id:
            raise CaseOwnerUnchanged("Een zaak heeft één eigenaar; noem een andere nieuwe eigenaar.")
        self.trigger_event(
            events.CaseOwnerChanged,
            **self._context(by),
            previous_owner_id=self.case_owner_id,
            new_owner_id=text(new_owner_id),
        )

    # --- the zorgteam: only the members invited into the case see it and work on it ----------------

    def invite_to_zorgteam(
        self,
        *,
        member_id: str,
        organisation: str | None,
        today: date,
        by: Actor,
    ) -> None:
        self._require_open()
        member = text(member_id)
        if not member:
            raise InvitationNeedsMember("Noem wie u uitnodigt voor het zorgteam van deze zaak.")
        if member in self.zorgteam_members:
            raise AlreadyInvited("Deze persoon is al uitgenodigd voor het zorgteam van deze zaak.")
        self.trigger_event(
            events.ZorgteamMemberInvited,
            **self._context(by),
            member_id=member,
            organisation=text(organisation or "") or None,
            invited_on=today,
        )

    def _require_someone_invited(self) -> None:
        if not self.zorgteam_members:
            raise NotInvited("Er is (nog) niemand uitgenodigd voor het zorgteam van deze zaak.")

    def withdraw_zorgteam_invitation(self, *, member_id: str, today: date, by: Actor) -> None:
        self._require_someone_invited()
        if text(member_id) not in self.zorgteam_members:
            raise NotInvited("Deze persoon is niet uitgenodigd voor het zorgteam van deze zaak.")
        self.trigger_event(
            events.ZorgteamInvitationWithdrawn,
            **self._context(by),
            member_id=text(member_id),
            withdrawn_on=today,
        )

    def is_invited(self, user_id: str) -> bool:
        return user_id in self.zorgteam_members
