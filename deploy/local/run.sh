#!/usr/bin/env bash
# `make run`: start PostgreSQL, Kafka and the four services as local processes, play the demo
# scenario, print where to look, and stay up until Ctrl-C; then stop everything it started.
#   run.sh           demo and stay up
#   run.sh --bench   start everything, run the benches (bench/signal_latency.py and the rest), stop
# The services, the portal and the demo's outside world run under supervisord (ADR 13): a process
# that dies is restarted with backoff and the rest of the suite stays up. MELDCODE_REPLICAS=2 runs
# every service twice (the second replica on its port + 10): consumer groups share the partitions,
# one relay per service publishes. `bash deploy/local/supervise.sh status` shows the processes.
set -euo pipefail
# `make run` talks to Kafka with a SASL/SCRAM principal per service and the ACLs from the contracts;
# MELDCODE_KAFKA_AUTH=none runs it without (decided when the local Kafka is first formatted).
export MELDCODE_KAFKA_AUTH="${MELDCODE_KAFKA_AUTH:-scram}"
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$MELDCODE_ROOT"
mode="${1:-demo}"

SERVICES=(signals casework notifications reporting)
declare -A PORTS=([signals]="${SIGNALS_HTTP_PORT:-8101}" [casework]="${CASEWORK_HTTP_PORT:-8102}" \
  [notifications]="${NOTIFICATIONS_HTTP_PORT:-8103}" [reporting]="${REPORTING_HTTP_PORT:-8104}")
logs="$MELDCODE_RUN_DIR/logs"
keys="$MELDCODE_RUN_DIR/dev-issuer"
mkdir -p "$logs"
started_infra=()

cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping..." >&2
  bash deploy/local/supervise.sh stop || true
  for name in "${started_infra[@]}"; do bash "deploy/local/$name" stop || true; done
  if [ -n "${rf3_kafka_started:-}" ]; then rf3_kafka stop || true; fi
  echo "Stopped everything that was started." >&2
}
trap cleanup INT TERM EXIT

for name in postgres.sh kafka.sh; do
  bash "deploy/local/$name" status >/dev/null 2>&1 || started_infra+=("$name")
  bash "deploy/local/$name" start
done
kafka=$(bash deploy/local/kafka.sh address)
declare -A KAFKA_CREDENTIALS=()  # asked before KAFKA_BOOTSTRAP_SERVERS is exported (kafka.sh: an outside broker)
for svc in "${SERVICES[@]}"; do
  KAFKA_CREDENTIALS[$svc]=$(bash deploy/local/kafka.sh credentials "$svc" 2>/dev/null || true)
done
kafka_admin=$(bash deploy/local/kafka.sh credentials admin 2>/dev/null || true)  # `make bench`'s floor topic
"$MELDCODE_PYTHON" -m meldcode_devauth.tokens keygen "$keys" >/dev/null

