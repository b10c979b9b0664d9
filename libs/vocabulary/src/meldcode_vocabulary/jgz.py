"""The words of the JGZ collaboration (docs/integration/jgz.md)."""

from __future__ import annotations

from typing import Final

LEGAL_BASES: Final = frozenset({"toestemming_ouders", "wettelijke_taak_jgz", "conflict_van_plichten"})
"""The recorded legal bases on which a case file may be handed over to JGZ."""
