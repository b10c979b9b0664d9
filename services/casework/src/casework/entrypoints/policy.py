"""Who may call which route of the casework service, and within which scope (`create_app` enforces it).

Whether the case lies inside the scope is checked per case (`case_access`)."""

from __future__ import annotations

from meldcode_contracts import Role
from meldcode_servicekit.audit import VERIFICATION_ROUTES
from meldcode_servicekit.permissions import COMMON, Outside, RoutePolicy, Scope, ServicePolicy, grant

IB_ONLY = grant(Scope.OWN_SCHOOL, Role.INTERN_BEGELEIDER)
CARE_STAFF = {Role.INTERN_BEGELEIDER: Scope.OWN_SCHOOL, Role.ZORGTEAM: Scope.INVITED_CASE}
CASE_READERS = {**CARE_STAFF, Role.AUDITOR: Scope.OWN_TENANT_AUDITOR}
AUDITOR_ONLY = {Role.AUDITOR: Scope.OWN_TENANT_AUDITOR}

CASE_COMMANDS = (
    ("signals", "Add signals recorded after opening to the case (rule 9)"),
    ("owner", "Give the case another owner"),
    ("zorgteam-invitations", "Invite a zorgteam member into the case"),
    ("zorgteam-invitation-withdrawals", "Withdraw a zorgteam member's invitation"),
    ("parents-conversation", "Step 3: the conversation with the parents"),
    ("parents-conversation-skip", "Step 3: why there is no conversation (rule 5)"),
    ("risk-weighing", "Step 4: the multidisciplinary weighing"),
    ("decision", "Step 5: the decision (afwegingskader)"),
    ("help", "Step 5: help organised"),
    ("parents-informed", "Step 5: parents informed of the report"),
    ("parents-informing-exception", "Step 5: why the parents are not informed"),
    ("child-informed", "Step 5: the pupil (12+) informed"),
    ("child-informing-exception", "Step 5: why the pupil is not informed"),
    ("reporter-anonymity", "Step 5: anonymity of the reporter (rule 10)"),
    ("veilig-thuis-report", "Step 5: report to Veilig Thuis"),
    ("veilig-thuis-feedback", "Veilig Thuis's feedback (rule 11)"),
    ("care-coordinator", "Step 6: the care coordinator"),
    ("follow-up", "Step 6: the evaluation date"),
    ("follow-up-evaluation", "Step 6: the evaluation"),
    ("close", "Close the case (rule 13)"),
    ("reopen", "Reopen a closed case (rule 13)"),
    ("pupil-left-school", "The pupil left the school (rule 14)"),
    ("transfer", "Hand the case over to another school (rule 14)"),
    ("jgz-consultation-requests", "Ask the JGZ partner for a consultation (rule 3)"),
    ("jgz-handovers", "Hand the case over to the JGZ partner"),
)
"""`POST /cases/{case_id}/<path>`: the commands of `command_routes`."""

IB_ONLY_COMMANDS = ("signals", "zorgteam-invitations", "zorgteam-invitation-withdrawals")
"""Only the IB'er / aandachtsfunctionaris, not a zorgteam member, gives these."""

POLICY = ServicePolicy(
    "casework",
    (
        *COMMON,
        RoutePolicy("POST", "/cases", IB_ONLY, "Open a case from recorded signals (rule 4: the IB'er)"),
        RoutePolicy("GET", "/cases/{case_id}", CASE_READERS, "A case as it stands now"),
        RoutePolicy("GET", "/cases/{case_id}/history", CASE_READERS, "Every event of the case"),
        RoutePolicy(
            "GET",
            "/pupils/{pupil_id}/signals",
            {Role.INTERN_BEGELEIDER: Scope.OWN_SCHOOL, Role.AUDITOR: Scope.OWN_TENANT_AUDITOR},
            "The pupil's signals as casework knows them (to open a case)",  # the zorgteam: in the case
        ),
        *(
            RoutePolicy(
                "POST",
                f"/cases/{{case_id}}/{path}",
                IB_ONLY if path in IB_ONLY_COMMANDS else CARE_STAFF,
                purpose,
            )
            for path, purpose in CASE_COMMANDS
        ),
        RoutePolicy(
            "POST",
            "/integrations/jgz/consultation-results",
            {},
            "A JGZ system delivers a consultation result",
            anonymous=Scope.SIGNED_WEBHOOK,
            other_school=Outside.NOT_APPLICABLE,
            other_tenant=Outside.HIDDEN,
        ),
        RoutePolicy("GET", "/audit/cases/{case_id}/events", AUDITOR_ONLY, "Every stored event of the case"),
        RoutePolicy(
            "GET", "/audit/cases/{case_id}/as-of", AUDITOR_ONLY, "The case as it stood at an instant"
        ),
        *VERIFICATION_ROUTES,
    ),
)