# Least privilege (ADR 16): each database is owned by its owner role, which migrates it; each
# service runs as its own role, which reaches its own database (and the key store) only and may
# only append to its event log. Locally without passwords (trust on 127.0.0.1); see docs/operations.md.
as_role() { echo "$1" | sed -E "s#^(postgres(ql)?://)[^@/]*@#\1$2@#"; }
"$MELDCODE_PYTHON" -m meldcode_edge.roles "$(bash deploy/local/postgres.sh url)" "${SERVICES[@]}" portal
# The key store of the pupils' data keys (ADR 10), shared by the services, and its master key:
# kept in the run directory for the demo; in production it comes from a secret store or a KMS.
bash deploy/local/postgres.sh createdb meldcode_keys meldcode_keys_owner
keys_url="${MELDCODE_KEYSTORE_URL:-$(bash deploy/local/postgres.sh url meldcode_keys)}"
service_databases() {  # service_databases [SUFFIX]: each service's database meldcode_<svc>SUFFIX,
  # made and migrated, its URLs exported (a URL set from outside is kept, unless SUFFIX is given)
  local suffix="${1:-}" svc upper db env_name url
  for svc in "${SERVICES[@]}"; do
    upper=${svc^^}
    db="meldcode_$svc$suffix"
    bash deploy/local/postgres.sh createdb "$db" "meldcode_${svc}_owner"
    env_name="${upper}_DATABASE_URL"
    url="$(bash deploy/local/postgres.sh url "$db")"
    if [ -n "$suffix" ] || [ -z "${!env_name:-}" ]; then export "$env_name=$(as_role "$url" "meldcode_$svc")"; fi
    export "${upper}_HTTP_PORT=${PORTS[$svc]}"
    # the migration runs as the owner role, which the service itself never gets
    env "${upper}_MIGRATION_DATABASE_URL=$(as_role "$url" "meldcode_${svc}_owner")" \
      MELDCODE_KEYSTORE_URL="$(as_role "$keys_url" "meldcode_$svc")" \
      MELDCODE_KEYSTORE_MIGRATION_URL="$(as_role "$keys_url" meldcode_keys_owner)" \
      "$MELDCODE_PYTHON" -m "$svc.entrypoints.cli" migrate >/dev/null
  done
  # reporting's audit rebuild swaps its read-model tables, which only their owner may (ADR 16)
  if [ -n "$suffix" ] || [ -z "${REPORTING_MIGRATION_DATABASE_URL:-}" ]; then
    export REPORTING_MIGRATION_DATABASE_URL="$(as_role "$(bash deploy/local/postgres.sh url "meldcode_reporting$suffix")" meldcode_reporting_owner)"
  fi
}
service_databases
# the names of the demo schools, shown wherever a BRIN code appears
export REPORTING_SCHOOLS_FILE="${REPORTING_SCHOOLS_FILE:-$PWD/deploy/local/schools.json}"
if [ "${MELDCODE_DEMO:-}" = "samenwerkingsverband" ]; then  # and those of the generated samenwerkingsverband
  "$MELDCODE_PYTHON" -m meldcode_swv_generator.schools --base "$REPORTING_SCHOOLS_FILE" \
    --out "$MELDCODE_RUN_DIR/schools.json" --scale "${MELDCODE_DEMO_SCALE:-0.1}"
  export REPORTING_SCHOOLS_FILE="$MELDCODE_RUN_DIR/schools.json"
fi
export KAFKA_BOOTSTRAP_SERVERS="$kafka" AUTH_PUBLIC_KEY_FILE="$keys/issuer.pub"
if [ ! -s "$MELDCODE_RUN_DIR/master.key" ]; then
  (umask 077; "$MELDCODE_PYTHON" -c "from meldcode_servicekit.keystore import new_master_key; print(new_master_key())" > "$MELDCODE_RUN_DIR/master.key")
fi
export MELDCODE_MASTER_KEY="${MELDCODE_MASTER_KEY:-$(cat "$MELDCODE_RUN_DIR/master.key")}"
# The signed chain heads of the event stores (ADR 7), with development signing keys kept beside them.
export MELDCODE_CHAIN_HEADS_DIR="${MELDCODE_CHAIN_HEADS_DIR:-$MELDCODE_RUN_DIR/chain-heads}"

# The outside world of the demo: a mail catcher (SMTP into a Maildir) and a JGZ system simulator.
smtp_port="${MELDCODE_SMTP_PORT:-8125}"
jgz_port="${MELDCODE_JGZ_PORT:-8199}"
jgz_secret="demo-jgz-secret"
maildir="$MELDCODE_RUN_DIR/mail"
export NOTIFICATIONS_SMTP_HOST=127.0.0.1 NOTIFICATIONS_SMTP_PORT="$smtp_port"
export NOTIFICATIONS_PORTAL_URL="${NOTIFICATIONS_PORTAL_URL:-http://127.0.0.1:${PORTS[notifications]}}"
export NOTIFICATIONS_USER_DIRECTORY='{"ib-bram":{"email":"bram@school.example","name":"Bram Bakker"},"jgz-arts":{"email":"arts@jgz.example","name":"Dr. Jeugdarts"},"leerkracht-anna":{"email":"anna@school.example","name":"Anna de Leerkracht"}}'
export MELDCODE_JGZ_PARTNERS="{\"swv-zuid\":{\"organisation\":\"GGD Zuid JGZ\",\"webhook_url\":\"http://127.0.0.1:${jgz_port}/webhooks/meldcode\",\"secrets\":[\"${jgz_secret}\"]}}"

