"""The short Dutch label of every contract event, as screens, exports and the chronology show it.

The table lives in the shared vocabulary kernel (`meldcode_vocabulary`, ADR 21); a test of the
contracts holds it to the registry, so every contract event has its own label.
"""

from __future__ import annotations

from meldcode_vocabulary.event_labels import EVENT_LABELS, FALLBACK_LABEL, event_label

__all__ = ["EVENT_LABELS", "FALLBACK_LABEL", "event_label"]
