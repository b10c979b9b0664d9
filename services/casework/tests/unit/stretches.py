"""Cases through every stretch of the Meldcode, built with the unit tests' `cases` builder, for the
tests that check something of every kind of case a command can leave behind. No I/O."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import CanMutateProtocol

from casework.domain.case import Case

from .jgz_steps import hand_over, receive, request


def every_stretch_with_events(cases: Any) -> list[tuple[Case, list[CanMutateProtocol[Any]]]]:
    """Reported, helped with a coordinator, invited to the zorgteam, consulted with JGZ, moved to
    another school, closed: each case with every event it was built by."""
    reported = cases.reported()
    helped = cases.helped_with_coordinator()
    cases.schedule(helped)
    cases.evaluate(helped)
    invited = cases.talked()
    invited.invite_to_zorgteam(member_id="arts-1", organisation="GGD", today=cases.today, by=cases.by)
    consulted = cases.opened()
    request_id = request(cases, consulted)
    receive(consulted, request_id=request_id)
    hand_over(cases, consulted)
    moved = cases.left(cases.talked())
    cases.transfer(moved)
    built = [reported, helped, invited, consulted, moved, cases.closed()]
    return [(case, list(case.collect_events())) for case in built]


def every_stretch(cases: Any) -> list[Case]:
    return [case for case, _ in every_stretch_with_events(cases)]
