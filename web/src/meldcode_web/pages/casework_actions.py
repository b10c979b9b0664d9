"""Which step forms the case page offers: what casework says the user may do now (`allowed_actions`
of the case), and the next step's forms greyed with casework's reason why not yet (issue 17, item 4).

The portal derives no rule here: whether a command is allowed, and why not, is casework's answer
(`casework.domain.allowed_commands`); the portal only chooses which refusals are worth showing: those
of the next step and of what the checklist asks, never those of the user's role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meldcode_vocabulary import CaseStep

from .casework_forms import FORMS, GROUPS, StepForm
from .casework_labels import checklist_item

NEXT_STEP_FORMS: dict[str, tuple[str, ...]] = {
    CaseStep.OPENED: ("weging",),
    CaseStep.PARENTS_CONVERSATION: ("afwegingskader",),
    CaseStep.WEIGHED: ("melding-veilig-thuis", "hulp"),
    CaseStep.DECIDED: ("melding-veilig-thuis", "zorgcoordinator"),
    CaseStep.REPORTED: ("zorgcoordinator", "terugkoppeling-veilig-thuis"),
    CaseStep.FOLLOW_UP: ("evaluatie-plannen", "evaluatie", "afsluiten"),
    CaseStep.CLOSED: (),
}
"""Per case step: the forms of the step after it, shown greyed until casework allows them (the portal's
guidance, like the "volgende" label; which are allowed is casework's)."""


@dataclass(frozen=True)
class ActionLink:
    form: StepForm
    allowed: bool
    reason: str = ""
    """Why not yet, in casework's words (only for a greyed action)."""


def command_of(form: StepForm) -> str:
    """The casework command a form gives: the last part of its path (`/cases/{case_id}/<command>`)."""
    return form.path.rsplit("/", 1)[-1]


def case_actions(case: dict[str, Any]) -> list[tuple[str, list[ActionLink]]]:
    """The case page's actions per group: allowed ones as links, the next step's as greyed text."""
    checks = {str(a.get("command")): a for a in case.get("allowed_actions") or [] if isinstance(a, dict)}
    wanted = set(NEXT_STEP_FORMS.get(str(case.get("step", "")), ()))
    for obligation in case.get("open_obligations", []):  # (not missing_for_report: the aside lists it)
        slug = checklist_item(str(obligation.get("code", ""))).form
        if slug:
            wanted.add(slug)
    groups = []
    for group in GROUPS:
        links = []
        for form in (f for f in FORMS.values() if f.group == group):
            check = checks.get(command_of(form))
            if not checks:
                links.append(ActionLink(form, allowed=True))  # a casework without allowed_actions
            elif check is None or check.get("for_role"):
                continue
            elif check.get("allowed"):
                links.append(ActionLink(form, allowed=True))
            elif form.slug in wanted:
                links.append(ActionLink(form, allowed=False, reason=str(check.get("reason") or "")))
        if links:
            groups.append((group, links))
    return groups


def may(case: dict[str, Any], command: str) -> bool:
    """Whether casework lets the user give `command` now (True when it does not say)."""
    checks = {str(a.get("command")): a for a in case.get("allowed_actions") or [] if isinstance(a, dict)}
    return not checks or bool(checks.get(command, {}).get("allowed"))
