"""People by name (issue 17, item 2): the school's staff directory to choose from in the case forms,
and the names of the user ids a page shows, both from the signals service.

`GET /schools/{brin}/staff?role=` gives the people to choose from; when it fails or lists nobody the
form falls back to a text field for the user id, with a hint. `GET /staff?user_id=` gives the names of
the ids on a page, in one call; an id it does not know shows as "Onbekende medewerker".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from meldcode_contracts.vocabulary import UNKNOWN_STAFF_MEMBER

from ..api import ApiProblem, ServiceApi, ServiceUnavailable

UNKNOWN_PERSON = UNKNOWN_STAFF_MEMBER
NO_DIRECTORY_HINT = (
    "De medewerkerslijst van de school is nu niet beschikbaar: vul de gebruikers-id in (zoals op het "
    "inlogscherm)."
)

Options = tuple[tuple[str, str], ...]


async def staff_options(services: ServiceApi, school: str, roles: Iterable[str] = ()) -> Options:
    """The listed staff of `school` (of `roles`, when named) as (user id, "name (role)") options;
    empty when the directory cannot be read or lists nobody."""
    params: dict[str, Any] = {"role": list(roles)} if roles else {}
    try:
        found = await services.get("signals", f"/schools/{school}/staff", params or None)
    except ServiceUnavailable:
        return ()
    except ApiProblem as problem:
        if problem.status == 401:
            raise
        return ()
    items = found.get("items", []) if isinstance(found, dict) else []
    return tuple(
        (str(p["user_id"]), str(p.get("name") or p["user_id"]))
        for p in items
        if isinstance(p, dict) and p.get("user_id")
    )


async def staff_names(services: ServiceApi, user_ids: Iterable[str]) -> dict[str, str]:
    """user id -> name, for every id asked: "Onbekende medewerker" for one the directory does not
    know, or all of them when it cannot be read. One call for the whole page."""
    wanted = sorted({i for i in user_ids if i})
    if not wanted:
        return {}
    names = dict.fromkeys(wanted, UNKNOWN_PERSON)
    try:
        found = await services.get("signals", "/staff", {"user_id": wanted})
    except ServiceUnavailable:
        return names
    except ApiProblem as problem:
        if problem.status == 401:
            raise
        return names
    for person in found.get("items", []) if isinstance(found, dict) else []:
        if isinstance(person, dict) and person.get("user_id") in names and person.get("name"):
            names[str(person["user_id"])] = str(person["name"])
    return names


def people_on_case(case: dict[str, Any], history: list[dict[str, Any]]) -> set[str]:
    """The user ids a case page shows: owner, opener, zorgteam, care coordinator, who reports and
    informs the parents, and every actor in the history."""
    ids = {str(case.get("case_owner_id") or ""), str(case.get("opened_by") or "")}
    ids |= {str(m.get("member_id")) for m in case.get("zorgteam_members") or [] if isinstance(m, dict)}
    ids.add(str(case.get("care_coordinator_id") or ""))
    decision = case.get("decision") or {}
    ids |= {str(decision.get("who_reports") or ""), str(decision.get("who_informs_parents") or "")}
    ids |= {str(e.get("actor_id") or "") for e in history if e.get("actor_role") != "system"}
    return {i for i in ids if i}
