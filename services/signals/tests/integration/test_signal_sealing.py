"""A signal's events are sealed with the key of the pupil they name, with no `key_subjects` row for
the signal (ADR 25, I): another process (a cache of its own) corrects and opens it, and erasing the
pupil makes it unreadable, against a real PostgreSQL key store and event store."""

import psycopg
import pytest

from meldcode_contracts import SourceKind
from meldcode_edge.acting import Acting
from meldcode_servicekit.keystore import DataKeyErased
from meldcode_vocabulary.dutch_days import dutch_today
from signals.commands import CorrectSignal, RecordSignal, SourceIn

from .replicas import register, two_replicas

TEACHER = Acting("leerkracht-1", "leerkracht", "swv-zuid", "c-2")
SOURCE = SourceIn(kind=SourceKind.OWN_OBSERVATION)


def test_a_signal_needs_no_subject_row_and_opens_corrects_and_erases_in_another_process(
    urls: tuple[str, str],
) -> None:
    with two_replicas(urls, second_cache_seconds=0) as replicas:
        first, second = replicas.first, replicas.second
        keys_url, events_url = replicas.keys_url, replicas.events_url
        pupil_id = register(first, "S-1", "Sanne", "Zegel")
        signal_id = first.record_signal(
            pupil_id,
            RecordSignal(observed_on=dutch_today(), description="Blauwe plek op de arm.", source=SOURCE),
            acting=TEACHER,
        )
        with psycopg.connect(keys_url) as conn:
            row = conn.execute("select 1 from key_subjects where subject_id = %s", (signal_id,)).fetchone()
        assert row is None

        second.correct_signal(
            signal_id,
            CorrectSignal(
                observed_on=dutch_today(),
                description="Blauwe plek op de linkerarm.",
                source=SOURCE,
                reason="Preciezer.",
            ),
            acting=TEACHER,
        )
        assert first.get_signal(signal_id).description == "Blauwe plek op de linkerarm."
        with psycopg.connect(events_url) as conn:
            states = b"".join(bytes(r[0]) for r in conn.execute("select state from signals_events"))
        assert b"linkerarm" not in states and f"enc:v1:{pupil_id.hex}:".encode() in states

        replicas.second_keys.shred(pupil_id, tenant="swv-zuid", reason="verzoek")
        replicas.first_keys.forget(pupil_id)
        assert second.get_signal(signal_id).description == "[gewist]"
        with pytest.raises(DataKeyErased):
            first.correct_signal(
                signal_id,
                CorrectSignal(
                    observed_on=dutch_today(),
                    description="Nieuwe blauwe plek gezien.",
                    source=SOURCE,
                    reason="Nog eens.",
                ),
                acting=TEACHER,
            )
