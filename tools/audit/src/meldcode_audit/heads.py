"""The auditor's copy of the recorded chain heads (ADR 7), checked here, on the auditor's machine:
each record's Ed25519 signature against a key the auditor trusts, before its head is handed to the
service's `/audit/verify` as an anchor. The record format is `meldcode_contracts.chain_heads`."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from meldcode_contracts.chain_heads import ChainHeadRecord

SERVICES = ("casework", "signals")


@dataclass
class RecordedHeads:
    """Per service: the heads whose signature holds, and what is wrong with the other lines."""

    anchors: dict[str, list[str]] = field(default_factory=lambda: {s: [] for s in SERVICES})
    problems: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {s: [] for s in SERVICES})
    records: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SERVICES, 0))
    unreadable: list[str] = field(default_factory=list)


def signature_holds(record: ChainHeadRecord, trusted_keys: Iterable[str]) -> bool:
    if record.public_key not in set(trusted_keys):
        return False
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(record.public_key, validate=True))
        key.verify(base64.b64decode(record.signature, validate=True), record.signed_bytes())
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def read_heads(files: Sequence[Path], trusted_keys: dict[str, list[str]]) -> RecordedHeads:
    """Every line of every file: a record of casework or signals, signed by one of the service's
    trusted keys; otherwise a `bad_signature` problem (Dutch, for the auditor)."""
    result = RecordedHeads()
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path.name} regel {number}"
            try:
                record = ChainHeadRecord.from_line(line)
            except ValueError:
                result.unreadable.append(f"{where} is geen leesbare ketenkop.")
                continue
            if record.service not in SERVICES:
                result.unreadable.append(
                    f"{where} is een ketenkop van een onbekende dienst ({record.service})."
                )
                continue
            result.records[record.service] += 1
            if not signature_holds(record, trusted_keys.get(record.service, [])):
                result.problems[record.service].append(
                    {
                        "kind": "bad_signature",
                        "detail": (
                            f"De ketenkop in {where} ({record.anchor[:24]}…, {record.recorded_at}) heeft "
                            "geen geldige handtekening van een vertrouwde sleutel van de dienst: de regel "
                            "is vervalst of gewijzigd."
                        ),
                        "notification_id": record.notification_id,
                    }
                )
            elif record.anchor not in result.anchors[record.service]:
                result.anchors[record.service].append(record.anchor)
    return result
