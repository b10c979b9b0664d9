"""Kafka ACLs of the services' principals, generated from the contracts' topic map.

    python -m meldcode_servicekit.kafka_acls show [--topic-prefix P] [--group-prefix G]
    python -m meldcode_servicekit.kafka_acls apply [--topic-prefix P] [--group-prefix G]
    python -m meldcode_servicekit.kafka_acls principals

`apply` connects as the operator's principal (a super user; KAFKA_* settings from the environment)
and adds the ACLs; adding an ACL that is already there changes nothing, so it may run at every start.
Every service principal (User:<service>) may:
- write, describe and create its own topics (its events, the access log, its dead letters);
- read, describe and create the topics it reads (what it consumes, its own events for `reconcile`,
  its dead letters); creating a topic it consumes lets it start before the producer has;
- read (join, commit) its own consumer group `meldcode-<service>`.
Nothing else: Kafka's StandardAuthorizer denies what no ACL allows. Patterns are LITERAL names
with the topic and group prefixes of the deployment (or of one test).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping

# The documented import path; the package has no __all__, hence the ignore for mypy's re-export check.
from confluent_kafka.admin import (  # type: ignore[attr-defined]
    AclBinding,
    AclOperation,
    AclPermissionType,
    AdminClient,
    ResourcePatternType,
    ResourceType,
)

from meldcode_contracts import SERVICE_TOPICS, TopicRights

from .kafka_connection import SASL_MECHANISM, KafkaConnection
from .settings import ServiceSettings

WRITE_OPERATIONS = (AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE)
READ_OPERATIONS = (AclOperation.READ, AclOperation.DESCRIBE, AclOperation.CREATE)
_TIMEOUT_SECONDS = 30.0


def principal(service: str) -> str:
    return f"User:{service}"


def service_acls(rights: TopicRights, *, topic_prefix: str = "", group_prefix: str = "") -> list[AclBinding]:
    """The ACLs of one service's principal."""
    who = principal(rights.service)

    def allow(kind: ResourceType, name: str, operation: AclOperation) -> AclBinding:
        return AclBinding(
            kind, name, ResourcePatternType.LITERAL, who, "*", operation, AclPermissionType.ALLOW
        )

    topic_operations: dict[str, list[AclOperation]] = {}
    for topic in rights.writes:
        topic_operations.setdefault(f"{topic_prefix}{topic}", []).extend(WRITE_OPERATIONS)
    for topic in rights.reads:
        topic_operations.setdefault(f"{topic_prefix}{topic}", []).extend(READ_OPERATIONS)
    bindings = [
        allow(ResourceType.TOPIC, topic, operation)
        for topic, operations in topic_operations.items()
        for operation in dict.fromkeys(operations)
    ]
    group = f"{group_prefix}meldcode-{rights.service}"
    bindings.append(allow(ResourceType.GROUP, group, AclOperation.READ))
    return bindings


def all_acls(
    services: Mapping[str, TopicRights] = SERVICE_TOPICS, *, topic_prefix: str = "", group_prefix: str = ""
) -> list[AclBinding]:
    return [
        binding
        for rights in services.values()
        for binding in service_acls(rights, topic_prefix=topic_prefix, group_prefix=group_prefix)
    ]


def admin_config(kafka: KafkaConnection) -> dict[str, str | int | float | bool]:
    """librdkafka's settings for the same connection."""
    config: dict[str, str | int | float | bool] = {
        "bootstrap.servers": kafka.bootstrap_servers,
        "security.protocol": kafka.security_protocol,
        "log_level": "3",  # errors only; librdkafka logs to stderr
    }
    if kafka.sasl:
        assert kafka.username and kafka.password
        config |= {
            "sasl.mechanism": SASL_MECHANISM,
            "sasl.username": kafka.username,
            "sasl.password": kafka.password,
        }
    if kafka.tls and kafka.ssl_cafile:
        config["ssl.ca.location"] = str(kafka.ssl_cafile)
    return config


def apply_acls(kafka: KafkaConnection, bindings: Iterable[AclBinding]) -> int:
    """Add the ACLs as the operator's principal; raises the broker's error if one is refused."""
    bindings = list(bindings)
    admin = AdminClient(admin_config(kafka))
    for future in admin.create_acls(bindings, request_timeout=_TIMEOUT_SECONDS).values():
        future.result()
    return len(bindings)


def describe(binding: AclBinding) -> dict[str, str]:
    return {
        "principal": binding.principal,
        "resource": ResourceType(binding.restype).name.lower(),
        "name": binding.name,
        "operation": AclOperation(binding.operation).name.lower(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m meldcode_servicekit.kafka_acls", description=__doc__)
    parser.add_argument("command", choices=["show", "apply", "principals"])
    parser.add_argument("--topic-prefix", default=None, help="default: MELDCODE_TOPIC_PREFIX")
    parser.add_argument("--group-prefix", default=None, help="default: MELDCODE_GROUP_PREFIX")
    args = parser.parse_args(argv)
    if args.command == "principals":
        print("\n".join(SERVICE_TOPICS))
        return 0
    settings = ServiceSettings()
    topic_prefix = settings.topic_prefix if args.topic_prefix is None else args.topic_prefix
    group_prefix = settings.consumer_group_prefix if args.group_prefix is None else args.group_prefix
    bindings = all_acls(topic_prefix=topic_prefix, group_prefix=group_prefix)
    if args.command == "show":
        for binding in bindings:
            print(json.dumps(describe(binding)))
        return 0
    print(f"kafka: {apply_acls(settings.kafka, bindings)} ACLs of {len(SERVICE_TOPICS)} principals applied")
    return 0


if __name__ == "__main__":
    sys.exit(main())
