"""The services' audit endpoints over HTTP: base URLs from the environment, the auditor's bearer
token, and problem bodies turned into errors that say what went wrong."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import httpx

DEFAULT_URLS = {
    "casework": "http://127.0.0.1:8102",
    "signals": "http://127.0.0.1:8101",
    "reporting": "http://127.0.0.1:8104",
}
URL_VARIABLES = {name: f"MELDCODE_{name.upper()}_URL" for name in DEFAULT_URLS}


def tool_version() -> str:
    try:
        return version("meldcode-audit")
    except PackageNotFoundError:
        return "0.0.0"


USER_AGENT = f"meldcode-audit/{tool_version()}"


class AuditError(Exception):
    """Something the auditor must read (Dutch); the CLI prints it and exits with code 2."""


@dataclass(frozen=True)
class ServiceRefused(AuditError):
    service: str
    status: int
    detail: str

    def __str__(self) -> str:
        return f"{self.service} weigerde het verzoek ({self.status}): {self.detail}"


def service_urls(environ: dict[str, str] | None = None) -> dict[str, str]:
    env = os.environ if environ is None else environ
    return {name: env.get(URL_VARIABLES[name], default).rstrip("/") for name, default in DEFAULT_URLS.items()}


class AuditClient:
    def __init__(
        self,
        token: str | None,
        urls: dict[str, str] | None = None,
        *,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not token:
            raise AuditError("Geen token: zet MELDCODE_TOKEN of geef --token mee.")
        self.urls = urls or service_urls()
        self._http = httpx.Client(
            headers={
                "Authorization": f"Bearer {token}",
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
            },
            timeout=timeout,
            transport=transport,
        )

    def __enter__(self) -> AuditClient:
        return self

    def __exit__(self, *_: object) -> None:
        self._http.close()

    def get(self, service: str, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._call("GET", service, path, params)

    def post(self, service: str, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._call("POST", service, path, params)

    def _call(self, method: str, service: str, path: str, params: dict[str, Any] | None) -> Any:
        url = f"{self.urls[service]}{path}"
        try:
            response = self._http.request(method, url, params=params)
        except httpx.HTTPError as exc:
            raise AuditError(
                f"{service} is niet bereikbaar op {self.urls[service]} ({type(exc).__name__})."
            ) from exc
        if response.status_code >= 400:
            raise ServiceRefused(service, response.status_code, _detail(response))
        return response.json()


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("title") or body)
    return str(body)[:300]
