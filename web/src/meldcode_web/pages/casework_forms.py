"""The forms of the casework screens: which fields each step has, and how a submitted form becomes
the JSON body of the service call.

The portal checks no Meldcode rule itself: it turns the typed text into the API's shape (dates,
yes/no, lists) and leaves every decision to the service, whose Dutch message the page then shows.
Fields that are left empty but required are still sent, so the service names what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from meldcode_contracts.vocabulary import Outcome

from .casework_labels import CHOICE_LABELS

FormValues = dict[str, Any]
"""What the user typed: field name -> str, or list[str] for multi-valued fields."""


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    TEXTAREA = "textarea"
    SELECT = "select"
    YES_NO = "yes_no"
    LINES = "lines"
    """A textarea whose non-empty lines become a list of strings."""
    SIGNALS = "signals"
    """Checkboxes of the case's signals (ids)."""
    PARTICIPANTS = "participants"
    """Rows of name, role and discipline."""
    PERSON = "person"
    """A user id, chosen from the school's staff directory (a text field when it cannot be read)."""


PARTICIPANT_ROWS = 4
REQUIRED_PARTICIPANTS = 2
"""The weighing is multidisciplinary (rule 6): the first two rows are required."""


def _options(*values: str) -> tuple[tuple[str, str], ...]:
    return tuple((v, CHOICE_LABELS.get(v, v)) for v in values)


SAFETY_GROUNDS = _options(
    "veiligheid_kind", "veiligheid_anderen", "veiligheid_melder", "ouders_onttrekken_kind"
)
CHILD_GROUNDS = _options("veiligheid_kind", "veiligheid_anderen", "veiligheid_melder", "ontwikkelingsniveau")
ANONYMITY_GROUNDS = _options(
    "bedreiging_kind_of_gezinsleden", "bedreiging_melder_of_collegas", "verstoring_relatie_gezin"
)
DISCIPLINES = _options(
    "onderwijs",
    "jeugdgezondheidszorg",
    "schoolmaatschappelijk_werk",
    "leerplicht",
    "jeugdhulp",
    "wijkteam",
    "politie",
    "overig",
)
SEVERITIES = _options("licht", "matig", "ernstig")
RISK_LEVELS = _options("laag", "verhoogd", "hoog")
OUTCOMES = _options(*(outcome.value for outcome in Outcome))
JGZ_LEGAL_BASES = _options("toestemming_ouders", "wettelijke_taak_jgz", "conflict_van_plichten")
TRANSFER_LEGAL_BASES = _options(
    "toestemming_ouders", "wettelijke_plicht", "zwaarwegend_belang_kind", "vitaal_belang"
)

Default = Literal["today", "me"]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = True
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()
    default: Default | None = None
    roles: tuple[str, ...] = ()
    """A PERSON field: the directory's roles to choose from (empty: everyone listed)."""
    invited_only: bool = False
    """A PERSON field: choose among the zorgteam members invited into the case."""


@dataclass(frozen=True)
class StepForm:
    slug: str
    title: str
    path: str
    """The service path, with `{case_id}` or `{pupil_id}`."""
    fields: tuple[Field, ...]
    group: str
    intro: str = ""
    submit: str = "Vastleggen"
    service: Literal["casework", "signals"] = "casework"
    versioned: bool = True
    """Send the case version the user saw as `expected_version` (casework commands)."""
    done: str = "Vastgelegd."
    extra: tuple[Field, ...] = field(default=())


def _today(name: str, label: str, hint: str = "") -> Field:
    return Field(name, label, Kind.DATE, default="today", hint=hint)


GROUP_PARENTS = "Stap 3: gesprek met ouders"
GROUP_WEIGHING = "Stap 4: weging en risicotaxatie"
GROUP_DECISION = "Stap 5: beslissen, hulp en melden bij Veilig Thuis"
GROUP_REPORT = GROUP_DECISION
"""Step 5 is one step: the decision, the help and the report (one heading, issue 17 item 5)."""
GROUP_FOLLOW = "Stap 6: volgen"
GROUP_OTHER = "Zaak en samenwerking"

