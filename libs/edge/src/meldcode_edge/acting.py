"""Who gives a command: the one fact the application layer needs from the edge.

Free of any web framework, so an application layer can take it without importing FastAPI.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Acting:
    """Who gives a command (from the verified token) and the request's correlation id: what the
    application layer needs to stamp on the domain events it causes."""

    user_id: str
    role: str
    tenant: str
    correlation_id: str
