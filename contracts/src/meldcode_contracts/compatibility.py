"""Does a change of the contracts break a consumer? (docs/adr/0015-contracts-that-evolve.md)

Compares the JSON Schemas the models generate now with the ones of the last release
(`contracts/released/`). A change breaks a consumer when an event of the release could no longer be
read by the new models (stored events are kept forever and replayed), or an event the new producer
writes could not be read by a consumer of the release:

- an event type or a field removed;
- a field retyped (type, format, a nested model's shape), made non-nullable, or an enumeration
  changed (a value removed cannot be read from history, a value added is refused by older readers);
- a field made required, or a new field that is required.

Adding an optional field or a new event type is not breaking: readers ignore what they do not know.
A breaking change is allowed only as a new major version of the event with an upcaster from the
released major (`registry.UPCASTERS`).

python -m meldcode_contracts.compatibility            # exit 1 and name every breaking change
python -m meldcode_contracts.compatibility --release  # record the current schemas as released
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import registry
from .generate import CONTRACTS_DIR, json_schemas

RELEASED_DIR = CONTRACTS_DIR / "released"
_FILE = re.compile(r"^(?P<name>[A-Za-z0-9]+)\.v(?P<major>\d+)\.json$")
_LEAF_KEYS = ("type", "format", "const")

Schema = dict[str, Any]


def read_schemas(directory: Path) -> dict[str, tuple[int, Schema]]:
    """Event name -> (major, JSON Schema) of the files in `directory`."""
    found: dict[str, tuple[int, Schema]] = {}
    for path in sorted(directory.glob("*.json")):
        match = _FILE.match(path.name)
        if match:
            found[match["name"]] = (int(match["major"]), json.loads(path.read_text()))
    return found


def current_schemas() -> dict[str, tuple[int, Schema]]:
    current: dict[str, tuple[int, Schema]] = {}
    for name, text in json_schemas().items():
        match = _FILE.match(name)
        assert match is not None
        current[match["name"]] = (int(match["major"]), json.loads(text))
    return current


def breaking_changes(
    released: dict[str, tuple[int, Schema]],
    current: dict[str, tuple[int, Schema]],
    has_upcasters: Callable[[str, int, int], bool],
) -> list[str]:
    """Every change from `released` to `current` that would break a consumer, as one line each."""
    problems: list[str] = []
    for name, (old_major, old) in sorted(released.items()):
        if name not in current:
            problems.append(f"{name}: the event type was removed (its stored events could not be read)")
            continue
        new_major, new = current[name]
        if new_major != old_major:
            if new_major > old_major and has_upcasters(name, old_major, new_major):
                continue
            problems.append(
                f"{name}: major version {old_major} -> {new_major} without an upcaster for each step"
            )
            continue
        _compare(name, old, new, old.get("$defs", {}), new.get("$defs", {}), problems)
    return problems


def _resolve(schema: Schema, defs: dict[str, Schema]) -> Schema:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _nullable(schema: Schema) -> tuple[bool, Schema]:
    """`X | None` is `anyOf: [X, {type: null}]` in pydantic's schemas: (nullable, X)."""
    options = schema.get("anyOf")
    if isinstance(options, list):
        rest = [o for o in options if o != {"type": "null"}]
        if len(rest) == 1 and len(rest) < len(options):
            return True, rest[0]
    return False, schema


def _compare(
    path: str,
    old: Schema,
    new: Schema,
    old_defs: dict[str, Schema],
    new_defs: dict[str, Schema],
    out: list[str],
) -> None:
    old, new = _resolve(old, old_defs), _resolve(new, new_defs)
    old_nullable, old_inner = _nullable(old)
    new_nullable, new_inner = _nullable(new)
    if old_nullable and not new_nullable:
        out.append(f"{path}: no longer accepts null")
    old, new = _resolve(old_inner, old_defs), _resolve(new_inner, new_defs)
    if "properties" in old or "properties" in new:
        if "properties" not in old or "properties" not in new:
            out.append(f"{path}: retyped (object <-> non-object)")
            return
        old_props, new_props = old["properties"], new["properties"]
        for field, schema in old_props.items():
            if field not in new_props:
                out.append(f"{path}.{field}: removed")
            else:
                _compare(f"{path}.{field}", schema, new_props[field], old_defs, new_defs, out)
        for field in sorted(set(new.get("required", [])) - set(old.get("required", []))):
            what = "made required" if field in old_props else "added as a required field"
            out.append(f"{path}.{field}: {what}")
        return
    if "items" in old or "items" in new:
        if "items" not in old or "items" not in new:
            out.append(f"{path}: retyped (array <-> non-array)")
            return
        _compare(f"{path}[]", old["items"], new["items"], old_defs, new_defs, out)
        return
    if "anyOf" in old or "anyOf" in new:
        if _canonical(old, old_defs) != _canonical(new, new_defs):
            out.append(f"{path}: retyped")
        return
    if "enum" in old or "enum" in new:
        removed = set(map(str, old.get("enum", []))) - set(map(str, new.get("enum", [])))
        added = set(map(str, new.get("enum", []))) - set(map(str, old.get("enum", [])))
        if removed:
            out.append(f"{path}: enumeration values removed: {', '.join(sorted(removed))}")
        if added:
            out.append(
                f"{path}: enumeration values added (older readers refuse them): {', '.join(sorted(added))}"
            )
    if {k: old.get(k) for k in _LEAF_KEYS} != {k: new.get(k) for k in _LEAF_KEYS}:
        out.append(f"{path}: retyped")


def _canonical(schema: Schema, defs: dict[str, Schema]) -> Any:
    """The shape of a schema without its annotations (titles, descriptions, defaults)."""
    schema = _resolve(schema, defs)
    if "anyOf" in schema:
        return ("anyOf", sorted(json.dumps(_canonical(s, defs), sort_keys=True) for s in schema["anyOf"]))
    if "properties" in schema:
        return (
            "object",
            {k: _canonical(v, defs) for k, v in schema["properties"].items()},
            sorted(schema.get("required", [])),
        )
    if "items" in schema:
        return ("array", _canonical(schema["items"], defs))
    return {k: schema[k] for k in (*_LEAF_KEYS, "enum") if k in schema}


def release() -> int:
    if RELEASED_DIR.exists():
        shutil.rmtree(RELEASED_DIR)
    RELEASED_DIR.mkdir()
    for name, text in json_schemas().items():
        (RELEASED_DIR / name).write_text(text)
    print(f"recorded {len(list(RELEASED_DIR.glob('*.json')))} schemas as released in {RELEASED_DIR.name}/")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--release", action="store_true", help="record the current schemas as released")
    args = parser.parse_args(argv)
    if args.release:
        return release()
    problems = breaking_changes(read_schemas(RELEASED_DIR), current_schemas(), registry.has_upcasters)
    for problem in problems:
        print(f"breaking: {problem}")
    if problems:
        print("A breaking change needs a new major version of the event and an upcaster (ADR 15).")
        return 1
    print(f"compatible with the {len(read_schemas(RELEASED_DIR))} released event schemas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