CASE_FORMS: tuple[StepForm, ...] = (
    StepForm(
        "gesprek-ouders",
        "Gesprek met de ouders",
        "/cases/{case_id}/parents-conversation",
        (
            _today("held_on", "Datum van het gesprek"),
            Field(
                "participants",
                "Wie waren erbij?",
                Kind.LINES,
                hint="Eén deelnemer per regel, bijvoorbeeld: leerkracht Anna.",
            ),
            Field(
                "summary",
                "Wat is besproken?",
                Kind.TEXTAREA,
                hint="De signalen, de zorgen en wat de ouders zeiden.",
            ),
        ),
        GROUP_PARENTS,
        intro=(
            "Bespreek de signalen en zorgen met de ouder(s), vraag naar de thuissituatie en wissel "
            "informatie uit over de ontwikkeling van het kind. Zo worden zorgen verduidelijkt, "
            "ontkracht of bevestigd."
        ),
        done="Het gesprek met de ouders is vastgelegd.",
    ),
    StepForm(
        "gesprek-ouders-overslaan",
        "Geen gesprek met de ouders (met reden)",
        "/cases/{case_id}/parents-conversation-skip",
        (
            Field("reason", "Reden", Kind.SELECT, options=SAFETY_GROUNDS),
            Field("explanation", "Toelichting", Kind.TEXTAREA),
        ),
        GROUP_PARENTS,
        intro=(
            "Het gesprek met de ouders gaat vóór de weging, tenzij de veiligheid van het kind, van "
            "anderen of van de melder in het geding is, of de ouders het kind aan het contact "
            "dreigen te onttrekken."
        ),
        done="Vastgelegd waarom er geen gesprek met de ouders is.",
    ),
    StepForm(
        "zorgteam-uitnodigen",
        "Zorgteamlid uitnodigen voor deze zaak",
        "/cases/{case_id}/zorgteam-invitations",
        (
            Field("member_id", "Zorgteamlid", Kind.PERSON, roles=("zorgteam",)),
            Field(
                "organisation",
                "Partnerorganisatie",
                required=False,
                hint="Bijvoorbeeld de JGZ; leeg laten voor het eigen zorgteam van de school.",
            ),
        ),
        GROUP_WEIGHING,
        intro="Een lid van het zorgteam ziet en bewerkt alleen de zaken waarvoor het is uitgenodigd.",
        submit="Uitnodigen",
        done="Het zorgteamlid is uitgenodigd voor deze zaak.",
    ),
    StepForm(
        "zorgteam-uitnodiging-intrekken",
        "Uitnodiging van een zorgteamlid intrekken",
        "/cases/{case_id}/zorgteam-invitation-withdrawals",
        (Field("member_id", "Zorgteamlid", Kind.PERSON, invited_only=True),),
        GROUP_WEIGHING,
        intro="Na het intrekken ziet het zorgteamlid deze zaak niet meer.",
        submit="Uitnodiging intrekken",
        done="De uitnodiging is ingetrokken.",
    ),
    StepForm(
        "weging",
        "Weging en risicotaxatie in het zorgteam",
        "/cases/{case_id}/risk-weighing",
        (
            Field(
                "participants",
                "Deelnemers aan de weging",
                Kind.PARTICIPANTS,
                hint="De weging is multidisciplinair: minstens twee deelnemers van verschillende disciplines.",
            ),
            Field("nature", "Aard van de signalen en van het vermoeden", Kind.TEXTAREA),
            Field("severity", "Ernst", Kind.SELECT, options=SEVERITIES),
            Field("risk_level", "Risico", Kind.SELECT, options=RISK_LEVELS),
            Field(
                "suspicion",
                "Afwegingskader vraag 1: is er een vermoeden van huiselijk geweld of kindermishandeling?",
                Kind.YES_NO,
            ),
            Field("acute_unsafety", "Afwegingskader vraag 2: is er acute onveiligheid?", Kind.YES_NO),
            Field(
                "structural_unsafety", "Afwegingskader vraag 2: is er structurele onveiligheid?", Kind.YES_NO
            ),
            Field(
                "approach",
                "Afgestemde aanpak",
                Kind.TEXTAREA,
                required=False,
                hint="De aanpak voor het kind, de ouders en de leerkracht.",
            ),
        ),
        GROUP_WEIGHING,
        intro=(
            "Het zorgteam bespreekt de signalen, het ingewonnen advies en de informatie uit het "
            "gesprek met de ouders. De aard en de ernst van de signalen en het risico worden "
            "multidisciplinair afgewogen; daarna volgt een afgestemde aanpak."
        ),
        done="De weging is vastgelegd.",
    ),
    StepForm(
        "hulp",
        "Hulp georganiseerd",
        "/cases/{case_id}/help",
        (
            Field("help_description", "Welke hulp?", Kind.TEXTAREA),
            Field("providers", "Wie biedt de hulp?", Kind.LINES, required=False, hint="Eén per regel."),
            Field(
                "teacher_advice",
                "Handelingsgerichte adviezen voor de leerkracht",
                Kind.TEXTAREA,
                required=False,
            ),
            Field("agreed_term_until", "Afgesproken termijn tot", Kind.DATE, required=False),
        ),
        GROUP_DECISION,
        done="De hulp is vastgelegd.",
    ),
    StepForm(
        "ouders-geinformeerd",
        "Ouders geïnformeerd over de voorgenomen melding",
        "/cases/{case_id}/parents-informed",
        (
            _today("informed_on", "Datum"),
            Field("informed_by", "Geïnformeerd door", Kind.PERSON, default="me"),
            Field("summary", "Wat is er gezegd?", Kind.TEXTAREA),
        ),
        GROUP_REPORT,
        intro="Ouders worden geïnformeerd over de voorgenomen melding, niet om toestemming gevraagd.",
        done="Vastgelegd dat de ouders zijn geïnformeerd.",
    ),
    StepForm(
        "ouders-uitzondering",
        "Ouders niet geïnformeerd (uitzondering)",
        "/cases/{case_id}/parents-informing-exception",
        (
            Field("ground", "Wettelijke grond", Kind.SELECT, options=SAFETY_GROUNDS),
            Field("explanation", "Toelichting", Kind.TEXTAREA),
        ),
        GROUP_REPORT,
        done="De uitzondering is vastgelegd.",
    ),
    StepForm(
        "kind-geinformeerd",
        "Kind (12+) geïnformeerd over de melding",
        "/cases/{case_id}/child-informed",
        (
            _today("informed_on", "Datum"),
            Field("informed_by", "Geïnformeerd door", Kind.PERSON, default="me"),
            Field("summary", "Wat is er besproken?", Kind.TEXTAREA),
        ),
        GROUP_REPORT,
        intro="Een leerling van 12 jaar of ouder op de meldingsdatum wordt over de melding geïnformeerd.",
        done="Vastgelegd dat de leerling is geïnformeerd.",
    ),
    StepForm(
        "kind-uitzondering",
        "Kind niet geïnformeerd (uitzondering)",
        "/cases/{case_id}/child-informing-exception",
        (
            Field("ground", "Grond", Kind.SELECT, options=CHILD_GROUNDS),
            Field("explanation", "Toelichting", Kind.TEXTAREA),
        ),
        GROUP_REPORT,
        done="De uitzondering is vastgelegd.",
    ),
    StepForm(
        "anonimiteit",
        "Anonimiteit van de melder tegenover het gezin",
        "/cases/{case_id}/reporter-anonymity",
        (
            Field("ground", "Wettelijke grond", Kind.SELECT, options=ANONYMITY_GROUNDS),
            Field("argument", "Argumentatie", Kind.TEXTAREA),
        ),
        GROUP_REPORT,
        intro=(
            "Een melding is op naam. Anoniem blijven tegenover het gezin mag alleen op een van de drie "
            "gronden, met een argumentatie."
        ),
        done="De anonimiteit van de melder is vastgelegd.",
    ),
    StepForm(
        "terugkoppeling-veilig-thuis",
        "Terugkoppeling van Veilig Thuis",
        "/cases/{case_id}/veilig-thuis-feedback",
        (
            _today("received_on", "Ontvangen op"),
            Field("steps_taken", "Welke stappen heeft Veilig Thuis gezet?", Kind.TEXTAREA),
        ),
        GROUP_REPORT,
        done="De terugkoppeling van Veilig Thuis is vastgelegd.",
    ),
    StepForm(
        "zorgcoordinator",
        "Zorgcoördinator aanwijzen",
        "/cases/{case_id}/care-coordinator",
        (
            Field("coordinator_id", "Zorgcoördinator", Kind.PERSON),
            Field("organisation", "Organisatie", required=False),
        ),
        GROUP_FOLLOW,
        done="De zorgcoördinator is aangewezen.",
    ),
    StepForm(
        "evaluatie-plannen",
        "Evaluatie plannen",
        "/cases/{case_id}/follow-up",
        (
            Field("evaluation_on", "Evaluatiedatum", Kind.DATE),
            Field("agreements", "Afspraken", Kind.TEXTAREA, required=False),
        ),
        GROUP_FOLLOW,
        done="De evaluatie is gepland.",
    ),
    StepForm(
        "evaluatie",
        "Hulp evalueren",
        "/cases/{case_id}/follow-up-evaluation",
        (
            Field(
                "lasting_safety",
                "Afwegingskader vraag 5: leidt de hulp tot blijvende veiligheid?",
                Kind.YES_NO,
                hint="Nee: het besluit gaat opnieuw open en melden bij Veilig Thuis is dan verplicht.",
            ),
            Field("findings", "Bevindingen", Kind.TEXTAREA),
        ),
        GROUP_FOLLOW,
        done="De evaluatie is vastgelegd.",
    ),
    StepForm(
        "afsluiten",
        "Zaak afsluiten",
        "/cases/{case_id}/close",
        (
            Field("reason", "Reden", Kind.TEXTAREA),
            Field("aftercare", "Nazorg", Kind.TEXTAREA, required=False),
        ),
        GROUP_FOLLOW,
        submit="Zaak afsluiten",
        done="De zaak is gesloten.",
    ),
    StepForm(
        "heropenen",
        "Zaak heropenen",
        "/cases/{case_id}/reopen",
        (Field("reason", "Reden", Kind.TEXTAREA),),
        GROUP_FOLLOW,
        submit="Zaak heropenen",
        done="De zaak is heropend.",
    ),
    StepForm(
        "eigenaar",
        "Andere casushouder",
        "/cases/{case_id}/owner",
        (Field("new_owner_id", "Nieuwe casushouder", Kind.PERSON, roles=("intern_begeleider", "zorgteam")),),
        GROUP_OTHER,
        intro="Een zaak heeft één verantwoordelijke casushouder tegelijk.",
        done="De casushouder is gewijzigd.",
    ),
    StepForm(
        "jgz-consultatie",
        "Consultatie van de JGZ vragen",
        "/cases/{case_id}/jgz-consultation-requests",
        (Field("question", "Wat vraagt u de jeugdverpleegkundige of jeugdarts?", Kind.TEXTAREA),),
        GROUP_OTHER,
        submit="Consultatie vragen",
        done="De consultatie is gevraagd aan de JGZ.",
    ),
    StepForm(
        "jgz-overdracht",
        "Zaak overdragen aan de JGZ",
        "/cases/{case_id}/jgz-handovers",
        (
            Field("legal_basis", "Wettelijke grondslag", Kind.SELECT, options=JGZ_LEGAL_BASES),
            Field("legal_basis_explanation", "Waarom geldt deze grondslag?", Kind.TEXTAREA),
            Field(
                "summary", "Wat wordt overgedragen?", Kind.TEXTAREA, hint="De zorgen en de hulp tot nu toe."
            ),
        ),
        GROUP_OTHER,
        submit="Overdragen",
        done="De zaak is overgedragen aan de JGZ.",
    ),
    StepForm(
        "leerling-vertrokken",
        "Leerling heeft de school verlaten",
        "/cases/{case_id}/pupil-left-school",
        (
            Field("left_on", "Vertrokken op", Kind.DATE),
            Field("destination_school", "Nieuwe school (BRIN), als die bekend is", required=False),
        ),
        GROUP_OTHER,
        done="Het vertrek van de leerling is vastgelegd.",
    ),
    StepForm(
        "overdracht",
        "Zaak overdragen aan de nieuwe school",
        "/cases/{case_id}/transfer",
        (
            Field("to_school", "Nieuwe school (BRIN)"),
            Field("legal_basis", "Wettelijke grondslag", Kind.SELECT, options=TRANSFER_LEGAL_BASES),
            Field("legal_basis_explanation", "Toelichting grondslag", Kind.TEXTAREA),
            Field("new_case_owner_id", "Casushouder op de nieuwe school (gebruikers-id)"),
        ),
        GROUP_OTHER,
        submit="Overdragen",
        done="De zaak is overgedragen.",
    ),
)

