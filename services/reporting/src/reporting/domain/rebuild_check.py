"""The rebuild check's verdict: per read-model table the checksum of the live table beside the one
rebuilt from the topics (`reporting.adapters.rebuild` computes them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class RebuildBusy(Exception):
    """Another rebuild of these read models is running."""


class LiveBehind(Exception):
    """The live consumer did not reach the rebuild's offsets in time."""


@dataclass(frozen=True)
class TableComparison:
    name: str
    live_checksum: str
    rebuilt_checksum: str
    rows: int
    """Rows of the rebuilt table."""
    live_rows: int

    @property
    def equal(self) -> bool:
        return self.live_checksum == self.rebuilt_checksum and self.rows == self.live_rows


@dataclass(frozen=True)
class RebuildReport:
    tables: list[TableComparison]
    events: int
    seconds: float
    replaced_into: str | None = None
    """With --replace: the schema the old live tables were moved to."""

    @property
    def ok(self) -> bool:
        return all(t.equal for t in self.tables)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "tables": [
                {
                    "name": t.name,
                    "live_checksum": t.live_checksum,
                    "rebuilt_checksum": t.rebuilt_checksum,
                    "rows": t.rows,
                    "equal": t.equal,
                }
                for t in self.tables
            ],
            "events": self.events,
            "seconds": round(self.seconds, 3),
        }
