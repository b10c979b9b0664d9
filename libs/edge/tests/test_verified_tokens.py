"""The verifier's memory of tokens that passed: never past their expiry, never for another token."""

from __future__ import annotations

import time

from meldcode_contracts import Role
from meldcode_edge.auth import Principal, _VerifiedTokens

PRINCIPAL = Principal(
    user_id="ib-1", role=Role.INTERN_BEGELEIDER, tenant="swv-zuid", schools=frozenset({"99ZZ"})
)


def test_a_verified_token_is_known_until_it_expires_plus_the_leeway() -> None:
    tokens = _VerifiedTokens(60, leeway=30)
    tokens.put("still-valid", PRINCIPAL, expires=time.time() - 20)  # within the leeway
    tokens.put("expired", PRINCIPAL, expires=time.time() - 31)
    assert tokens.get("still-valid") == PRINCIPAL
    assert tokens.get("expired") is None
    assert tokens.get("never-verified") is None


def test_no_token_is_known_longer_than_the_verifier_allows() -> None:
    tokens = _VerifiedTokens(0, leeway=30)
    tokens.put("token", PRINCIPAL, expires=time.time() + 3600)
    assert tokens.get("token") is None


def test_forgetting_drops_every_token() -> None:
    tokens = _VerifiedTokens(60, leeway=0)
    tokens.put("token", PRINCIPAL, expires=time.time() + 3600)
    tokens.forget_all()
    assert tokens.get("token") is None


def test_a_full_memory_starts_again() -> None:
    tokens = _VerifiedTokens(60, leeway=0)
    for n in range(_VerifiedTokens.MAX_TOKENS):
        tokens.put(f"token-{n}", PRINCIPAL, expires=time.time() + 3600)
    tokens.put("one-more", PRINCIPAL, expires=time.time() + 3600)
    assert tokens.get("token-0") is None
    assert tokens.get("one-more") == PRINCIPAL