REPORT_FORM = StepForm(
    "melding-veilig-thuis",
    "Melding bij Veilig Thuis vastleggen",
    "/cases/{case_id}/veilig-thuis-report",
    (
        Field("veilig_thuis_region", "Veilig Thuis-regio"),
        Field("veilig_thuis_organisation", "Veilig Thuis-organisatie"),
        Field("signal_ids", "Op welke vastgelegde signalen rust de melding?", Kind.SIGNALS),
        Field("school_continues", "Wat blijft de school na de melding zelf doen?", Kind.TEXTAREA),
    ),
    GROUP_REPORT,
    intro=(
        "Vóór de melding zijn de ouders geïnformeerd over de voorgenomen melding (of is de "
        "uitzondering vastgelegd) en is een leerling van 12 jaar of ouder geïnformeerd. De melding "
        "is op naam van de melder die het zorgteam heeft aangewezen. U doet de melding zelf bij Veilig "
        "Thuis (telefonisch of via hun meldformulier); hier legt u vast dat en hoe die is gedaan: het "
        "portaal stuurt niets naar Veilig Thuis."
    ),
    submit="Melding bij Veilig Thuis vastleggen",
    done="De melding bij Veilig Thuis is vastgelegd.",
    extra=(
        Field(
            "anonymity",
            "Melding op naam of anoniem tegenover het gezin?",
            Kind.SELECT,
            required=False,
            options=(
                ("op_naam", "Op naam van de melder (standaard)"),
                ("anoniem", "Anoniem tegenover het gezin, op een wettelijke grond"),
            ),
        ),
        Field(
            "anonymity_ground",
            "Grond voor anonimiteit",
            Kind.SELECT,
            required=False,
            options=ANONYMITY_GROUNDS,
        ),
        Field("anonymity_argument", "Argumentatie voor anonimiteit", Kind.TEXTAREA, required=False),
    ),
)

