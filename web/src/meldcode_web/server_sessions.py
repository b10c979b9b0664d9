"""Server-side sessions: the cookie holds a random session id, the session itself stays here.

`request.session` works as with Starlette's cookie sessions, but nothing of it goes to the
browser: the cookie `meldcode_portal` is 32 random bytes. The session row is found by
HMAC(secret, id) and sealed (AES-256-GCM) with a key derived from the id and the secret, so neither
a copied database nor a copied secret alone opens a session. A session ends when it is emptied
(logout), after `idle` without a request, or `absolute` after it began; its row is then deleted, so a
replayed cookie finds nothing. Logging in starts a new id (`renew_session`), so an id planted before
the login is worthless after it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from meldcode_edge.logging import get_logger

from .session_store import SessionStore, StoredSession

log = get_logger(__name__)

_RENEW = "meldcode.session.renew"
_NONCE_BYTES = 12
_TOUCH_AFTER = timedelta(seconds=30)  # last_seen_at is written at most this often per session


def renew_session(request: Request) -> None:
    """Give the session a new id when the response goes out (after login: no session fixation)."""
    request.scope[_RENEW] = True


def _session_key(secret: bytes, session_id: str) -> bytes:
    return hmac.new(secret, b"row:" + session_id.encode(), hashlib.sha256).digest()


def _sealing_key(secret: bytes, session_id: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=secret, info=b"meldcode-portal-session").derive(
        session_id.encode()
    )


def seal(secret: bytes, session_id: str, data: dict[str, Any]) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    plaintext = json.dumps(data, separators=(",", ":")).encode()
    return nonce + AESGCM(_sealing_key(secret, session_id)).encrypt(
        nonce, plaintext, _session_key(secret, session_id)
    )


def unseal(secret: bytes, session_id: str, sealed: bytes) -> dict[str, Any] | None:
    try:
        plaintext = AESGCM(_sealing_key(secret, session_id)).decrypt(
            sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], _session_key(secret, session_id)
        )
    except InvalidTag:
        return None
    data = json.loads(plaintext)
    return data if isinstance(data, dict) else None


class ServerSessionMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        store: SessionStore,
        secret: str,
        cookie_name: str,
        idle: timedelta,
        absolute: timedelta,
        secure: bool,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.app = app
        self.store = store
        self.secret = secret.encode()
        self.cookie_name = cookie_name
        self.idle = idle
        self.absolute = absolute
        self.secure = secure
        self.clock = clock

    def _expired(self, row: StoredSession, now: datetime) -> bool:
        return now - row.last_seen_at >= self.idle or now - row.created_at >= self.absolute

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        now = self.clock()
        session_id = HTTPConnection(scope).cookies.get(self.cookie_name) or None
        row: StoredSession | None = None
        data: dict[str, Any] = {}
        if session_id is not None:
            key = _session_key(self.secret, session_id)
            row = await self.store.load(key)
            if row is not None and self._expired(row, now):
                await self.store.delete(key)
                log.info("portal_session_expired")
                row = None
            opened = unseal(self.secret, session_id, row.sealed) if row is not None else None
            if opened is None:
                row = None
            else:
                data = opened
        loaded = json.dumps(data, sort_keys=True)
        scope["session"] = data

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                await self._store_session(scope, message, session_id, row, loaded, now)
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    async def _store_session(
        self,
        scope: Scope,
        message: Message,
        session_id: str | None,
        row: StoredSession | None,
        loaded: str,
        now: datetime,
    ) -> None:
        session: dict[str, Any] = scope["session"]
        renew = bool(scope.get(_RENEW))
        headers = MutableHeaders(scope=message)
        if row is not None and session_id is not None and (renew or not session):
            await self.store.delete(_session_key(self.secret, session_id))
        if not session:
            if session_id is not None:
                headers.append("Set-Cookie", self._cookie("", max_age=0))
            return
        if row is not None and session_id is not None and not renew:
            key = _session_key(self.secret, session_id)
            if json.dumps(session, sort_keys=True) != loaded:
                await self.store.save(
                    key, StoredSession(seal(self.secret, session_id, session), row.created_at, now)
                )
            elif now - row.last_seen_at >= _TOUCH_AFTER:
                await self.store.touch(key, now)
            return
        new_id = secrets.token_urlsafe(32)
        await self.store.delete_expired(seen_before=now - self.idle, created_before=now - self.absolute)
        await self.store.save(
            _session_key(self.secret, new_id), StoredSession(seal(self.secret, new_id, session), now, now)
        )
        headers.append("Set-Cookie", self._cookie(new_id, max_age=int(self.absolute.total_seconds())))

    def _cookie(self, value: str, *, max_age: int) -> str:
        parts = [f"{self.cookie_name}={value}", "Path=/", f"Max-Age={max_age}", "HttpOnly", "SameSite=Lax"]
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts)
