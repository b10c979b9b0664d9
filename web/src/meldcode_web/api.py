"""Calls to the services' HTTP APIs with the logged-in user's token.

A 4xx answer becomes `ApiProblem` (parsed from the RFC 9457 body: the services put the Dutch
rule message in `detail`); a 5xx answer or no answer becomes `ServiceUnavailable`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
from fastapi import Depends, Request

from .session import PortalUser, current_user
from .settings import PortalSettings

Service = Literal["signals", "casework", "notifications", "reporting"]


@dataclass
class ApiProblem(Exception):
    """A service refused the request (4xx)."""

    status: int
    title: str
    detail: str
    rule: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.detail)

    def __str__(self) -> str:
        return self.detail

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiProblem:
        """Read a problem body; a body that is not one still gives a Dutch message."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {}
        raw_status, raw_title, raw_detail, raw_rule = (
            body.get(k) for k in ("status", "title", "detail", "rule")
        )
        status = raw_status if isinstance(raw_status, int) else response.status_code
        title = raw_title if isinstance(raw_title, str) else ""
        detail = raw_detail if isinstance(raw_detail, str) else ""
        rule = raw_rule if isinstance(raw_rule, str) else None
        raw_errors = body.get("errors")
        errors = [e for e in raw_errors if isinstance(e, dict)] if isinstance(raw_errors, list) else []
        return cls(
            status=status,
            title=title or "Niet gelukt",
            detail=detail or title or "De dienst heeft dit verzoek geweigerd.",
            rule=rule,
            errors=errors,
        )

    def field_errors(self) -> dict[str, str]:
        """Validation errors per field name (the last part of the field path)."""
        found: dict[str, str] = {}
        for error in self.errors:
            name = str(error.get("field", "")).split(".")[-1]
            if name and name not in found:
                found[name] = str(error.get("message", "Ongeldige waarde"))
        return found


class ServiceUnavailable(Exception):
    """A service answered 5xx or not at all."""

    def __init__(self, service: str) -> None:
        super().__init__(f"{service} unavailable")
        self.service = service


class ServiceApi:
    """One user's view of the services: every call carries the user's bearer token."""

    def __init__(self, settings: PortalSettings, client: httpx.AsyncClient, access_token: str) -> None:
        self._settings = settings
        self._client = client
        self._token = access_token

    async def _request(
        self,
        method: str,
        service: Service,
        path: str,
        *,
        params: Any = None,
        json: Any = None,
        content: bytes | None = None,
        content_type: str | None = None,
        files: Any = None,
        data: Any = None,
    ) -> httpx.Response:
        url = self._settings.service_url(service) + path
        headers = {"Authorization": f"Bearer {self._token}"}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            response = await self._client.request(
                method,
                url,
                params=params,
                json=json,
                content=content,
                files=files,
                data=data,
                headers=headers,
                timeout=self._settings.service_timeout_seconds,
            )
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(service) from exc
        if response.status_code >= 500:
            raise ServiceUnavailable(service)
        if response.status_code >= 400:
            raise ApiProblem.from_response(response)
        return response

    async def get(self, service: Service, path: str, params: Any = None) -> Any:
        response = await self._request("GET", service, path, params=params)
        return response.json() if response.content else None

    async def get_page(self, service: Service, path: str, params: Any = None) -> tuple[Any, dict[str, str]]:
        """A paged list: its JSON and the URLs of its neighbours by relation (`next`, `prev`), as
        the `Link` header (RFC 8288) gives them."""
        response = await self._request("GET", service, path, params=params)
        links = {rel: link["url"] for rel, link in response.links.items() if rel and "url" in link}
        return (response.json() if response.content else None), links

    async def get_bytes(self, service: Service, path: str, params: Any = None) -> tuple[bytes, str]:
        response = await self._request("GET", service, path, params=params)
        return response.content, response.headers.get("content-type", "application/octet-stream")

    async def post(self, service: Service, path: str, json: Any = None) -> Any:
        response = await self._request("POST", service, path, json=json)
        return response.json() if response.content else None

    async def post_content(self, service: Service, path: str, content: bytes, content_type: str) -> Any:
        """POST a body that is not JSON (a CSV file, as uploaded) and read the JSON answer."""
        response = await self._request("POST", service, path, content=content, content_type=content_type)
        return response.json() if response.content else None

    async def post_file(
        self, service: Service, path: str, *, file: tuple[str, bytes, str], data: dict[str, str]
    ) -> Any:
        """POST one file as multipart/form-data (field `file`, as uploaded) with form fields `data`."""
        response = await self._request("POST", service, path, files={"file": file}, data=data)
        return response.json() if response.content else None

    async def get_file(self, service: Service, path: str) -> httpx.Response:
        """A file as the service answers it (its headers too)."""
        return await self._request("GET", service, path)


def api(request: Request, user: PortalUser = Depends(current_user)) -> ServiceApi:
    """FastAPI dependency: the services, called as the logged-in user."""
    return ServiceApi(request.app.state.settings, request.app.state.http_client, user.access_token)