DECISION_FORM = StepForm(
    "afwegingskader",
    "Besluit volgens het afwegingskader",
    "/cases/{case_id}/decision",
    (
        Field("q1_suspicion", "Vraag 1", Kind.YES_NO, required=False),
        Field("q2_acute_or_structural_unsafety", "Vraag 2", Kind.YES_NO, required=False),
        Field("q3_sufficient_help_possible", "Vraag 3", Kind.YES_NO, required=False),
        Field("q4_help_accepted", "Vraag 4", Kind.YES_NO, required=False),
        Field("q5_lasting_safety", "Vraag 5", Kind.YES_NO, required=False),
        Field("outcome", "Besluit", Kind.SELECT, options=OUTCOMES),
        Field(
            "reasons", "Redenen van het besluit", Kind.TEXTAREA, hint="Ook (juist) als er niet wordt gemeld."
        ),
        Field(
            "who_reports",
            "Wie doet de melding?",
            Kind.PERSON,
            required=False,
            hint="Nodig bij een besluit tot melden bij Veilig Thuis.",
        ),
        Field(
            "who_informs_parents",
            "Wie informeert de ouders?",
            Kind.PERSON,
            required=False,
            hint="Over de uitkomst en een eventuele melding; nodig tenzij er geen vermoeden is.",
        ),
    ),
    GROUP_DECISION,
    submit="Besluit vastleggen",
    done="Het besluit is vastgelegd.",
)

