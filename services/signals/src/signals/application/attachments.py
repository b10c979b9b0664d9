"""Attachments to a signal (issue 17): check the file by its content, seal its bytes with the
pupil's data key (ADR 10: erasing the pupil's key makes them unreadable too), store them, and
record `Signal.AttachmentAdded`; open them again for who may read the signal."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

import anyio

from meldcode_edge.acting import Acting
from meldcode_servicekit.keystore import DataKeyErased, KeyStore
from meldcode_servicekit.sealing import open_raw, seal_raw

from ..commands import AddAttachment
from ..domain.attachment import Attachment, AttachmentFile
from ..domain.errors import AttachmentErased, AttachmentNotFound, AttachmentOnlyByObserver
from ..domain.signal import Signal
from .ports import AttachmentStore
from .signals_application import SignalsApplication

ERASED_MESSAGE = (
    "De persoonsgegevens van deze leerling zijn gewist; deze bijlage kan niet meer worden geopend."
)


def _sealed_field(attachment_id: uuid.UUID) -> str:
    return f"attachment:{attachment_id}"


@dataclass(frozen=True)
class OpenedAttachment:
    attachment: Attachment
    content: bytes


class Attachments:
    def __init__(self, application: SignalsApplication, store: AttachmentStore, *, max_bytes: int) -> None:
        self._app = application
        self._store = store
        self.max_bytes = max_bytes

    async def add_attachment(self, signal: Signal, command: AddAttachment, *, acting: Acting) -> Attachment:
        """The bytes are stored first, then the event: a refused or failed save leaves sealed bytes
        that no event names (never shown), never an event without its bytes."""
        if not signal.may_be_added_to_by(acting.user_id, acting.role):
            raise AttachmentOnlyByObserver(
                "Alleen wie dit signaal heeft vastgelegd, of de intern begeleider, kan er een bijlage aan toevoegen."
            )
        file = AttachmentFile.check(
            command.content, declared_type=command.declared_type, max_bytes=self.max_bytes
        )
        pupil = await anyio.to_thread.run_sync(self._app.get_pupil, signal.pupil_id)
        pupil.require_not_erased()
        keystore = self._keystore()
        try:
            owner, key = await anyio.to_thread.run_sync(keystore.pupil_sealing_key, signal.pupil_id)
        except DataKeyErased:
            raise AttachmentErased(ERASED_MESSAGE) from None
        attachment_id = uuid.uuid4()
        sealed = seal_raw(key, owner, _sealed_field(attachment_id), command.content)
        await self._store.put(
            attachment_id=attachment_id,
            signal_id=signal.id,
            pupil_id=owner,
            tenant=signal.tenant,
            school=signal.school,
            sealed=sealed,
        )
        return await anyio.to_thread.run_sync(
            lambda: self._app.add_attachment(
                signal.id,
                attachment_id=attachment_id,
                kind=command.kind,
                file=file,
                sha256=hashlib.sha256(command.content).hexdigest(),
                acting=acting,
            )
        )

    async def open_attachment(self, signal: Signal, attachment_id: uuid.UUID) -> OpenedAttachment:
        attachment = signal.attachment(attachment_id)
        sealed = None if attachment is None else await self._store.sealed(attachment_id)
        if attachment is None or sealed is None:
            raise AttachmentNotFound("Deze bijlage hoort niet bij dit signaal of bestaat niet.")
        keystore = self._keystore()
        owner = await anyio.to_thread.run_sync(keystore.pupil_of, signal.id)
        content = await anyio.to_thread.run_sync(
            lambda: open_raw(keystore, owner or signal.pupil_id, _sealed_field(attachment_id), sealed)
        )
        if content is None:
            raise AttachmentErased(ERASED_MESSAGE)
        return OpenedAttachment(attachment, content)

    def _keystore(self) -> KeyStore:
        if self._app.keystore is None:
            raise RuntimeError("attachments need the key store")
        return self._app.keystore
