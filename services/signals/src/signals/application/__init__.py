"""The use cases of signals: the eventsourcing application (the repository, one method per
command), erasure on request and the retention run (which need facts from outside the event store,
through the ports)."""

from .attachments import Attachments, OpenedAttachment
from .erasure_on_request import ErasureOnRequest
from .ports import AttachmentStore, OpenCases, RetentionStore
from .retention import RETENTION_ACTOR, Retention, RetentionBusy, RetentionReport
from .signals_application import Erasure, RequestedErasure, SignalsApplication

__all__ = [
    "RETENTION_ACTOR",
    "AttachmentStore",
    "Attachments",
    "Erasure",
    "ErasureOnRequest",
    "OpenCases",
    "OpenedAttachment",
    "RequestedErasure",
    "Retention",
    "RetentionBusy",
    "RetentionReport",
    "RetentionStore",
    "SignalsApplication",
]
