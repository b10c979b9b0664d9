"""Erasure in the read models without I/O: what the live tables are scrubbed to on
`PersonalDataErased` is exactly what the same events project to once they open as erased (so the
rebuild stays equal), and no personal value is left."""

from __future__ import annotations

import json
import uuid
from typing import Any, cast

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from meldcode_contracts import ERASED, Envelope, PersonalDataErased, PersonalDataErasedPayload
from meldcode_servicekit.keystore import KeyStore
from meldcode_servicekit.sealing import open_event, seal_event
from meldcode_testkit.builders import IB_ACTOR, CaseFile, Events, a_whole_case, at
from reporting.adapters.erasure import ERASED_PUPIL, erased_facts
from reporting.translation import project


class OneKey:
    """A stand-in for the key store: one data key for every pupil, until it is shredded."""

    def __init__(self) -> None:
        self._key: bytes | None = AESGCM.generate_key(bit_length=256)

    def sealing_key(
        self, subject_id: uuid.UUID, *, pupil_id: uuid.UUID | None = None, tenant: str | None = None
    ) -> tuple[uuid.UUID, bytes]:
        assert self._key is not None
        return pupil_id or subject_id, self._key

    def key(self, pupil_id: uuid.UUID) -> bytes | None:
        return self._key

    def cipher(self, pupil_id: uuid.UUID) -> AESGCM | None:
        return None if self._key is None else AESGCM(self._key)

    def shred(self) -> None:
        self._key = None


def a_pupils_history(events: Events) -> list[Envelope]:
    registered = events.pupil(given_name="Zeldzaam", family_name="Achternaamx")
    pupil_id = registered.payload.pupil_id
    signal = events.signal(pupil_id, when=at(1), description="Een heel bijzondere omschrijving.")
    case = a_whole_case(events, pupil_id, [signal.payload.signal_id], 10)
    file = CaseFile(events, cast(Any, case[0]))
    return [
        registered,
        signal,
        events.correction(signal, when=at(2), reason="Een bijzondere reden"),
        events.consultation(pupil_id, [signal.payload.signal_id], when=at(3)),
        *case,
        file.jgz_consultation_requested(at(2000)),
    ]


def test_a_scrubbed_entry_equals_the_entry_projected_from_its_event_after_erasure(events: Events) -> None:
    keys = OneKey()
    store = cast(KeyStore, keys)
    history = a_pupils_history(events)
    sealed = [seal_event(e, store) for e in history]
    live = [project(open_event(raw, store)) for raw in sealed]
    keys.shred()
    after = [project(open_event(raw, store)) for raw in sealed]

    for before, rebuilt in zip(live, after, strict=True):
        if before.entry is None:
            continue
        assert rebuilt.entry is not None
        assert erased_facts(before.entry.event_type, dict(before.entry.facts)) == dict(rebuilt.entry.facts)
    [pupil] = [p.pupil for p in after if p.pupil is not None]
    assert {name: getattr(pupil, name) for name in ERASED_PUPIL} == ERASED_PUPIL


def test_no_personal_value_of_the_pupil_is_left_in_the_scrubbed_facts(events: Events) -> None:
    history = a_pupils_history(events)
    scrubbed = json.dumps(
        [
            erased_facts(p.entry.event_type, dict(p.entry.facts))
            for p in map(project, history)
            if p.entry is not None
        ]
    )
    for personal in (
        "Een heel bijzondere omschrijving",
        "Een bijzondere reden",
        "Mogelijk verwaarlozing",
        "Joke de Wit",
        "Bespreek de signalen met moeder",
        "moeder",
    ):
        assert personal not in scrubbed
    assert ERASED in scrubbed
    assert '"organisation": "JGZ"' in scrubbed, "what is not personal stays"


def test_an_erasure_is_an_entry_of_the_pupils_chronology_and_drops_the_pupils_values(events: Events) -> None:
    pupil_id = uuid.uuid4()
    erased = PersonalDataErased(
        **events._envelope(pupil_id, pupil_id, at(5000), IB_ACTOR),
        payload=PersonalDataErasedPayload(
            pupil_id=pupil_id, reason="verzoek_betrokkene", erased_on=at(5000).date()
        ),
    )

    projection = project(erased)

    assert projection.erased_pupil == pupil_id
    assert projection.entry is not None and projection.entry.label == "Persoonsgegevens gewist"
    assert projection.entry.facts == {
        "reason": "verzoek_betrokkene",
        "erased_on": at(5000).date().isoformat(),
    }
