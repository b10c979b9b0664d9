"""Who may call which route of the reporting service, and within which scope (`create_app`
enforces it). Whether a pupil, case or school lies inside the scope is checked per request."""

from __future__ import annotations

from meldcode_contracts import Role
from meldcode_servicekit.permissions import COMMON, Outside, RoutePolicy, Scope, ServicePolicy, grant

SCHOOL_STAFF = grant(Scope.OWN_SCHOOL, Role.TEACHER, Role.INTERN_BEGELEIDER)
CARE_STAFF = {Role.INTERN_BEGELEIDER: Scope.OWN_SCHOOL, Role.ZORGTEAM: Scope.INVITED_CASE}
CASE_READERS = {**CARE_STAFF, Role.AUDITOR: Scope.OWN_TENANT_AUDITOR}

POLICY = ServicePolicy(
    "reporting",
    (
        *COMMON,
        RoutePolicy(
            "GET",
            "/schools",
            grant(
                Scope.OWN_TENANT,
                Role.TEACHER,
                Role.INTERN_BEGELEIDER,
                Role.ZORGTEAM,
                Role.ADMINISTRATOR,
            )
            | {Role.AUDITOR: Scope.OWN_TENANT_AUDITOR},
            "The names of the schools of the caller's samenwerkingsverband (no pupil data)",
            other_school=Outside.NOT_APPLICABLE,
            other_tenant=Outside.FILTERED,
        ),
        RoutePolicy("GET", "/pupils/{pupil_id}/chronology", CASE_READERS, "The pupil's chronology (rule 2)"),
        RoutePolicy(
            "GET",
            "/pupils/{pupil_id}/parents-export",
            grant(Scope.OWN_SCHOOL, Role.INTERN_BEGELEIDER),
            "The parents' inspection export (AVG inzage), reporter anonymity kept",
        ),
        RoutePolicy(
            "GET",
            "/schools/{brin}/cases",
            CASE_READERS,
            "The cases of a school with their step",
            school_named_by_caller=True,
        ),
        RoutePolicy(
            "GET",
            "/cases/{case_id}/signals",
            CARE_STAFF,
            "The signals a case is built on, as far as the caller's chronology shows them (rule 9)",
        ),
        RoutePolicy(
            "GET",
            "/cases/{case_id}/case-file.pdf",
            {Role.INTERN_BEGELEIDER: Scope.OWN_SCHOOL, Role.AUDITOR: Scope.OWN_TENANT_AUDITOR},
            "The printable case file (dossier, PDF) with people by name, for the IB'er and the auditor",
        ),
        RoutePolicy(
            "GET",
            "/schools/{brin}/pupils",
            SCHOOL_STAFF,
            "Find pupils of the school by name or leerlingnummer (portal)",
            school_named_by_caller=True,
        ),
        RoutePolicy(
            "GET",
            "/schools/{brin}/my-signals",
            SCHOOL_STAFF,
            "The signals the caller recorded at the school (portal)",
            school_named_by_caller=True,
        ),
        RoutePolicy(
            "GET",
            "/tenants/{tenant}/dashboard",
            {Role.ADMINISTRATOR: Scope.OWN_TENANT, Role.AUDITOR: Scope.OWN_TENANT_AUDITOR},
            "Figures of the samenwerkingsverband, small numbers suppressed",
            other_school=Outside.NOT_APPLICABLE,
        ),
        RoutePolicy(
            "GET",
            "/schools/{brin}/dashboard",
            {
                Role.INTERN_BEGELEIDER: Scope.OWN_SCHOOL,
                Role.ADMINISTRATOR: Scope.OWN_TENANT,
                Role.AUDITOR: Scope.OWN_TENANT_AUDITOR,
            },
            "Figures of one school, small numbers suppressed",
            school_named_by_caller=True,
        ),
        RoutePolicy(
            "GET",
            "/audit/access-log",
            {Role.AUDITOR: Scope.OWN_TENANT_AUDITOR},
            "The access log (NEN 7513) of the samenwerkingsverband",
            other_school=Outside.NOT_APPLICABLE,
            other_tenant=Outside.FILTERED,
        ),
        RoutePolicy(
            "POST",
            "/audit/rebuild",
            {Role.AUDITOR: Scope.WHOLE_SERVICE},
            "Rebuild the read models beside the live ones and compare checksums",
            other_school=Outside.NOT_APPLICABLE,
            other_tenant=Outside.NOT_APPLICABLE,
        ),
    ),
)
