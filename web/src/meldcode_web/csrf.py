"""Cross-site request forgery protection: a synchronizer token kept in the session.

Every unsafe request (POST, PUT, PATCH, DELETE) must carry the session's token, in the form field
`csrf_token` or (htmx) the `X-CSRF-Token` header; `verify_csrf` runs for every route of the app.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from .errors import CsrfFailed

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def csrf_token(request: Request) -> str:
    """The session's token, created on first use."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


async def verify_csrf(request: Request) -> None:
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(SESSION_KEY)
    sent = request.headers.get(HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(FORM_FIELD)
            sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not expected or sent is None:
        raise CsrfFailed()
    if not hmac.compare_digest(expected.encode(), sent.encode()):
        raise CsrfFailed()
