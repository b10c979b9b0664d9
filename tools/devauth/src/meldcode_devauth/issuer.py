"""The local development OpenID Connect issuer: log in as one of the demo users with one click.

    python -m meldcode_devauth.issuer serve --key-dir DIR --users deploy/local/demo-users.json \
        --port 8190 --issuer-url http://127.0.0.1:8190

NEVER USED IN PRODUCTION: anyone who reaches it can log in as any demo user, without a password.
Production uses a real OpenID Connect provider; the portal speaks the same flow to both.

It implements just enough of OpenID Connect Core 1.0 for the portal: discovery, a JWKS (the
Ed25519 key of `tokens`, so the services, which trust `AUTH_PUBLIC_KEY_FILE`, accept what it
issues), and the authorization code flow with PKCE (S256, required), `state` and `nonce`. The
access token is exactly what `tokens.mint_token` mints (the services' claims `sub`, `role`,
`samenwerkingsverband`, `schools`, their issuer and audience); the id token is signed by the same
key for the client, with the issuer URL as `iss`. Codes are single-use and live one minute.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

import jwt
import typer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from .tokens import PRIVATE_KEY_NAME, generate_key_pair, mint_token

ROLE_LABELS = {
    "leerkracht": "Leerkracht",
    "intern_begeleider": "IB'er / aandachtsfunctionaris",
    "zorgteam": "Lid zorgteam",
    "beheerder": "Coördinator samenwerkingsverband",
    "auditor": "Auditor",
}

cli = typer.Typer(add_completion=False, help="Development OpenID Connect issuer (never in production).")


@dataclass(frozen=True)
class DemoUser:
    """One person you can log in as. `key` is the user id (`sub`)."""

    key: str
    name: str
    role: str
    samenwerkingsverband: str
    schools: tuple[str, ...]
    organisation: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


def load_users(path: Path) -> dict[str, DemoUser]:
    """Read the demo users file: `{"users": [{"id", "name", "role", "samenwerkingsverband",
    "schools", "organisation"}, ...]}`."""
    document = json.loads(path.read_text(encoding="utf-8"))
    users: dict[str, DemoUser] = {}
    for entry in document["users"]:
        user = DemoUser(
            key=entry["id"],
            name=entry["name"],
            role=entry["role"],
            samenwerkingsverband=entry["samenwerkingsverband"],
            schools=tuple(entry.get("schools", [])),
            organisation=entry.get("organisation", ""),
        )
        users[user.key] = user
    return users


@dataclass(frozen=True)
class Client:
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]


@dataclass(frozen=True)
class IssuerConfig:
    private_key_pem: str
    users: Mapping[str, DemoUser]
    issuer_url: str
    clients: Mapping[str, Client]
    token_issuer: str = "meldcode-dev"  # noqa: S105 (an issuer name, not a secret)
    """`iss` of the access tokens: what the services expect (`AUTH_ISSUER`)."""
    audience: str = "meldcode"
    access_token_lifetime: timedelta = timedelta(hours=8)
    code_lifetime: timedelta = timedelta(seconds=60)


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    user_key: str
    expires_at: datetime


@dataclass
class _CodeStore:
    """Issued authorization codes; `take` removes a code, so each works at most once."""

    codes: dict[str, _Grant] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, grant: _Grant) -> str:
        code = secrets.token_urlsafe(32)
        with self.lock:
            now = datetime.now(UTC)
            for stale in [c for c, g in self.codes.items() if g.expires_at < now]:
                del self.codes[stale]
            self.codes[code] = grant
        return code

    def take(self, code: str) -> _Grant | None:
        with self.lock:
            return self.codes.pop(code, None)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk(private_key_pem: str) -> dict[str, str]:
    """The Ed25519 public key as a JWK (RFC 8037), with its RFC 7638 thumbprint as `kid`."""
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the development issuer key must be Ed25519")
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    x = _b64url(raw)
    thumbprint = _b64url(
        hashlib.sha256(
            json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":")).encode()
        ).digest()
    )
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": thumbprint, "use": "sig", "alg": "EdDSA"}


def s256(verifier: str) -> str:
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def _with_query(url: str, params: Mapping[str, str | None]) -> str:
    parts = urlsplit(url)
    extra = urlencode({k: v for k, v in params.items() if v is not None})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #f5f5f5; line-height: 1.5; }}
header {{ background: #01689b; color: #fff; padding: 0.25rem 1rem; }}
main {{ max-width: 48rem; margin: 2rem auto; padding: 0 1rem; overflow-wrap: anywhere; }}
h1 {{ font-size: 1.75rem; }}
.warning {{ border-left: 0.375rem solid #a35200; background: #fff4e5; padding: 0.75rem 1rem; }}
ul {{ list-style: none; padding: 0; }}
li {{ margin: 0.5rem 0; }}
button {{ width: 100%; box-sizing: border-box; text-align: left; overflow-wrap: anywhere; font: inherit; padding: 0.75rem 1rem; border: 2px solid #01689b;
  border-radius: 4px; background: #fff; color: #1a1a1a; cursor: pointer; }}
button:hover {{ background: #e5f0f9; }}
button:focus-visible {{ outline: 3px solid #1a1a1a; outline-offset: 2px; }}
.name {{ font-weight: 700; display: block; }}
.meta {{ color: #333; }}
</style></head>
<body><header><p><strong>Meldcode</strong> – inlogdienst</p></header>
<main>{body}</main></body></html>""",
        status_code=status,
    )


