"""The steps a case goes through (see the state machine in case.py): the platform's shared
`CaseStep` (meldcode_vocabulary), named `Step` inside casework."""

from __future__ import annotations

from meldcode_vocabulary import CaseStep as Step

__all__ = ["Step"]
