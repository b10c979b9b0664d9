"""Settings of the casework service, from the environment (prefix CASEWORK_)."""

from dataclasses import asdict

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import SettingsConfigDict

from meldcode_servicekit.settings import ServiceSettings

from .domain.terms import DEFAULT_TERMS, Terms, TermsBook

DEFAULT_KEY = "default"


class TermsIn(BaseModel):
    """The terms of one samenwerkingsverband in Dutch working days; a term left out is the default's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    parents_conversation_working_days: int = Field(
        default=DEFAULT_TERMS.parents_conversation_working_days,
        ge=1,
        le=250,
        description="From the opening of a case to the conversation with the parents (step 3)",
    )
    weighing_working_days: int = Field(
        default=DEFAULT_TERMS.weighing_working_days,
        ge=1,
        le=250,
        description="From the conversation with the parents to the weighing in the zorgteam (step 4)",
    )
    feedback_working_days: int = Field(
        default=DEFAULT_TERMS.feedback_working_days,
        ge=1,
        le=250,
        description="From a report to the feedback of Veilig Thuis (rule 11)",
    )


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CASEWORK_", extra="ignore", frozen=True)

    service_name: str = "casework"
    http_port: int = 8102
    terms: dict[str, TermsIn] = Field(
        default_factory=dict,
        description='CASEWORK_TERMS, JSON: {"default": {...}, "<tenant>": {...}}; a samenwerkingsverband '
        "without its own entry, and a term its entry leaves out, follows the default (ADR 18)",
    )

    schools: dict[str, list[str]] = Field(
        default_factory=dict,
        description='CASEWORK_SCHOOLS, JSON: {"<tenant>": ["12AB", ...]}: the schools (BRIN) of each '
        "samenwerkingsverband, beside those casework knows from their registered pupils; a case is "
        "handed over only to a school of its own samenwerkingsverband (rule 14)",
    )

    def tenant_of_school(self, school: str, known: set[str], case_tenant: str) -> str | None:
        """The samenwerkingsverband `school` belongs to, from this list and the `known` tenants of its
        registered pupils; the case's own when it is among them, None when nobody knows the school."""
        tenants = known | {tenant for tenant, schools in self.schools.items() if school in schools}
        if case_tenant in tenants:
            return case_tenant
        return min(tenants) if tenants else None

    def terms_book(self) -> TermsBook:
        defaults = {**asdict(DEFAULT_TERMS), **self._given(DEFAULT_KEY)}
        return TermsBook(
            default=Terms(**defaults),
            by_tenant={
                tenant: Terms(**{**defaults, **self._given(tenant)})
                for tenant in self.terms
                if tenant != DEFAULT_KEY
            },
        )

    def _given(self, key: str) -> dict[str, int]:
        entry = self.terms.get(key)
        return entry.model_dump(exclude_unset=True) if entry is not None else {}
