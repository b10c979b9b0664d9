"""Sealing personal fields with the pupil's data key (AES-256-GCM), in event stores and on Kafka.

A sealed value is a string token `enc:v1:<pupil id hex>:<base64url(nonce | ciphertext)>`; the
associated data binds it to its pupil and its field name, so a token cannot be moved to another
pupil or field unnoticed. The token names its pupil, so any service can open it with the shared
key store without knowing whose event it reads. Once the pupil's key is erased the token opens as
the field's erased value: `"[gewist]"` for text (see `meldcode_contracts.personal.erased_value`).

- Kafka: `seal_event` replaces the personal fields (`x-personal-data` in `contracts/`) of a contract
  event's payload by tokens; `open_event` is `parse_event` for sealed messages.
- Event stores: `SealingMapper` seals the attributes a domain event class names in
  `personal_data` before the eventsourcing transcoder sees them, and opens them on the way back.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import os
import re
import uuid
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any, TypeGuard, cast

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import CanSnapshotAggregate
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder, find_id_convertor
from eventsourcing.utils import resolve_topic
from pydantic import BaseModel

from meldcode_contracts import EVENT_TYPES, Envelope, parse_event, parse_event_document, payload_model_of
from meldcode_contracts.personal import ERASED, erased_value, nested_models, personal_field_names

from .keystore import DataKeyErased, KeyStore

TOKEN_PREFIX = "enc:v1:"  # noqa: S105 - a format marker, not a secret
_NONCE_BYTES = 12


class SealedValueCorrupt(ValueError):
    """A token that does not open with its pupil's key: altered, or moved from elsewhere."""


def is_sealed(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX)


def seal_bytes(key: bytes, pupil_id: uuid.UUID, field: str, plaintext: bytes) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, _associated(pupil_id, field))
    return f"{TOKEN_PREFIX}{pupil_id.hex}:{base64.urlsafe_b64encode(nonce + ciphertext).decode()}"


_TOKEN_PUPIL = re.compile(rb"enc:v1:([0-9a-f]{32}):")


def sealed_pupils(raw: bytes) -> set[uuid.UUID]:
    """The pupils whose keys open the tokens in a raw message (to load their keys at once)."""
    return {uuid.UUID(match.decode()) for match in _TOKEN_PUPIL.findall(raw)}


def token_pupil(token: str) -> uuid.UUID:
    return uuid.UUID(token[len(TOKEN_PREFIX) :].split(":", 1)[0])


def open_bytes(store: KeyStore, field: str, token: str) -> bytes | None:
    """The plaintext of a token, or None when the pupil's key has been erased."""
    pupil_hex, _, body = token[len(TOKEN_PREFIX) :].partition(":")
    pupil_id, associated = _opening(pupil_hex, field)
    return _decrypted(store.cipher(pupil_id), field, body, associated)


class TokenOpener:
    """`open_bytes` for the tokens of one aggregate's load: each (pupil, field)'s cipher and
    associated data looked up once for the load, not once per sealed field (ADR 25, K2). The keys
    are as the key store had them when the load began, as if it had read them all at once."""

    __slots__ = ("_known", "_store")

    def __init__(self, store: KeyStore) -> None:
        self._store = store
        self._known: dict[tuple[str, str], tuple[AESGCM | None, bytes]] = {}

    def __call__(self, field: str, token: str) -> bytes | None:
        pupil_hex, _, body = token[len(TOKEN_PREFIX) :].partition(":")
        known = self._known.get((pupil_hex, field))
        if known is None:
            pupil_id, associated = _opening(pupil_hex, field)
            known = self._known[pupil_hex, field] = (self._store.cipher(pupil_id), associated)
        return _decrypted(known[0], field, body, known[1])


def _decrypted(cipher: AESGCM | None, field: str, body: str, associated: bytes) -> bytes | None:
    if cipher is None:
        return None
    raw = binascii.a2b_base64(body.encode("ascii").translate(_FROM_URLSAFE))  # urlsafe_b64decode, inlined
    try:
        return cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], associated)
    except InvalidTag:
        raise SealedValueCorrupt(f"sealed field {field!r} does not open with its pupil's key") from None


