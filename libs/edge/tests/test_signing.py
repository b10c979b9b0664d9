"""Webhook signatures: what the JGZ integration's both directions rely on."""

import pytest

from meldcode_edge.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, sign, verify

SECRET = b"gedeeld-geheim"
BODY = b'{"message_id": "m-1"}'


def test_a_signed_body_verifies() -> None:
    headers = sign(SECRET, BODY, now=1_800_000_000)
    verify([SECRET], BODY, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], now=1_800_000_010)


@pytest.mark.parametrize(
    ("body", "secrets", "now"),
    [
        (BODY + b" ", [SECRET], 1_800_000_000),  # one byte more
        (BODY, [b"ander-geheim"], 1_800_000_000),  # wrong secret
        (BODY, [SECRET], 1_800_000_000 + 301),  # replayed too late
    ],
)
def test_a_changed_body_a_wrong_secret_or_an_old_timestamp_is_refused(
    body: bytes, secrets: list[bytes], now: int
) -> None:
    headers = sign(SECRET, BODY, now=1_800_000_000)
    with pytest.raises(SignatureError):
        verify(secrets, body, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], now=now)


def test_a_rotated_secret_is_accepted_while_both_are_configured() -> None:
    headers = sign(b"nieuw", BODY, now=1_800_000_000)
    verify([SECRET, b"nieuw"], BODY, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], now=1_800_000_000)


@pytest.mark.parametrize(
    ("timestamp", "sig"),
    [(None, "v1=00"), ("1800000000", None), ("gisteren", "v1=00"), ("1800000000", "sha1=00")],
)
def test_missing_or_malformed_headers_are_refused(timestamp: str | None, sig: str | None) -> None:
    with pytest.raises(SignatureError):
        verify([SECRET], BODY, timestamp, sig, now=1_800_000_000)
