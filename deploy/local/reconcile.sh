#!/usr/bin/env bash
# Run `meldcode-<service> reconcile` for every service of the local suite that `make run` started
# (same databases, Kafka, key store and settings), one after the other.
#   reconcile.sh                          a table per service
#   reconcile.sh --json                   one line of JSON per service (JSON Lines)
#   reconcile.sh --republish --replay-missing   repair what can be repaired, then compare again
# Exit code: 0 when every service agrees, 1 when a difference remains, 2 when a run failed.
# Variables set in the environment win (e.g. SIGNALS_DATABASE_URL), as in run.sh. Each service's
# reconcile runs as that service's own database role (ADR 16), as the service does.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$MELDCODE_ROOT"

SERVICES=(signals casework notifications reporting)
as_role() { echo "$1" | sed -E "s#^(postgres(ql)?://)[^@/]*@#\1$2@#"; }
for svc in "${SERVICES[@]}"; do
  env_name="${svc^^}_DATABASE_URL"
  if [ -z "${!env_name:-}" ]; then export "$env_name=$(as_role "$(bash deploy/local/postgres.sh url "meldcode_$svc")" "meldcode_$svc")"; fi
done
declare -A KAFKA_CREDENTIALS=()  # each service's own Kafka principal, when the local Kafka has SCRAM
for svc in "${SERVICES[@]}"; do
  KAFKA_CREDENTIALS[$svc]=$(bash deploy/local/kafka.sh credentials "$svc" 2>/dev/null || true)
done
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-$(bash deploy/local/kafka.sh address)}"
keys_url="${MELDCODE_KEYSTORE_URL:-$(bash deploy/local/postgres.sh url meldcode_keys)}"
if [ -z "${MELDCODE_MASTER_KEY:-}" ]; then
  [ -s "$MELDCODE_RUN_DIR/master.key" ] || { echo "no $MELDCODE_RUN_DIR/master.key (make run first)" >&2; exit 2; }
  export MELDCODE_MASTER_KEY="$(cat "$MELDCODE_RUN_DIR/master.key")"
fi
# A replayed event is handled with the service's own settings: the demo's JGZ partner, as in run.sh.
jgz_port="${MELDCODE_JGZ_PORT:-8199}"
if [ -z "${MELDCODE_JGZ_PARTNERS:-}" ]; then
  export MELDCODE_JGZ_PARTNERS="{\"swv-zuid\":{\"organisation\":\"GGD Zuid JGZ\",\"webhook_url\":\"http://127.0.0.1:${jgz_port}/webhooks/meldcode\",\"secrets\":[\"demo-jgz-secret\"]}}"
fi

worst=0
for svc in "${SERVICES[@]}"; do
  set +e
  (if [ -n "${KAFKA_CREDENTIALS[$svc]}" ]; then . "${KAFKA_CREDENTIALS[$svc]}"; fi
   MELDCODE_KEYSTORE_URL="$(as_role "$keys_url" "meldcode_$svc")" exec "$MELDCODE_PYTHON" -m "$svc.entrypoints.cli" reconcile "$@")
  code=$?
  set -e
  if [ "$code" -gt 1 ]; then echo "$svc: reconcile failed (exit code $code)" >&2; code=2; fi
  if [ "$code" -gt "$worst" ]; then worst=$code; fi
done
exit "$worst"
