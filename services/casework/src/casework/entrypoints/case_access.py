"""Who may see and work on a case: the care staff of its school, and of the zorgteam only the
members invited into it (a partner organisation's professional included). To anyone else the case
does not exist (404), so a case id typed by hand gives nothing away."""

from __future__ import annotations

from meldcode_contracts import Role
from meldcode_edge.auth import Principal

from ..domain.case import Case
from ..domain.errors import CaseNotFound


def require_case_access(principal: Principal, case: Case) -> None:
    principal.require_school(case.tenant, case.school)
    if principal.role is Role.ZORGTEAM and not case.is_invited(principal.user_id):
        raise CaseNotFound("Deze zaak is niet bekend.")