def _error_page(message: str, status: int = 400) -> HTMLResponse:
    return _page(
        "Inloggen niet mogelijk",
        f'<h1>Inloggen niet mogelijk</h1><p role="alert">{html.escape(message)}</p>',
        status,
    )


def _oauth_error(error: str, description: str, status: int = 400) -> JSONResponse:
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if error == "invalid_client":
        headers["WWW-Authenticate"] = 'Basic realm="meldcode-dev"'
    return JSONResponse(
        {"error": error, "error_description": description}, status_code=status, headers=headers
    )


async def _form(request: Request) -> dict[str, str]:
    """An application/x-www-form-urlencoded body (first value of each field)."""
    parsed = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[0] for k, v in parsed.items()}


AUTHORIZE_PARAMS = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
                    "code_challenge", "code_challenge_method")  # fmt: skip


def create_issuer_app(config: IssuerConfig) -> FastAPI:
    app = FastAPI(title="Meldcode development OpenID Connect issuer", docs_url=None, redoc_url=None)
    codes = _CodeStore()
    jwk = public_jwk(config.private_key_pem)
    issuer = config.issuer_url.rstrip("/")

    def checked_request(params: Mapping[str, str]) -> tuple[Client, str] | Response:
        """Validate an authorization request. Before the redirect URI is known to be the client's
        own, errors are shown here; after that, they go back to the client (RFC 6749 4.1.2.1)."""
        client = config.clients.get(params.get("client_id", ""))
        if client is None:
            return _error_page("Deze toepassing is niet bekend bij de inlogdienst.")
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in client.redirect_uris:
            return _error_page("Het terugkeeradres hoort niet bij deze toepassing.")

        def back(error: str, description: str) -> Response:
            target = _with_query(
                redirect_uri,
                {
                    "error": error,
                    "error_description": description,
                    "state": params.get("state"),
                    "iss": issuer,
                },
            )
            return RedirectResponse(target, status_code=303)

        if params.get("response_type") != "code":
            return back("unsupported_response_type", "only the authorization code flow")
        if "openid" not in params.get("scope", "").split():
            return back("invalid_scope", "scope must include openid")
        if params.get("code_challenge_method") != "S256" or len(params.get("code_challenge", "")) < 43:
            return back("invalid_request", "PKCE with code_challenge_method=S256 is required")
        return client, redirect_uri

    @app.get("/.well-known/openid-configuration")
    async def discovery() -> dict[str, Any]:
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["EdDSA"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile"],
            "claims_supported": ["sub", "name", "role", "samenwerkingsverband", "schools"],
        }

    @app.get("/jwks")
    async def jwks() -> dict[str, Any]:
        return {"keys": [jwk]}

    @app.get("/authorize", response_class=HTMLResponse)
    async def authorize_page(request: Request) -> Response:
        params = {k: v for k, v in request.query_params.items() if k in AUTHORIZE_PARAMS}
        checked = checked_request(params)
        if isinstance(checked, Response):
            return checked
        hidden = "".join(
            f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in params.items()
        )
        buttons = "".join(
            f'<li><button type="submit" name="user" value="{html.escape(u.key)}" data-user="{html.escape(u.key)}">'
            f'<span class="name">{html.escape(u.name)}</span>'
            f'<span class="meta">{html.escape(u.role_label)}'
            f"{' – ' + html.escape(u.organisation) if u.organisation else ''}"
            f"{' – school ' + html.escape(', '.join(u.schools)) if u.schools else ''}"
            f" – {html.escape(u.samenwerkingsverband)}</span></button></li>"
            for u in config.users.values()
        )
        return _page(
            "Inloggen (ontwikkelomgeving)",
            f"""<h1>Inloggen (ontwikkelomgeving)</h1>
<p class="warning"><strong>Alleen voor ontwikkelen en demonstreren.</strong> Hier logt u zonder wachtwoord
in als een van de demo-gebruikers. In productie gebruikt het portaal de echte inlogdienst.</p>
<form method="post" action="/authorize"><fieldset style="border:0;padding:0">
<legend><h2 style="margin:0">Kies een demo-gebruiker</h2></legend>{hidden}<ul>{buttons}</ul></fieldset></form>""",
        )

    @app.post("/authorize")
    async def authorize_choose(request: Request) -> Response:
        form = await _form(request)
        params = {k: v for k, v in form.items() if k in AUTHORIZE_PARAMS}
        checked = checked_request(params)
        if isinstance(checked, Response):
            return checked
        client, redirect_uri = checked
        user = config.users.get(form.get("user", ""))
        if user is None:
            return _error_page("Kies een van de demo-gebruikers.")
        code = codes.add(
            _Grant(
                client_id=client.client_id,
                redirect_uri=redirect_uri,
                code_challenge=params["code_challenge"],
                nonce=params.get("nonce") or None,
                user_key=user.key,
                expires_at=datetime.now(UTC) + config.code_lifetime,
            )
        )
        target = _with_query(redirect_uri, {"code": code, "state": params.get("state"), "iss": issuer})
        return RedirectResponse(target, status_code=303)

    def authenticated_client(request: Request, form: Mapping[str, str]) -> Client | None:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(header[6:], validate=True).decode()
            except (ValueError, UnicodeDecodeError):
                return None
            raw_id, _, raw_secret = decoded.partition(":")
            client_id, secret = unquote(raw_id), unquote(raw_secret)
        client = config.clients.get(client_id or "")
        if client is None or secret is None:
            return None
        if not hmac.compare_digest(client.client_secret.encode(), secret.encode()):
            return None
        return client

    @app.post("/token")
    async def token(request: Request) -> Response:
        form = await _form(request)
        client = authenticated_client(request, form)
        if client is None:
            return _oauth_error("invalid_client", "client authentication failed", 401)
        if form.get("grant_type") != "authorization_code":
            return _oauth_error("unsupported_grant_type", "only authorization_code")
        grant = codes.take(form.get("code", ""))  # taken even when refused below: single use
        if grant is None or grant.expires_at < datetime.now(UTC):
            return _oauth_error("invalid_grant", "the code is unknown, used or expired")
        if grant.client_id != client.client_id:
            return _oauth_error("invalid_grant", "the code was issued to another client")
        if form.get("redirect_uri") != grant.redirect_uri:
            return _oauth_error("invalid_grant", "redirect_uri differs from the authorization request")
        verifier = form.get("code_verifier", "")
        if not 43 <= len(verifier) <= 128 or not hmac.compare_digest(s256(verifier), grant.code_challenge):
            return _oauth_error("invalid_grant", "code_verifier does not match the code_challenge")
        user = config.users[grant.user_key]
        now = datetime.now(UTC)
        access_token = mint_token(
            config.private_key_pem,
            sub=user.key,
            role=user.role,
            samenwerkingsverband=user.samenwerkingsverband,
            schools=user.schools,
            issuer=config.token_issuer,
            audience=config.audience,
            lifetime=config.access_token_lifetime,
            now=now,
            key_id=jwk["kid"],
        )
        id_claims: dict[str, Any] = {
            "iss": issuer,
            "sub": user.key,
            "aud": client.client_id,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(minutes=10)).timestamp()),
            "auth_time": int(now.timestamp()),
            "name": user.name,
            "role": user.role,
            "samenwerkingsverband": user.samenwerkingsverband,
            "schools": list(user.schools),
        }
        if grant.nonce:
            id_claims["nonce"] = grant.nonce
        id_token = jwt.encode(
            id_claims, config.private_key_pem, algorithm="EdDSA", headers={"kid": jwk["kid"]}
        )
        return JSONResponse(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": int(config.access_token_lifetime.total_seconds()),
                "id_token": id_token,
                "scope": "openid profile",
            },
            headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
        )

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


