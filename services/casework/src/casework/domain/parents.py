"""Step 3, gesprek met ouders: the grounds on which the school does not speak with or inform the parents."""

from __future__ import annotations

from enum import StrEnum


class SafetyGround(StrEnum):
    """Rule 5 and rule 8: why the parents are not spoken with (yet), or not informed of the report."""

    CHILD_SAFETY = "veiligheid_kind"
    """The safety of the child is at stake."""
    OTHERS_SAFETY = "veiligheid_anderen"
    """The safety of others (siblings, the other parent, ...) is at stake."""
    REPORTER_SAFETY = "veiligheid_melder"
    """The safety of the reporter or colleagues is at stake."""
    PARENTS_WITHDRAW_CHILD = "ouders_onttrekken_kind"
    """Well-founded fear that the parents withdraw the child from contact (e.g. move school)."""
