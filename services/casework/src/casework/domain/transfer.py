"""Around the steps: a pupil moves school, and the case is handed over (rule 14)."""

from __future__ import annotations

from enum import StrEnum


class TransferLegalBasis(StrEnum):
    """Rule 14: the recorded legal basis on which case data goes to the new school."""

    PARENTS_CONSENT = "toestemming_ouders"
    LEGAL_DUTY = "wettelijke_plicht"
    """E.g. the onderwijskundig rapport the old school must send to the new one."""
    CHILD_INTEREST = "zwaarwegend_belang_kind"
    """Conflict of duties: the child's safety outweighs confidentiality."""
    VITAL_INTEREST = "vitaal_belang"
