"""Signed webhooks between the Meldcode platform and JGZ systems (see docs/integration/jgz.md).

Scheme (both directions): the sender puts the Unix time in `X-Meldcode-Timestamp` and
`v1=<hex HMAC-SHA256 over "<timestamp>.<raw body>">` in `X-Meldcode-Signature`, with the secret
shared per samenwerkingsverband and JGZ organisation. The receiver recomputes it over the raw
bytes it received, compares in constant time, and refuses a timestamp more than
`tolerance` seconds away from its own clock (replay protection). Several `v1=` values separated
by commas are accepted, so a secret can be rotated without downtime.
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Meldcode-Timestamp"
SIGNATURE_HEADER = "X-Meldcode-Signature"
DELIVERY_HEADER = "X-Meldcode-Delivery"
DEFAULT_TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    """The signature is missing, malformed, stale or wrong (say which, never the secret)."""


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def sign(secret: bytes, body: bytes, *, now: float | None = None) -> dict[str, str]:
    """The headers to send with `body`."""
    timestamp = int(time.time() if now is None else now)
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(secret, timestamp, body)}


def verify(
    secrets: list[bytes],
    body: bytes,
    timestamp_header: str | None,
    signature_header: str | None,
    *,
    now: float | None = None,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> None:
    """Raise SignatureError unless one of `secrets` signed exactly `body` at a recent timestamp."""
    if not timestamp_header or not signature_header:
        raise SignatureError("signature headers missing")
    try:
        timestamp = int(timestamp_header)
    except ValueError as exc:
        raise SignatureError("timestamp is not an integer") from exc
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance")
    offered = [part.strip() for part in signature_header.split(",") if part.strip().startswith("v1=")]
    if not offered:
        raise SignatureError("no v1 signature")
    for secret in secrets:
        expected = signature(secret, timestamp, body)
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return
    raise SignatureError("signature does not match")