PUPIL_FORMS: tuple[StepForm, ...] = (
    StepForm(
        "consultatie",
        "Collegiale consultatie",
        "/pupils/{pupil_id}/consultations",
        (
            _today("consulted_on", "Datum"),
            Field("consulted_name", "Wie is geconsulteerd?"),
            Field(
                "consulted_role",
                "Rol",
                hint="Bijvoorbeeld: jeugdverpleegkundige, schoolmaatschappelijk werker.",
            ),
            Field("organisation", "Organisatie", hint="Bijvoorbeeld: JGZ, school."),
            Field("advice", "Advies", Kind.TEXTAREA),
        ),
        "Stap 2: collegiale consultatie",
        intro=(
            "Bespreek de signalen met collega's of de intern begeleider. De IB'er kan zo nodig de "
            "jeugdverpleegkundige, jeugdarts of schoolmaatschappelijk werker consulteren."
        ),
        service="signals",
        versioned=False,
        done="De collegiale consultatie is vastgelegd.",
    ),
    StepForm(
        "advies-veilig-thuis",
        "Anonieme adviesvraag aan Veilig Thuis",
        "/pupils/{pupil_id}/veilig-thuis-advice",
        (
            _today("requested_on", "Datum"),
            Field("veilig_thuis_region", "Veilig Thuis-regio"),
            Field(
                "question",
                "Vraag",
                Kind.TEXTAREA,
                hint="Beschrijf de situatie zonder naam, leerlingnummer of geboortedatum van de leerling.",
            ),
            Field("advice", "Advies van Veilig Thuis", Kind.TEXTAREA),
        ),
        "Stap 2: collegiale consultatie",
        intro="Een adviesvraag aan Veilig Thuis is anoniem: er gaat niets mee dat de leerling herkenbaar maakt.",
        service="signals",
        versioned=False,
        done="De anonieme adviesvraag is vastgelegd.",
    ),
)

