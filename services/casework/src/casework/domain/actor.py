"""Who gives a command to a case: the one keyword argument `by` of every command of `Case`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The user (or system) giving a command, in which role, and the correlation id of the request;
    every event the command causes carries them (as `actor_id`, `actor_role`, `correlation_id`)."""

    user_id: str
    role: str
    correlation_id: str

    def event_fields(self) -> dict[str, str]:
        """The three fields as a case's events store them."""
        return {"actor_id": self.user_id, "actor_role": self.role, "correlation_id": self.correlation_id}