_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")


@functools.lru_cache(maxsize=4096)
def _opening(pupil_hex: str, field: str) -> tuple[uuid.UUID, bytes]:
    """The pupil a token names and its associated data for `field`: the same few per aggregate
    loaded, so parsed once rather than for every field of every event (ADR 25)."""
    pupil_id = uuid.UUID(pupil_hex)
    return pupil_id, _associated(pupil_id, field)


def seal_raw(key: bytes, pupil_id: uuid.UUID, field: str, plaintext: bytes) -> bytes:
    """Like `seal_bytes` for a large value kept in a bytea column (a file): nonce | ciphertext,
    bound to its pupil and `field` (e.g. the attachment's id)."""
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, _associated(pupil_id, field))


def open_raw(store: KeyStore, pupil_id: uuid.UUID, field: str, sealed: bytes) -> bytes | None:
    """The plaintext of `seal_raw`'s output, or None when the pupil's key has been erased."""
    key = store.key(pupil_id)
    if key is None:
        return None
    try:
        return AESGCM(key).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], _associated(pupil_id, field))
    except InvalidTag:
        raise SealedValueCorrupt(f"sealed field {field!r} does not open with its pupil's key") from None


def _associated(pupil_id: uuid.UUID, field: str) -> bytes:
    return f"{pupil_id}|{field}".encode()


# --- contract events on Kafka -----------------------------------------------------------------


def _walk(model: type[BaseModel], data: dict[str, Any], path: str, act: Callable[[str, Any], Any]) -> None:
    """Call `act(path, value)` on every non-null personal field of `data` (nested models too) and
    store what it returns in place."""
    personal = personal_field_names(model)
    for name, inner in nested_models(model).items():
        value = data.get(name)
        if name in personal or value is None:
            continue
        if isinstance(value, dict):
            _walk(inner, value, f"{path}{name}.", act)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    _walk(inner, item, f"{path}{name}[].", act)
    for name in personal:
        if data.get(name) is not None:
            data[name] = act(f"{path}{name}", data[name])


def seal_event(event: Envelope, store: KeyStore) -> bytes:
    """The contract event as JSON bytes with its personal fields sealed (the relay's serialiser)."""
    document = event.model_dump(mode="json")
    payload = document.get("payload")
    model = payload_model_of(type(event))
    if isinstance(payload, dict) and model is not None and personal_field_names_deep(model):
        try:
            pupil_id, key = store.sealing_key(
                event.subject_id, pupil_id=_pupil_id_in(payload), tenant=event.tenant
            )
        except DataKeyErased:
            # Relayed after the erasure: the store already opened these fields as erased values.
            _walk(model, payload, "", lambda path, _: _erased_at(model, path))
        else:

            def seal(path: str, value: Any) -> str:
                return seal_bytes(key, pupil_id, path, json.dumps(value).encode())

            _walk(model, payload, "", seal)
    return json.dumps(document, separators=(",", ":")).encode()


def open_event(raw: bytes | str, store: KeyStore) -> Envelope:
    """`parse_event` for a message whose personal fields may be sealed. An erased pupil's fields
    read as their erased value; a message with plain fields (written before sealing) reads as is."""
    sealed = TOKEN_PREFIX in raw if isinstance(raw, str) else TOKEN_PREFIX.encode() in raw
    if not sealed:
        return parse_event(raw)
    document = json.loads(raw)
    if isinstance(document, dict) and isinstance(document.get("payload"), dict):
        model = payload_model_of_type(document.get("event_type"))
        if model is not None:

            def open_one(path: str, value: Any) -> Any:
                if not is_sealed(value):
                    return value
                plaintext = open_bytes(store, path, value)
                return _erased_at(model, path) if plaintext is None else _field_value(plaintext)

            _walk(model, document["payload"], "", open_one)
            # validated from the opened dict: no round trip through text and a second parse (ADR 25)
            return parse_event_document(document)
    return parse_event(raw)


