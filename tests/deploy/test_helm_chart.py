"""The Helm chart (deploy/helm) renders and validates, and says what the code says.

- `deploy/helm/validate.sh`: `helm lint --strict` and `helm template | kubeconform -strict` against
  the Kubernetes, Strimzi and CloudNativePG schemas, for the small and the large values file (the
  script builds the pinned tools when they are missing, so this never skips);
- the chart's topic map is the contracts' `SERVICE_TOPICS`, and each KafkaUser's ACLs are the ones
  `meldcode_servicekit.kafka_acls` gives the local broker;
- every environment variable the chart sets is one the service or the portal reads;
- the PostgreSQL connections of the most replicas the autoscalers allow fit the Cluster's
  max_connections (docs/operations.md, capacity).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic_settings import BaseSettings

from meldcode_contracts import SERVICE_TOPICS
from meldcode_servicekit.kafka_acls import describe, service_acls

ROOT = Path(__file__).resolve().parents[2]
HELM = ROOT / "deploy" / "helm"
VALUES = ("values-small.yaml", "values-large.yaml")


def run_validate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(HELM / "validate.sh"), *args], capture_output=True, text=True, timeout=1800, check=False
    )


@pytest.fixture(scope="module")
def manifests() -> list[dict[str, Any]]:
    done = run_validate("render", str(HELM / "values-small.yaml"))
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def test_the_chart_lints_and_validates_for_the_small_and_the_large_values_file() -> None:
    done = run_validate()
    assert done.returncode == 0, done.stdout + done.stderr
    for values in VALUES:
        assert f"== {values}" in done.stdout
    # kubeconform's summary, once per values file: every resource checked, none invalid or skipped
    summaries = [line for line in done.stdout.splitlines() if line.startswith("Summary:")]
    assert len(summaries) == len(VALUES), done.stdout
    for line in summaries:
        assert "Invalid: 0, Errors: 0, Skipped: 0" in line, line


def test_the_topic_map_is_the_contracts() -> None:
    chart = yaml.safe_load((HELM / "meldcode" / "files" / "kafka-topics.yaml").read_text(encoding="utf-8"))
    assert set(chart["services"]) == set(SERVICE_TOPICS)
    for name, own in SERVICE_TOPICS.items():
        assert chart["services"][name] == {"writes": list(own.writes), "reads": list(own.reads)}
    every_topic = {topic for own in SERVICE_TOPICS.values() for topic in (*own.writes, *own.reads)}
    assert set(chart["topics"]) == every_topic


def test_each_kafka_user_has_the_acls_of_its_service(manifests: list[dict[str, Any]]) -> None:
    users = {doc["metadata"]["name"]: doc for doc in manifests if doc["kind"] == "KafkaUser"}
    assert set(users) == set(SERVICE_TOPICS)
    for name, rights in SERVICE_TOPICS.items():
        expected = {
            (acl["resource"], acl["name"], acl["operation"]) for acl in map(describe, service_acls(rights))
        }
        granted = {
            (acl["resource"]["type"], acl["resource"]["name"], operation.lower())
            for acl in users[name]["spec"]["authorization"]["acls"]
            for operation in acl["operations"]
        }
        assert granted == expected, name


def test_topics_are_kept_forever_and_replicated(manifests: list[dict[str, Any]]) -> None:
    topics = [doc for doc in manifests if doc["kind"] == "KafkaTopic"]
    assert topics
    for topic in topics:
        assert topic["spec"]["config"]["retention.ms"] == -1
        assert topic["spec"]["replicas"] == 3
        assert topic["spec"]["config"]["min.insync.replicas"] == 2


def _setting_names(settings: type[BaseSettings]) -> set[str]:
    """The environment variables a settings class reads: its aliases, else prefix + field name."""
    prefix = str(settings.model_config.get("env_prefix", ""))
    names = set()
    for field_name, field in settings.model_fields.items():
        alias = field.validation_alias
        choices = getattr(alias, "choices", None)
        if choices:
            names |= {str(choice).upper() for choice in choices}
        else:
            names.add(f"{prefix}{field_name}".upper())
    return names


def _containers(manifests: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for doc in manifests:
        spec = doc["spec"]
        if doc["kind"] == "CronJob":
            spec = spec["jobTemplate"]["spec"]
        if doc["kind"] in ("Deployment", "Job", "CronJob"):
            for container in spec["template"]["spec"]["containers"]:
                yield doc["metadata"]["name"], container


def test_every_environment_variable_is_a_setting_the_process_reads(manifests: list[dict[str, Any]]) -> None:
    from casework.config import Settings as CaseworkSettings
    from meldcode_edge.settings import AuthSettings
    from meldcode_web.settings import PortalSettings
    from notifications.config import Settings as NotificationsSettings
    from reporting.config import Settings as ReportingSettings
    from signals.config import Settings as SignalsSettings

    read_by = {
        "meldcode-signals": _setting_names(SignalsSettings),
        "meldcode-casework": _setting_names(CaseworkSettings),
        "meldcode-notifications": _setting_names(NotificationsSettings),
        "meldcode-reporting": _setting_names(ReportingSettings),
        # the portal verifies tokens with the edge's AuthSettings (AUTH_*)
        "meldcode-web": _setting_names(PortalSettings) | _setting_names(AuthSettings),
    }
    checked = 0
    for name, container in _containers(manifests):
        known = read_by[container["args"][0]]
        for variable in container.get("env", []):
            # PG_<ROLE>_PASSWORD: the chart's own, only for $(...) in the database URLs
            if variable["name"].startswith("PG_") and variable["name"].endswith("_PASSWORD"):
                continue
            assert variable["name"] in known, f"{name}: {variable['name']} is read by no setting"
            checked += 1
    assert checked > 100


# What the connection budget counts besides the services' pools (docs/operations.md, capacity): the
# portal's session pool (meldcode_web.session_store) a replica, and a reserve for the operator,
# replication and the jobs.
PORTAL_POOL = 5
RESERVE = 30
EVENT_STORES = ("signals", "casework")  # the services with an eventsourcing event store


@pytest.mark.parametrize("values", VALUES)
def test_the_most_replicas_connections_fit_postgresql(values: str) -> None:
    from meldcode_edge.postgres_connections import PostgresConnections

    done = run_validate("render", str(HELM / values))
    assert done.returncode == 0, done.stderr
    docs = [doc for doc in yaml.safe_load_all(done.stdout) if doc]
    most = {
        doc["spec"]["scaleTargetRef"]["name"]: doc["spec"]["maxReplicas"]
        for doc in docs
        if doc["kind"] == "HorizontalPodAutoscaler"
    }
    (cluster,) = (doc for doc in docs if doc["kind"] == "Cluster")
    budget = int(cluster["spec"]["postgresql"]["parameters"]["max_connections"])
    needed = RESERVE
    for doc in docs:
        if doc["kind"] != "Deployment":
            continue
        (container,) = doc["spec"]["template"]["spec"]["containers"]
        if container["args"][0] == "meldcode-web":
            needed += most[doc["metadata"]["name"]] * PORTAL_POOL
            continue
        env = {v["name"]: v["value"] for v in container["env"] if v["name"].startswith("MELDCODE_DB_")}
        env |= {v["name"]: v["value"] for v in container["env"] if "_POOL_" in v["name"]}
        without, with_event_store = PostgresConnections(**env).per_replica
        per_replica = with_event_store if container["name"] in EVENT_STORES else without
        needed += most[doc["metadata"]["name"]] * per_replica
    assert needed <= budget, f"{values}: {needed} connections at the most replicas, max_connections {budget}"
