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
