"""Schools by name: "Basisschool De Regenboog (12AB)" wherever a screen shows a BRIN code.

The names come from reporting's `GET /schools` (the one register of the samenwerkingsverband's
schools), asked once per page. A school the register does not name, or a page whose question
failed, shows the code alone: a missing name never keeps a screen from showing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class _Reads(Protocol):
    async def get(self, service: Any, path: str, params: Any = None) -> Any: ...


@dataclass(frozen=True)
class SchoolNames:
    names: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, brin: object) -> str:
        code = str(brin or "")
        name = self.names.get(code)
        return f"{name} ({code})" if name else (f"School {code}" if code else "—")

    def name_or_code(self, brin: str) -> str:
        return self.names.get(brin, brin)


async def school_names(services: _Reads) -> SchoolNames:
    """The names of the caller's samenwerkingsverband's schools (none when reporting cannot say)."""
    from ..api import ApiProblem

    try:
        body = await services.get("reporting", "/schools")
    except ApiProblem as problem:
        if problem.status == 401:
            raise
        return SchoolNames()
    items = body.get("items", []) if isinstance(body, dict) else []
    return SchoolNames({str(s["brin"]): str(s["name"]) for s in items if s.get("brin") and s.get("name")})