FORM_ORDER: tuple[StepForm, ...] = tuple(
    form
    for f in CASE_FORMS
    for form in (
        (DECISION_FORM, f) if f.slug == "hulp" else (f, REPORT_FORM) if f.slug == "anonimiteit" else (f,)
    )
)
"""Every case form, in the order the Meldcode takes them."""
FORMS: dict[str, StepForm] = {f.slug: f for f in FORM_ORDER}
PUPIL_FORMS_BY_SLUG: dict[str, StepForm] = {f.slug: f for f in PUPIL_FORMS}

GROUPS: tuple[str, ...] = (
    GROUP_PARENTS,
    GROUP_WEIGHING,
    GROUP_DECISION,
    GROUP_FOLLOW,
    GROUP_OTHER,
)


def forms_by_group() -> list[tuple[str, list[StepForm]]]:
    return [(g, [f for f in FORMS.values() if f.group == g]) for g in GROUPS]


# --- reading a submitted form --------------------------------------------------------------------


def read_values(form: StepForm, data: Any) -> FormValues:
    """The typed values, as they must be shown again when the service refuses the step."""
    values: FormValues = {}
    for f in (*form.fields, *form.extra):
        if f.kind is Kind.SIGNALS:
            values[f.name] = [str(v) for v in data.getlist(f.name)]
        elif f.kind is Kind.PARTICIPANTS:
            for i in range(PARTICIPANT_ROWS):
                for part in ("name", "role", "discipline"):
                    key = participant_key(part, i)
                    values[key] = str(data.get(key) or "")
        else:
            values[f.name] = str(data.get(f.name) or "")
    if form.versioned:
        values["expected_version"] = str(data.get("expected_version") or "")
    return values