def _field_value(plaintext: bytes) -> Any:
    """A sealed field's value, as `json.dumps` wrote it in `seal_event`: read by orjson (a fifth of
    opening a message went to `json`, ADR 25); what orjson refuses (NaN, a lone surrogate) or reads
    otherwise (an integer beyond 64 bits, as a float) by `json`, as before."""
    try:
        value = orjson.loads(plaintext)
    except orjson.JSONDecodeError:
        return json.loads(plaintext)
    return json.loads(plaintext) if type(value) is float else value


def erase_personal_fields(model: type[BaseModel], data: dict[str, Any]) -> None:
    """Replace, in place, every non-null personal field of `data` (a dump of `model`, nested models
    too) by its erased value: exactly what `open_event` gives for it once the pupil's key is gone,
    so a read model scrubbed on `PersonalDataErased` equals one rebuilt from the topics."""
    _walk(model, data, "", lambda path, _: _erased_at(model, path))


def _erased_at(model: type[BaseModel], path: str) -> Any:
    """The erased value of the field at `path` (e.g. `source.name`) of `model`."""
    *parents, name = path.replace("[]", "").split(".")
    for parent in parents:
        model = nested_models(model)[parent]
    return erased_value(model, name)


def _pupil_id_in(payload: dict[str, Any]) -> uuid.UUID | None:
    value = payload.get("pupil_id")
    return uuid.UUID(value) if isinstance(value, str) else None


@functools.cache
def personal_field_names_deep(model: type[BaseModel]) -> bool:
    """Whether `model` or a model nested in it has a personal field."""
    if personal_field_names(model):
        return True
    return any(personal_field_names_deep(inner) for inner in nested_models(model).values())


def payload_model_of_type(event_type: object) -> type[BaseModel] | None:
    cls = EVENT_TYPES.get(event_type) if isinstance(event_type, str) else None
    return payload_model_of(cls) if cls is not None else None


# --- domain events in the eventsourcing stores ------------------------------------------------


@functools.cache
def _is_snapshot_class(cls: type) -> bool:
    """`isinstance(event, CanSnapshotAggregate)` once per class: the check goes through typing's
    protocol machinery (a base of it is a Protocol) on every call, a tenth of a case's load (ADR 25)."""
    return issubclass(cls, CanSnapshotAggregate)


