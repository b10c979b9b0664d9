"""Generate the committed JSON Schemas and the AsyncAPI document from the models.

python -m meldcode_contracts.generate           # (re)write contracts/schemas and asyncapi.json
python -m meldcode_contracts.generate --check   # exit 1 when the committed files are stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from . import registry
from .evolution import major_version
from .topics import dead_letter_topic

CONTRACTS_DIR = Path(__file__).resolve().parents[2]
SCHEMA_DIR = CONTRACTS_DIR / "schemas"
ASYNCAPI_FILE = CONTRACTS_DIR / "asyncapi.json"
OWNERS = {
    "meldcode.signals.events.v1": "signals",
    "meldcode.casework.events.v1": "casework",
    "meldcode.notifications.events.v1": "notifications",
    "meldcode.access.events.v1": "serving",
}


def json_schemas() -> dict[str, str]:
    """File name -> JSON text of the schema of every contract event."""
    files = {}
    for event in registry.ALL_EVENTS:
        schema = event.model_json_schema()
        major = major_version(event)
        schema["$id"] = f"urn:meldcode:event:{event.__name__}:v{major}"
        files[f"{event.__name__}.v{major}.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return files


def asyncapi_document() -> str:
    """The AsyncAPI 3 document of every event topic, built with FastStream's generator."""
    broker = KafkaBroker("localhost:9092")
    for topic, events in registry.EVENTS_BY_TOPIC.items():
        owner = OWNERS[topic]
        for event in events:
            broker.publisher(
                topic,
                title=f"{topic}:{event.__name__}",
                description=(event.__doc__ or "").strip()
                + (
                    f" Published by the {owner} service; key = subject_id."
                    if owner != "serving"
                    else " Published by every service that serves a read; key = subject_id."
                ),
                schema=event,
            )
    for service in ("casework", "notifications", "reporting"):
        broker.publisher(
            dead_letter_topic(service),
            title=f"{dead_letter_topic(service)}:ParkedMessage",
            description=(
                "Messages the service could not process after bounded retries: the original value, with "
                "the headers x-error, x-original-topic, x-original-partition and x-original-offset."
            ),
            schema=bytes,
        )
    spec = AsyncAPI(
        broker,
        title="Meldcode platform events",
        version="1.0.0",
        description="Contract events between the Meldcode services. Fields marked x-personal-data identify a person.",
    ).to_specification()
    document: Any = spec.to_jsonable()
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def expected_files() -> dict[Path, str]:
    files = {SCHEMA_DIR / name: text for name, text in json_schemas().items()}
    files[ASYNCAPI_FILE] = asyncapi_document()
    return files


def stale_files() -> list[Path]:
    stale = [path for path, text in expected_files().items() if not path.exists() or path.read_text() != text]
    known = {p.name for p in expected_files()}
    stale += [p for p in SCHEMA_DIR.glob("*.json") if p.name not in known]
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="only check that the committed files are current"
    )
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for path in stale:
            print(f"stale: {path.relative_to(CONTRACTS_DIR)} (run python -m meldcode_contracts.generate)")
        return 1 if stale else 0
    SCHEMA_DIR.mkdir(exist_ok=True)
    for path in SCHEMA_DIR.glob("*.json"):
        path.unlink()
    for path, text in expected_files().items():
        path.write_text(text)
    print(f"wrote {len(expected_files())} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
