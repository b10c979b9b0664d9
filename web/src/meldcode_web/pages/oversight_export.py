"""The auditor's export of a case: every stored event of the case (casework) and of its pupil's
signals (signals), merged in the order they were recorded, one JSON object per line (JSON Lines).
Each line is the service's audit event as it answered, with `service` and a Dutch `label` added."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .oversight_labels import EVENTS, label

MEDIA_TYPE = "application/x-ndjson"


def _recorded(line: Mapping[str, Any]) -> tuple[datetime, str, int]:
    stamp = datetime.fromisoformat(str(line["recorded_at"]).replace("Z", "+00:00"))
    return stamp, str(line["service"]), int(line.get("notification_id") or 0)


def export_lines(case_events: Mapping[str, Any], pupil_events: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One line per stored event of both services, oldest first."""
    lines = [
        {"service": service, **event, "label": label(EVENTS, event.get("event_type"))}
        for service, body in (("casework", case_events), ("signals", pupil_events))
        for event in body.get("events", [])
    ]
    lines.sort(key=_recorded)
    return lines


def jsonl(lines: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in lines).encode()


def file_name(case_id: str) -> str:
    return f"zaak-{case_id}.jsonl"