for svc in "${SERVICES[@]}"; do
  if ! "$MELDCODE_PYTHON" -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', int(sys.argv[1])))" "${PORTS[$svc]}" 2>/dev/null; then
    echo "port ${PORTS[$svc]} for $svc is in use; set ${svc^^}_HTTP_PORT to another port" >&2; exit 1
  fi
done
# The portal and the development OpenID Connect issuer it logs users in with (never in production).
issuer_port="${MELDCODE_ISSUER_PORT:-8190}"
portal_port="${PORTAL_HTTP_PORT:-8180}"
for port in "$smtp_port" "$jgz_port" "$issuer_port" "$portal_port"; do
  if ! "$MELDCODE_PYTHON" -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', int(sys.argv[1])))" "$port" 2>/dev/null; then
    echo "port $port is in use; set MELDCODE_SMTP_PORT / MELDCODE_JGZ_PORT / MELDCODE_ISSUER_PORT / PORTAL_HTTP_PORT to free ports" >&2; exit 1
  fi
done
mkdir -p "$maildir"/cur "$maildir"/new "$maildir"/tmp  # a Maildir, for the catcher and the demo
# the benchmark and the generator write as one user far faster than a person does: no write rate limit
if [ "$mode" = "--bench" ] || [ "${MELDCODE_DEMO:-}" = "samenwerkingsverband" ]; then
  export MELDCODE_WRITE_RATE_PER_MINUTE="${MELDCODE_WRITE_RATE_PER_MINUTE:-0}"
fi
issuer_url="http://127.0.0.1:$issuer_port"
portal_url="http://127.0.0.1:$portal_port"
export PORTAL_SIGNALS_URL="http://127.0.0.1:${PORTS[signals]}" PORTAL_CASEWORK_URL="http://127.0.0.1:${PORTS[casework]}" \
  PORTAL_NOTIFICATIONS_URL="http://127.0.0.1:${PORTS[notifications]}" PORTAL_REPORTING_URL="http://127.0.0.1:${PORTS[reporting]}" \
  PORTAL_OIDC_ISSUER="$issuer_url" PORTAL_PUBLIC_URL="$portal_url" PORTAL_HTTP_PORT="$portal_port" \
  PORTAL_SESSION_SECRET="${PORTAL_SESSION_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
