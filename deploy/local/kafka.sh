#!/usr/bin/env bash
# Apache Kafka (KRaft, combined broker+controller nodes) as local processes: one node by default,
# three with MELDCODE_KAFKA_BROKERS=3 (ADR 27: topics at replication factor 3, min.insync.replicas=2,
# so any one node may die without losing or refusing an acks=all write).
#   kafka.sh fetch | start | stop | status | address | pid [NODE] | credentials PRINCIPAL
# Node N (1-based) listens for clients on MELDCODE_KAFKA_PORT+2(N-1) and for the controller quorum on
# MELDCODE_KAFKA_CONTROLLER_PORT+2(N-1), or on the Nth entry of MELDCODE_KAFKA_PORTS /
# MELDCODE_KAFKA_CONTROLLER_PORTS (comma-separated) when those are set. One node keeps its data in
# $run/data as before; with three, node N has $run/node-N/.
# MELDCODE_KAFKA_AUTH=scram (what `make run` uses): clients authenticate with SASL/SCRAM-SHA-512 and
# the StandardAuthorizer allows only what the ACLs generated from the contracts' topic map allow
# (meldcode_servicekit.kafka_acls). One principal per service plus `admin` (super user, for setup
# and operators); their random passwords are made at the first start into $run/credentials/, one
# env file per principal (`kafka.sh credentials signals` prints its path), and put into the
# cluster's metadata when the storage is formatted. MELDCODE_KAFKA_AUTH=none: no authentication.
# MELDCODE_KAFKA_TLS=1: the client listener speaks TLS (SASL_SSL with scram, SSL without); a local CA
# and a broker certificate for 127.0.0.1/localhost are made at the first start into $run/tls/
# (ca.pem is what clients trust, KAFKA_SSL_CAFILE; the keys are readable by the owner only). The
# credentials files carry KAFKA_SECURITY_PROTOCOL and KAFKA_SSL_CAFILE; without scram
# `kafka.sh credentials ANY` prints $run/tls/client.env with the same two settings.
# Both settings are decided at the first start; a broker keeps what it was formatted with.
# Jars come from Maven Central via deploy/local/kafka/pom.xml into $MELDCODE_CACHE_DIR.
# If KAFKA_BOOTSTRAP_SERVERS is set, that broker is used and nothing is started.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

libs="$MELDCODE_CACHE_DIR/kafka-$MELDCODE_KAFKA_VERSION/libs"
run="$MELDCODE_RUN_DIR/kafka"
brokers="$MELDCODE_KAFKA_BROKERS"
case "$brokers" in 1|3) ;; *) echo "kafka: MELDCODE_KAFKA_BROKERS must be 1 or 3, not '$brokers'" >&2; exit 2 ;; esac

nth() {  # nth LIST N: the Nth entry of a comma-separated list
  local IFS=,; local entries; read -ra entries <<< "$1"
  [ -n "${entries[$(($2 - 1))]:-}" ] || { echo "kafka: no entry $2 in '$1'" >&2; exit 2; }
  echo "${entries[$(($2 - 1))]}"
}
client_port() {
  if [ -n "${MELDCODE_KAFKA_PORTS:-}" ]; then nth "$MELDCODE_KAFKA_PORTS" "$1"
  else echo $((MELDCODE_KAFKA_PORT + 2 * ($1 - 1))); fi
}
controller_port() {
  if [ -n "${MELDCODE_KAFKA_CONTROLLER_PORTS:-}" ]; then nth "$MELDCODE_KAFKA_CONTROLLER_PORTS" "$1"
  else echo $((MELDCODE_KAFKA_CONTROLLER_PORT + 2 * ($1 - 1))); fi
}
node_dir() { if [ "$brokers" = 1 ]; then echo "$run"; else echo "$run/node-$1"; fi; }
pidfile() { echo "$(node_dir "$1")/kafka.pid"; }
address=$(for n in $(seq 1 "$brokers"); do printf '127.0.0.1:%s\n' "$(client_port "$n")"; done | paste -sd,)
voters=$(for n in $(seq 1 "$brokers"); do printf '%s@127.0.0.1:%s\n' "$n" "$(controller_port "$n")"; done | paste -sd,)
credentials="$run/credentials"
tls_dir="$run/tls"

