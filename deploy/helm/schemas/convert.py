"""Converts the pinned Kubernetes OpenAPI spec and the operators' CRDs into the JSON schemas that
kubeconform reads, one self-contained file per kind, strict (an unknown field is an error).

    python convert.py --swagger swagger.json --crds DIR [DIR ...] --out DIR

The layout is kubeconform's `{{ .ResourceKind }}{{ .KindSuffix }}.json` (deployment-apps-v1.json,
kafka-kafka-v1.json); the conversion follows kubeconform's openapi2jsonschema.py: int-or-string
becomes string or integer, a quantity string or number, `nullable` adds null, and every object
that lists its properties and does not keep unknown fields forbids any other; descriptions are
left out. Only the kinds the
chart renders are written (KUBERNETES_KINDS, CRD_KINDS): a kind added to the chart without its
schema fails validation until this is run again (generate.sh).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

KUBERNETES_KINDS = {
    ("", "v1", "Service"),
    ("apps", "v1", "Deployment"),
    ("batch", "v1", "Job"),
    ("batch", "v1", "CronJob"),
    ("policy", "v1", "PodDisruptionBudget"),
    ("autoscaling", "v2", "HorizontalPodAutoscaler"),
    ("networking.k8s.io", "v1", "NetworkPolicy"),
}
CRD_KINDS = {
    ("kafka.strimzi.io", "v1", "Kafka"),
    ("kafka.strimzi.io", "v1", "KafkaNodePool"),
    ("kafka.strimzi.io", "v1", "KafkaTopic"),
    ("kafka.strimzi.io", "v1", "KafkaUser"),
    ("postgresql.cnpg.io", "v1", "Cluster"),
    ("postgresql.cnpg.io", "v1", "Database"),
    ("postgresql.cnpg.io", "v1", "ScheduledBackup"),
}
INT_OR_STRING = {"oneOf": [{"type": "string"}, {"type": "integer"}]}
QUANTITY = {"oneOf": [{"type": "string"}, {"type": "number"}]}
Schema = dict[str, Any]


def file_name(group: str, version: str, kind: str) -> str:
    """kubeconform's name of a kind's schema (registry.go: schemaPath)."""
    suffix = f"-{group.split('.')[0].lower()}-{version}" if group else f"-{version}"
    return f"{kind.lower()}{suffix}.json"


def strict(node: Any) -> Any:
    """The schema with the conversions above applied throughout."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("format") == "int-or-string" or node.get("x-kubernetes-int-or-string"):
        rest = {k: v for k, v in node.items() if k not in ("type", "format", "x-kubernetes-int-or-string")}
        return {**strict(rest), **INT_OR_STRING}
    # Descriptions are for people reading the CRDs, not for validation: left out (a quarter of the size).
    out = {
        key: strict(value)
        for key, value in node.items()
        if not (key == "description" and isinstance(value, str))
    }
    if out.pop("nullable", False) and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    keeps_unknown = out.get("x-kubernetes-preserve-unknown-fields")
    if "properties" in out and "additionalProperties" not in out and not keeps_unknown:
        out["additionalProperties"] = False
    return out


def closure(definitions: dict[str, Schema], root: str) -> dict[str, Schema]:
    """The definitions `root` refers to, directly or through others."""
    seen: dict[str, Schema] = {}
    todo = [root]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen[name] = definitions[name]
        todo.extend(_refs(definitions[name]))
    return seen


def _refs(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref.removeprefix("#/definitions/")
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def kubernetes_schemas(swagger: Schema) -> dict[str, Schema]:
    definitions: dict[str, Schema] = swagger["definitions"]
    definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = dict(INT_OR_STRING)
    definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"] = dict(QUANTITY)
    out = {}
    for name, definition in definitions.items():
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            key = (gvk["group"], gvk["version"], gvk["kind"])
            if key not in KUBERNETES_KINDS:
                continue
            used = closure(definitions, name)
            schema = strict({k: v for k, v in definition.items() if k != "x-kubernetes-group-version-kind"})
            schema["definitions"] = {n: strict(d) for n, d in sorted(used.items()) if n != name}
            schema["definitions"][name] = {"$ref": "#"}
            out[file_name(*key)] = schema
    return out


def crd_schemas(documents: Iterable[Schema]) -> dict[str, Schema]:
    out = {}
    for crd in documents:
        if not crd or crd.get("kind") != "CustomResourceDefinition":
            continue
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            key = (group, version["name"], kind)
            if key not in CRD_KINDS:
                continue
            schema = dict(version["schema"]["openAPIV3Schema"])
            properties = dict(schema.get("properties", {}))
            properties.setdefault("apiVersion", {"type": "string"})
            properties.setdefault("kind", {"type": "string"})
            properties.setdefault("metadata", {"type": "object"})
            schema["properties"] = properties
            out[file_name(*key)] = strict(schema)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--swagger", type=Path, required=True)
    parser.add_argument("--crds", type=Path, nargs="+", required=True, help="directories of CRD YAML files")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    schemas = kubernetes_schemas(json.loads(args.swagger.read_text(encoding="utf-8")))
    for directory in args.crds:
        for path in sorted(directory.glob("*.yaml")):
            schemas |= crd_schemas(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    wanted = {file_name(*key) for key in KUBERNETES_KINDS | CRD_KINDS}
    if missing := wanted - schemas.keys():
        print(f"convert: no schema found for {sorted(missing)}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.json"):
        old.unlink()
    for name, schema in sorted(schemas.items()):
        (args.out / name).write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"convert: {len(schemas)} schemas written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
