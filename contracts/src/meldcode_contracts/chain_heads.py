"""A recorded chain head (ADR 7): one line of the JSON Lines file a service appends to on a schedule
and an auditor keeps elsewhere. Shared by the services (which sign it) and the auditor's tool
(which checks it on its own): the bytes that are signed are defined here, once.

    {"format": "meldcode-chain-head-v1", "service": "casework", "table": "casework_events",
     "notification_id": 120, "log_hash": "<64 hex>", "recorded_at": "2026-12-01T10:00:00+00:00",
     "public_key": "<base64 of the 32-byte Ed25519 public key>", "signature": "<base64>"}

The signature is Ed25519 over `signed_bytes()`: every field but `signature`, as JSON with sorted
keys and no spaces.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any, Final

RECORD_FORMAT: Final = "meldcode-chain-head-v1"
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class ChainHeadRecord:
    service: str
    table: str
    notification_id: int
    log_hash: str
    recorded_at: str
    public_key: str
    signature: str = ""
    format: str = RECORD_FORMAT

    def signed_bytes(self) -> bytes:
        fields = {k: v for k, v in asdict(self).items() if k != "signature"}
        return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()

    def signed(self, signature: str) -> ChainHeadRecord:
        return replace(self, signature=signature)

    def to_line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    @property
    def anchor(self) -> str:
        """`<notification_id>:<log_hash>`, as `/audit/verify` takes it."""
        return f"{self.notification_id}:{self.log_hash}"

    @classmethod
    def from_line(cls, line: str) -> ChainHeadRecord:
        """Raises ValueError when the line is not a record of this format."""
        data: Any = json.loads(line)
        if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
            raise ValueError("not a chain head record")
        try:
            record = cls(
                service=str(data["service"]),
                table=str(data["table"]),
                notification_id=data["notification_id"],
                log_hash=str(data["log_hash"]),
                recorded_at=str(data["recorded_at"]),
                public_key=str(data["public_key"]),
                signature=str(data["signature"]),
            )
        except KeyError as exc:
            raise ValueError(f"field {exc} missing") from None
        if set(data) != set(asdict(record)):
            raise ValueError("unexpected fields")
        if type(record.notification_id) is not int or record.notification_id < 1:
            raise ValueError("notification_id is not a positive integer")
        if not _HEX64.fullmatch(record.log_hash):
            raise ValueError("log_hash is not 64 hex digits")
        if datetime.fromisoformat(record.recorded_at).tzinfo is None:
            raise ValueError("recorded_at has no time zone")
        return record