fetch() {
  if [ -f "$libs/.complete" ]; then return 0; fi
  echo "kafka: fetching Apache Kafka $MELDCODE_KAFKA_VERSION jars into $libs" >&2
  rm -rf "$libs"
  mvn -q -B -f "$MELDCODE_ROOT/deploy/local/kafka/pom.xml" dependency:copy-dependencies \
    -Dkafka.version="$MELDCODE_KAFKA_VERSION" -DincludeScope=runtime -DoutputDirectory="$libs" >&2
  touch "$libs/.complete"
}

node_running() { local f; f=$(pidfile "$1"); [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }
running() {  # every node runs
  local n; for n in $(seq 1 "$brokers"); do node_running "$n" || return 1; done
}

wait_ready() {
  # Ask the brokers themselves (metadata through a real client: every node registered), do not sleep-and-hope.
  as_admin "$MELDCODE_PYTHON" "$MELDCODE_ROOT/deploy/local/wait_kafka.py" "$1" "${2:-90}" "${3:-1}"
}

# A broker formatted with SCRAM keeps it (its credentials are in the run dir), whatever the setting.
scram() {
  { [ "$MELDCODE_KAFKA_AUTH" = scram ] || [ -f "$credentials/admin.env" ]; } && [ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]
}

# Like scram: a broker whose certificates were made keeps TLS.
tls() {
  [ -f "$tls_dir/ca.pem" ] && [ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]
}

client_protocol() {
  if scram; then
    if tls; then echo SASL_SSL; else echo SASL_PLAINTEXT; fi
  elif tls; then echo SSL; else echo PLAINTEXT; fi
}

as_admin() {
  # Runs a client as the super user (KAFKA_* settings of servicekit) when the broker has SASL, or
  # with the TLS settings when it has TLS only.
  if scram; then (. "$credentials/admin.env"; "$@")
  elif tls; then (. "$tls_dir/client.env"; "$@")
  else "$@"; fi
}

make_tls() {
  [ -f "$tls_dir/ca.pem" ] && return 0
  if [ -f "$(node_dir 1)/data/meta.properties" ]; then
    echo "kafka: $run was first started without TLS; stop and remove $run to start afresh with MELDCODE_KAFKA_TLS=1" >&2
    exit 1
  fi
  command -v openssl >/dev/null || { echo "kafka: MELDCODE_KAFKA_TLS=1 needs openssl" >&2; exit 1; }
  local work; work=$(mktemp -d)
  (umask 077; mkdir -p "$tls_dir"
   cd "$work"
   openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key 2>/dev/null
   openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/CN=Meldcode local Kafka CA" \
     -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
     -out ca.pem
   openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out broker.key 2>/dev/null
   openssl req -new -key broker.key -subj "/CN=localhost" -out broker.csr
   cat > broker.ext <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EXT
   openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days 825 \
     -extfile broker.ext -out broker.crt 2>/dev/null
   # Kafka's PEM key store: the (PKCS#8, unencrypted) key followed by its certificate chain.
   cat broker.key broker.crt ca.pem > "$tls_dir/broker.pem"
   mv ca.key "$tls_dir/ca.key"
   cp ca.pem "$tls_dir/ca.pem.tmp"
   printf 'export KAFKA_SECURITY_PROTOCOL=SSL KAFKA_SSL_CAFILE=%s\n' "$tls_dir/ca.pem" > "$tls_dir/client.env")
  chmod 755 "$tls_dir"; chmod 644 "$tls_dir/ca.pem.tmp" "$tls_dir/client.env"  # the keys stay 600
  rm -rf "$work"
  mv "$tls_dir/ca.pem.tmp" "$tls_dir/ca.pem"  # last: its presence means TLS is complete
}

make_credentials() {
  [ -f "$credentials/admin.env" ] && return 0
  if [ -f "$(node_dir 1)/data/meta.properties" ]; then
    echo "kafka: $run/data is formatted but $credentials is missing; stop and remove $run to start afresh" >&2
    exit 1
  fi
  (umask 077; mkdir -p "$credentials"
   for principal in admin $("$MELDCODE_PYTHON" -m meldcode_servicekit.kafka_acls principals); do
     cat > "$credentials/$principal.env" <<ENV
export KAFKA_SECURITY_PROTOCOL=$(client_protocol) KAFKA_SASL_USERNAME=$principal
export KAFKA_SASL_PASSWORD=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
ENV
     if tls; then echo "export KAFKA_SSL_CAFILE=$tls_dir/ca.pem" >> "$credentials/$principal.env"; fi
   done)
}

password_of() { (. "$credentials/$1.env"; printf '%s' "$KAFKA_SASL_PASSWORD"); }

tls_properties() {
  tls || return 0
  # PEM key material (no Java key stores); the truststore is for the broker's own client connections
  # on the inter-broker listener, which is the client listener here.
  cat <<PROPS
ssl.keystore.type=PEM
ssl.keystore.location=$tls_dir/broker.pem
ssl.truststore.type=PEM
ssl.truststore.location=$tls_dir/ca.pem
ssl.client.auth=none
PROPS
}

security_properties() {  # security_properties NODE
  local port; port=$(client_port "$1")
  local controller; controller=$(controller_port "$1")
  local protocol; protocol=$(client_protocol)
  tls_properties
  if ! scram; then
    cat <<PROPS
listeners=$protocol://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=$protocol://127.0.0.1:$port
inter.broker.listener.name=$protocol
listener.security.protocol.map=$protocol:$protocol,CONTROLLER:PLAINTEXT
PROPS
    return
  fi
  local admin; admin=$(password_of admin)
  local name; name=$(echo "$protocol" | tr '[:upper:]' '[:lower:]')
  # SCRAM on the client listener (credentials live in the cluster metadata); PLAIN with a static
  # admin user on the controller listener, which SCRAM cannot serve (its credentials are metadata).
  cat <<PROPS
listeners=$protocol://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=$protocol://127.0.0.1:$port
inter.broker.listener.name=$protocol
listener.security.protocol.map=$protocol:$protocol,CONTROLLER:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.$name.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.$name.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin";
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin" user_admin="$admin";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin
allow.everyone.if.no.acl.found=false
PROPS
}

apply_acls() {
  # Every start: the ACLs follow the contracts' topic map of this checkout (adding is idempotent).
  if scram; then
    as_admin env KAFKA_BOOTSTRAP_SERVERS="$address" "$MELDCODE_PYTHON" -m meldcode_servicekit.kafka_acls apply >&2
  fi
}

scram_arguments() {
  scram || return 0
  for file in "$credentials"/*.env; do
    local principal; principal=$(basename "$file" .env)
    printf '%s\n' --add-scram "SCRAM-SHA-512=[name=$principal,password=$(password_of "$principal")]"
  done
}

replication_properties() {
  # One node: everything at one copy. Three: every topic (the platform's, created with the broker's
  # default, and Kafka's own) at three copies, and an acks=all write needs two of them (ADR 27).
  local copies=1 min_isr=1
  if [ "$brokers" = 3 ]; then copies=3; min_isr=2; fi
  cat <<PROPS
offsets.topic.replication.factor=$copies
transaction.state.log.replication.factor=$copies
transaction.state.log.min.isr=$min_isr
share.coordinator.state.topic.replication.factor=$copies
share.coordinator.state.topic.min.isr=$min_isr
default.replication.factor=$copies
min.insync.replicas=$min_isr
PROPS
  if [ "$brokers" = 3 ]; then
    # A killed node is fenced (its leaderships move, it leaves the ISRs) when it misses heartbeats
    # for broker.session.timeout.ms: most of the write pause when a node dies. 9 s by default; 3 s
    # here with a heartbeat every 0.5 s, so six heartbeats in a row must go missing on a busy
    # two-core machine before a live node is fenced. When the killed node was the active
    # controller, a new one is elected first and gives every broker a fresh session: add
    # controller.quorum.fetch.timeout.ms (2 s) and the election (ADR 27, "The write pause").
    cat <<PROPS
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=3000
PROPS
  fi
}

start_node() {  # start_node N: write its properties, format its storage once, start its JVM
  local n=$1 dir; dir=$(node_dir "$1")
  mkdir -p "$dir/data" "$dir/logs"
  (umask 077; cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
controller.listener.names=CONTROLLER
$(security_properties "$n")
log.dirs=$dir/data
num.partitions=3
offsets.topic.num.partitions=10
$(replication_properties)
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
log.retention.ms=-1
PROPS
  )
  local cp="$libs/*"
  if [ ! -f "$dir/data/meta.properties" ]; then
    local scram_args=(); mapfile -t scram_args < <(scram_arguments)
    java -cp "$cp" -Dlog4j2.configurationFile="$MELDCODE_ROOT/deploy/local/kafka/log4j2.properties" \
      -Dkafka.logs.dir="$dir/logs" kafka.tools.StorageTool format -t "$(cluster_id)" \
      -c "$dir/server.properties" "${scram_args[@]}" >"$dir/logs/format.log" 2>&1
  fi
  local jvm_opts=()
  read -r -a jvm_opts <<< "$MELDCODE_KAFKA_JVM_OPTS"
  nohup java -Xms"$MELDCODE_KAFKA_HEAP" -Xmx"$MELDCODE_KAFKA_HEAP" -XX:+UseG1GC -Djava.awt.headless=true "${jvm_opts[@]}" \
    -Dlog4j2.configurationFile="$MELDCODE_ROOT/deploy/local/kafka/log4j2.properties" \
    -Dkafka.logs.dir="$dir/logs" -cp "$cp" kafka.Kafka "$dir/server.properties" \
    >"$dir/logs/stdout.log" 2>&1 &
  echo $! > "$(pidfile "$n")"
}

cluster_id() {
  # Every node of a cluster is formatted with the same id, made once.
  if [ ! -f "$run/cluster.id" ]; then
    java -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1 > "$run/cluster.id"
  fi
  cat "$run/cluster.id"
}

start() {
  if [ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]; then
    echo "kafka: using the broker at KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS" >&2
    wait_ready "$KAFKA_BOOTSTRAP_SERVERS"; return
  fi
  if running; then wait_ready "$address" 90 "$brokers"; apply_acls; echo "kafka: already running at $address" >&2; return; fi
  fetch
  mkdir -p "$run"
  if [ "$MELDCODE_KAFKA_TLS" = 1 ]; then make_tls; fi
  if scram; then make_credentials; fi
  local n
  for n in $(seq 1 "$brokers"); do node_running "$n" || start_node "$n"; done
  if ! wait_ready "$address" 90 "$brokers"; then
    echo "kafka: not every node became ready; last lines of the server logs:" >&2
    for n in $(seq 1 "$brokers"); do
      tail -n 30 "$(node_dir "$n")/logs/server.log" "$(node_dir "$n")/logs/stdout.log" >&2 || true
    done
    exit 1
  fi
  apply_acls
  echo "kafka: ready at $address ($(client_protocol), $brokers node(s))" >&2
}

stop_node() {
  local f; f=$(pidfile "$1")
  if ! node_running "$1"; then rm -f "$f"; return 0; fi
  local pid; pid=$(cat "$f")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$f"
}

stop() {
  local n stopped=0
  for n in $(seq "$brokers" -1 1); do
    if node_running "$n"; then stopped=1; fi
    stop_node "$n"
  done
  if [ "$stopped" = 1 ]; then echo "kafka: stopped" >&2; fi
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running at $address"; else echo "stopped"; exit 3; fi ;;
  address) echo "${KAFKA_BOOTSTRAP_SERVERS:-$address}" ;;
  pid) node_running "${2:-1}" && cat "$(pidfile "${2:-1}")" || { echo "kafka: node ${2:-1} is not running" >&2; exit 3; } ;;
  credentials)
    if ! scram && tls; then echo "$tls_dir/client.env"; exit 0; fi
    scram || { echo "kafka: MELDCODE_KAFKA_AUTH is not scram and there is no TLS (or an outside broker is used)" >&2; exit 3; }
    [ -f "$credentials/${2:-}.env" ] || { echo "kafka: no credentials for '${2:-}' in $credentials" >&2; exit 1; }
    echo "$credentials/$2.env" ;;
  *) echo "usage: $0 fetch|start|stop|status|address|pid [NODE]|credentials PRINCIPAL" >&2; exit 2 ;;
esac
