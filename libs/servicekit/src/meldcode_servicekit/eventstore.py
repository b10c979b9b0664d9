"""What the event-sourced services share about their eventsourcing Applications."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Transcoding

from .db import postgres_env


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class MeldcodeApplication(Application[Any]):
    """An eventsourcing Application stored in the service's PostgreSQL database."""

    def __init__(self, database_url: str | None = None, env: dict[str, str] | None = None) -> None:
        merged = dict(env or {})
        if database_url is not None:
            merged = {**postgres_env(database_url), **merged}
        super().__init__(env=merged)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
