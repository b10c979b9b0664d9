# Shared settings of the local infrastructure; sourced by the scripts beside it.
# Every value can be overridden from the environment, so two checkouts can run side by side
# (give the second one other ports and another MELDCODE_RUN_DIR).
MELDCODE_ROOT="${MELDCODE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
MELDCODE_RUN_DIR="${MELDCODE_RUN_DIR:-$MELDCODE_ROOT/.run}"
MELDCODE_CACHE_DIR="${MELDCODE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/meldcode}"
MELDCODE_KAFKA_VERSION="${MELDCODE_KAFKA_VERSION:-4.1.1}"
MELDCODE_KAFKA_PORT="${MELDCODE_KAFKA_PORT:-19092}"
MELDCODE_KAFKA_CONTROLLER_PORT="${MELDCODE_KAFKA_CONTROLLER_PORT:-19093}"
MELDCODE_KAFKA_HEAP="${MELDCODE_KAFKA_HEAP:-512m}"
# Extra JVM options of the local Kafka nodes (none by default; e.g. to try another JIT setting).
MELDCODE_KAFKA_JVM_OPTS="${MELDCODE_KAFKA_JVM_OPTS:-}"
# 1: one Kafka node (the quick default); 3: a replicated cluster of three KRaft nodes (kafka.sh, ADR 27).
MELDCODE_KAFKA_BROKERS="${MELDCODE_KAFKA_BROKERS:-1}"
# scram: the local Kafka authenticates every client (SASL/SCRAM) and enforces the services' ACLs
# (kafka.sh); none: no authentication. Decided when the storage is first formatted.
MELDCODE_KAFKA_AUTH="${MELDCODE_KAFKA_AUTH:-none}"
# 1: the local Kafka's client listener speaks TLS with a local CA made at its first start (kafka.sh).
MELDCODE_KAFKA_TLS="${MELDCODE_KAFKA_TLS:-0}"
MELDCODE_PG_PORT="${MELDCODE_PG_PORT:-15432}"
MELDCODE_PG_OS_USER="${MELDCODE_PG_OS_USER:-meldcode-pg}"
# A port here starts a synchronous streaming standby beside the primary (postgres.sh, ADR 28);
# empty (the default): one server.
MELDCODE_PG_STANDBY_PORT="${MELDCODE_PG_STANDBY_PORT:-}"
MELDCODE_PYTHON="${MELDCODE_PYTHON:-$MELDCODE_ROOT/.venv/bin/python}"
# Backup (docs/operations.md): the WAL archive is on only when MELDCODE_PG_ARCHIVE_DIR is set (the
# server then copies every finished WAL segment there, at the latest after MELDCODE_PG_ARCHIVE_TIMEOUT
# seconds); base backups go to MELDCODE_BACKUP_DIR. Keep both on another disk than the server's data.
MELDCODE_PG_ARCHIVE_DIR="${MELDCODE_PG_ARCHIVE_DIR:-}"
MELDCODE_PG_ARCHIVE_TIMEOUT="${MELDCODE_PG_ARCHIVE_TIMEOUT:-60}"
MELDCODE_BACKUP_DIR="${MELDCODE_BACKUP_DIR:-$MELDCODE_RUN_DIR/backup}"
export MELDCODE_ROOT MELDCODE_RUN_DIR MELDCODE_CACHE_DIR MELDCODE_KAFKA_VERSION MELDCODE_KAFKA_PORT \
  MELDCODE_KAFKA_CONTROLLER_PORT MELDCODE_KAFKA_HEAP MELDCODE_KAFKA_JVM_OPTS MELDCODE_KAFKA_BROKERS MELDCODE_KAFKA_AUTH MELDCODE_KAFKA_TLS MELDCODE_PG_PORT MELDCODE_PG_STANDBY_PORT MELDCODE_PG_OS_USER MELDCODE_PYTHON \
  MELDCODE_PG_ARCHIVE_DIR MELDCODE_PG_ARCHIVE_TIMEOUT MELDCODE_BACKUP_DIR