# the portal's sessions (and nothing else of it) live in a database of their own (ADR 0012)
bash deploy/local/postgres.sh createdb meldcode_portal meldcode_portal_owner
portal_db="$(bash deploy/local/postgres.sh url meldcode_portal)"
if [ -z "${PORTAL_SESSION_DATABASE_URL:-}" ]; then export PORTAL_SESSION_DATABASE_URL="$(as_role "$portal_db" meldcode_portal)"; fi
PORTAL_SESSION_MIGRATION_DATABASE_URL="$(as_role "$portal_db" meldcode_portal_owner)" "$MELDCODE_PYTHON" -m meldcode_web.cli migrate >/dev/null
start_suite() {  # start_suite SECONDS: the supervised processes against KAFKA_BOOTSTRAP_SERVERS with
  # KAFKA_CREDENTIALS, waiting until the services are ready; fails (after their logs) if they are not
  local programs=(
    "smtp|$MELDCODE_PYTHON -m aiosmtpd -n -l 127.0.0.1:$smtp_port -c aiosmtpd.handlers.Mailbox $maildir|1|true"
    "jgz-simulator|$MELDCODE_PYTHON -m jgz_simulator.cli serve --port $jgz_port --secret $jgz_secret|1|true"
  )
  local svc login
  for svc in "${SERVICES[@]}"; do
    # replica N listens on the service's port + 10*N; its logs go to <service>.log / <service>-N.log
    # Each service logs in to Kafka as its own principal: its credentials file is read by the process
    # itself, so no password is on a command line.
    login=""
    if [ -n "${KAFKA_CREDENTIALS[$svc]}" ]; then login=". ${KAFKA_CREDENTIALS[$svc]}; "; fi
    programs+=("$svc|bash -c '${login}export MELDCODE_KEYSTORE_URL=$(as_role "$keys_url" "meldcode_$svc") ${svc^^}_HTTP_PORT=\$((${PORTS[$svc]} + 10 * %(process_num)d)); exec $MELDCODE_PYTHON -m $svc.entrypoints.cli serve'|${MELDCODE_REPLICAS:-1}|true")
  done
  programs+=(
    "devissuer|$MELDCODE_PYTHON -m meldcode_devauth.issuer serve --key-dir $keys --users deploy/local/demo-users.json --port $issuer_port --issuer-url $issuer_url --redirect-uri $portal_url/auth/callback|1|false"
    "portal|$MELDCODE_PYTHON -m meldcode_web.cli serve|1|false"
  )
  bash deploy/local/supervise.sh start "${programs[@]}"
  local ready_urls=("http://127.0.0.1:$jgz_port/received")
  for svc in "${SERVICES[@]}"; do ready_urls+=("http://127.0.0.1:${PORTS[$svc]}/health/ready"); done
  if ! "$MELDCODE_PYTHON" deploy/local/wait_http.py "$1" "${ready_urls[@]}"; then
    for log in "$logs"/{signals,casework,notifications,reporting}*.log; do echo "--- $log" >&2; tail -15 "$log" >&2; done
    return 1
  fi
}
start_suite 90 || exit 1

urls=(--signals "http://127.0.0.1:${PORTS[signals]}" --casework "http://127.0.0.1:${PORTS[casework]}"
  --notifications "http://127.0.0.1:${PORTS[notifications]}" --reporting "http://127.0.0.1:${PORTS[reporting]}"
  --issuer-key "$keys/issuer.key")