def participant_key(part: str, row: int) -> str:
    return f"participant_{part}_{row}"


def _yes_no(value: str) -> bool | None:
    return {"ja": True, "nee": False}.get(value)


def body_of(form: StepForm, values: FormValues) -> dict[str, Any]:
    """The JSON body of the service call for these values."""
    body: dict[str, Any] = {}
    for f in form.fields:
        raw = values.get(f.name)
        if f.kind is Kind.SIGNALS:
            body[f.name] = list(raw or [])
        elif f.kind is Kind.PARTICIPANTS:
            rows = []
            for i in range(PARTICIPANT_ROWS):
                row = {
                    part: values.get(participant_key(part, i), "").strip()
                    for part in ("name", "role", "discipline")
                }
                if any(row.values()):
                    rows.append(row)
            body[f.name] = rows
        elif f.kind is Kind.LINES:
            lines = [line.strip() for line in str(raw or "").splitlines() if line.strip()]
            if lines or f.required:
                body[f.name] = lines
        elif f.kind is Kind.YES_NO:
            answer = _yes_no(str(raw or ""))
            if answer is not None:
                body[f.name] = answer
            elif not f.required:
                body[f.name] = None
        else:
            text = str(raw or "").strip()
            if text or f.required:
                body[f.name] = text
    version = str(values.get("expected_version") or "")
    if form.versioned and version.isdigit():
        body["expected_version"] = int(version)
    return body


def initial_values(form: StepForm, *, today: str, user_id: str, version: int | None = None) -> FormValues:
    values: FormValues = {}
    for f in (*form.fields, *form.extra):
        if f.kind is Kind.SIGNALS:
            values[f.name] = []
        elif f.default == "today":
            values[f.name] = today
        elif f.default == "me":
            values[f.name] = user_id
        else:
            values[f.name] = ""
    if version is not None:
        values["expected_version"] = str(version)
    return values


# --- the service's validation errors, in Dutch ---------------------------------------------------

VALIDATION_MESSAGES: dict[str, str] = {
    "missing": "Vul dit veld in.",
    "string_too_short": "Vul dit veld in.",
    "string_too_long": "Deze tekst is te lang.",
    "too_short": "Vul minstens één in.",
    "too_long": "Dit zijn er te veel.",
    "date_from_datetime_parsing": "Vul een geldige datum in.",
    "date_parsing": "Vul een geldige datum in.",
    "date_type": "Vul een geldige datum in.",
    "bool_parsing": "Kies ja of nee.",
    "bool_type": "Kies ja of nee.",
    "enum": "Kies een van de mogelijkheden.",
    "literal_error": "Kies een van de mogelijkheden.",
    "uuid_parsing": "Kies een van de mogelijkheden.",
    "string_pattern_mismatch": "Deze invoer heeft niet de juiste vorm.",
}
REQUEST_VALIDATION_DETAIL = "Niet alle velden zijn goed ingevuld. Controleer de gemarkeerde velden."


def field_errors(errors: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The service's validation errors per form field (the first part of the field path)."""
    found: dict[str, str] = {}
    for error in errors:
        path = str(error.get("field", ""))
        name = path.split(".")[0] if path else ""
        if name and name not in found:
            found[name] = VALIDATION_MESSAGES.get(str(error.get("type", "")), "Controleer dit veld.")
    return found