class SealingMapper(Mapper[uuid.UUID]):
    """The eventsourcing mapper with the personal attributes of each domain event sealed.

    A domain event class lists its personal attributes in `personal_data` and, where an erased value
    must not be text, their erased values in `erased_as`. The key is found through the event's
    aggregate (`key_subjects`); the first event of an aggregate names its pupil by a `pupil_id`
    attribute, or the aggregate is a pupil and keys itself. An anonymous aggregate
    (`sealed_with_own_key`) keys itself too, with its key erased together with its `pupil_id`'s.
    An event class with `sealed_by_pupil_id = True` promises that every event of its aggregate names
    the pupil in `pupil_id` (never a snapshot): it is sealed with that pupil's key and its aggregate
    gets no `key_subjects` row (nothing needs one to find the key).
    """

    keystore: KeyStore

    def __init__(self, transcoder: Transcoder, keystore: KeyStore, **kwargs: Any) -> None:
        super().__init__(transcoder=transcoder, **kwargs)
        self.keystore = keystore

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        subject = domain_event.originator_id
        cls: type = type(domain_event)
        if _is_snapshot_class(cls):
            # A snapshot holds the whole aggregate state: sealed as one value with its pupil's key.
            return self._sealed_copy(domain_event, ("state",), self.keystore.sealing_key(subject))
        personal: tuple[str, ...] = getattr(cls, "personal_data", ())
        has_values = any(getattr(domain_event, name, None) is not None for name in personal)
        if getattr(cls, "sealed_by_pupil_id", False):
            return self._sealed_by_pupil_id(domain_event, personal, has_values)
        own_key = getattr(cls, "sealed_with_own_key", False)
        pupil_id = None if own_key else getattr(domain_event, "pupil_id", None)
        if not has_values and (pupil_id is None or self.keystore.pupil_of(subject) is not None):
            return super().to_stored_event(domain_event)
        # Also without personal values: the first event of an aggregate names its pupil.
        key = self.keystore.sealing_key(
            subject,
            pupil_id=pupil_id,
            tenant=getattr(domain_event, "tenant", None),
            erased_with_pupil=getattr(domain_event, "pupil_id", None) if own_key else None,
        )
        return self._sealed_copy(domain_event, personal, key)

    def _sealed_by_pupil_id(
        self, domain_event: Any, personal: tuple[str, ...], has_values: bool
    ) -> StoredEvent:
        """An event of an aggregate whose every event names its pupil (`sealed_by_pupil_id`): sealed
        with that pupil's key, without a `key_subjects` row for the aggregate (ADR 25, I)."""
        if not has_values:
            return super().to_stored_event(domain_event)
        return self._sealed_copy(
            domain_event, personal, self.keystore.pupil_sealing_key(domain_event.pupil_id)
        )

    def _sealed_copy(
        self, domain_event: Any, names: tuple[str, ...], key: tuple[uuid.UUID, bytes]
    ) -> StoredEvent:
        pupil_id, data_key = key
        state = dict(vars(domain_event))
        for name in names:
            if state.get(name) is not None:
                state[name] = seal_bytes(data_key, pupil_id, name, self.transcoder.encode(state[name]))
        sealed = object.__new__(type(domain_event))
        object.__setattr__(sealed, "__dict__", state)
        return super().to_stored_event(sealed)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        return self._opened(self._domain_event(stored_event), TokenOpener(self.keystore))

    def to_domain_events(self, stored_events: Iterable[StoredEvent]) -> Iterator[Any]:
        """`to_domain_event` of each, in order, for the events of one aggregate's load."""
        opener = TokenOpener(self.keystore)
        for stored_event in stored_events:
            yield self._opened(self._domain_event(stored_event), opener)

    def _domain_event(self, stored_event: StoredEvent) -> Any:
        """The library's `Mapper.to_domain_event` in its common case, in fewer steps (ADR 25, K2):
        no cipher or compressor of the library's own, and a state at its class's version. Anything
        else (an upcast, a state that does not decode) goes the library's way, with its errors."""
        if self.cipher is not None or self.compressor is not None:
            return super().to_domain_event(stored_event)
        cls = resolve_topic(stored_event.topic)
        try:
            state = self.transcoder.decode(stored_event.state)
        except Exception:  # raised again by the library, in its own words
            return super().to_domain_event(stored_event)
        if type(state) is not dict or "class_version" in state or getattr(cls, "class_version", 1) != 1:
            return super().to_domain_event(stored_event)
        originator_id = stored_event.originator_id
        state["originator_id"] = find_id_convertor(cls, cast(Hashable, type(originator_id)))(originator_id)
        state["originator_version"] = stored_event.originator_version
        domain_event = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", state)
        return domain_event

    def _opened(self, domain_event: Any, opener: TokenOpener) -> Any:
        state = vars(domain_event)
        cls: type = type(domain_event)
        if _is_snapshot_class(cls):
            if is_sealed(state.get("state")):
                plaintext = opener("state", state["state"])
                if plaintext is None:
                    raise DataKeyErased(token_pupil(state["state"]))
                state["state"] = self.transcoder.decode(plaintext)
            return domain_event
        erased_as: dict[str, Any] = getattr(cls, "erased_as", {})
        for name in getattr(cls, "personal_data", ()):
            value = state.get(name)
            if is_sealed(value):
                plaintext = opener(name, value)
                state[name] = (
                    erased_as.get(name, ERASED) if plaintext is None else self.transcoder.decode(plaintext)
                )
        return domain_event
