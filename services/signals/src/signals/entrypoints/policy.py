"""Who may call which route of the signals service, and within which scope (`create_app` enforces it)."""

from __future__ import annotations

from meldcode_contracts import Role
from meldcode_servicekit.audit import VERIFICATION_ROUTES
from meldcode_servicekit.permissions import COMMON, Outside, RoutePolicy, Scope, ServicePolicy, grant

SCHOOL_STAFF = grant(Scope.OWN_SCHOOL, Role.TEACHER, Role.INTERN_BEGELEIDER)
"""The school's own people; the zorgteam reaches a pupil only through a case it is invited into."""
REGISTRARS = grant(Scope.OWN_SCHOOL, Role.INTERN_BEGELEIDER, Role.ADMINISTRATOR)
DIRECTORY_READERS = {
    **grant(Scope.OWN_SCHOOL, Role.TEACHER, Role.INTERN_BEGELEIDER, Role.ZORGTEAM),
    Role.ADMINISTRATOR: Scope.OWN_TENANT,
    Role.AUDITOR: Scope.OWN_TENANT_AUDITOR,
}
"""Who works at a school, by name: everyone with access to the school, and the samenwerkingsverband's
beheerder and auditor for all its schools."""
PROVISIONING = {Role.ADMINISTRATOR: Scope.OWN_TENANT}
"""The identity provider's provisioning client holds a beheerder's token of the samenwerkingsverband."""


def _scim(method: str, path: str, purpose: str) -> RoutePolicy:
    return RoutePolicy(method, path, PROVISIONING, purpose, other_tenant=Outside.HIDDEN)


POLICY = ServicePolicy(
    "signals",
    (
        *COMMON,
        RoutePolicy(
            "POST",
            "/pupils",
            REGISTRARS,
            "Register a pupil (school administration)",
            school_named_by_caller=True,
        ),
        RoutePolicy(
            "POST",
            "/schools/{brin}/pupils/import",
            REGISTRARS,
            "Import the school's pupil administration export (CSV): register its new pupils",
            school_named_by_caller=True,
        ),
        RoutePolicy(
            "POST",
            "/pupils/{pupil_id}/deregistration",
            REGISTRARS,
            "Deregister a pupil who left the school (rule 14)",
        ),
        RoutePolicy(
            "POST",
            "/pupils/{pupil_id}/erasure-requests",
            REGISTRARS,
            "Ask to erase a pupil's personal data (a lawful request or a court order; ADR 10)",
        ),
        RoutePolicy(
            "POST",
            "/pupils/{pupil_id}/erasure-requests/{request_id}/approval",
            REGISTRARS,
            "Approve another's erasure request, the other role (four eyes), and erase (ADR 10)",
        ),
        RoutePolicy("GET", "/pupils/{pupil_id}", SCHOOL_STAFF, "A pupil of the school"),
        RoutePolicy("POST", "/pupils/{pupil_id}/signals", SCHOOL_STAFF, "Record a signal (step 1)"),
        RoutePolicy("GET", "/signals/{signal_id}", SCHOOL_STAFF, "A recorded signal"),
        RoutePolicy("POST", "/signals/{signal_id}/corrections", SCHOOL_STAFF, "Correct a signal"),
        RoutePolicy(
            "POST",
            "/signals/{signal_id}/attachments",
            SCHOOL_STAFF,
            "Attach a photo or PDF to a signal (its observer or the IB'er)",
        ),
        RoutePolicy("GET", "/signals/{signal_id}/attachments", SCHOOL_STAFF, "The attachments of a signal"),
        RoutePolicy(
            "GET",
            "/signals/{signal_id}/attachments/{attachment_id}",
            SCHOOL_STAFF,
            "An attachment of a signal (its bytes)",
        ),
        RoutePolicy(
            "POST", "/pupils/{pupil_id}/consultations", SCHOOL_STAFF, "Record a consultation (step 2)"
        ),
        RoutePolicy(
            "POST",
            "/pupils/{pupil_id}/veilig-thuis-advice",
            grant(Scope.OWN_SCHOOL, Role.INTERN_BEGELEIDER),
            "Record an anonymous advice request to Veilig Thuis (step 2)",
        ),
        RoutePolicy(
            "GET",
            "/audit/pupils/{pupil_id}/events",
            {Role.AUDITOR: Scope.OWN_TENANT_AUDITOR},
            "Every stored event about the pupil",
        ),
        RoutePolicy(
            "GET",
            "/schools/{brin}/staff",
            DIRECTORY_READERS,
            "The staff directory of a school: listed people by name and role",
            school_named_by_caller=True,
        ),
        RoutePolicy(
            "GET",
            "/staff",
            grant(
                Scope.OWN_TENANT,
                Role.TEACHER,
                Role.INTERN_BEGELEIDER,
                Role.ZORGTEAM,
                Role.ADMINISTRATOR,
                Role.AUDITOR,
            ),
            "Names of people by user id, to show names instead of ids (the caller's samenwerkingsverband)",
            other_school=Outside.NOT_APPLICABLE,
            other_tenant=Outside.FILTERED,
        ),
        RoutePolicy(
            "POST",
            "/schools/{brin}/staff/import",
            {Role.INTERN_BEGELEIDER: Scope.OWN_SCHOOL, Role.ADMINISTRATOR: Scope.OWN_TENANT},
            "Import a school's staff list (CSV; all rows or none)",
            school_named_by_caller=True,
        ),
        RoutePolicy(
            "POST",
            "/scim/v2/Users",
            PROVISIONING,
            "SCIM: provision a User (list the person at the school its extension names)",
            school_named_by_caller=True,
        ),
        RoutePolicy(
            "GET",
            "/scim/v2/Users",
            PROVISIONING,
            'SCIM: the Users of the caller\'s samenwerkingsverband (filter userName eq "...")',
            other_school=Outside.FILTERED,
            other_tenant=Outside.FILTERED,
        ),
        _scim("GET", "/scim/v2/Users/{member_id}", "SCIM: one User"),
        _scim("PUT", "/scim/v2/Users/{member_id}", "SCIM: replace a User (list or delist)"),
        _scim("PATCH", "/scim/v2/Users/{member_id}", "SCIM: patch a User (active false delists)"),
        _scim("DELETE", "/scim/v2/Users/{member_id}", "SCIM: deprovision a User (delist)"),
        *VERIFICATION_ROUTES,
    ),
)
