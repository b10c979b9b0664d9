"""Contract events for tests, with sensible defaults and keyword overrides: one set of builders
used by every service's tests instead of a copy per test tree (tests never import other test
modules). One module per topic:

- `envelopes`: the envelope, the shared clock (`NOW`, `T0`, `at`) and the demo school's actors;
- `single`: one event at a time (`pupil_registered`, `signal_recorded`, `case_opened`, ...);
- `school`: a school's signals-side history with per-aggregate sequences (`Events`);
- `cases`: what casework publishes about one case (`CaseFile`, `CaseEvents`, `a_whole_case`);
- `notices`: notifications' and the access log's events (`Notices`);
- `demo_case_events`: the demo's reported case as events, from registration to closing.
"""

from __future__ import annotations

from .cases import WHOLE_CASE_DUE, WHOLE_CASE_PUBLISHED, CaseEvents, CaseFile, a_whole_case
from .envelopes import (
    IB_ACTOR,
    NOTIFICATIONS_ACTOR,
    NOW,
    OTHER_SCHOOL,
    SCHOOL,
    T0,
    TEACHER_ACTOR,
    TENANT,
    ZORGTEAM_ACTOR,
    at,
    day,
    envelope,
    obligations,
)
from .notices import Notices
from .school import Events
from .single import case_opened, obligations_published, pupil_registered, signal_recorded

__all__ = [
    "IB_ACTOR",
    "NOTIFICATIONS_ACTOR",
    "NOW",
    "OTHER_SCHOOL",
    "SCHOOL",
    "T0",
    "TEACHER_ACTOR",
    "TENANT",
    "WHOLE_CASE_DUE",
    "WHOLE_CASE_PUBLISHED",
    "ZORGTEAM_ACTOR",
    "CaseEvents",
    "CaseFile",
    "Events",
    "Notices",
    "a_whole_case",
    "at",
    "case_opened",
    "day",
    "envelope",
    "obligations",
    "obligations_published",
    "pupil_registered",
    "signal_recorded",
]