@cli.callback()
def _root() -> None:
    """Development OpenID Connect issuer (never in production)."""


@cli.command()
def serve(
    key_dir: Path = typer.Option(
        ..., help="Directory of the development key pair (`tokens`) (created when missing)"
    ),
    users: Path = typer.Option(..., help="JSON file with the demo users"),
    port: int = typer.Option(8190),
    host: str = typer.Option("127.0.0.1"),
    issuer_url: str | None = typer.Option(None, help="Public URL of this issuer (default http://HOST:PORT)"),
    client_id: str = typer.Option("meldcode-portal"),
    client_secret: str = typer.Option("dev-portal-secret"),
    redirect_uri: list[str] = typer.Option(
        [], help="Registered redirect URI of the client; repeat for more (default the portal on 8180)"
    ),
    token_issuer: str = typer.Option(
        "meldcode-dev", help="`iss` of access tokens (the services' AUTH_ISSUER)"
    ),
    audience: str = typer.Option("meldcode", help="`aud` of access tokens (the services' AUTH_AUDIENCE)"),
) -> None:
    """Serve the development issuer."""
    import uvicorn

    generate_key_pair(key_dir)
    config = IssuerConfig(
        private_key_pem=(key_dir / PRIVATE_KEY_NAME).read_text(),
        users=load_users(users),
        issuer_url=issuer_url or f"http://{host}:{port}",
        clients={
            client_id: Client(
                client_id, client_secret, tuple(redirect_uri or ["http://127.0.0.1:8180/auth/callback"])
            )
        },
        token_issuer=token_issuer,
        audience=audience,
    )
    uvicorn.run(create_issuer_app(config), host=host, port=port, log_level="warning")


if __name__ == "__main__":
    cli()
