"""The people of the tests and their bearer tokens: claims of one role in the demo school, and
the `Authorization` header a request carries for them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .builders.envelopes import OTHER_SCHOOL, SCHOOL, TENANT

if TYPE_CHECKING:
    from . import Suite

IB: dict[str, Any] = {"sub": "ib-1", "role": "intern_begeleider", "schools": (SCHOOL,)}
IB_OTHER_SCHOOL: dict[str, Any] = {"sub": "ib-2", "role": "intern_begeleider", "schools": (OTHER_SCHOOL,)}
TEACHER: dict[str, Any] = {"sub": "lk-1", "role": "leerkracht", "schools": (SCHOOL,)}
ZORGTEAM: dict[str, Any] = {"sub": "zt-1", "role": "zorgteam", "schools": (SCHOOL,)}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def auth(suite: Suite, claims: Mapping[str, Any] | None = None, /, **more: Any) -> dict[str, str]:
    """The header of a token with `claims` (e.g. `IB`) and `more`, in the demo's samenwerkingsverband
    unless a `tenant` is given: `auth(suite, IB)`, `auth(suite, **IB, tenant="swv-noord")`."""
    return bearer(suite.infra.token(**{"tenant": TENANT, **(claims or {}), **more}))
