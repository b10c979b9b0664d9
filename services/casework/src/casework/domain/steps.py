"""The steps a case goes through (see the state machine in case.py)."""

from __future__ import annotations

from enum import StrEnum


class Step(StrEnum):
    """Where the case stands in the six steps of the Meldcode."""

    OPENED = "geopend"
    PARENTS_CONVERSATION = "gesprek_ouders"
    """Step 3 done (conversation held or its skip recorded): the weighing is next."""
    WEIGHED = "weging"
    """Step 4 done: the decision is next."""
    DECIDED = "besluit"
    """Step 5 decided: help is organised and/or the report is prepared."""
    REPORTED = "melding"
    """Reported to Veilig Thuis (`AmkNotified`)."""
    FOLLOW_UP = "volgen"
    """Step 6: a care coordinator follows the help; evaluation."""
    CLOSED = "gesloten"