if [ "$mode" = "--bench" ]; then
  # `make bench`: the signal path end to end on this suite (its Kafka with SASL/SCRAM and ACLs) in an
  # open loop at 50/s and a closed loop, the bare floor path and the bare-machine anchors in the same
  # run, then the other benches at moderate sizes, and last the signal path again with the suite on three
  # Kafka nodes (bench/replication_cost.py); the last line holds every figure (bench/summary.py), also
  # kept in $MELDCODE_RUN_DIR/bench/figures.json for `make bench-record`. About 10 minutes.
  figures="$MELDCODE_RUN_DIR/bench"
  rm -rf "$figures"; mkdir -p "$figures"
  # CPU per signal of every process: the supervised services, PostgreSQL (its postmaster and backends),
  # Kafka, and the bench client itself
  cpu_pids=""
  for pidfile in "$MELDCODE_RUN_DIR/supervisor/supervisord.pid" "$MELDCODE_RUN_DIR/kafka/kafka.pid" \
    "$MELDCODE_RUN_DIR"/kafka/node-*/kafka.pid "$MELDCODE_RUN_DIR/postgres/data/postmaster.pid"; do
    [ -r "$pidfile" ] && cpu_pids="$cpu_pids$(head -1 "$pidfile"),"
  done
  admin_db="$(bash deploy/local/postgres.sh url)"
  rf3_kafka() {  # kafka.sh for the three-node cluster of the replication bench (its own run dir and ports)
    local port="${MELDCODE_BENCH_RF3_KAFKA_PORT:-19240}"  # node N: port + 2(N-1), its controller one above
    env -u KAFKA_BOOTSTRAP_SERVERS -u MELDCODE_KAFKA_PORTS -u MELDCODE_KAFKA_CONTROLLER_PORTS \
      MELDCODE_RUN_DIR="$MELDCODE_RUN_DIR/kafka-rf3" MELDCODE_KAFKA_BROKERS=3 \
      MELDCODE_KAFKA_PORT="$port" MELDCODE_KAFKA_CONTROLLER_PORT="$((port + 1))" bash deploy/local/kafka.sh "$@"
  }
  bench() {  # bench NAME ARGS...: bench/NAME.py with the Kafka admin login (the floor's own topic)
    local name="$1"; shift
    ( if [ -f "$kafka_admin" ]; then . "$kafka_admin"; fi
      MELDCODE_DATABASE_URL="$admin_db" "$MELDCODE_PYTHON" "bench/$name.py" "$@" ) | tee "$figures/$name.out" \
      || { echo "bench/$name.py failed; its figures are left out" >&2; mv "$figures/$name.out" "$figures/$name.failed"; }
  }
  bench signal_latency "${urls[@]}" --reporting-database-url "$REPORTING_DATABASE_URL" --database-url "$admin_db" \
    --cpu-pids "$cpu_pids" --rate 50 --duration "${MELDCODE_BENCH_SECONDS:-20}" --count "${MELDCODE_BENCH_SIGNALS:-1000}" "${@:2}"
  bench anchors --insert-rows 2000 --read-rows 50000
  bench write_path --signals 1000 --commands 500 --raw 2000
  # --workers: the rebuild's worker processes (default as REPORTING_REBUILD_WORKERS: one fewer than the CPUs, 1 to 4)
  bench reporting_rebuild --events "${MELDCODE_BENCH_REBUILD_EVENTS:-20000}" \
    ${MELDCODE_BENCH_REBUILD_WORKERS:+--workers "$MELDCODE_BENCH_REBUILD_WORKERS"}
  bench casework_rehydration --case-sizes 10,60,200 --typical-case 60 --commands 50 --repeat 101
  if [ "${MELDCODE_BENCH_KAFKA_AUTH:-1}" = 1 ]; then
    "$MELDCODE_PYTHON" bench/kafka_auth_cost.py --messages 2000 --round-trips 150 --connects 10 --repeats 3 \
      | tee "$figures/kafka_auth_cost.out" || echo "bench/kafka_auth_cost.py failed" >&2
  fi
  # The same suite on three Kafka nodes of its own (ADR 27: RF 3, min.insync.replicas 2, acks=all) in
  # the same run: the services restart against that cluster with databases of their own
  # (meldcode_<svc>_rf3: what they store is published to that cluster only, so the suite's own
  # databases and topics keep agreeing) and bench/replication_cost.py runs signal_latency's workload
  # again, each figure beside the one-node one above. MELDCODE_BENCH_RF3=0 leaves it out.
  if [ "${MELDCODE_BENCH_RF3:-1}" = 1 ] && [ -f "$figures/signal_latency.out" ]; then
    bash deploy/local/supervise.sh stop
    rf3_kafka_started=1
    rf3_ready=""
    if rf3_kafka start && service_databases _rf3; then  # its credentials are made at its first start
      KAFKA_BOOTSTRAP_SERVERS="$(rf3_kafka address)"
      for svc in "${SERVICES[@]}"; do KAFKA_CREDENTIALS[$svc]=$(rf3_kafka credentials "$svc" 2>/dev/null || true); done
      kafka_admin=$(rf3_kafka credentials admin 2>/dev/null || true)
      rf3_ready=1
    fi
    # a restart on a busy machine with three more JVMs takes longer than the first start
    if [ -n "$rf3_ready" ] && start_suite 240; then
      cpu_pids=""
      for pidfile in "$MELDCODE_RUN_DIR/supervisor/supervisord.pid" "$MELDCODE_RUN_DIR"/kafka-rf3/kafka/node-*/kafka.pid \
        "$MELDCODE_RUN_DIR/postgres/data/postmaster.pid"; do
        [ -r "$pidfile" ] && cpu_pids="$cpu_pids$(head -1 "$pidfile"),"
      done
      bench replication_cost --rf1 "$figures/signal_latency.out" "${urls[@]}" --reporting-database-url "$REPORTING_DATABASE_URL" \
        --database-url "$admin_db" --cpu-pids "$cpu_pids" --rate 50 --duration "${MELDCODE_BENCH_SECONDS:-20}" \
        --count "${MELDCODE_BENCH_SIGNALS:-1000}" "${@:2}"
    else
      echo "the suite on three Kafka nodes did not start; bench/replication_cost.py left out" >&2
    fi
  fi
  "$MELDCODE_PYTHON" bench/summary.py "$figures" "{\"kafka_auth\": \"$MELDCODE_KAFKA_AUTH\"}" | tee "$figures/figures.json"
  exit 0
