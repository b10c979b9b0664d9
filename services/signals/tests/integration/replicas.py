"""Two signals applications on one event store and one key store, each with caches of its own (as
two replicas of the service), and a pupil registered through the first: for tests of what one
replica sees of another's changes. Against real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from meldcode_edge.acting import Acting
from meldcode_servicekit.keystore import KeyStore, new_master_key, parse_master_key
from signals.application import SignalsApplication
from signals.commands import RegisterPupil

IB = Acting("ib-1", "intern_begeleider", "swv-zuid", "c-1")


@dataclass(frozen=True)
class Replicas:
    first: SignalsApplication
    second: SignalsApplication
    first_keys: KeyStore
    second_keys: KeyStore
    events_url: str
    keys_url: str


@contextmanager
def two_replicas(urls: tuple[str, str], *, second_cache_seconds: float) -> Iterator[Replicas]:
    keys_url, events_url = urls
    master = parse_master_key(new_master_key())
    first_keys = KeyStore(keys_url, master, cache_seconds=30)
    first_keys.install()
    second_keys = KeyStore(keys_url, master, cache_seconds=second_cache_seconds)
    first = SignalsApplication(events_url, keystore=first_keys)
    second = SignalsApplication(events_url, keystore=second_keys)
    try:
        yield Replicas(first, second, first_keys, second_keys, events_url, keys_url)
    finally:
        first.close()
        second.close()
        first_keys.close()
        second_keys.close()


def register(app: SignalsApplication, pupil_number: str, given_name: str, family_name: str) -> uuid.UUID:
    return app.register_pupil(
        RegisterPupil(
            school="12AB",
            pupil_number=pupil_number,
            given_name=given_name,
            family_name=family_name,
            date_of_birth=date(2014, 1, 1),
        ),
        acting=IB,
    )
