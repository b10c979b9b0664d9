"""SCIM 2.0 provisioning of the staff directory (RFC 7643/7644) at `/scim/v2/Users` (issue 17).

The identity provider's provisioning client (a beheerder's token of the samenwerkingsverband)
creates, replaces, patches and deletes Users; each User is one person's listing at one school:
`id` is the listing's subject id, `userName` the user id (the token's `sub`), the name from
`name.formatted` or `displayName`, the e-mail the primary one of `emails`, and school and role from
the extension below. Deactivating (`active: false`) or deleting a User delists the person; the
events stay. Only the filter `userName eq "..."` is understood.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any

import anyio
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from scim2_models import (
    URN,
    Context,
    Email,
    Error,
    Extension,
    ListResponse,
    Meta,
    Name,
    PatchOp,
    SCIMException,
    ScimFilter,
    User,
)
from scim2_models.path.expressions import CompareOperator, Comparison

from meldcode_edge.auth import CurrentPrincipal

from ..application import SignalsApplication
from ..commands import DelistStaffMember, ListStaffMember
from ..domain.errors import DomainError, NotFound, StaffSchoolOfOtherTenant
from ..domain.staff import StaffMember
from .http import SignalsApp
from .staff_http import Directory

SCHOOL_EXTENSION = "urn:meldcode:params:scim:schemas:extension:school:2.0:User"
SCIM_MEDIA_TYPE = "application/scim+json"

router = APIRouter(prefix="/scim/v2", tags=["scim"])


class SchoolMembership(Extension):
    """The school the person works at (BRIN) and their role there."""

    __schema__ = URN(SCHOOL_EXTENSION)

    school: str | None = None
    role: str | None = None


StaffUser = User[SchoolMembership]


class ScimRefusal(Exception):
    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.error = Error(status=status, detail=detail, scim_type=scim_type)


def scim_response(body: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=SCIM_MEDIA_TYPE)


def error_response(error: Error) -> JSONResponse:
    return scim_response(error.model_dump(), status=int(error.status or 500))


def scim_user(
    *, member_id: uuid.UUID, school: str, user_id: str, name: str, role: str, email: str | None, listed: bool
) -> StaffUser:
    user = StaffUser(
        id=str(member_id),
        user_name=user_id,
        display_name=name,
        name=Name(formatted=name),
        active=listed,
        emails=[Email(value=email, primary=True)] if email else None,
        meta=Meta(resource_type="User", location=f"/scim/v2/Users/{member_id}"),
    )
    user[SchoolMembership] = SchoolMembership(school=school, role=role)
    return user


def user_of(member: StaffMember) -> StaffUser:
    return scim_user(
        member_id=member.id,
        school=member.school,
        user_id=member.user_id,
        name=member.name,
        role=member.role,
        email=member.email,
        listed=member.listed,
    )


def _dump(user: StaffUser, context: Context) -> dict[str, Any]:
    dumped: dict[str, Any] = user.model_dump(scim_ctx=context)
    return dumped


def _parse_user(body: Any, context: Context) -> StaffUser:
    try:
        return StaffUser.model_validate(body, scim_ctx=context)
    except SCIMException as invalid:
        raise ScimRefusal(400, str(invalid), invalid.to_error().scim_type) from None
    except ValidationError as invalid:
        raise ScimRefusal(
            400, f"Ongeldige gebruiker: {invalid.error_count()} fout(en).", "invalidValue"
        ) from None


def listing_of(user: StaffUser) -> ListStaffMember:
    """The listing a SCIM User asks for."""
    membership = user[SchoolMembership]
    if membership is None or not membership.school or not membership.role:
        raise ScimRefusal(
            400, f"School en rol ontbreken (schema-uitbreiding {SCHOOL_EXTENSION}).", "invalidValue"
        )
    name = (user.name.formatted if user.name else None) or user.display_name
    if not name and user.name:
        name = " ".join(p for p in (user.name.given_name, user.name.family_name) if p)
    emails = user.emails or []
    primary = next((e for e in emails if e.primary), emails[0] if emails else None)
    try:
        return ListStaffMember(
            school=membership.school,
            user_id=user.user_name or "",
            name=name or "",
            role=membership.role,
            email=primary.value if primary else None,
        )
    except ValidationError as invalid:
        wrong = ", ".join(str(e["loc"][0]) for e in invalid.errors())
        raise ScimRefusal(400, f"Niet goed ingevuld: {wrong}.", "invalidValue") from None


async def _body(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise ScimRefusal(400, "De inhoud is geen JSON.", "invalidSyntax") from None


def _as_scim(error: DomainError) -> ScimRefusal:
    return ScimRefusal(error.status if error.status != 422 else 400, str(error), "invalidValue")


async def _apply(app: SignalsApplication, user: StaffUser, principal: Any, request: Request) -> StaffMember:
    """List the person as the User says, and delist them when it is not active."""
    command = listing_of(user)
    acting = principal.acting(request.state.correlation_id)
    try:
        listing = await anyio.to_thread.run_sync(lambda: app.list_staff_members([command], acting=acting))
        member = listing[0].member
        if user.active is False:
            delist = DelistStaffMember(school=command.school, user_id=command.user_id)
            member = (
                await anyio.to_thread.run_sync(lambda: app.delist_staff_member(delist, acting=acting))
            ).member
    except DomainError as refused:
        rows = getattr(refused, "rows", None)
        detail = str(rows[0]["detail"]) if rows else str(refused)
        raise ScimRefusal(
            refused.status if refused.status in (403, 409) else 400, detail, "invalidValue"
        ) from None
    return member


async def _own_member(app: SignalsApplication, member_id: str, tenant: str) -> StaffMember:
    try:
        member = await anyio.to_thread.run_sync(app.find_staff_member, uuid.UUID(member_id))
    except ValueError:
        member = None
    if member is None or member.tenant != tenant:
        raise ScimRefusal(404, f"Gebruiker {member_id} is niet bekend.")
    return member


def scim_errors(handler: Any) -> Any:
    """Every refusal of a SCIM route answered as a SCIM Error body."""

    @functools.wraps(handler)
    async def answer(*args: Any, **kwargs: Any) -> Response:
        try:
            response: Response = await handler(*args, **kwargs)
        except ScimRefusal as refusal:
            return error_response(refusal.error)
        except NotFound as missing:
            return error_response(Error(status=404, detail=str(missing)))
        except DomainError as refused:
            return error_response(_as_scim(refused).error)
        return response

    return answer


@router.post("/Users", status_code=201, summary="Provision a User: list the person at the school")
@scim_errors
async def create_user(
    request: Request, principal: CurrentPrincipal, app: SignalsApp, directory: Directory
) -> Response:
    user = _parse_user(await _body(request), Context.RESOURCE_CREATION_REQUEST)
    command = listing_of(user)
    if await directory.school_of_other_tenant(principal.tenant, command.school):
        raise _as_scim(StaffSchoolOfOtherTenant("Deze school hoort bij een ander samenwerkingsverband."))
    member = await _apply(app, user, principal, request)
    return scim_response(_dump(user_of(member), Context.RESOURCE_CREATION_RESPONSE), status=201)


@router.get("/Users", summary="Users of your samenwerkingsverband (filter: userName eq)")
@scim_errors
async def list_users(
    principal: CurrentPrincipal,
    directory: Directory,
    filter: str | None = None,
) -> Response:
    user_ids = None if filter is None else [_user_name_filter(filter)]
    entries = await directory.in_tenant(principal.tenant, user_ids)
    users = [
        scim_user(
            member_id=e.member_id,
            school=e.school,
            user_id=e.user_id,
            name=e.name,
            role=e.role,
            email=e.email,
            listed=e.listed,
        )
        for e in entries
    ]
    answer = ListResponse[StaffUser](
        total_results=len(users), start_index=1, items_per_page=len(users), resources=users
    )
    return scim_response(answer.model_dump(scim_ctx=Context.SEARCH_RESPONSE))


def _user_name_filter(text: str) -> str:
    try:
        node = ScimFilter(text).ast
    except SCIMException:
        node = None
    if (
        isinstance(node, Comparison)
        and node.op == CompareOperator.eq
        and node.attr_path.attr.lower() == "username"
        and node.attr_path.sub_attr is None
        and isinstance(node.value, str)
    ):
        return node.value
    raise ScimRefusal(400, 'Alleen het filter userName eq "..." wordt ondersteund.', "invalidFilter")


@router.get("/Users/{member_id}", summary="One User (one person's listing at one school)")
@scim_errors
async def get_user(member_id: str, principal: CurrentPrincipal, app: SignalsApp) -> Response:
    member = await _own_member(app, member_id, principal.tenant)
    return scim_response(_dump(user_of(member), Context.RESOURCE_QUERY_RESPONSE))


@router.put("/Users/{member_id}", summary="Replace a User: list (or delist) the person as it says")
@scim_errors
async def replace_user(
    member_id: str, request: Request, principal: CurrentPrincipal, app: SignalsApp
) -> Response:
    member = await _own_member(app, member_id, principal.tenant)
    user = _parse_user(await _body(request), Context.RESOURCE_REPLACEMENT_REQUEST)
    _require_same_listing(member, listing_of(user))
    member = await _apply(app, user, principal, request)
    return scim_response(_dump(user_of(member), Context.RESOURCE_REPLACEMENT_RESPONSE))


@router.patch("/Users/{member_id}", summary="Patch a User: active false delists; name and e-mails replaced")
@scim_errors
async def patch_user(
    member_id: str, request: Request, principal: CurrentPrincipal, app: SignalsApp
) -> Response:
    member = await _own_member(app, member_id, principal.tenant)
    user = user_of(member)
    try:
        patch = PatchOp[StaffUser].model_validate(
            await _body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        patch.patch(user)
    except SCIMException as invalid:
        raise ScimRefusal(400, str(invalid), invalid.to_error().scim_type) from None
    except ValidationError as invalid:
        raise ScimRefusal(
            400, f"Ongeldige patch: {invalid.error_count()} fout(en).", "invalidSyntax"
        ) from None
    if user.name is not None and user.display_name == member.name and user.name.formatted != member.name:
        user.display_name = None  # the patched name.formatted wins over the old display name
    _require_same_listing(member, listing_of(user))
    member = await _apply(app, user, principal, request)
    return scim_response(_dump(user_of(member), Context.RESOURCE_PATCH_RESPONSE))


@router.delete("/Users/{member_id}", status_code=204, summary="Deprovision a User: delist the person")
@scim_errors
async def delete_user(
    member_id: str, request: Request, principal: CurrentPrincipal, app: SignalsApp
) -> Response:
    member = await _own_member(app, member_id, principal.tenant)
    acting = principal.acting(request.state.correlation_id)
    command = DelistStaffMember(school=member.school, user_id=member.user_id)
    await anyio.to_thread.run_sync(lambda: app.delist_staff_member(command, acting=acting))
    return Response(status_code=204)


def _require_same_listing(member: StaffMember, command: ListStaffMember) -> None:
    if (command.school, command.user_id) != (member.school, member.user_id):
        raise ScimRefusal(
            400,
            "userName en school van een gebruiker veranderen niet; maak een nieuwe gebruiker.",
            "mutability",
        )