fi
# The demo users in the staff directory of each of their schools (issue 17), so screens show names
# and casework refuses unknown people; repeating it (a restart) lists nothing new.
MELDCODE_KEYSTORE_URL="$(as_role "$keys_url" meldcode_signals)" \
  "$MELDCODE_PYTHON" -m signals.entrypoints.cli list-staff --file deploy/local/demo-users.json >/dev/null
"$MELDCODE_PYTHON" deploy/local/demo.py "${urls[@]}" \
  --jgz "http://127.0.0.1:$jgz_port" --jgz-secret "$jgz_secret" --maildir "$maildir"
# MELDCODE_DEMO=samenwerkingsverband: beside the demo, a generated samenwerkingsverband (schools,
# pupils, two school years of signals, cases in every step) so the coordinator's dashboard shows
# real shapes; MELDCODE_DEMO_SCALE=1 is 40 schools and 12 000 pupils (default 0.1: a minute or two).
if [ "${MELDCODE_DEMO:-}" = "samenwerkingsverband" ]; then
  "$MELDCODE_PYTHON" -m meldcode_swv_generator --signals "http://127.0.0.1:${PORTS[signals]}" \
    --casework "http://127.0.0.1:${PORTS[casework]}" --issuer-key "$keys/issuer.key" \
    --scale "${MELDCODE_DEMO_SCALE:-0.1}" >/dev/null
fi

bash deploy/local/supervise.sh ctl start devissuer:* portal:* >/dev/null
if ! "$MELDCODE_PYTHON" deploy/local/wait_http.py 60 "$issuer_url/health" "$portal_url/health"; then
  for name in devissuer portal; do echo "--- $logs/$name.log" >&2; tail -15 "$logs/$name.log" >&2; done
  exit 1
fi
echo
echo "Portaal: $portal_url  (inloggen via de ontwikkel-inlogdienst $issuer_url, zonder wachtwoord)"
"$MELDCODE_PYTHON" - deploy/local/demo-users.json <<'PY'
import json, sys
roles = {"leerkracht": "leerkracht", "intern_begeleider": "IB'er / aandachtsfunctionaris", "zorgteam": "zorgteam",
         "beheerder": "coördinator samenwerkingsverband", "auditor": "auditor"}
print("Demo-gebruikers:")
for u in json.load(open(sys.argv[1], encoding="utf-8"))["users"]:
    schools = ", ".join(u["schools"]) or "alle scholen"
    print(f"  {u['id']:<20} {u['name']:<22} {roles.get(u['role'], u['role'])} ({u['organisation']}; {schools})")
PY
echo
echo "Logs: $logs/<service>.log. Everything stays up until Ctrl-C."
echo "A service that stops is restarted (see $logs/supervisord.log)."
while bash deploy/local/supervise.sh running; do
  sleep 2 & wait $!  # `wait` returns at once on Ctrl-C, so the trap runs
done
echo "supervisord stopped unexpectedly; see $logs/supervisord.log" >&2
exit 1
